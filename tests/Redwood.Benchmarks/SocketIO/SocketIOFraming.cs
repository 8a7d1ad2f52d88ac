namespace Redwood.Benchmarks.SocketIO;

/// <summary>
/// Hand-written Engine.IO v4 / Socket.IO v5 text framing for the load generator: just the packets the
/// benchmark sends and the ones it must recognise, encoded into caller-owned buffers so a round trip
/// allocates nothing.
/// </summary>
internal static class SocketIOFraming
{
    public const string EnginePath = "/socket.io/?EIO=4&transport=websocket";

    public static readonly byte[] Connect = "40"u8.ToArray();
    public static readonly byte[] Pong = "3"u8.ToArray();

    // Longest echo emit: "42" + ack id + ["echo",{"n": + ack id + }] with 19-digit ids.
    public const int MaxEchoEmitLength = 2 + 19 + 13 + 19 + 2;

    private static ReadOnlySpan<byte> EchoArgsPrefix => "[\"echo\",{\"n\":"u8;

    /// <summary>Writes <c>42&lt;id&gt;["echo",{"n":&lt;id&gt;}]</c> and returns its length.</summary>
    public static int WriteEchoEmit(Span<byte> destination, long ackId)
    {
        destination[0] = (byte)'4';
        destination[1] = (byte)'2';
        var position = 2;
        ackId.TryFormat(destination[position..], out var written, default, null);
        position += written;
        EchoArgsPrefix.CopyTo(destination[position..]);
        position += EchoArgsPrefix.Length;
        ackId.TryFormat(destination[position..], out written, default, null);
        position += written;
        destination[position++] = (byte)'}';
        destination[position++] = (byte)']';
        return position;
    }

    /// <summary>True for an ACK packet on the main namespace, <c>43&lt;id&gt;[...]</c>, giving its id.</summary>
    public static bool TryReadAckId(ReadOnlySpan<byte> packet, out long ackId)
    {
        ackId = 0;
        if (packet.Length < 4 || packet[0] != (byte)'4' || packet[1] != (byte)'3')
        {
            return false;
        }

        var position = 2;
        long id = 0;
        while (position < packet.Length && (uint)(packet[position] - '0') <= 9)
        {
            id = (id * 10) + (packet[position] - '0');
            position++;
        }

        if (position == 2 || position == packet.Length || packet[position] != (byte)'[')
        {
            return false;
        }

        ackId = id;
        return true;
    }

    public static bool IsPing(ReadOnlySpan<byte> packet) => packet.Length == 1 && packet[0] == (byte)'2';

    public static bool IsNamespaceConnected(ReadOnlySpan<byte> packet) =>
        packet.Length >= 3 && packet[0] == (byte)'4' && packet[1] == (byte)'0' && packet[2] == (byte)'{';

    public static bool IsEngineOpen(ReadOnlySpan<byte> packet) => packet.Length >= 2 && packet[0] == (byte)'0' && packet[1] == (byte)'{';
}
