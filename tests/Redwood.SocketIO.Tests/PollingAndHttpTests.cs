using System.Net;
using System.Text;
using System.Text.Json;
using Redwood.SocketIO.Tests.Support;

namespace Redwood.SocketIO.Tests;

public sealed class PollingAndHttpTests
{
    private const char Separator = '\u001e';

    [Theory]
    [InlineData("GET", "EIO=4&transport=foo", 0, "Transport unknown")]
    [InlineData("GET", "EIO=4", 0, "Transport unknown")]
    [InlineData("GET", "EIO=4&transport=polling&sid=doesnotexist", 1, "Session ID unknown")]
    [InlineData("POST", "EIO=4&transport=polling&sid=doesnotexist", 1, "Session ID unknown")]
    [InlineData("POST", "EIO=4&transport=polling", 2, "Bad handshake method")]
    [InlineData("GET", "EIO=4&transport=websocket", 3, "Bad request")]
    [InlineData("GET", "EIO=3&transport=polling", 5, "Unsupported protocol version")]
    [InlineData("GET", "transport=polling", 5, "Unsupported protocol version")]
    public async Task Bad_requests_get_node_compatible_errors(string method, string query, int code, string message)
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient();

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), server.HttpUri(query)) { Content = method == "POST" ? new StringContent("40") : null });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{{\"code\":{code},\"message\":\"{message}\"}}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Refused_handshake_is_forbidden_with_code_4()
    {
        await using var server = await TestServer.StartAsync(o => o.AllowRequest = _ => ValueTask.FromResult(false));
        using var http = new HttpClient();

        using var response = await http.GetAsync(server.HttpUri("EIO=4&transport=polling"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("{\"code\":4,\"message\":\"Forbidden\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Polling_session_handshake_connect_events_and_acks()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient();

        var sid = await HandshakeAsync(server, http);
        await PostAsync(server, http, sid, "40");
        Assert.Matches("^40\\{\"sid\":\"[A-Za-z0-9_-]{20}\"\\}$", await GetAsync(server, http, sid));

        await PostAsync(server, http, sid, $"421[\"echo\",\"a\"]{Separator}422[\"echo\",2.0]{Separator}3");
        var records = await ReceiveRecordsAsync(server, http, sid, 2);
        Assert.Equal(["431[\"a\"]", "432[2.0]"], records);
    }

    [Fact]
    public async Task Binary_over_polling_uses_base64_records()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient();
        var sid = await HandshakeAsync(server, http);
        await PostAsync(server, http, sid, "40");
        await GetAsync(server, http, sid);

        await PostAsync(server, http, sid, $"451-1[\"echo\",{{\"_placeholder\":true,\"num\":0}}]{Separator}b{Convert.ToBase64String([1, 2, 3])}");

        var records = await ReceiveRecordsAsync(server, http, sid, 2);
        Assert.Equal(["461-1[{\"_placeholder\":true,\"num\":0}]", "bAQID"], records);
    }

    [Fact]
    public async Task Server_pings_reach_polling_clients_and_pongs_keep_them_alive()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(100);
            o.PingTimeout = TimeSpan.FromMilliseconds(1000);
        });
        using var http = new HttpClient();
        var sid = await HandshakeAsync(server, http);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("2", await GetAsync(server, http, sid));
            await PostAsync(server, http, sid, "3");
        }

        Assert.Equal(1, server.Server.ConnectionCount);
    }

    [Fact]
    public async Task Second_concurrent_get_closes_the_session()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient();
        var sid = await HandshakeAsync(server, http);

        var first = http.GetStringAsync(server.HttpUri("EIO=4&transport=polling&sid=" + sid));
        await WaitUntilAsync(() => server.Server.FindSession(sid)?.HasPendingPoll == true);

        using var second = await http.GetAsync(server.HttpUri("EIO=4&transport=polling&sid=" + sid));

        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal("1", await first.WithTimeout());
        Assert.Equal(0, server.Server.ConnectionCount);
    }

    [Fact]
    public async Task Post_larger_than_max_payload_is_413_and_closes_the_session()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxPayload = 1000);
        using var http = new HttpClient();
        var sid = await HandshakeAsync(server, http);

        using var response = await http.PostAsync(server.HttpUri("EIO=4&transport=polling&sid=" + sid), new StringContent(new string('4', 2000)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var after = await http.GetAsync(server.HttpUri("EIO=4&transport=polling&sid=" + sid));
        Assert.Equal("{\"code\":1,\"message\":\"Session ID unknown\"}", await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Malformed_post_closes_the_polling_session()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient();
        var sid = await HandshakeAsync(server, http);

        await PostAsync(server, http, sid, "4garbage");

        Assert.Equal(0, server.Server.ConnectionCount);
        Assert.True(server.Logs.Contains(9003));
    }

    [Fact]
    public async Task Client_close_packet_over_polling_disconnects()
    {
        var reason = Events.Create<string>();
        await using var server = await TestServer.StartAsync(setup: s => s.Of("/").Disconnected += (_, r) =>
        {
            reason.TrySetResult(r);
            return ValueTask.CompletedTask;
        });
        using var http = new HttpClient();
        var sid = await HandshakeAsync(server, http);
        await PostAsync(server, http, sid, "40");
        await GetAsync(server, http, sid);

        await PostAsync(server, http, sid, "1");

        Assert.Equal(DisconnectReasons.TransportClose, await reason.WithTimeout());
    }

    [Fact]
    public async Task Upgrade_from_polling_to_websocket_with_probe()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient();
        var handshake = await http.GetStringAsync(server.HttpUri("EIO=4&transport=polling"));
        Assert.Matches("^0\\{\"sid\":\"[A-Za-z0-9_-]{20}\",\"upgrades\":\\[\"websocket\"\\],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000\\}$", handshake);
        var sid = JsonDocument.Parse(handshake[1..]).RootElement.GetProperty("sid").GetString()!;
        await PostAsync(server, http, sid, "40");
        Assert.StartsWith("40{\"sid\":", await GetAsync(server, http, sid));

        var pendingGet = http.GetStringAsync(server.HttpUri("EIO=4&transport=polling&sid=" + sid));
        await WaitUntilAsync(() => server.Server.FindSession(sid)?.HasPendingPoll == true);
        await using var ws = await RawWebSocket.ConnectAsync(server.WebSocketUri("EIO=4&transport=websocket&sid=" + sid));
        await ws.SendTextAsync("2probe");
        Assert.Equal("3probe", await ws.ReceiveTextAsync());
        Assert.Equal("6", await pendingGet.WithTimeout());

        // Packets queued while upgrading are delivered over the WebSocket after the upgrade.
        await PostAsync(server, http, sid, "421[\"echo\",\"queued\"]");
        await ws.SendTextAsync("5");
        Assert.Equal("431[\"queued\"]", await ws.ReceiveTextAsync());
        await ws.SendTextAsync("422[\"echo\",\"over websocket\"]");
        Assert.Equal("432[\"over websocket\"]", await ws.ReceiveTextAsync());

        using var stale = await http.GetAsync(server.HttpUri("EIO=4&transport=polling&sid=" + sid));
        Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
        Assert.Equal("{\"code\":3,\"message\":\"Bad request\"}", await stale.Content.ReadAsStringAsync());
        Assert.Equal(1, server.Server.ConnectionCount);
    }

    [Fact]
    public async Task Failed_probe_keeps_the_polling_session()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient();
        var sid = await HandshakeAsync(server, http);

        await using (var ws = await RawWebSocket.ConnectAsync(server.WebSocketUri("EIO=4&transport=websocket&sid=" + sid)))
        {
            await ws.SendTextAsync("not a probe");
            Assert.Null(await ws.WaitForCloseAsync());
        }

        await PostAsync(server, http, sid, "40");
        Assert.StartsWith("40{\"sid\":", await GetAsync(server, http, sid));
    }

    [Fact]
    public async Task Shutdown_sends_close_packet_to_a_pending_poll()
    {
        var server = await TestServer.StartAsync();
        using var http = new HttpClient();
        var sid = await HandshakeAsync(server, http);
        var pending = http.GetStringAsync(server.HttpUri("EIO=4&transport=polling&sid=" + sid));
        await WaitUntilAsync(() => server.Server.FindSession(sid)?.HasPendingPoll == true);

        using (var timeout = new CancellationTokenSource(TestServer.Timeout))
        {
            await server.Server.ShutdownAsync(timeout.Token);
        }

        Assert.Equal("1", await pending.WithTimeout());
        await server.DisposeAsync();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestServer.Timeout);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private static async Task<string> HandshakeAsync(TestServer server, HttpClient http)
    {
        var open = await http.GetStringAsync(server.HttpUri("EIO=4&transport=polling"));
        Assert.StartsWith("0{", open);
        return JsonDocument.Parse(open[1..]).RootElement.GetProperty("sid").GetString()!;
    }

    private static async Task PostAsync(TestServer server, HttpClient http, string sid, string body)
    {
        using var response = await http.PostAsync(server.HttpUri("EIO=4&transport=polling&sid=" + sid), new StringContent(body, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> GetAsync(TestServer server, HttpClient http, string sid)
    {
        using var timeout = new CancellationTokenSource(TestServer.Timeout);
        using var response = await http.GetAsync(server.HttpUri("EIO=4&transport=polling&sid=" + sid), timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync(timeout.Token);
    }

    private static async Task<List<string>> ReceiveRecordsAsync(TestServer server, HttpClient http, string sid, int count)
    {
        var records = new List<string>();
        while (records.Count < count)
        {
            records.AddRange((await GetAsync(server, http, sid)).Split(Separator));
        }

        return records;
    }
}
