using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Redwood.SocketIO.Engine;

/// <summary>
/// The Kestrel connection's pipes as the one duplex stream <see cref="System.Net.WebSockets.WebSocket.CreateFromStream(Stream, System.Net.WebSockets.WebSocketCreationOptions)"/>
/// needs. Zero-byte reads wait for data without consuming it, so an idle WebSocket holds no receive buffer.
/// </summary>
internal sealed class DuplexPipeStream(IDuplexPipe pipe) : Stream
{
    private volatile bool _disposed;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return pipe.Input.TryRead(out var result) ? new ValueTask<int>(Consume(result, buffer.Span)) : ReadSlowAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var flush = pipe.Output.WriteAsync(buffer, cancellationToken);
        if (flush.IsCompletedSuccessfully)
        {
            ThrowIfCanceled(flush.Result.IsCanceled);
            return default;
        }

        return AwaitFlushAsync(flush);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;

            // WebSocket.Abort disposes the stream; a read pending in the pipe has to be woken explicitly.
            pipe.Input.CancelPendingRead();
        }

        base.Dispose(disposing);
    }

    private static void ThrowIfCanceled(bool canceled)
    {
        if (canceled)
        {
            throw new OperationCanceledException();
        }
    }

    private static async ValueTask AwaitFlushAsync(ValueTask<FlushResult> flush)
        => ThrowIfCanceled((await flush.ConfigureAwait(false)).IsCanceled);

    private int Consume(ReadResult result, Span<byte> destination)
    {
        var buffer = result.Buffer;
        if (result.IsCanceled)
        {
            pipe.Input.AdvanceTo(buffer.Start);
            throw new OperationCanceledException();
        }

        var count = (int)Math.Min(buffer.Length, destination.Length);
        if (count == 0)
        {
            // A zero-byte read only waits: nothing is consumed or examined, so the next read returns at once.
            pipe.Input.AdvanceTo(buffer.Start);
            return 0;
        }

        var consumed = buffer.GetPosition(count);
        buffer.Slice(0, count).CopyTo(destination);
        pipe.Input.AdvanceTo(consumed);
        return count;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadSlowAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var result = await pipe.Input.ReadAsync(cancellationToken).ConfigureAwait(false);
        return Consume(result, buffer.Span);
    }
}
