using System.Buffers;

namespace Redwood.SocketIO.Protocol;

/// <summary>An <see cref="IBufferWriter{T}"/> over ArrayPool arrays whose final buffer can be handed to a packet.</summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>
{
    private byte[] _buffer = [];
    private int _index;

    public byte[] Buffer => _buffer;

    public int WrittenCount => _index;

    /// <summary>Rents a buffer and leaves <paramref name="headroom"/> bytes free at the start for a header.</summary>
    public void Start(int initialCapacity, int headroom)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, headroom + 64));
        _index = headroom;
    }

    /// <summary>Gives up ownership of the buffer; the caller must return it to the pool.</summary>
    public byte[] Detach()
    {
        var buffer = _buffer;
        _buffer = [];
        _index = 0;
        return buffer;
    }

    public void Abandon()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = [];
        _index = 0;
    }

    public void Advance(int count) => _index += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_index);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_index);
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        data.CopyTo(GetSpan(data.Length));
        _index += data.Length;
    }

    public void Write(byte value)
    {
        GetSpan(1)[0] = value;
        _index++;
    }

    private void Ensure(int sizeHint)
    {
        if (sizeHint < 1)
        {
            sizeHint = 256;
        }

        if (_buffer.Length - _index >= sizeHint)
        {
            return;
        }

        var next = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _index + sizeHint));
        _buffer.AsSpan(0, _index).CopyTo(next);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = next;
    }
}
