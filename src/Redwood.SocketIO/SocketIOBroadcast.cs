using Redwood.SocketIO.Protocol;

namespace Redwood.SocketIO;

/// <summary>A broadcast target: sockets of a namespace in any of the selected rooms, minus the excluded rooms.</summary>
public sealed class SocketIOBroadcast
{
    private readonly SocketIONamespace _namespace;
    private readonly string[] _rooms;
    private readonly string[] _except;

    internal SocketIOBroadcast(SocketIONamespace ns, string[] rooms, string[] except)
    {
        _namespace = ns;
        _rooms = rooms;
        _except = except;
    }

    /// <summary>Adds a room to the target set.</summary>
    public SocketIOBroadcast To(string room) => new(_namespace, [.. _rooms, room], _except);

    /// <summary>Excludes the sockets of a room (or a socket, by its id).</summary>
    public SocketIOBroadcast Except(string room) => new(_namespace, _rooms, [.. _except, room]);

    /// <summary>Encodes the event once and queues it for every target socket.</summary>
    public ValueTask EmitAsync(string eventName, params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        var targets = _namespace.Select(_rooms, _except);
        if (targets.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        var packet = PacketEncoder.EncodeMessage(PacketType.Event, _namespace.Name, -1, eventName, args, _namespace.Server.BinaryOptions);
        foreach (var socket in targets)
        {
            packet.AddReference();
            socket.SendShared(packet);
        }

        packet.Release();
        return ValueTask.CompletedTask;
    }
}
