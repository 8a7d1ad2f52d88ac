using System.Text;
using System.Text.Json;

namespace Redwood.SocketIO.Protocol;

/// <summary>A decoded Socket.IO packet header and JSON payload.</summary>
internal readonly record struct DecodedPacket(PacketType Type, string Namespace, long AckId, int Attachments, JsonElement? Payload);

/// <summary>Thrown for packets that do not follow the Socket.IO v5 grammar; the connection is closed.</summary>
internal sealed class MalformedPacketException(string message) : Exception(message);

/// <summary>Parses <c>&lt;type&gt;[&lt;attachments&gt;-][&lt;namespace&gt;,][&lt;ack id&gt;][&lt;JSON&gt;]</c> like Node's socket.io-parser.</summary>
internal static class PacketParser
{
    private const int MaxAckIdDigits = 15;

    public static DecodedPacket Parse(ReadOnlySpan<byte> packet, int maxAttachments)
    {
        if (packet.IsEmpty || packet[0] < '0' || packet[0] > '6')
        {
            throw new MalformedPacketException("unknown packet type");
        }

        var type = (PacketType)(packet[0] - '0');
        var index = 1;
        var attachments = 0;
        if (type is PacketType.BinaryEvent or PacketType.BinaryAck)
        {
            var dash = packet[index..].IndexOf((byte)'-');
            if (dash <= 0 || dash > 3 || !TryParseDigits(packet.Slice(index, dash), out var count))
            {
                throw new MalformedPacketException("illegal attachments");
            }

            if (count > maxAttachments)
            {
                throw new MalformedPacketException("too many attachments");
            }

            attachments = (int)count;
            index += dash + 1;
        }

        var @namespace = "/";
        if (index < packet.Length && packet[index] == '/')
        {
            var rest = packet[index..];
            var comma = rest.IndexOf((byte)',');
            var name = comma < 0 ? rest : rest[..comma];
            @namespace = name.Length == 1 ? "/" : Encoding.UTF8.GetString(name);
            index += comma < 0 ? rest.Length : comma + 1;
        }

        long ackId = -1;
        var digits = 0;
        while (index + digits < packet.Length && IsDigit(packet[index + digits]))
        {
            digits++;
        }

        if (digits > 0)
        {
            if (digits > MaxAckIdDigits || !TryParseDigits(packet.Slice(index, digits), out ackId))
            {
                throw new MalformedPacketException("invalid ack id");
            }

            index += digits;
        }

        JsonElement? payload = null;
        if (index < packet.Length)
        {
            try
            {
                var reader = new Utf8JsonReader(packet[index..]);
                payload = JsonElement.ParseValue(ref reader);
                if (reader.BytesConsumed != packet.Length - index)
                {
                    throw new MalformedPacketException("trailing data after payload");
                }

                if (packet[index..].IndexOf("\\u"u8) >= 0)
                {
                    EnsureStringsConvert(packet[index..]);
                }
            }
            catch (JsonException)
            {
                throw new MalformedPacketException("invalid payload");
            }
        }

        Validate(type, ackId, payload);
        return new DecodedPacket(type, @namespace, ackId, attachments, payload);
    }

    private static void Validate(PacketType type, long ackId, JsonElement? payload)
    {
        var valid = type switch
        {
            PacketType.Connect => payload is null || payload.Value.ValueKind == JsonValueKind.Object,
            PacketType.Disconnect => payload is null,
            PacketType.ConnectError => payload is { ValueKind: JsonValueKind.Object or JsonValueKind.String },
            PacketType.Event or PacketType.BinaryEvent => payload is { ValueKind: JsonValueKind.Array } array
                && array.GetArrayLength() > 0
                && array[0].ValueKind is JsonValueKind.String or JsonValueKind.Number,
            PacketType.Ack or PacketType.BinaryAck => ackId >= 0 && payload is { ValueKind: JsonValueKind.Array },
            _ => false,
        };

        if (!valid)
        {
            throw new MalformedPacketException("invalid payload");
        }
    }

    /// <summary>
    /// JSON allows a lone surrogate escape (<c>"\ud800"</c>) that no .NET string can hold; such a packet cannot be turned
    /// into an event, so it is malformed rather than a failure in whichever handler first reads the string.
    /// </summary>
    private static void EnsureStringsConvert(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
            {
                try
                {
                    _ = reader.GetString();
                }
                catch (InvalidOperationException)
                {
                    throw new MalformedPacketException("invalid string escape");
                }
            }
        }
    }

    private static bool IsDigit(byte value) => value is >= (byte)'0' and <= (byte)'9';

    private static bool TryParseDigits(ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        foreach (var digit in digits)
        {
            if (!IsDigit(digit))
            {
                return false;
            }

            value = (value * 10) + (digit - '0');
        }

        return true;
    }
}
