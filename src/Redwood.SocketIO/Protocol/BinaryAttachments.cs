using System.Text.Json;
using System.Text.Json.Serialization;

namespace Redwood.SocketIO.Protocol;

/// <summary>
/// Turns binary values into Socket.IO placeholders while a packet is serialized, and back while a message is bound.
/// Serialization is synchronous, so the ambient state is thread-static.
/// </summary>
internal static class BinaryAttachments
{
    [ThreadStatic]
    private static List<ReadOnlyMemory<byte>>? t_outgoing;

    [ThreadStatic]
    private static IReadOnlyList<ReadOnlyMemory<byte>>? t_incoming;

    /// <summary>Copies <paramref name="options"/> and adds converters for byte[] and byte memories.</summary>
    public static JsonSerializerOptions CreateOptions(JsonSerializerOptions options)
    {
        var copy = new JsonSerializerOptions(options);
        copy.Converters.Insert(0, new PlaceholderConverter<byte[]>(m => m.ToArray(), v => v));
        copy.Converters.Insert(0, new PlaceholderConverter<ReadOnlyMemory<byte>>(m => m, v => v));
        copy.Converters.Insert(0, new PlaceholderConverter<Memory<byte>>(m => m.ToArray(), v => v));
        copy.Converters.Insert(0, new PlaceholderConverter<ArraySegment<byte>>(m => new ArraySegment<byte>(m.ToArray()), v => v));
        copy.MakeReadOnly(populateMissingResolver: true);
        return copy;
    }

    public static void BeginWrite() => (t_outgoing ??= []).Clear();

    /// <summary>Returns the attachments collected since <see cref="BeginWrite"/>, or null when there were none.</summary>
    public static ReadOnlyMemory<byte>[]? EndWrite()
    {
        var list = t_outgoing;
        if (list is null || list.Count == 0)
        {
            return null;
        }

        var result = list.ToArray();
        list.Clear();
        return result;
    }

    public static void WritePlaceholder(Utf8JsonWriter writer, ReadOnlyMemory<byte> data)
    {
        var list = t_outgoing ??= [];
        writer.WriteStartObject();
        writer.WriteBoolean("_placeholder"u8, true);
        writer.WriteNumber("num"u8, list.Count);
        writer.WriteEndObject();
        list.Add(data);
    }

    public static T? Deserialize<T>(JsonElement element, IReadOnlyList<ReadOnlyMemory<byte>> attachments, JsonSerializerOptions options)
    {
        var previous = t_incoming;
        t_incoming = attachments;
        try
        {
            return element.Deserialize<T>(options);
        }
        finally
        {
            t_incoming = previous;
        }
    }

    public static bool TryResolve(JsonElement value, IReadOnlyList<ReadOnlyMemory<byte>> attachments, out ReadOnlyMemory<byte> data)
    {
        data = default;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("_placeholder"u8, out var flag) || flag.ValueKind != JsonValueKind.True
            || !value.TryGetProperty("num"u8, out var num) || !num.TryGetInt32(out var index)
            || index < 0 || index >= attachments.Count)
        {
            return false;
        }

        data = attachments[index];
        return true;
    }

    private sealed class PlaceholderConverter<T>(Func<ReadOnlyMemory<byte>, T> fromMemory, Func<T, ReadOnlyMemory<byte>> toMemory) : JsonConverter<T>
    {
        public override bool HandleNull => false;

        public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                return fromMemory(reader.GetBytesFromBase64());
            }

            var element = JsonElement.ParseValue(ref reader);
            if (t_incoming is { } incoming && TryResolve(element, incoming, out var data))
            {
                return fromMemory(data);
            }

            throw new JsonException("Expected a binary placeholder or a base64 string.");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
            => WritePlaceholder(writer, toMemory(value));
    }
}
