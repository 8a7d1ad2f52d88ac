using System.Net.WebSockets;
using System.Text;

namespace Redwood.Realm.Tests.Support;

/// <summary>A bare Engine.IO/Socket.IO WebSocket client that exposes the exact order of the frames it receives.</summary>
public sealed class RawSocketIO : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();

    public static async Task<RawSocketIO> ConnectAsync(Uri server)
    {
        var client = new RawSocketIO();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await client._socket.ConnectAsync(new Uri($"ws://{server.Host}:{server.Port}/socket.io/?EIO=4&transport=websocket&t=1"), timeout.Token);
        Assert.StartsWith("0", await client.ReceiveAsync());
        await client.SendAsync("40{}");
        Assert.StartsWith("40", await client.ReceiveAsync());
        return client;
    }

    public Task SendAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next Socket.IO frame (server pings are answered and skipped).</summary>
    public async Task<string> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var buffer = new byte[64 * 1024];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer, timeout.Token);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            var text = Encoding.UTF8.GetString(message.ToArray());
            if (text == "2")
            {
                await SendAsync("3");
                continue;
            }

            return text;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Already closed.
        }

        _socket.Dispose();
    }
}
