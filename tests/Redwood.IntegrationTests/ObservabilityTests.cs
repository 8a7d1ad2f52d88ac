using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Redwood.Testing;

namespace Redwood.IntegrationTests;

/// <summary>
/// Metrics and correlation through the real binary: a player flow moves the series on <c>/metrics</c> of the HTTP
/// port, and one request's correlation id shows in the logs of both processes it crosses over real Redis.
/// </summary>
public sealed partial class ObservabilityTests
{
    private const string Password = "correct horse battery";
    private const string RealmSecret = "observability-realm-secret-0123456789";
    private const string ConnectToInstance = "realm:servers:connect-to-instance";

    [Fact]
    public async Task The_player_flow_moves_the_prometheus_series_on_the_http_port()
    {
        await using var host = await RedwoodProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Redwood:Director:Auth:Pbkdf2Iterations"] = "1",
            ["Redwood:GameServers:Local:GamePortBase"] = "0",
            ["Redwood:GameServers:Local:LogDirectory"] = Path.Combine(Path.GetTempPath(), "redwood-tests", "game-server-logs"),
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.Port("http")}") };

        var before = await ScrapeAsync(http);
        Assert.Equal(0, before.Sum("redwood_director_connections"));
        Assert.Equal(0, before.Sum("redwood_matchmaking_tickets_created_total"));

        var alice = await SignedInPlayerWithCharacterAsync(host);
        var bob = await SignedInPlayerWithCharacterAsync(host);
        var wrong = await alice.Director.RequestAsync("player:login:username", new { username = alice.Username, secret = "not the password", provider = "local" });
        Assert.NotEqual(string.Empty, wrong.GetProperty("error").GetString());

        Assert.Equal(string.Empty, (await JoinAsync(alice, "default")).GetProperty("error").GetString());
        Assert.Equal(string.Empty, (await JoinAsync(bob, "default")).GetProperty("error").GetString());
        var alicePush = await alice.Realm.NextPushAsync(ConnectToInstance, TimeSpan.FromSeconds(90));
        var bobPush = await bob.Realm.NextPushAsync(ConnectToInstance, TimeSpan.FromSeconds(90));
        var connection = alicePush.GetProperty("connection").GetString()!;
        var aliceToken = alicePush.GetProperty("token").GetString()!;
        Assert.StartsWith("ok ", await OpenOnGameServerAsync(connection, alice, aliceToken));
        Assert.StartsWith("ok ", await OpenOnGameServerAsync(connection, bob, bobPush.GetProperty("token").GetString()!));
        Assert.StartsWith("error", await OpenOnGameServerAsync(connection, alice, aliceToken));

        var after = await ScrapeAsync(http);
        Assert.Equal(2, after.Sum("redwood_director_connections"));
        Assert.Equal(2, after.Sum("redwood_realm_connections"));
        Assert.True(after.Sum("redwood_sidecar_connections") >= 1, "the game server's Sidecar link is counted");
        Assert.Equal(1, after.Sum("redwood_director_logins_failed_total", ("reason", "invalid_credentials")));
        Assert.Equal(2, after.Sum("redwood_matchmaking_tickets_created_total", ("kind", "matchmaking")));
        Assert.Equal(1, after.Sum("redwood_matchmaking_matches_total"));
        Assert.Equal(1, after.Sum("redwood_realm_allocations_total", ("result", "ready")));
        Assert.Equal(1, after.Sum("redwood_realm_allocation_duration_seconds_count", ("result", "ready")));
        Assert.True(after.Sum("redwood_realm_allocation_duration_seconds_sum", ("result", "ready")) > 0);
        Assert.Equal(2, after.Sum("redwood_realm_join_token_checks_total", ("result", "accepted")));
        Assert.Equal(1, after.Sum("redwood_realm_join_token_checks_total", ("result", "invalid")));

        // The gauges follow the sockets: one player leaves both frontends.
        await alice.Director.DisposeAsync();
        await alice.Realm.DisposeAsync();
        await Eventually.True(
            async () => await ScrapeAsync(http) is var now
                && now.Sum("redwood_director_connections") == 1 && now.Sum("redwood_realm_connections") == 1,
            TimeSpan.FromSeconds(30),
            "the connection gauges drop to one");
        await bob.Director.DisposeAsync();
        await bob.Realm.DisposeAsync();
    }

    [Fact]
    public async Task One_request_carries_one_correlation_id_into_the_logs_of_both_processes_and_bus_requests_are_measured()
    {
        var prefix = SplitProcessSettings.NewPrefix();
        var logging = new Dictionary<string, string?>
        {
            ["Logging:Console:FormatterOptions:IncludeScopes"] = "true",
            ["Logging:LogLevel:Redwood.Host.Bus"] = "Debug",
        };
        await using var frontends = await RedwoodProcess.StartAsync(SplitProcessSettings.For(prefix, RealmSecret, logging, SplitProcessSettings.DuoProfile, new Dictionary<string, string?>
        {
            ["Redwood:Modules:Matchmaking:Enabled"] = "false",
            ["Redwood:Persistence:Provider"] = "Postgres",
            ["ConnectionStrings:Redwood"] = await TestEnvironment.CreatePostgresDatabaseAsync(),
            ["Redwood:Director:Auth:Pbkdf2Iterations"] = "1",
            ["Redwood:Bus:RequestTimeout"] = "00:00:05",
        }));
        await using var matchmaking = await RedwoodProcess.StartAsync(SplitProcessSettings.For(prefix, RealmSecret, logging, SplitProcessSettings.DuoProfile, new Dictionary<string, string?>
        {
            ["Redwood:Modules:Director:Enabled"] = "false",
            ["Redwood:Modules:Realm:Enabled"] = "false",
            ["Redwood:Modules:Sidecar:Enabled"] = "false",
        }));
        var player = await SignedInPlayerWithCharacterAsync(frontends);

        Assert.Equal(string.Empty, (await JoinAsync(player, "duo")).GetProperty("error").GetString());
        var sent = await LineAsync(frontends, "Sending contract request Redwood.Matchmaking.Contracts.OpenMatchmakingTicket");
        var answered = await LineAsync(matchmaking, "Answering contract request Redwood.Matchmaking.Contracts.OpenMatchmakingTicket");
        var correlation = TraceIdOf(sent);
        Assert.Equal(correlation, TraceIdOf(answered));
        Assert.Contains("Player " + player.PlayerId, sent, StringComparison.Ordinal);

        // The next event is a request of its own, with its own correlation id on both sides.
        Assert.Equal(string.Empty, (await player.Realm.RequestAsync("realm:ticketing:leave", new { playerId = player.PlayerId })).GetProperty("error").GetString());
        var leaveSent = await LineAsync(frontends, "Sending contract request Redwood.Matchmaking.Contracts.CloseTickets");
        var leaveAnswered = await LineAsync(matchmaking, "Answering contract request Redwood.Matchmaking.Contracts.CloseTickets");
        Assert.Equal(TraceIdOf(leaveSent), TraceIdOf(leaveAnswered));
        Assert.NotEqual(correlation, TraceIdOf(leaveSent));

        // The asking process measures its requests; with no Matchmaking process left, the next one times out.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{frontends.Port("http")}") };
        var measured = await ScrapeAsync(http);
        Assert.Equal(1, measured.Sum("redwood_bus_request_duration_seconds_count", ("contract", "OpenMatchmakingTicket"), ("outcome", "answered")));
        Assert.Equal(1, measured.Sum("redwood_bus_request_duration_seconds_count", ("contract", "CloseTickets"), ("outcome", "answered")));
        Assert.Equal(0, measured.Sum("redwood_bus_request_timeouts_total"));
        await matchmaking.DisposeAsync();
        var unanswered = await JoinAsync(player, "duo");
        Assert.Equal("Service temporarily unavailable, please retry", unanswered.GetProperty("error").GetString());
        var timedOut = await ScrapeAsync(http);
        Assert.Equal(1, timedOut.Sum("redwood_bus_request_timeouts_total", ("contract", "OpenMatchmakingTicket"), ("module", "Matchmaking")));
        Assert.Equal(1, timedOut.Sum("redwood_bus_request_duration_seconds_count", ("contract", "OpenMatchmakingTicket"), ("outcome", "timeout")));
        await player.Director.DisposeAsync();
        await player.Realm.DisposeAsync();
    }

    private static async Task<string> LineAsync(RedwoodProcess process, string text)
    {
        string? found = null;
        await Eventually.True(
            () => Task.FromResult((found = process.Output.Split('\n').FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal))) is not null),
            TimeSpan.FromSeconds(30),
            "a log line with: " + text);
        return found!;
    }

    private static string TraceIdOf(string line)
    {
        var match = TraceId().Match(line);
        Assert.True(match.Success, "no TraceId in the scope of: " + line);
        return match.Groups[1].Value;
    }

    private static async Task<Scrape> ScrapeAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        return new Scrape(await response.Content.ReadAsStringAsync());
    }

    private static Task<JsonElement> JoinAsync(FlowPlayer player, string profile) =>
        player.Realm.RequestAsync("realm:ticketing:join:matchmaking", new
        {
            playerId = player.PlayerId,
            characterId = player.CharacterId,
            data = new { profileId = profile, regions = new[] { new { name = "local", ping = 0.02 } } },
        });

    /// <summary>Opens on the dev game server as the plugin does and returns its one-line answer.</summary>
    private static async Task<string> OpenOnGameServerAsync(string connection, FlowPlayer player, string token)
    {
        await using var game = await GameClient.OpenAsync(connection, player.PlayerId, player.CharacterId, token);
        return game.Reply;
    }

    private static Task<FlowPlayer> SignedInPlayerWithCharacterAsync(RedwoodProcess host) => FlowPlayer.ArriveAsync(host, host);

    [GeneratedRegex("TraceId:([0-9a-f]{32})")]
    private static partial Regex TraceId();


    /// <summary>One Prometheus text exposition: sums the samples of a series whose labels include the given ones.</summary>
    private sealed class Scrape(string text)
    {
        public double Sum(string name, params (string Key, string Value)[] labels)
        {
            var total = 0.0;
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith('#') || !line.StartsWith(name, StringComparison.Ordinal)
                    || line.Length == name.Length || (line[name.Length] != '{' && line[name.Length] != ' '))
                {
                    continue;
                }

                var close = line.IndexOf('}', StringComparison.Ordinal);
                var series = close < 0 ? string.Empty : line[..(close + 1)];
                if (labels.All(l => series.Contains($"{l.Key}=\"{l.Value}\"", StringComparison.Ordinal)))
                {
                    var value = line[(close < 0 ? name.Length : close + 1)..].Trim().Split(' ')[0];
                    total += double.Parse(value, CultureInfo.InvariantCulture);
                }
            }

            return total;
        }

        public override string ToString() => text;
    }
}
