using System.Net.WebSockets;
using System.Text;

namespace Redwood.SocketIO.Tests.Support;

/// <summary>A bare WebSocket client for asserting the exact Engine.IO / Socket.IO frames.</summary>
internal sealed class RawWebSocket : IAsyncDisposable
{
    private RawWebSocket(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    /// <summary>Wraps a socket connected by the caller (with custom headers).</summary>
    public static RawWebSocket Wrap(ClientWebSocket socket) => new(socket);

    public static async Task<RawWebSocket> ConnectAsync(Uri uri)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TestServer.Timeout);
        await socket.ConnectAsync(uri, timeout.Token);
        return new RawWebSocket(socket);
    }

    /// <summary>
    /// Connects, checks the OPEN packet, joins "/" with a bare <c>40</c> and returns the socket id. A ping that comes
    /// before the join's answer (short ping intervals on a busy machine) is answered, as a client does.
    /// </summary>
    public static async Task<(RawWebSocket Client, string SocketId)> ConnectAndJoinAsync(TestServer server, string connect = "40")
    {
        var client = await ConnectAsync(server.WebSocketUri());
        var open = await client.ReceiveTextAsync();
        Assert.StartsWith("0{\"sid\":", open);
        await client.SendTextAsync(connect);
        var reply = await client.ReceiveTextAsync();
        while (reply == "2")
        {
            await client.SendTextAsync("3");
            reply = await client.ReceiveTextAsync();
        }

        Assert.Matches("^40(/[a-z]+,)?\\{\"sid\":\"[A-Za-z0-9_-]{20}\"\\}$", reply);
        var id = reply[(reply.IndexOf("\"sid\":\"", StringComparison.Ordinal) + 7)..^2];
        return (client, id);
    }

    public Task SendTextAsync(string text)
        => Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendBinaryAsync(byte[] data)
        => Socket.SendAsync(data, WebSocketMessageType.Binary, true, CancellationToken.None);

    public async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(TestServer.Timeout);
        using var message = new MemoryStream();
        var buffer = new byte[8192];
        while (true)
        {
            var result = await Socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketMessageType.Close, []);
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (result.MessageType, message.ToArray());
            }
        }
    }

    public async Task<string> ReceiveTextAsync()
    {
        var (type, data) = await ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Text, type);
        return Encoding.UTF8.GetString(data);
    }

    /// <summary>Receives the next text frame that is not an Engine.IO ping.</summary>
    public async Task<string> ReceiveTextSkippingPingsAsync()
    {
        while (true)
        {
            var text = await ReceiveTextAsync();
            if (text != "2")
            {
                return text;
            }
        }
    }

    public async Task<byte[]> ReceiveBinaryAsync()
    {
        var (type, data) = await ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Binary, type);
        return data;
    }

    /// <summary>Reads until the server closes; returns the close status (null when the connection was dropped).</summary>
    public async Task<WebSocketCloseStatus?> WaitForCloseAsync()
    {
        try
        {
            while (true)
            {
                var (type, _) = await ReceiveAsync();
                if (type == WebSocketMessageType.Close)
                {
                    // Complete the close handshake like a real client would.
                    await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return Socket.CloseStatus;
                }
            }
        }
        catch (WebSocketException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The server may already be gone; nothing to clean up.
            }
        }

        Socket.Dispose();
    }
}
