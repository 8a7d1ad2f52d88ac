using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Redwood.SocketIO.ConformanceServer;
using Redwood.SocketIO.Engine;
using Redwood.SocketIO.Tests.Support;

namespace Redwood.SocketIO.Tests;

public sealed class WebSocketFastPathTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";
    private const string Accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    [Fact]
    public void Accepts_an_engine_io_websocket_head_with_the_rfc_6455_accept_value()
    {
        var head = Head("/socket.io/?EIO=4&transport=websocket&t=abc");
        var accept = new byte[28];

        var result = WebSocketFastPath.ParseHead(head, "/socket.io"u8, accept);

        Assert.Equal(WebSocketFastPath.HeadStatus.Accepted, result.Status);
        Assert.Equal(head.Length, result.Length);
        Assert.Equal(Accept, Encoding.ASCII.GetString(accept));
    }

    [Theory]
    [InlineData("GET /socket.io/?EIO=4&transport=websocket&sid=abc HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + Key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")]
    [InlineData("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("GET /socket.io/?EIO=3&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + Key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")]
    [InlineData("GET /other/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + Key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")]
    [InlineData("POST /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + Key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")]
    [InlineData("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n")]
    [InlineData("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n")]
    [InlineData("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: keep-alive\r\nSec-WebSocket-Key: " + Key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")]
    [InlineData("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + Key + "\r\nSec-WebSocket-Version: 8\r\n\r\n")]
    [InlineData("GET /socket.io/?EIO=4&transport=websocket HTTP/1.0\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + Key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")]
    [InlineData("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + Key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")]
    [InlineData("HELLO\r\n\r\n")]
    public void Declines_every_other_head(string head)
    {
        var result = WebSocketFastPath.ParseHead(Encoding.ASCII.GetBytes(head), "/socket.io"u8, new byte[28]);

        Assert.Equal(WebSocketFastPath.HeadStatus.Declined, result.Status);
    }

    [Fact]
    public void Waits_for_the_rest_of_a_partial_head()
    {
        var head = Head("/socket.io?EIO=4&transport=websocket");

        var result = WebSocketFastPath.ParseHead(head.AsSpan(0, head.Length - 3), "/socket.io"u8, new byte[28]);

        Assert.Equal(WebSocketFastPath.HeadStatus.Incomplete, result.Status);
    }

    [Fact]
    public async Task Raw_handshake_split_over_two_writes_gets_101_and_the_open_packet()
    {
        await using var server = await TestServer.StartAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = tcp.GetStream();
        var head = Head("/socket.io/?EIO=4&transport=websocket");

        await stream.WriteAsync(head.AsMemory(0, 20));
        await Task.Delay(50);
        await stream.WriteAsync(head.AsMemory(20));
        var response = await ReadUntilAsync(stream, "\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 101 Switching Protocols\r\n", response);
        Assert.Contains("Sec-WebSocket-Accept: " + Accept + "\r\n", response);
        var frame = await ReadUntilAsync(stream, "}");
        Assert.Equal(0x81, frame[0]);
        Assert.Contains("0{\"sid\":", frame);
    }

    [Theory]
    [InlineData("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n", "HTTP/1.1 400")]
    [InlineData("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + Key + "\r\nSec-WebSocket-Version: 8\r\n\r\n", "HTTP/1.1 400")]
    [InlineData("HELLO WORLD\r\n\r\n", "HTTP/1.1 400")]
    public async Task Malformed_upgrade_heads_get_an_http_error(string head, string expected)
    {
        await using var server = await TestServer.StartAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = tcp.GetStream();

        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var response = await ReadUntilAsync(stream, "\r\n\r\n");

        Assert.StartsWith(expected, response);
        Assert.Equal(0, server.Server.ConnectionCount);
    }

    [Fact]
    public async Task Extra_endpoints_and_websockets_share_the_listener_port()
    {
        var logs = new CapturingLoggerFactory();
        await using var server = new SocketIOServer(new SocketIOServerOptions(), logs);
        ConformanceApp.Configure(server);
        server.Of("/").On("where", static (socket, _, _) => ValueTask.FromResult<object?>(socket.RemoteEndPoint?.Address.ToString() + "|" + socket.LocalEndPoint?.Port));
        await using var listener = await SocketIOListener.StartAsync(
            server,
            new IPEndPoint(IPAddress.Loopback, 0),
            endpoints => endpoints.MapGet("/health", () => Results.Text("ok")),
            logs,
            CancellationToken.None);
        using var http = new HttpClient();

        var health = await http.GetStringAsync($"http://127.0.0.1:{listener.Port}/health");
        await using var client = await RawWebSocket.ConnectAsync(new Uri($"ws://127.0.0.1:{listener.Port}/socket.io/?EIO=4&transport=websocket"));
        await client.ReceiveTextAsync();
        await client.SendTextAsync("40");
        await client.ReceiveTextAsync();
        await client.SendTextAsync("421[\"where\"]");
        var where = await client.ReceiveTextSkippingPingsAsync();
        var again = await http.GetStringAsync($"http://127.0.0.1:{listener.Port}/health");

        Assert.Equal("ok", health);
        Assert.Equal($"431[\"127.0.0.1|{listener.Port}\"]", where);
        Assert.Equal("ok", again);
    }

    private static byte[] Head(string target)
        => Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13\r\n\r\n");

    private static async Task<string> ReadUntilAsync(NetworkStream stream, string marker)
    {
        using var timeout = new CancellationTokenSource(TestServer.Timeout);
        var received = new List<byte>();
        var buffer = new byte[1];
        while (!Encoding.Latin1.GetString([.. received]).Contains(marker, StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(buffer, timeout.Token) == 0)
            {
                break;
            }

            received.Add(buffer[0]);
        }

        return Encoding.Latin1.GetString([.. received]);
    }
}
