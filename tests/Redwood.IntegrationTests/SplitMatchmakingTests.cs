using System.Text.Json;
using Redwood.Testing;

namespace Redwood.IntegrationTests;

/// <summary>
/// Matchmaking in a process of its own, joined to the Director + Realm process by real Redis and real PostgreSQL:
/// tickets cross as contract requests, updates come back as notifications to the process holding the sockets, and the
/// tickets live in Redis, so a restarted Matchmaking process loses none.
/// </summary>
public sealed class SplitMatchmakingTests
{
    private const string RealmSecret = "split-matchmaking-realm-secret-0123456789";

    [Fact]
    public async Task Ticket_updates_reach_players_whose_sockets_are_on_another_process_and_survive_a_matchmaking_restart()
    {
        var prefix = SplitProcessSettings.NewPrefix();
        await using var frontends = await RedwoodProcess.StartAsync(await FrontendSettingsAsync(prefix));
        var matchmakingSettings = MatchmakingOnly(prefix);
        var matchmaking = await RedwoodProcess.StartAsync(matchmakingSettings);
        try
        {
            var first = await SignedInPlayerWithCharacterAsync(frontends);
            var second = await SignedInPlayerWithCharacterAsync(frontends);

            Assert.Equal(string.Empty, (await JoinAsync(first)).GetProperty("error").GetString());
            var searching = await first.Realm.NextPushAsync("realm:ticketing:update");
            Assert.Equal("Searching: 1 player in pool", searching.GetProperty("message").GetString());

            // The first ticket is in Redis: a new Matchmaking process picks it up and matches it with the second.
            await matchmaking.DisposeAsync();
            matchmaking = await RedwoodProcess.StartAsync(matchmakingSettings);
            Assert.Equal(string.Empty, (await JoinAsync(second)).GetProperty("error").GetString());

            await WaitForMessageAsync(first.Realm, "Match found, starting server");
            await WaitForMessageAsync(second.Realm, "Match found, starting server");
        }
        finally
        {
            await matchmaking.DisposeAsync();
        }
    }

    [Fact]
    public async Task Two_matchmaking_replicas_match_each_ticket_once_and_the_lease_moves_when_the_holder_is_killed()
    {
        var prefix = SplitProcessSettings.NewPrefix();
        await using var frontends = await RedwoodProcess.StartAsync(await FrontendSettingsAsync(prefix));
        var matchmakingSettings = MatchmakingOnly(prefix);
        var replicas = new List<RedwoodProcess> { await RedwoodProcess.StartAsync(matchmakingSettings), await RedwoodProcess.StartAsync(matchmakingSettings) };
        try
        {
            var a = await SignedInPlayerWithCharacterAsync(frontends);
            var b = await SignedInPlayerWithCharacterAsync(frontends);
            Assert.Equal(string.Empty, (await JoinAsync(a)).GetProperty("error").GetString());
            Assert.Equal(string.Empty, (await JoinAsync(b)).GetProperty("error").GetString());

            await WaitForMessageAsync(a.Realm, "Match found, starting server");
            await WaitForMessageAsync(b.Realm, "Match found, starting server");
            // Both replicas tick; only the lease holder matches, so nobody hears of a second match.
            Assert.DoesNotContain("Match found, starting server", await DrainAsync(a.Realm));
            Assert.DoesNotContain("Match found, starting server", await DrainAsync(b.Realm));

            var holder = replicas.Single(r => r.Output.Contains("took the lease matchmaking:matcher", StringComparison.Ordinal));
            var other = replicas.Single(r => r != holder);
            replicas.Remove(holder);
            await holder.DisposeAsync();

            var c = await SignedInPlayerWithCharacterAsync(frontends);
            var d = await SignedInPlayerWithCharacterAsync(frontends);
            Assert.Equal(string.Empty, (await JoinAsync(c)).GetProperty("error").GetString());
            Assert.Equal(string.Empty, (await JoinAsync(d)).GetProperty("error").GetString());
            await WaitForMessageAsync(c.Realm, "Match found, starting server");
            await WaitForMessageAsync(d.Realm, "Match found, starting server");
            Assert.Contains("took the lease matchmaking:matcher", other.Output, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_match_found_while_no_realm_process_runs_is_allocated_by_the_next_realm_process()
    {
        var prefix = SplitProcessSettings.NewPrefix();
        var frontendSettings = await FrontendSettingsAsync(prefix);
        var matchmakingSettings = MatchmakingOnly(prefix);
        // Slow ticks: the match is made after the only realm process is gone.
        matchmakingSettings["Redwood:Matchmaking:ProcessInterval"] = "00:00:06";
        var frontends = await RedwoodProcess.StartAsync(frontendSettings);
        await using var matchmaking = await RedwoodProcess.StartAsync(matchmakingSettings);
        try
        {
            var a = await SignedInPlayerWithCharacterAsync(frontends);
            var b = await SignedInPlayerWithCharacterAsync(frontends);
            Assert.Equal(string.Empty, (await JoinAsync(a)).GetProperty("error").GetString());
            Assert.Equal(string.Empty, (await JoinAsync(b)).GetProperty("error").GetString());
            await frontends.DisposeAsync();
            await Eventually.True(
                () => Task.FromResult(matchmaking.Output.Contains("profile duo, region local, 2 player(s)", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(30),
                "the match was made while no realm process ran");

            // The work item waited in its stream; the next realm process takes it and allocates a server.
            frontends = await RedwoodProcess.StartAsync(frontendSettings);
            await Eventually.True(
                () => Task.FromResult(frontends.Output.Contains("Allocating a server for match", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(30),
                "the restarted realm process allocated the match");
        }
        finally
        {
            await frontends.DisposeAsync();
        }
    }

    private static async Task<List<string>> DrainAsync(PlayerClient realm)
    {
        var seen = new List<string>();
        try
        {
            while (true)
            {
                seen.Add((await realm.NextPushAsync("realm:ticketing:update", TimeSpan.FromSeconds(2))).GetProperty("message").GetString()!);
            }
        }
        catch (TimeoutException)
        {
            return seen;
        }
    }

    /// <summary>Director and Realm (the frontends players connect to) on a fresh PostgreSQL database.</summary>
    private static async Task<Dictionary<string, string?>> FrontendSettingsAsync(string prefix) => Settings(prefix, new()
    {
        ["Redwood:Modules:Matchmaking:Enabled"] = "false",
        ["Redwood:Persistence:Provider"] = "Postgres",
        ["ConnectionStrings:Redwood"] = await TestEnvironment.CreatePostgresDatabaseAsync(),
        ["Redwood:Director:Auth:Pbkdf2Iterations"] = "1",
    });

    /// <summary>A process running only the Matchmaking module.</summary>
    private static Dictionary<string, string?> MatchmakingOnly(string prefix) => Settings(prefix, new()
    {
        ["Redwood:Modules:Director:Enabled"] = "false",
        ["Redwood:Modules:Realm:Enabled"] = "false",
        ["Redwood:Modules:Sidecar:Enabled"] = "false",
    });

    private static readonly Dictionary<string, string?> Quick = new() { ["Redwood:Matchmaking:ProcessInterval"] = "00:00:00.250" };

    private static Dictionary<string, string?> Settings(string prefix, Dictionary<string, string?> extra) =>
        SplitProcessSettings.For(prefix, RealmSecret, SplitProcessSettings.DuoProfile, Quick, extra);

    private static Task<JsonElement> JoinAsync(FlowPlayer player) =>
        player.Realm.RequestAsync("realm:ticketing:join:matchmaking", new
        {
            playerId = player.PlayerId,
            characterId = player.CharacterId,
            data = new { profileId = "duo", regions = new[] { new { name = "local", ping = 0.02 } } },
        });

    private static async Task WaitForMessageAsync(PlayerClient realm, string message)
    {
        var seen = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var text = (await realm.NextPushAsync("realm:ticketing:update", deadline - DateTime.UtcNow)).GetProperty("message").GetString()!;
                if (text == message)
                {
                    return;
                }

                seen.Add(text);
            }
            catch (TimeoutException)
            {
                break;
            }
        }

        Assert.Fail($"'{message}' never arrived; got: {string.Join(" | ", seen)}");
    }

    private static Task<FlowPlayer> SignedInPlayerWithCharacterAsync(RedwoodProcess host) => FlowPlayer.ArriveAsync(host, host);

}
