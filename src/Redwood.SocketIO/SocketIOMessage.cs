using System.Text.Json;
using Redwood.SocketIO.Protocol;

namespace Redwood.SocketIO;

/// <summary>One event (or ack) received from a client. Binary placeholders stay in <see cref="Args"/> unchanged.</summary>
public sealed class SocketIOMessage
{
    private readonly JsonSerializerOptions _options;

    internal SocketIOMessage(string eventName, JsonElement[] args, bool wantsAck, ReadOnlyMemory<byte>[] attachments, JsonSerializerOptions options)
    {
        Event = eventName;
        Args = args;
        WantsAck = wantsAck;
        Attachments = attachments;
        _options = options;
    }

    /// <summary>Event name (empty for acks).</summary>
    public string Event { get; }

    /// <summary>Arguments after the event name, as sent.</summary>
    public IReadOnlyList<JsonElement> Args { get; }

    /// <summary>True when the client expects an ack.</summary>
    public bool WantsAck { get; }

    /// <summary>Binary attachments referenced by <c>{"_placeholder":true,"num":i}</c> objects.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Attachments { get; }

    /// <summary>Work registered with <see cref="AfterAck"/>, run by the socket's dispatcher.</summary>
    internal List<Func<ValueTask>>? AfterAckCallbacks { get; private set; }

    /// <summary>
    /// Runs <paramref name="callback"/> once the handler's ack has been queued (or right after the handler when no ack
    /// was requested), before the socket's next event is dispatched. Use it for a push that must follow the ack.
    /// </summary>
    public void AfterAck(Func<ValueTask> callback) => (AfterAckCallbacks ??= []).Add(callback);

    /// <summary>
    /// Deserializes argument <paramref name="index"/> with the server's serializer options (lenient integers);
    /// <c>byte[]</c>/<c>ReadOnlyMemory&lt;byte&gt;</c> members bind to attachments. Missing arguments give default.
    /// </summary>
    public T? Bind<T>(int index = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return index < Args.Count ? BinaryAttachments.Deserialize<T>(Args[index], Attachments, _options) : default;
    }

    /// <summary>Resolves a placeholder object to its attachment.</summary>
    public bool TryGetBinary(JsonElement value, out ReadOnlyMemory<byte> data) => BinaryAttachments.TryResolve(value, Attachments, out data);

    /// <summary>
    /// Returns <paramref name="value"/> in a form that can be emitted again with its binary data: the element itself
    /// when it holds no placeholder, otherwise a tree of dictionaries and lists with attachments in place of placeholders.
    /// </summary>
    public object? ResolveBinary(JsonElement value)
    {
        if (Attachments.Count == 0 || !ContainsPlaceholder(value))
        {
            return value;
        }

        if (TryGetBinary(value, out var data))
        {
            return data;
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            var list = new List<object?>(value.GetArrayLength());
            foreach (var item in value.EnumerateArray())
            {
                list.Add(ResolveBinary(item));
            }

            return list;
        }

        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            map[property.Name] = ResolveBinary(property.Value);
        }

        return map;
    }

    /// <summary><see cref="Args"/> passed through <see cref="ResolveBinary"/>, ready to be emitted or acked again.</summary>
    public object?[] ResolveBinaryArgs()
    {
        var result = new object?[Args.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = ResolveBinary(Args[i]);
        }

        return result;
    }

    private bool ContainsPlaceholder(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                if (TryGetBinary(value, out _))
                {
                    return true;
                }

                foreach (var property in value.EnumerateObject())
                {
                    if (ContainsPlaceholder(property.Value))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (ContainsPlaceholder(item))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }
}
