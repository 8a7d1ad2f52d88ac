using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using CsCheck;
using Microsoft.Extensions.Logging;
using Redwood.SocketIO.Tests.Support;

namespace Redwood.SocketIO.Tests;

public sealed class HostileFrameTests
{
    private const string Sentinel = "4299999[\"echo\",\"sentinel\"]";
    private const string SentinelReply = "4399999[\"sentinel\"]";

    [Theory]
    [InlineData("42[\"\\ud800\",{}]")]
    [InlineData("42[\"\\udfff\"]")]
    [InlineData("421[\"a\\ud800b\",1]")]
    [InlineData("42/custom,[\"\\ud83d\"]")]
    public async Task Lone_surrogate_event_name_is_a_malformed_packet(string frame)
    {
        await using var server = await TestServer.StartAsync();
        var (client, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (client)
        {
            await client.SendTextAsync(frame);

            Assert.Equal(WebSocketCloseStatus.ProtocolError, await client.WaitForCloseAsync());
            Assert.Equal(0, server.Server.ConnectionCount);
            Assert.Single(server.Logs.Entries, e => e.Id.Id == 9003 && e.Level == LogLevel.Warning);
            Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= LogLevel.Error);
        }
    }

    [Theory]
    [InlineData("421[\"echo\",\"\\ud800\"]")]
    [InlineData("421[\"echo\",{\"\\udc00\":1}]")]
    [InlineData("421[\"echo\",[\"ok\",{\"k\":\"x\\ud800\\u0041\"}]]")]
    public async Task Lone_surrogate_in_an_argument_is_a_malformed_packet(string frame)
    {
        await using var server = await TestServer.StartAsync();
        var (client, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (client)
        {
            await client.SendTextAsync(frame);

            Assert.Equal(WebSocketCloseStatus.ProtocolError, await client.WaitForCloseAsync());
            Assert.Single(server.Logs.Entries, e => e.Id.Id == 9003);
            Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= LogLevel.Error);
        }
    }

    [Fact]
    public async Task Surrogate_pair_escapes_still_arrive()
    {
        await using var server = await TestServer.StartAsync();
        var (client, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (client)
        {
            await client.SendTextAsync("421[\"echo\",\"\\ud83d\\ude00\\n\"]");

            var reply = await client.ReceiveTextAsync();
            Assert.StartsWith("431[\"", reply, StringComparison.Ordinal);
            Assert.Equal("\uD83D\uDE00\n", System.Text.Json.JsonDocument.Parse(reply[3..]).RootElement[0].GetString());
        }
    }

    [Fact]
    public async Task Malformed_frames_from_one_address_log_one_warning_per_window()
    {
        await using var server = await TestServer.StartAsync();
        var before = LoggedBytes(server);

        for (var batch = 0; batch < 50; batch++)
        {
            await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
            {
                await using var client = await RawWebSocket.ConnectAsync(server.WebSocketUri());
                await client.ReceiveTextAsync();
                await client.SendTextAsync(i % 2 == 0 ? "42[\"\\ud800\"]" : "garbage");
                await client.WaitForCloseAsync();
            }));
        }

        await Eventually(() => server.Server.ConnectionCount == 0);
        Assert.Single(server.Logs.Entries, e => e.Id.Id == 9003);
        Assert.InRange(LoggedBytes(server) - before, 0, 32 * 1024);
        Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Next_window_reports_how_many_lines_were_held_back()
    {
        await using var server = await TestServer.StartAsync(o => o.MalformedPacketLogWindow = TimeSpan.FromMilliseconds(300));
        for (var i = 0; i < 3; i++)
        {
            await SendAndCloseAsync(server, "garbage");
        }

        await Task.Delay(TimeSpan.FromMilliseconds(400));
        await SendAndCloseAsync(server, "garbage");

        var lines = server.Logs.Entries.Where(e => e.Id.Id == 9003).Select(e => e.Message).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains("(2 more from this address", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fuzzed_event_names_ack_ids_and_payloads_never_escape_the_read_loop()
    {
        await using var server = await TestServer.StartAsync();
        RawWebSocket? client = null;
        try
        {
            await Frames.SampleAsync(async frame =>
            {
                client ??= (await RawWebSocket.ConnectAndJoinAsync(server)).Client;
                await client.SendTextAsync(frame);
                await client.SendTextAsync(Sentinel);
                if (!await SentinelAnsweredAsync(client))
                {
                    await client.DisposeAsync();
                    client = null;
                }
            }, iter: 400, threads: 1, print: f => f);
        }
        finally
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }
        }

        await Eventually(() => server.Server.ConnectionCount == 0);
        Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    private static Gen<string> Frames { get; } = BuildFrames();

    private static Gen<string> BuildFrames()
    {
        var anyChar = Gen.Char;
        var name = Gen.OneOf(
            Gen.Const("echo"),
            Gen.String[anyChar, 0, 12].Select(Escape),
            Gen.Const("\\ud800"),
            Gen.String[Gen.Char["\\\"ud8ef0 "], 0, 10]);
        var ackId = Gen.OneOf(
            Gen.Const(string.Empty),
            Gen.Long[0, long.MaxValue].Select(v => v.ToString(CultureInfo.InvariantCulture)),
            Gen.String[Gen.Char['0', '9'], 1, 25]);
        var argument = Gen.OneOf(
            Gen.Const("{}"),
            Gen.Int.Select(v => v.ToString(CultureInfo.InvariantCulture)),
            Gen.Double.Select(v => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "1.5"),
            Gen.String[anyChar, 0, 20].Select(s => "\"" + Escape(s) + "\""),
            Gen.Const("\"\\ud800\""),
            Gen.Const("\"\\ud83d\\ude00\""),
            Gen.String[anyChar, 0, 20].Select(s => "{\"k\":\"" + Escape(s) + "\",\"n\":[1,null,true]}"),
            Gen.String[Gen.Char["[]{}\",:0\\u"], 0, 12]);
        var prefix = Gen.OneOf(Gen.Const("42"), Gen.Const("42/custom,"), Gen.Const("43"), Gen.Const("451-"), Gen.Const("4"), Gen.Const("41"), Gen.Const("40/custom,"));
        var structured = Gen.Select(prefix, ackId, name, argument.Array[0, 3], (p, id, n, args) =>
            p + id + "[\"" + n + "\"" + string.Concat(args.Select(a => "," + a)) + "]");
        var garbage = Gen.String[anyChar, 0, 40];
        return Gen.Frequency((6, structured), (1, garbage));
    }

    private static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is >= ' ' and < (char)0x7f and not '"' and not '\\')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static async Task<bool> SentinelAnsweredAsync(RawWebSocket client)
    {
        try
        {
            while (true)
            {
                var (type, data) = await client.ReceiveAsync();
                if (type == WebSocketMessageType.Close)
                {
                    return false;
                }

                if (type == WebSocketMessageType.Text && Encoding.UTF8.GetString(data) == SentinelReply)
                {
                    return true;
                }
            }
        }
        catch (WebSocketException)
        {
            return false;
        }
    }

    private static async Task SendAndCloseAsync(TestServer server, string frame)
    {
        await using var client = await RawWebSocket.ConnectAsync(server.WebSocketUri());
        await client.ReceiveTextAsync();
        await client.SendTextAsync(frame);
        await client.WaitForCloseAsync();
    }

    private static long LoggedBytes(TestServer server)
        => server.Logs.Entries.Where(e => e.Level >= LogLevel.Information).Sum(e => (long)e.Message.Length);

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
