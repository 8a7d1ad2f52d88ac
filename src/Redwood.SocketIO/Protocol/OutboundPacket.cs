using System.Buffers;
using System.Text;

namespace Redwood.SocketIO.Protocol;

/// <summary>
/// One encoded Engine.IO packet (text frame plus optional binary attachments) waiting in outbound queues.
/// Broadcasts share one instance between recipients, so the pooled buffer is reference counted.
/// </summary>
internal sealed class OutboundPacket
{
    public static readonly OutboundPacket Ping = FromText("2");
    public static readonly OutboundPacket Noop = FromText("6");
    public static readonly OutboundPacket CloseTransport = new([], 0, 0, pooled: false, attachments: null, isCloseMarker: true);

    private readonly byte[] _buffer;
    private readonly int _offset;
    private readonly int _length;
    private readonly bool _pooled;
    private int _references = 1;

    public OutboundPacket(byte[] buffer, int offset, int length, bool pooled, ReadOnlyMemory<byte>[]? attachments, bool isCloseMarker = false)
    {
        _buffer = buffer;
        _offset = offset;
        _length = length;
        _pooled = pooled;
        Attachments = attachments;
        IsCloseMarker = isCloseMarker;
    }

    /// <summary>The Engine.IO text packet, starting with its type character.</summary>
    public ReadOnlyMemory<byte> Text => _buffer.AsMemory(_offset, _length);

    public ReadOnlyMemory<byte>[]? Attachments { get; }

    /// <summary>Not a packet: tells the WebSocket writer to send a normal close frame once everything before it is sent.</summary>
    public bool IsCloseMarker { get; }

    public static OutboundPacket FromText(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return new OutboundPacket(bytes, 0, bytes.Length, pooled: false, attachments: null);
    }

    public void AddReference()
    {
        if (_pooled)
        {
            Interlocked.Increment(ref _references);
        }
    }

    public void Release()
    {
        if (_pooled && Interlocked.Decrement(ref _references) == 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }
}
