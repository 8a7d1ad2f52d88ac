using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Redwood.SocketIO.Protocol;

/// <summary>Socket.IO packet types (protocol v5).</summary>
internal enum PacketType : byte
{
    Connect = 0,
    Disconnect = 1,
    Event = 2,
    Ack = 3,
    ConnectError = 4,
    BinaryEvent = 5,
    BinaryAck = 6,
}

/// <summary>Encodes Socket.IO packets into Engine.IO message packets (<c>4</c> + Socket.IO packet) in pooled buffers.</summary>
internal static class PacketEncoder
{
    private const int MaxHeaderWithoutNamespace = 1 + 1 + 11 + 1 + 20;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    [ThreadStatic]
    private static PooledBufferWriter? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Encodes an EVENT (<paramref name="eventName"/> not null) or ACK packet; binary values become attachments.</summary>
    public static OutboundPacket EncodeMessage(
        PacketType type,
        string @namespace,
        long ackId,
        string? eventName,
        ReadOnlySpan<object?> args,
        JsonSerializerOptions options)
    {
        var headroom = MaxHeaderWithoutNamespace + (@namespace == "/" ? 0 : Encoding.UTF8.GetByteCount(@namespace) + 1);
        var buffer = t_buffer ??= new PooledBufferWriter();
        buffer.Start(512, headroom);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        writer.Reset(buffer);
        BinaryAttachments.BeginWrite();
        ReadOnlyMemory<byte>[]? attachments;
        try
        {
            writer.WriteStartArray();
            if (eventName is not null)
            {
                writer.WriteStringValue(eventName);
            }

            foreach (var arg in args)
            {
                WriteValue(writer, arg, options);
            }

            writer.WriteEndArray();
            writer.Flush();
            attachments = BinaryAttachments.EndWrite();
        }
        catch
        {
            writer.Reset(Stream.Null);
            BinaryAttachments.EndWrite();
            buffer.Abandon();
            throw;
        }

        if (attachments is not null)
        {
            type = type == PacketType.Ack ? PacketType.BinaryAck : PacketType.BinaryEvent;
        }

        Span<byte> header = stackalloc byte[headroom];
        var headerLength = WriteHeader(header, type, attachments?.Length ?? 0, @namespace, ackId);
        var end = buffer.WrittenCount;
        var bytes = buffer.Detach();
        writer.Reset(Stream.Null);
        var start = headroom - headerLength;
        header[..headerLength].CopyTo(bytes.AsSpan(start));
        return new OutboundPacket(bytes, start, end - start, pooled: true, attachments);
    }

    /// <summary>Encodes a packet whose payload is already JSON (CONNECT reply, CONNECT_ERROR) or empty (DISCONNECT).</summary>
    public static OutboundPacket EncodeRaw(PacketType type, string @namespace, ReadOnlySpan<byte> json)
    {
        var headroom = MaxHeaderWithoutNamespace + (@namespace == "/" ? 0 : Encoding.UTF8.GetByteCount(@namespace) + 1);
        var bytes = new byte[headroom + json.Length];
        var length = WriteHeader(bytes, type, 0, @namespace, -1);
        json.CopyTo(bytes.AsSpan(length));
        return new OutboundPacket(bytes, 0, length + json.Length, pooled: false, attachments: null);
    }

    public static byte[] EncodeJsonObject(string propertyName, string value)
    {
        using var stream = new MemoryStream(64);
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString(propertyName, value);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static int WriteHeader(Span<byte> destination, PacketType type, int attachments, string @namespace, long ackId)
    {
        destination[0] = (byte)'4';
        destination[1] = (byte)('0' + (byte)type);
        var length = 2;
        if (type is PacketType.BinaryEvent or PacketType.BinaryAck)
        {
            Utf8Formatter.TryFormat(attachments, destination[length..], out var written);
            length += written;
            destination[length++] = (byte)'-';
        }

        if (@namespace != "/")
        {
            length += Encoding.UTF8.GetBytes(@namespace, destination[length..]);
            destination[length++] = (byte)',';
        }

        if (ackId >= 0)
        {
            Utf8Formatter.TryFormat(ackId, destination[length..], out var written);
            length += written;
        }

        return length;
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value, JsonSerializerOptions options)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case int number:
                writer.WriteNumberValue(number);
                break;
            case long number:
                writer.WriteNumberValue(number);
                break;
            case double number:
                writer.WriteNumberValue(number);
                break;
            case byte[] data:
                BinaryAttachments.WritePlaceholder(writer, data);
                break;
            case ReadOnlyMemory<byte> data:
                BinaryAttachments.WritePlaceholder(writer, data);
                break;
            case Memory<byte> data:
                BinaryAttachments.WritePlaceholder(writer, data);
                break;
            case ArraySegment<byte> data:
                BinaryAttachments.WritePlaceholder(writer, data);
                break;
            case JsonDocument document:
                document.RootElement.WriteTo(writer);
                break;
            default:
                JsonSerializer.Serialize(writer, value, value.GetType(), options);
                break;
        }
    }
}
