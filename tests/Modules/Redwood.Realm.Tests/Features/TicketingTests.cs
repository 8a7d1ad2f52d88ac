using System.Text.Json;
using Redwood.Realm.Tests.Support;
using Redwood.Testing;

namespace Redwood.Realm.Tests.Features;

/// <summary>
/// Ticketing over real sockets as the plugin speaks (§2.2.6): joins, the matcher's updates pushed back, stale tickets,
/// leave, one ticket per player, queues, and every bad input refused in the ack with nothing created.
/// </summary>
public abstract class TicketingTests(TicketingFixture fixture)
{
    private const string MatchFound = "Match found, starting server";

    [Fact]
    public async Task Two_players_are_matched_and_both_are_told()
    {
        await using var a = await fixture.PlayerWithCharacterAsync();
        await using var b = await fixture.PlayerWithCharacterAsync();

        Ack.Succeeded(await JoinMatchmaking(a, "duo", Local(0.012)));
        Ack.Succeeded(await JoinMatchmaking(b, "duo", Local(0.034)));

        await NextUpdateAsync(a, MatchFound);
        await NextUpdateAsync(b, MatchFound);
    }

    [Fact]
    public async Task A_match_is_made_in_a_region_every_player_pinged_below_the_maximum()
    {
        await using var a = await fixture.PlayerWithCharacterAsync();
        await using var b = await fixture.PlayerWithCharacterAsync();

        // a is closest to local, b only reaches eu: the match can only be in eu.
        Ack.Succeeded(await JoinMatchmaking(a, "regional", [new { name = "local", ping = 0.01 }, new { name = "EU", ping = 0.2 }]));
        Ack.Succeeded(await JoinMatchmaking(b, "regional", [new { name = "eu", ping = 0.05 }, new { name = "local", ping = 9.0 }]));

        await NextUpdateAsync(a, MatchFound);
        await NextUpdateAsync(b, MatchFound);
    }

    [Fact]
    public async Task A_match_that_gets_no_ready_server_in_time_goes_back_to_the_pool_and_the_players_are_told()
    {
        await using var a = await fixture.PlayerWithCharacterAsync();
        await using var b = await fixture.PlayerWithCharacterAsync();

        Ack.Succeeded(await JoinMatchmaking(a, "unserved", Local(0.01)));
        Ack.Succeeded(await JoinMatchmaking(b, "unserved", Local(0.01)));

        await NextUpdateAsync(a, MatchFound);
        await NextUpdateAsync(a, "Match expired: no game server became ready in time; searching again");
        await NextUpdateAsync(b, "Match expired: no game server became ready in time; searching again");
        // Back in the pool, the two tickets match again.
        await NextUpdateAsync(a, MatchFound);
        Ack.Succeeded(await a.Realm.RequestAsync("realm:ticketing:leave", new { playerId = a.PlayerId }));
        Ack.Succeeded(await b.Realm.RequestAsync("realm:ticketing:leave", new { playerId = b.PlayerId }));
    }

    [Fact]
    public async Task A_shallow_match_is_made_once_the_oldest_ticket_waited_long_enough()
    {
        await using var a = await fixture.PlayerWithCharacterAsync();
        await using var b = await fixture.PlayerWithCharacterAsync();

        Ack.Succeeded(await JoinMatchmaking(a, "trio", Local(0.01)));
        Ack.Succeeded(await JoinMatchmaking(b, "trio", Local(0.01)));

        // Two of three: first they hear the pool size, then (after MaxWaitUntilShallowMatch) the match.
        var first = await a.Realm.NextPushAsync("realm:ticketing:update");
        Assert.StartsWith("Searching: ", first.GetProperty("message").GetString(), StringComparison.Ordinal);
        await NextUpdateAsync(a, MatchFound);
        await NextUpdateAsync(b, MatchFound);
    }

    [Fact]
    public async Task A_ticket_nobody_matches_goes_stale_with_a_ticket_error()
    {
        await using var a = await fixture.PlayerWithCharacterAsync();

        Ack.Succeeded(await JoinMatchmaking(a, "lonely", Local(0.01)));

        var error = await a.Realm.NextPushAsync("realm:ticketing:ticket-error", TimeSpan.FromSeconds(20));
        Assert.Contains("stale", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        Ack.Succeeded(await JoinMatchmaking(a, "lonely", Local(0.01)));
        Ack.Succeeded(await a.Realm.RequestAsync("realm:ticketing:leave", new { playerId = a.PlayerId }));
    }

    [Fact]
    public async Task Leave_ends_the_ticket_so_it_is_never_matched()
    {
        await using var leaver = await fixture.PlayerWithCharacterAsync();
        await using var b = await fixture.PlayerWithCharacterAsync();
        await using var c = await fixture.PlayerWithCharacterAsync();

        Ack.Succeeded(await JoinMatchmaking(leaver, "pair", Local(0.01)));
        Ack.Succeeded(await leaver.Realm.RequestAsync("realm:ticketing:leave", new { playerId = leaver.PlayerId }));
        Ack.Succeeded(await JoinMatchmaking(b, "pair", Local(0.01)));
        Ack.Succeeded(await JoinMatchmaking(c, "pair", Local(0.01)));

        await NextUpdateAsync(b, MatchFound);
        await NextUpdateAsync(c, MatchFound);
        Assert.DoesNotContain(MatchFound, await DrainUpdatesAsync(leaver));
    }

    [Fact]
    public async Task A_second_join_while_a_ticket_is_open_is_refused()
    {
        await using var a = await fixture.PlayerWithCharacterAsync();

        Ack.Succeeded(await JoinMatchmaking(a, "lonely", Local(0.01)));
        var again = await JoinMatchmaking(a, "duo", Local(0.01));
        var queue = await JoinQueue(a, await fixture.CreateQueueProxyAsync(a), "town", null);

        Assert.Contains("already have an open ticket", Ack.Error(again), StringComparison.Ordinal);
        Assert.Contains("already have an open ticket", Ack.Error(queue), StringComparison.Ordinal);
        Ack.Succeeded(await a.Realm.RequestAsync("realm:ticketing:leave", new { playerId = a.PlayerId }));
        Ack.Succeeded(await JoinMatchmaking(a, "lonely", Local(0.01)));
        Ack.Succeeded(await a.Realm.RequestAsync("realm:ticketing:leave", new { playerId = a.PlayerId }));
    }

    public static TheoryData<string, string, string> BadMatchmakingJoins => new()
    {
        { "unknown profile", """{"playerId":"{player}","characterId":"{character}","data":{"profileId":"no-such-mode","regions":[{"name":"local","ping":0.01}]}}""", "Unknown matchmaking profile" },
        { "profile without matchmaking", """{"playerId":"{player}","characterId":"{character}","data":{"profileId":"town-mode","regions":[{"name":"local","ping":0.01}]}}""", "Unknown matchmaking profile" },
        { "regions missing", """{"playerId":"{player}","characterId":"{character}","data":{"profileId":"duo"}}""", "data.regions is required" },
        { "regions not a list", """{"playerId":"{player}","characterId":"{character}","data":{"profileId":"duo","regions":{"local":0.01}}}""", "has the wrong type" },
        { "regions empty", """{"playerId":"{player}","characterId":"{character}","data":{"profileId":"duo","regions":[]}}""", "data.regions is empty" },
        { "region not served", """{"playerId":"{player}","characterId":"{character}","data":{"profileId":"duo","regions":[{"name":"mars","ping":0.01}]}}""", "Unknown region 'mars'" },
        { "ping is text", """{"playerId":"{player}","characterId":"{character}","data":{"profileId":"duo","regions":[{"name":"local","ping":"fast"}]}}""", "has the wrong type" },
        { "ping missing", """{"playerId":"{player}","characterId":"{character}","data":{"profileId":"duo","regions":[{"name":"local"}]}}""", "needs a ping" },
        { "ping negative", """{"playerId":"{player}","characterId":"{character}","data":{"profileId":"duo","regions":[{"name":"local","ping":-1.0}]}}""", "a number of seconds" },
        { "ping above the maximum", """{"playerId":"{player}","characterId":"{character}","data":{"profileId":"duo","regions":[{"name":"local","ping":5.0}]}}""", "maximum ping" },
        { "no character", """{"playerId":"{player}","data":{"profileId":"duo","regions":[{"name":"local","ping":0.01}]}}""", "characterId is required" },
        { "unknown character", """{"playerId":"{player}","characterId":"nope","data":{"profileId":"duo","regions":[{"name":"local","ping":0.01}]}}""", "not one of your active characters" },
        { "someone else's character", """{"playerId":"{player}","characterId":"{other}","data":{"profileId":"duo","regions":[{"name":"local","ping":0.01}]}}""", "not one of your active characters" },
        { "not an object", "\"duo\"", "expected a JSON object" },
    };

    [Theory]
    [MemberData(nameof(BadMatchmakingJoins))]
    public async Task A_bad_matchmaking_join_is_refused_in_the_ack_and_creates_no_ticket(string _, string payload, string expected)
    {
        await using var a = await fixture.PlayerWithCharacterAsync();
        await using var other = await fixture.PlayerWithCharacterAsync();

        var json = payload.Replace("{player}", a.PlayerId, StringComparison.Ordinal)
            .Replace("{character}", a.CharacterId, StringComparison.Ordinal)
            .Replace("{other}", other.CharacterId, StringComparison.Ordinal);
        var ack = await a.Realm.RequestRawAsync("realm:ticketing:join:matchmaking", json);

        Assert.Contains(expected, Ack.Error(ack), StringComparison.Ordinal);
        // Still connected, and no ticket was opened: a valid join succeeds.
        Ack.Succeeded(await JoinMatchmaking(a, "lonely", Local(0.01)));
        Ack.Succeeded(await a.Realm.RequestAsync("realm:ticketing:leave", new { playerId = a.PlayerId }));
    }

    [Fact]
    public async Task Bad_queue_joins_are_refused_in_the_ack()
    {
        await using var a = await fixture.PlayerWithCharacterAsync();
        var proxyId = await fixture.CreateQueueProxyAsync(a);

        Assert.Contains("does not exist", Ack.Error(await JoinQueue(a, "no-such-proxy", "town", null)), StringComparison.Ordinal);
        Assert.Contains("Unknown zone 'sewers'", Ack.Error(await JoinQueue(a, proxyId, "sewers", null)), StringComparison.Ordinal);
        Assert.Contains("data.zoneName is required", Ack.Error(await JoinQueue(a, proxyId, null, null)), StringComparison.Ordinal);
        Assert.Contains("must not contain ':'", Ack.Error(await JoinQueue(a, proxyId, "town", "a:b")), StringComparison.Ordinal);
        Ack.Succeeded(await JoinQueue(a, proxyId, "town", null));
        Ack.Succeeded(await a.Realm.RequestAsync("realm:ticketing:leave", new { playerId = a.PlayerId }));
    }

    [Fact]
    public async Task Custom_joins_answer_not_supported_and_requests_need_a_realm_sign_in()
    {
        await using var a = await fixture.PlayerWithCharacterAsync();
        await using var stranger = await PlayerClient.ConnectAsync(fixture.RealmUri, withAuthObject: true);

        var custom = await a.Realm.RequestAsync("realm:ticketing:join:custom", new
        {
            playerId = a.PlayerId, characterId = a.CharacterId, transferWholeParty = false, regions = Local(0.01),
        });
        var anonymous = await stranger.RequestAsync("realm:ticketing:join:matchmaking", new
        {
            playerId = a.PlayerId, characterId = a.CharacterId, data = new { profileId = "duo", regions = Local(0.01) },
        });

        Assert.Contains("not supported", Ack.Error(custom), StringComparison.Ordinal);
        Assert.Equal("Not signed in to this realm", Ack.Error(anonymous));
    }

    [Fact]
    public async Task Queued_players_are_admitted_first_come_first_served_and_told_their_position()
    {
        await using var owner = await fixture.PlayerWithCharacterAsync();
        var proxyId = await fixture.CreateQueueProxyAsync(owner);
        var players = new List<TicketingPlayer>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                players.Add(await fixture.PlayerWithCharacterAsync());
            }

            // The proxy's shards hold 2 players; all four ask for the same shard.
            foreach (var player in players)
            {
                Ack.Succeeded(await JoinQueue(player, proxyId, "town", "alpha"));
            }

            await NextUpdateAsync(players[0], "Admitted to town (alpha), starting server");
            await NextUpdateAsync(players[1], "Admitted to town (alpha), starting server");
            await NextUpdateAsync(players[2], "Position 1 in queue");
            await NextUpdateAsync(players[3], "Position 2 in queue");
            foreach (var waiting in players.Skip(2))
            {
                Assert.DoesNotContain(await DrainUpdatesAsync(waiting), m => m.StartsWith("Admitted", StringComparison.Ordinal));
            }

            // Without a shard named, the next player goes to a shard with room.
            await using var free = await fixture.PlayerWithCharacterAsync();
            Ack.Succeeded(await JoinQueue(free, proxyId, "town", null));
            await NextUpdateAsync(free, "Admitted to town (bravo), starting server");
        }
        finally
        {
            foreach (var player in players)
            {
                await player.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_ticket_survives_a_reconnect_within_the_grace_period()
    {
        await using var a = await fixture.PlayerWithCharacterAsync();
        Ack.Succeeded(await JoinMatchmaking(a, "lonely", Local(0.01)));

        await a.Realm.DisposeAsync();
        await a.Player.SignInAsync(fixture.RealmUri);
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Contains("already have an open ticket", Ack.Error(await JoinMatchmaking(a, "lonely", Local(0.01))), StringComparison.Ordinal);
        Ack.Succeeded(await a.Realm.RequestAsync("realm:ticketing:leave", new { playerId = a.PlayerId }));
    }

    [Fact]
    public async Task A_ticket_ends_when_its_players_realm_socket_stays_gone_past_the_grace_period()
    {
        await using var a = await fixture.PlayerWithCharacterAsync();
        Ack.Succeeded(await JoinMatchmaking(a, "lonely", Local(0.01)));
        Assert.Contains("already have an open ticket", Ack.Error(await JoinMatchmaking(a, "lonely", Local(0.01))), StringComparison.Ordinal);

        // A sign-in within the grace keeps the ticket; staying away past it (1 s here, well below the stale time) ends it.
        await a.Realm.DisposeAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        await a.Player.SignInAsync(fixture.RealmUri);

        Ack.Succeeded(await JoinMatchmaking(a, "lonely", Local(0.01)));
        Ack.Succeeded(await a.Realm.RequestAsync("realm:ticketing:leave", new { playerId = a.PlayerId }));
    }

    [Fact]
    public async Task A_ticket_lives_while_any_realm_socket_of_its_player_stays_and_ends_after_the_last_one()
    {
        await using var a = await fixture.PlayerWithCharacterAsync();
        var first = a.Realm;
        var second = await a.Player.SignInAsync(fixture.RealmUri);
        Ack.Succeeded(await JoinMatchmaking(a, "lonely", Local(0.01)));

        // One of two sockets closing is no disconnect of the player: past the grace (1 s here) the ticket is still open.
        await first.DisposeAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Contains("already have an open ticket", Ack.Error(await JoinMatchmaking(a, "lonely", Local(0.01))), StringComparison.Ordinal);

        // The last one closing is: past the grace the ticket has ended.
        await second.DisposeAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        await a.Player.SignInAsync(fixture.RealmUri);
        Ack.Succeeded(await JoinMatchmaking(a, "lonely", Local(0.01)));
        Ack.Succeeded(await a.Realm.RequestAsync("realm:ticketing:leave", new { playerId = a.PlayerId }));
    }

    [Fact]
    public async Task Ready_reports_the_matchers_last_tick()
    {
        using var http = fixture.App.CreateHttpClient();

        await Eventually.True(async () =>
        {
            using var ready = JsonDocument.Parse(await http.GetStringAsync("/ready"));
            return ready.RootElement.GetProperty("checks").GetProperty("matchmaking").GetProperty("description").GetString()!.StartsWith("Last tick", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10), "/ready shows the matcher's last tick");
    }

    private static object[] Local(double ping) => [new { name = "local", ping }];

    private static Task<JsonElement> JoinMatchmaking(TicketingPlayer player, string profileId, object[] regions) =>
        player.Realm.RequestAsync("realm:ticketing:join:matchmaking", new
        {
            playerId = player.PlayerId, characterId = player.CharacterId, data = new { profileId, regions },
        });

    private static Task<JsonElement> JoinQueue(TicketingPlayer player, string proxyId, string? zoneName, string? shardName) =>
        player.Realm.RequestAsync("realm:ticketing:join:queue", new
        {
            playerId = player.PlayerId,
            characterId = player.CharacterId,
            data = new { proxyId, zoneName, transferWholeParty = false, priorZoneName = (string?)null, shardName },
        });

    /// <summary>Reads updates until <paramref name="message"/> arrives (earlier ones, such as pool sizes, are skipped).</summary>
    private static async Task NextUpdateAsync(TicketingPlayer player, string message)
    {
        var seen = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            JsonElement push;
            try
            {
                push = await player.Realm.NextPushAsync("realm:ticketing:update", deadline - DateTime.UtcNow);
            }
            catch (TimeoutException)
            {
                break;
            }

            var text = push.GetProperty("message").GetString()!;
            if (text == message)
            {
                return;
            }

            seen.Add(text);
        }

        Assert.Fail($"'{message}' never arrived; got: {string.Join(" | ", seen)}");
    }

    /// <summary>The updates that arrive within a few process intervals.</summary>
    private static async Task<List<string>> DrainUpdatesAsync(TicketingPlayer player)
    {
        var seen = new List<string>();
        try
        {
            while (true)
            {
                seen.Add((await player.Realm.NextPushAsync("realm:ticketing:update", TimeSpan.FromSeconds(1.5))).GetProperty("message").GetString()!);
            }
        }
        catch (TimeoutException)
        {
            return seen;
        }
    }
}

/// <summary>A signed-in player with one character.</summary>
public sealed class TicketingPlayer(TestPlayer player, string characterId) : IAsyncDisposable
{
    public TestPlayer Player => player;

    public string PlayerId => player.PlayerId;

    public string CharacterId { get; } = characterId;

    public PlayerClient Realm => player.Realm;

    public ValueTask DisposeAsync() => player.DisposeAsync();
}

/// <summary>A realm with fast matchmaking: profiles for each scenario, two regions and small queue shards.</summary>
public abstract class TicketingFixture(TestDatabase database) : RealmFixture(database)
{
    public async Task<TicketingPlayer> PlayerWithCharacterAsync()
    {
        var player = await SignedInPlayerAsync();
        var created = await player.Realm.RequestAsync("realm:characters:create", new
        {
            playerId = player.PlayerId, name = Names.Unique("Hero"), characterCreatorData = new { },
        });
        Ack.Succeeded(created);
        return new TicketingPlayer(player, created.GetProperty("character").GetProperty("id").GetString()!);
    }

    /// <summary>A public proxy of the queue profile (zone <c>town</c>, shards of 2 players).</summary>
    public async Task<string> CreateQueueProxyAsync(TicketingPlayer owner)
    {
        var created = await owner.Realm.RequestAsync("realm:servers:create-proxy", new
        {
            playerId = owner.PlayerId, joinCharacterId = (string?)null, name = Names.Unique("Town"), region = "local", modeId = "town-mode",
            mapId = (string?)null, @public = true, proxyEndsWhenCollectionEnds = false, continuousPlay = true, password = (string?)null,
            shortCode = (string?)null, startOnBoot = false,
        });
        Ack.Succeeded(created);
        return created.GetProperty("proxyReference").GetString()!;
    }

    protected override IDictionary<string, string?>? ExtraSettings()
    {
        // Game servers that never come up (an idle shell): matches and admissions stay unserved, as these tests need.
        var settings = GameServerFixture.GameServerSettings("-c", "sleep 600", "placeholder");
        settings["Redwood:GameServers:Local:Executable"] = "/bin/sh";
        settings["Redwood:GameServers:ReadyTimeout"] = "00:02:00";
        settings["Redwood:GameServers:StaleTimeout"] = "00:02:00";
        foreach (var (key, value) in new Dictionary<string, string?>
        {
            ["Redwood:Matchmaking:ProcessInterval"] = "00:00:00.200",
            ["Redwood:Matchmaking:TicketStaleTime"] = "00:00:08",
            ["Redwood:Matchmaking:MaxWaitUntilShallowMatch"] = "00:00:01.500",
            ["Redwood:Matchmaking:UpdateInterval"] = "00:00:00.500",
            ["Redwood:Matchmaking:MaxPing"] = "0.3",
            ["Redwood:Matchmaking:DisconnectGrace"] = "00:00:01",
            ["Redwood:Matchmaking:MaxMatchAge"] = "00:00:02",
            ["Redwood:Realm:Proxies:MaxPlayersPerShard"] = "2",
            ["Redwood:Realm:Regions:0:Name"] = "local",
            ["Redwood:Realm:Regions:1:Name"] = "eu",
            ["Redwood:Realm:Regions:1:Ping"] = "eu.ping.invalid",
        })
        {
            settings[key] = value;
        }

        var profiles = new (string Id, int Min, int Max)[] { ("duo", 2, 2), ("regional", 2, 2), ("trio", 2, 3), ("lonely", 2, 2), ("pair", 2, 2), ("unserved", 2, 2) };
        for (var i = 0; i < profiles.Length; i++)
        {
            var prefix = $"Redwood:Matchmaking:Profiles:{i}:";
            settings[prefix + "Id"] = profiles[i].Id;
            settings[prefix + "Zones:0:Name"] = "arena";
            settings[prefix + "Zones:0:Maps:0"] = "arena-map";
            settings[prefix + "MatchmakingZoneName"] = "arena";
            settings[prefix + "MinPlayersForMatchmaking"] = profiles[i].Min.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings[prefix + "MaxPlayersPerShard"] = profiles[i].Max.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var town = $"Redwood:Matchmaking:Profiles:{profiles.Length}:";
        settings[town + "Id"] = "town-mode";
        settings[town + "Zones:0:Name"] = "town";
        settings[town + "Zones:0:Maps:0"] = "town-map";
        settings[town + "MaxPlayersPerShard"] = "2";
        return settings;
    }
}

public sealed class SqliteTicketing() : TicketingFixture(TestDatabase.Sqlite);

public sealed class PostgresTicketing() : TicketingFixture(TestDatabase.Postgres);

public sealed class SqliteTicketingTests(SqliteTicketing fixture) : TicketingTests(fixture), IClassFixture<SqliteTicketing>;

public sealed class PostgresTicketingTests(PostgresTicketing fixture) : TicketingTests(fixture), IClassFixture<PostgresTicketing>;
