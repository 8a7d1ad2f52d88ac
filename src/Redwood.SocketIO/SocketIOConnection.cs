using System.Security.Cryptography;
using System.Buffers.Text;
using System.Text.Json;
using Redwood.SocketIO.Engine;
using Redwood.SocketIO.Protocol;
using Redwood.SocketIO.Diagnostics;

namespace Redwood.SocketIO;

/// <summary>
/// The Socket.IO side of one Engine.IO session (Node's <c>Client</c>): decodes packets, reassembles binary
/// packets and multiplexes namespaces. Decoding runs on the transport's single reader.
/// </summary>
internal sealed class SocketIOConnection(SocketIOServer server, EngineSession engine)
{
    private static readonly JsonElement EmptyObject = JsonElement.Parse("{}");
    private static readonly HashSet<string> ReservedEvents =
        ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"];

    private readonly Lock _gate = new();
    private Dictionary<string, SocketIOSocket>? _sockets;
    private Dictionary<string, SocketIOSocket>? _connecting;
    private PendingBinary? _pending;
    private bool _closed;

    public EngineSession Engine => engine;

    public bool HasNamespaces
    {
        get
        {
            lock (_gate)
            {
                return _sockets is { Count: > 0 } || _connecting is { Count: > 0 };
            }
        }
    }

    public static string NewId()
    {
        Span<byte> random = stackalloc byte[15];
        RandomNumberGenerator.Fill(random);
        return Base64Url.EncodeToString(random);
    }

    public void OnText(ReadOnlySpan<byte> data)
    {
        if (_pending is not null)
        {
            throw new MalformedPacketException("got plaintext data when reconstructing a packet");
        }

        var packet = PacketParser.Parse(data, server.Options.MaxAttachments);
        if (packet.Attachments > 0)
        {
            _pending = new PendingBinary(packet);
            return;
        }

        Dispatch(packet, []);
    }

    public void OnBinary(ReadOnlySpan<byte> data)
    {
        if (_pending is not { } pending)
        {
            throw new MalformedPacketException("got binary data when not reconstructing a packet");
        }

        pending.Attachments.Add(data.ToArray());
        if (pending.Attachments.Count == pending.Packet.Attachments)
        {
            _pending = null;
            Dispatch(pending.Packet, [.. pending.Attachments]);
        }
    }

    public void Send(OutboundPacket packet) => engine.Send(packet);

    /// <summary>Disconnects every socket of this connection, as a DISCONNECT from the server, then closes the session.</summary>
    public void DisconnectAll()
    {
        foreach (var socket in Snapshot())
        {
            socket.DisconnectFromServer();
        }

        engine.Close(DisconnectReasons.ForcedClose);
    }

    public void OnEngineClosed(string reason)
    {
        List<SocketIOSocket>? connecting;
        lock (_gate)
        {
            _closed = true;
            connecting = _connecting?.Values.ToList();
            _connecting = null;
        }

        foreach (var socket in Snapshot())
        {
            socket.OnClosed(reason);
        }

        if (connecting is not null)
        {
            foreach (var socket in connecting)
            {
                socket.Abandon();
            }
        }
    }

    public void Remove(SocketIOSocket socket)
    {
        lock (_gate)
        {
            if (_sockets is not null && _sockets.TryGetValue(socket.Namespace.Name, out var current) && current == socket)
            {
                _sockets.Remove(socket.Namespace.Name);
            }
        }
    }

    private List<SocketIOSocket> Snapshot()
    {
        lock (_gate)
        {
            return _sockets is null ? [] : [.. _sockets.Values];
        }
    }

    private SocketIOSocket? Find(string name)
    {
        lock (_gate)
        {
            return _sockets is not null && _sockets.TryGetValue(name, out var socket) ? socket : null;
        }
    }

    private void Dispatch(DecodedPacket packet, ReadOnlyMemory<byte>[] attachments)
    {
        switch (packet.Type)
        {
            case PacketType.Connect:
                Connect(packet.Namespace, packet.Payload ?? EmptyObject);
                break;
            case PacketType.Disconnect:
                Find(packet.Namespace)?.OnClientDisconnect();
                break;
            case PacketType.Event or PacketType.BinaryEvent:
                var payload = packet.Payload!.Value;
                var nameElement = payload[0];
                var eventName = nameElement.ValueKind == JsonValueKind.String ? EventNameOf(nameElement) : nameElement.GetRawText();
                if (ReservedEvents.Contains(eventName))
                {
                    throw new MalformedPacketException("reserved event name");
                }

                var args = new JsonElement[payload.GetArrayLength() - 1];
                var index = 0;
                foreach (var item in payload.EnumerateArray())
                {
                    if (index > 0)
                    {
                        args[index - 1] = item;
                    }

                    index++;
                }

                // Packets for a namespace this client has not (or no longer) joined are dropped rather than
                // closing the whole connection, so events racing a server-side disconnect do no harm.
                Find(packet.Namespace)?.OnEvent(new SocketIOMessage(eventName, args, packet.AckId >= 0, attachments, server.BinaryOptions), packet.AckId);
                break;
            case PacketType.Ack or PacketType.BinaryAck:
                var ackArgs = packet.Payload!.Value.EnumerateArray().ToArray();
                Find(packet.Namespace)?.OnAck(packet.AckId, new SocketIOMessage(string.Empty, ackArgs, false, attachments, server.BinaryOptions));
                break;
            default:
                throw new MalformedPacketException("unexpected packet type from client");
        }
    }

    private string EventNameOf(JsonElement element)
    {
        try
        {
            return server.EventNameOf(element);
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape (\ud800) is valid JSON but not a string .NET can hold.
            throw new MalformedPacketException("invalid event name");
        }
    }

    private void Connect(string name, JsonElement auth)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            if ((_sockets?.ContainsKey(name) ?? false) || (_connecting?.ContainsKey(name) ?? false))
            {
                throw new MalformedPacketException("CONNECT for a namespace already joined");
            }
        }

        var ns = server.ResolveNamespace(name);
        if (ns is null)
        {
            Refuse(name, "Invalid namespace");
            return;
        }

        var socket = new SocketIOSocket(ns, this, auth, NewId());
        if (!ns.HasMiddleware)
        {
            Accept(socket);
            return;
        }

        lock (_gate)
        {
            (_connecting ??= new Dictionary<string, SocketIOSocket>(StringComparer.Ordinal))[name] = socket;
        }

        _ = Task.Run(() => RunMiddlewareAsync(socket));
    }

    private async Task RunMiddlewareAsync(SocketIOSocket socket)
    {
        var ns = socket.Namespace;
        string? refusal = null;
        try
        {
            foreach (var middleware in ns.Middlewares)
            {
                refusal = await middleware(socket, socket.DisconnectToken).ConfigureAwait(false);
                if (refusal is not null)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            Log.MiddlewareFailed(server.Logger, ex, LogText.Clip(ns.Name)!);
            refusal = "Internal server error";
        }

        lock (_gate)
        {
            if (_connecting is null || !_connecting.Remove(ns.Name) || _closed)
            {
                return;
            }
        }

        if (refusal is not null)
        {
            socket.Abandon();
            Refuse(ns.Name, refusal);
            return;
        }

        Accept(socket);
    }

    private void Refuse(string name, string message)
    {
        Log.ConnectRefused(server.Logger, LogText.Clip(name)!, message);
        Send(PacketEncoder.EncodeRaw(PacketType.ConnectError, name, PacketEncoder.EncodeJsonObject("message", message)));
    }

    private void Accept(SocketIOSocket socket)
    {
        lock (_gate)
        {
            if (_closed)
            {
                socket.Abandon();
                return;
            }

            socket.MarkConnected();
            (_sockets ??= new Dictionary<string, SocketIOSocket>(StringComparer.Ordinal))[socket.Namespace.Name] = socket;
        }

        // The CONNECT reply is queued before the socket becomes visible to broadcasts, so it is always the first packet.
        Send(PacketEncoder.EncodeRaw(PacketType.Connect, socket.Namespace.Name, PacketEncoder.EncodeJsonObject("sid", socket.Id)));
        socket.Namespace.Add(socket);
        if (!socket.IsConnected)
        {
            socket.Namespace.Remove(socket);
            return;
        }

        Log.SocketConnected(server.Logger, socket.Id, socket.Namespace.Name);
        socket.OnConnected();
    }

    private sealed class PendingBinary(DecodedPacket packet)
    {
        public DecodedPacket Packet { get; } = packet;

        public List<ReadOnlyMemory<byte>> Attachments { get; } = [];
    }
}
