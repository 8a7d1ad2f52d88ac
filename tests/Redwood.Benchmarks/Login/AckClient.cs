using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace Redwood.Benchmarks.Login;

/// <summary>
/// A minimal Socket.IO client for request/ack load: one request in flight at a time, pings answered while waiting.
/// Payloads are written the way the Unreal plugin writes them (one object argument).
/// </summary>
internal sealed class AckClient : IDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly byte[] _buffer = new byte[256 * 1024];
    private readonly List<string> _events = [];
    private long _nextAck;

    /// <summary>Connects; <paramref name="withAuthObject"/> sends <c>40{}</c> as the plugin does on a realm socket.</summary>
    public static async Task<AckClient> ConnectAsync(Uri server, CancellationToken cancellationToken, bool withAuthObject = false)
    {
        var client = new AckClient();
        client._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await client._socket.ConnectAsync(new Uri(server, "/socket.io/?EIO=4&transport=websocket"), cancellationToken);
        var open = await client.ReceiveAsync(cancellationToken);
        if (!open.StartsWith('0'))
        {
            throw new InvalidOperationException("expected the Engine.IO OPEN packet, got " + open);
        }

        await client.SendAsync(withAuthObject ? "40{}" : "40", cancellationToken);
        var connected = await client.ReceiveAsync(cancellationToken);
        if (!connected.StartsWith("40{", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("expected 40{\"sid\":...}, got " + connected);
        }

        return client;
    }

    /// <summary>Emits <paramref name="eventName"/> with an ack and returns the ack's argument list text.</summary>
    public async Task<string> RequestAsync(string eventName, string payloadJson, CancellationToken cancellationToken)
    {
        var id = ++_nextAck;
        await SendAsync($"42{id}[\"{eventName}\",{payloadJson}]", cancellationToken);
        var prefix = $"43{id}";
        while (true)
        {
            var packet = await ReceiveAsync(cancellationToken);
            if (packet == "2")
            {
                await SendAsync("3", cancellationToken);
            }
            else if (packet.StartsWith(prefix, StringComparison.Ordinal) && packet.Length > prefix.Length && packet[prefix.Length] == '[')
            {
                return packet[prefix.Length..];
            }
            else if (packet.StartsWith("42[", StringComparison.Ordinal))
            {
                _events.Add(packet[2..]);
            }
        }
    }

    /// <summary>Emits <paramref name="eventName"/> without an ack.</summary>
    public Task EmitAsync(string eventName, string payloadJson, CancellationToken cancellationToken) =>
        SendAsync($"42[\"{eventName}\",{payloadJson}]", cancellationToken);

    /// <summary>Waits for a push of <paramref name="eventName"/> (kept if it arrived while waiting for an ack); returns its argument list text.</summary>
    public async Task<string> NextEventAsync(string eventName, CancellationToken cancellationToken)
    {
        var prefix = $"[\"{eventName}\"";
        while (true)
        {
            var index = _events.FindIndex(e => e.StartsWith(prefix, StringComparison.Ordinal));
            if (index >= 0)
            {
                var found = _events[index];
                _events.RemoveAt(index);
                return found;
            }

            var packet = await ReceiveAsync(cancellationToken);
            if (packet == "2")
            {
                await SendAsync("3", cancellationToken);
            }
            else if (packet.StartsWith("42[", StringComparison.Ordinal))
            {
                _events.Add(packet[2..]);
            }
        }
    }

    public void Dispose() => _socket.Dispose();

    private Task SendAsync(string text, CancellationToken cancellationToken) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken);

    private async Task<string> ReceiveAsync(CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            var result = await _socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException("the server closed the connection");
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(_buffer, 0, length);
            }

            if (length == _buffer.Length)
            {
                throw new InvalidOperationException("packet larger than the client buffer");
            }
        }
    }
}
