using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;

namespace Redwood.Benchmarks.GameServers;

/// <summary>
/// A Socket.IO client with many requests in flight on one connection, as a game server's socket B carries the
/// <c>player-auth</c> checks of every player joining at once: one reader completes each request by its ack id.
/// </summary>
internal sealed class PipelinedClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<string>> _pending = new();
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _reader = Task.CompletedTask;
    private long _nextAck;

    public static async Task<PipelinedClient> ConnectAsync(Uri server, CancellationToken cancellationToken)
    {
        var client = new PipelinedClient();
        client._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await client._socket.ConnectAsync(new Uri(server, "/socket.io/?EIO=4&transport=websocket"), cancellationToken);
        var buffer = new byte[64 * 1024];
        if (!(await client.ReceiveAsync(buffer, cancellationToken)).StartsWith('0'))
        {
            throw new InvalidOperationException("expected the Engine.IO OPEN packet");
        }

        await client.SendAsync("40", cancellationToken);
        if (!(await client.ReceiveAsync(buffer, cancellationToken)).StartsWith("40{", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("expected the CONNECT reply");
        }

        client._reader = client.ReadAsync(buffer);
        return client;
    }

    /// <summary>Emits <paramref name="eventName"/> with an ack and returns the ack's argument list text.</summary>
    public async Task<string> RequestAsync(string eventName, string payloadJson, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextAck);
        var reply = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        await SendAsync($"42{id}[\"{eventName}\",{payloadJson}]", cancellationToken);
        return await reply.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Abort();
        try
        {
            await _reader;
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Closing.
        }

        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task ReadAsync(byte[] buffer)
    {
        while (!_stop.IsCancellationRequested)
        {
            var packet = await ReceiveAsync(buffer, _stop.Token);
            if (packet == "2")
            {
                await SendAsync("3", _stop.Token);
                continue;
            }

            if (!packet.StartsWith("43", StringComparison.Ordinal))
            {
                continue;
            }

            var bracket = packet.IndexOf('[', StringComparison.Ordinal);
            if (bracket > 2 && long.TryParse(packet.AsSpan(2, bracket - 2), out var id) && _pending.TryRemove(id, out var reply))
            {
                reply.TrySetResult(packet[bracket..]);
            }
        }
    }

    private async Task SendAsync(string text, CancellationToken cancellationToken)
    {
        await _send.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken);
        }
        finally
        {
            _send.Release();
        }
    }

    private async Task<string> ReceiveAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException("the server closed the connection");
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(buffer, 0, length);
            }

            if (length == buffer.Length)
            {
                throw new InvalidOperationException("packet larger than the client buffer");
            }
        }
    }
}
