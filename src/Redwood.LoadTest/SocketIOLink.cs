using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Redwood.LoadTest;

/// <summary>
/// One Socket.IO link as the Unreal plugin opens it: WebSocket transport only, <c>40</c> to the Director and <c>40{}</c>
/// to a Realm, one JSON object per emit, acks matched by id, pushes kept until asked for, pings answered.
/// </summary>
internal sealed class SocketIOLink : IAsyncDisposable
{
    // The plugin's ack ids come from one process-wide counter shared by all its sockets.
    private static long s_nextAck;

    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly Channel<(string Event, JsonElement Payload)> _pushes = Channel.CreateUnbounded<(string, JsonElement)>();
    private readonly List<(string Event, JsonElement Payload)> _kept = [];
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private Task _receiving = Task.CompletedTask;
    private byte[] _receiveBuffer = new byte[2048];

    public static async Task<SocketIOLink> ConnectAsync(Uri server, bool withAuthObject, CancellationToken cancellationToken)
    {
        var link = new SocketIOLink();
        link._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            await link._socket.ConnectAsync(new Uri(server, "/socket.io/?EIO=4&transport=websocket"), cancellationToken);
            var open = await link.ReceiveTextAsync(cancellationToken);
            if (open is null || !open.StartsWith('0'))
            {
                throw new LoadTestException("protocol", "expected the Engine.IO open packet, got " + open);
            }

            await link.SendTextAsync(withAuthObject ? "40{}" : "40", cancellationToken);
            var connected = await link.ReceiveTextAsync(cancellationToken);
            if (connected is null || !connected.StartsWith("40{", StringComparison.Ordinal))
            {
                throw new LoadTestException("protocol", "expected 40{\"sid\":...}, got " + connected);
            }
        }
        catch
        {
            await link.DisposeAsync();
            throw;
        }

        link._receiving = link.ReceiveLoopAsync();
        return link;
    }

    /// <summary>Emits with an ack and returns the ack's first argument; a non-empty <c>error</c> throws.</summary>
    public async Task<JsonElement> RequestAsync(string eventName, string payloadJson, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref s_nextAck);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        try
        {
            await SendTextAsync($"42{id}[\"{eventName}\",{payloadJson}]", cancellationToken);
            var ack = await reply.Task.WaitAsync(cancellationToken);
            var error = ack.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            return string.IsNullOrEmpty(error) ? ack : throw new LoadTestException("refused: " + eventName, error);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Emits without an ack.</summary>
    public Task EmitAsync(string eventName, string payloadJson, CancellationToken cancellationToken) =>
        SendTextAsync($"42[\"{eventName}\",{payloadJson}]", cancellationToken);

    /// <summary>
    /// Waits for a push of <paramref name="eventName"/>; a <c>realm:ticketing:ticket-error</c> meanwhile throws, and each
    /// <c>realm:ticketing:update</c> meanwhile goes to <paramref name="onUpdate"/>.
    /// </summary>
    public async Task<JsonElement> NextPushAsync(string eventName, CancellationToken cancellationToken, Action<string>? onUpdate = null)
    {
        var kept = _kept.FindIndex(p => p.Event == eventName);
        if (kept >= 0)
        {
            var found = _kept[kept];
            _kept.RemoveAt(kept);
            return found.Payload;
        }

        while (true)
        {
            (string Event, JsonElement Payload) push;
            try
            {
                push = await _pushes.Reader.ReadAsync(cancellationToken);
            }
            catch (ChannelClosedException e) when (e.InnerException is LoadTestException closed)
            {
                throw new LoadTestException(closed.Kind, closed.Message);
            }

            if (push.Event == eventName)
            {
                return push.Payload;
            }

            if (push.Event == "realm:ticketing:ticket-error")
            {
                throw new LoadTestException("ticket error", push.Payload.TryGetProperty("error", out var e) ? e.ToString() : push.Payload.ToString());
            }

            if (push.Event == "realm:ticketing:update")
            {
                onUpdate?.Invoke(push.Payload.TryGetProperty("message", out var m) ? m.GetString() ?? string.Empty : string.Empty);
            }
            else
            {
                _kept.Add(push);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, bounded.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer may already be gone; closing is best effort.
        }

        _socket.Abort();
        await _receiving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _closing.Dispose();
        _sendLock.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        Exception failure = new LoadTestException("disconnected", "the server closed the connection");
        try
        {
            while (await ReceiveTextAsync(_closing.Token) is { } packet)
            {
                if (packet == "2")
                {
                    await SendTextAsync("3", _closing.Token);
                }
                else if (packet.StartsWith("43", StringComparison.Ordinal))
                {
                    var bracket = packet.IndexOf('[', StringComparison.Ordinal);
                    if (bracket > 2 && long.TryParse(packet.AsSpan(2, bracket - 2), out var id) && _pending.TryGetValue(id, out var reply))
                    {
                        using var document = JsonDocument.Parse(packet.AsMemory(bracket));
                        reply.TrySetResult(document.RootElement[0].Clone());
                    }
                }
                else if (packet.StartsWith("42", StringComparison.Ordinal))
                {
                    var bracket = packet.IndexOf('[', StringComparison.Ordinal);
                    using var document = JsonDocument.Parse(packet.AsMemory(bracket));
                    var arguments = document.RootElement;
                    var payload = arguments.GetArrayLength() > 1 ? arguments[1].Clone() : default;
                    _pushes.Writer.TryWrite((arguments[0].GetString()!, payload));
                }
                else if (packet.StartsWith("41", StringComparison.Ordinal))
                {
                    failure = new LoadTestException("disconnected", "the server ended the namespace (41)");
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is WebSocketException or JsonException or LoadTestException)
        {
            failure = new LoadTestException("disconnected", e.Message);
        }

        foreach (var reply in _pending.Values)
        {
            reply.TrySetException(failure);
        }

        _pushes.Writer.TryComplete(failure);
    }

    private async Task SendTextAsync(string text, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    // One reader at a time (the handshake, then the receive loop): the buffer is reused, and grows for a larger message.
    private async Task<string?> ReceiveTextAsync(CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            if (length == _receiveBuffer.Length)
            {
                Array.Resize(ref _receiveBuffer, _receiveBuffer.Length * 2);
            }

            var result = await _socket.ReceiveAsync(_receiveBuffer.AsMemory(length), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(_receiveBuffer, 0, length);
            }
        }
    }
}

/// <summary>A failure of one step, classified by <see cref="Kind"/> for the report's error table.</summary>
internal sealed class LoadTestException(string kind, string message) : Exception(message)
{
    public string Kind { get; } = kind;
}
