using System.Net;
using System.Net.WebSockets;
using Redwood.SocketIO.Tests.Support;

namespace Redwood.SocketIO.Tests;

public sealed class ConnectionLimitTests
{
    [Fact]
    public async Task Handshakes_beyond_the_per_address_limit_are_refused_until_one_closes()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxConnectionsPerAddress = 3);
        var open = new List<RawWebSocket>();
        for (var i = 0; i < 3; i++)
        {
            open.Add((await RawWebSocket.ConnectAndJoinAsync(server)).Client);
        }

        await Assert.ThrowsAnyAsync<WebSocketException>(() => RawWebSocket.ConnectAsync(server.WebSocketUri()));
        using var http = new HttpClient();
        var polling = await http.GetAsync(server.HttpUri("EIO=4&transport=polling"));
        Assert.Equal(HttpStatusCode.TooManyRequests, polling.StatusCode);
        Assert.Equal("{\"code\":4,\"message\":\"Too many connections from this address\"}", await polling.Content.ReadAsStringAsync());

        await open[0].DisposeAsync();
        await Eventually(() => server.Server.ConnectionCount == 2);
        await using var again = (await RawWebSocket.ConnectAndJoinAsync(server)).Client;
        foreach (var client in open.Skip(1))
        {
            await client.DisposeAsync();
        }

        Assert.Single(server.Logs.Entries, e => e.Id.Id == 9019);
    }

    [Fact]
    public async Task Only_listed_browser_origins_may_connect_and_native_clients_without_origin_always_can()
    {
        await using var server = await TestServer.StartAsync(o => o.AllowedOrigins = ["https://game.example"]);

        await using var native = (await RawWebSocket.ConnectAndJoinAsync(server)).Client;
        await using var allowed = await ConnectWithOriginAsync(server, "https://game.example");
        await Assert.ThrowsAnyAsync<WebSocketException>(() => ConnectWithOriginAsync(server, "https://evil.example"));
    }

    private static async Task<RawWebSocket> ConnectWithOriginAsync(TestServer server, string origin)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", origin);
        using var timeout = new CancellationTokenSource(TestServer.Timeout);
        try
        {
            await socket.ConnectAsync(server.WebSocketUri(), timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var client = RawWebSocket.Wrap(socket);
        Assert.StartsWith("0{\"sid\":", await client.ReceiveTextAsync(), StringComparison.Ordinal);
        return client;
    }

    private static async Task Eventually(Func<bool> probe)
    {
        var deadline = DateTime.UtcNow + TestServer.Timeout;
        while (!probe())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }
}

public sealed class TrustedProxyTests
{
    [Fact]
    public async Task Forwarded_addresses_count_only_behind_a_trusted_proxy()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.MaxConnectionsPerAddress = 1;
            o.TrustedProxies = [IPNetwork.Parse("127.0.0.0/8")];
        });

        await using var first = await ConnectForwardedAsync(server, "203.0.113.7, 127.0.0.1");
        await using var second = await ConnectForwardedAsync(server, "198.51.100.9");
        await Assert.ThrowsAnyAsync<WebSocketException>(() => ConnectForwardedAsync(server, "203.0.113.7"));

        // IPv6 clients are counted by /64: another address of the same subscriber is refused.
        await using var v6 = await ConnectForwardedAsync(server, "2001:db8:1:2::10");
        await Assert.ThrowsAnyAsync<WebSocketException>(() => ConnectForwardedAsync(server, "2001:db8:1:2:ffff::1"));
    }

    [Fact]
    public async Task Forwarded_headers_from_an_untrusted_peer_are_ignored()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxConnectionsPerAddress = 1);

        await using var first = await ConnectForwardedAsync(server, "203.0.113.7");
        await Assert.ThrowsAnyAsync<WebSocketException>(() => ConnectForwardedAsync(server, "198.51.100.9"));
    }

    private static async Task<RawWebSocket> ConnectForwardedAsync(TestServer server, string forwardedFor)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("X-Forwarded-For", forwardedFor);
        using var timeout = new CancellationTokenSource(TestServer.Timeout);
        try
        {
            await socket.ConnectAsync(server.WebSocketUri(), timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var client = RawWebSocket.Wrap(socket);
        Assert.StartsWith("0{\"sid\":", await client.ReceiveTextAsync(), StringComparison.Ordinal);
        return client;
    }
}
