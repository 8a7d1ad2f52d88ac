using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Redwood.Realm.Domain;
using Redwood.Realm.Tests.Support;
using Redwood.Testing;
using static Redwood.Realm.Tests.Support.GameServerSteps;

namespace Redwood.Realm.Tests.GameServers;

/// <summary>
/// Joining proxies end to end: the host launches dev game server processes, which check every player's one-time token
/// through their Sidecar (§2.2.7, §2.3, §3.10).
/// </summary>
public abstract class JoinProxyTests(GameServerFixture fixture)
{
    private static readonly string[] CharacterKeys =
    [
        "abilitySystem", "archivedAt", "characterCreatorData", "createdAt", "data", "equippedInventory", "id", "metadata", "name",
        "nonequippedInventory", "playerId", "progress", "redwoodData", "updatedAt",
    ];

    static JoinProxyTests() => Testing.PlayerClient.Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Two_players_join_one_server_and_are_validated_by_its_sidecar()
    {
        await using var alice = await fixture.SignedInPlayerAsync();
        await using var bob = await fixture.SignedInPlayerAsync();
        var aliceCharacter = await CreateCharacterAsync(alice);
        var bobCharacter = await CreateCharacterAsync(bob);
        var proxyId = await CreateProxyAsync(alice);

        var aliceJoin = await JoinProxyAsync(alice, aliceCharacter, proxyId);
        var bobJoin = await JoinProxyAsync(bob, bobCharacter, proxyId);
        Ack.Succeeded(aliceJoin);
        Ack.Succeeded(bobJoin);
        var connection = aliceJoin.GetProperty("connectionUri").GetString()!;
        Assert.Equal(connection, bobJoin.GetProperty("connectionUri").GetString());
        Assert.Matches("^127\\.0\\.0\\.1:[0-9]+$", connection);
        Assert.True(aliceJoin.GetProperty("token").GetString()!.Length >= 22);

        await using var aliceGame = await GameClient.OpenAsync(connection, alice.PlayerId, aliceCharacter, aliceJoin.GetProperty("token").GetString()!);
        await using var bobGame = await GameClient.OpenAsync(connection, bob.PlayerId, bobCharacter, bobJoin.GetProperty("token").GetString()!);

        Assert.True(aliceGame.Admitted, aliceGame.Reply);
        Assert.True(bobGame.Admitted, bobGame.Reply);
        var character = aliceGame.Welcome.GetProperty("character");
        Assert.Equal(CharacterKeys, Ack.Keys(character));
        Assert.Equal(aliceCharacter, character.GetProperty("id").GetString());
        var player = aliceGame.Welcome.GetProperty("player");
        Assert.Equal(["data", "id", "nickname", "selectedGuild"], Ack.Keys(player));
        Assert.Equal(alice.PlayerId, player.GetProperty("id").GetString());
        await Testing.Eventually.True(async () =>
        {
            var list = await alice.Realm.RequestAsync("realm:servers:list-proxies", new { playerId = alice.PlayerId, privateProxyReferences = Array.Empty<string>() });
            return list.GetProperty("proxies").EnumerateArray().Single(p => p.GetProperty("id").GetString() == proxyId).GetProperty("currentPlayers").GetInt32() == 2;
        }, TimeSpan.FromSeconds(15), "list-proxies shows 2 players");
    }

    [Fact]
    public async Task A_token_works_once_and_only_for_its_player_and_character()
    {
        await using var alice = await fixture.SignedInPlayerAsync();
        await using var mallory = await fixture.SignedInPlayerAsync();
        var aliceCharacter = await CreateCharacterAsync(alice);
        var aliceOther = await CreateCharacterAsync(alice);
        var malloryCharacter = await CreateCharacterAsync(mallory);
        var proxyId = await CreateProxyAsync(alice);
        var join = await JoinProxyAsync(alice, aliceCharacter, proxyId);
        var connection = join.GetProperty("connectionUri").GetString()!;
        var token = join.GetProperty("token").GetString()!;

        await using var otherPlayer = await GameClient.OpenAsync(connection, mallory.PlayerId, malloryCharacter, token);
        await using var otherCharacter = await GameClient.OpenAsync(connection, alice.PlayerId, aliceOther, token);
        await using var unknown = await GameClient.OpenAsync(connection, alice.PlayerId, aliceCharacter, "not-a-token");
        await using var rightful = await GameClient.OpenAsync(connection, alice.PlayerId, aliceCharacter, token);
        await using var replay = await GameClient.OpenAsync(connection, alice.PlayerId, aliceCharacter, token);

        Assert.StartsWith("error Invalid join token", otherPlayer.Reply);
        Assert.StartsWith("error Invalid join token", otherCharacter.Reply);
        Assert.StartsWith("error Invalid join token", unknown.Reply);
        Assert.True(rightful.Admitted, rightful.Reply);
        Assert.StartsWith("error Invalid join token", replay.Reply);
    }

    [Fact]
    public async Task A_token_for_another_instance_is_refused()
    {
        await using var alice = await fixture.SignedInPlayerAsync();
        var character = await CreateCharacterAsync(alice);
        var first = await JoinProxyAsync(alice, character, await CreateProxyAsync(alice));
        var second = await JoinProxyAsync(alice, character, await CreateProxyAsync(alice));
        Assert.NotEqual(first.GetProperty("connectionUri").GetString(), second.GetProperty("connectionUri").GetString());

        await using var wrongServer = await GameClient.OpenAsync(
            second.GetProperty("connectionUri").GetString()!, alice.PlayerId, character, first.GetProperty("token").GetString()!);

        Assert.StartsWith("error Invalid join token", wrongServer.Reply);
    }

    [Fact]
    public async Task Two_concurrent_uses_of_a_token_admit_exactly_one()
    {
        await using var alice = await fixture.SignedInPlayerAsync();
        var character = await CreateCharacterAsync(alice);
        var join = await JoinProxyAsync(alice, character, await CreateProxyAsync(alice));
        var connection = join.GetProperty("connectionUri").GetString()!;
        var token = join.GetProperty("token").GetString()!;

        var attempts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => GameClient.OpenAsync(connection, alice.PlayerId, character, token)));

        Assert.Single(attempts, a => a.Admitted);
        foreach (var attempt in attempts)
        {
            await attempt.DisposeAsync();
        }
    }

    [Fact]
    public async Task Saves_reach_the_next_join_with_last_location_in_redwood_data()
    {
        await using var alice = await fixture.SignedInPlayerAsync();
        var character = await CreateCharacterAsync(alice);
        var proxyId = await CreateProxyAsync(alice);
        var first = await JoinProxyAsync(alice, character, proxyId);
        await using (var game = await GameClient.OpenAsync(first.GetProperty("connectionUri").GetString()!, alice.PlayerId, character, first.GetProperty("token").GetString()!))
        {
            Assert.True(game.Admitted, game.Reply);
            Assert.Equal("ok", await game.SendAsync("move 10 20 30"));
            Assert.Equal("ok", await game.SendAsync("set data {\"schemaVersion\":1,\"gold\":42}"));
            Assert.Equal("bye", await game.SendAsync("leave"));
        }

        await Testing.Eventually.True(
            async () => (await StoredAsync(character)).Data.Contains("42"),
            TimeSpan.FromSeconds(15), "the save arrives");
        var second = await JoinProxyAsync(alice, character, proxyId);
        await using var again = await GameClient.OpenAsync(second.GetProperty("connectionUri").GetString()!, alice.PlayerId, character, second.GetProperty("token").GetString()!);

        Assert.True(again.Admitted, again.Reply);
        var saved = again.Welcome.GetProperty("character");
        Assert.Equal(42, saved.GetProperty("data").GetProperty("gold").GetDouble());
        var location = saved.GetProperty("redwoodData").GetProperty("lastLocation");
        Assert.Equal("default", location.GetProperty("zoneName").GetString());
        Assert.Equal(10, location.GetProperty("transform").GetProperty("location").GetProperty("x").GetDouble());
    }

    [Fact]
    public async Task A_periodic_save_that_changes_nothing_writes_nothing_and_a_move_is_written()
    {
        await using var alice = await fixture.SignedInPlayerAsync();
        var character = await CreateCharacterAsync(alice);
        await using var game = await PlayingAsync(alice, character);
        Assert.Equal("ok", await game.SendAsync("move 10 20 30"));
        Character? saved = null;
        await Testing.Eventually.True(
            async () => X(saved = await StoredAsync(character)) == 10,
            TimeSpan.FromSeconds(15), "the move is saved");

        // The server keeps sending the same lastLocation every 0.2 s while the player stands still: the Sidecar answers
        // those saves itself, and the Realm sees none of them.
        await Task.Delay(TimeSpan.FromSeconds(0.5));
        using var saves = new SidecarSaves(fixture.App);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var idle = await StoredAsync(character);
        Assert.Equal(saved!.UpdatedAt, idle.UpdatedAt);
        Assert.Equal(0, saves.Forwarded);
        Assert.True(saves.Unchanged >= 3, $"{saves.Unchanged} unchanged saves in 1.5 s");

        Assert.Equal("ok", await game.SendAsync("move 11 20 30"));
        await Testing.Eventually.True(
            async () => await StoredAsync(character) is var moved
                && X(moved) == 11 && moved.UpdatedAt > idle.UpdatedAt,
            TimeSpan.FromSeconds(15), "the next move is saved with a new updatedAt");
        Assert.True(saves.Forwarded >= 1);
    }

    [Fact]
    public async Task A_location_saved_elsewhere_meanwhile_is_saved_again_when_the_player_returns()
    {
        await using var alice = await fixture.SignedInPlayerAsync();
        var character = await CreateCharacterAsync(alice);
        var here = await CreateProxyAsync(alice);
        var elsewhere = await CreateProxyAsync(alice);
        await MoveOnAsync(alice, character, here, "move 5 0 0", 5);
        await MoveOnAsync(alice, character, elsewhere, "move 6 0 0", 6);

        // Back on the first server, standing where it last saw the player: its save is no longer what is stored.
        var join = await JoinProxyAsync(alice, character, here);
        await using var game = await GameClient.OpenAsync(join.GetProperty("connectionUri").GetString()!, alice.PlayerId, character, join.GetProperty("token").GetString()!);
        Assert.True(game.Admitted, game.Reply);
        Assert.Equal("ok", await game.SendAsync("move 5 0 0"));

        await Testing.Eventually.True(async () => X(await StoredAsync(character)) == 5, TimeSpan.FromSeconds(15), "the first server's location is stored again");
    }

    /// <summary>Joins the proxy's server, moves, waits until the location is stored, and leaves.</summary>
    private async Task MoveOnAsync(TestPlayer player, string character, string proxyId, string move, double x)
    {
        var join = await JoinProxyAsync(player, character, proxyId);
        await using var game = await GameClient.OpenAsync(join.GetProperty("connectionUri").GetString()!, player.PlayerId, character, join.GetProperty("token").GetString()!);
        Assert.True(game.Admitted, game.Reply);
        Assert.Equal("ok", await game.SendAsync(move));
        await Testing.Eventually.True(async () => X(await StoredAsync(character)) == x, TimeSpan.FromSeconds(15), $"x = {x} is stored");
        Assert.Equal("bye", await game.SendAsync("leave"));
    }

    [Fact]
    public async Task A_save_that_would_make_the_character_too_large_is_refused_and_the_stored_character_kept()
    {
        await using var alice = await fixture.SignedInPlayerAsync();
        var character = await CreateCharacterAsync(alice);
        await using var game = await PlayingAsync(alice, character);
        Assert.Equal("ok", await game.SendAsync("set data {\"gold\":1}"));
        await Testing.Eventually.True(async () => (await StoredAsync(character)).Data.Contains("\"gold\"", StringComparison.Ordinal), TimeSpan.FromSeconds(15), "the first save");

        // 600 KB of data: over the 512 KB a whole character may hold.
        Assert.Equal("ok", await game.SendAsync($"set data {{\"blob\":\"{new string('x', 600 * 1024)}\"}}"));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var kept = await StoredAsync(character);
        Assert.Contains("\"gold\"", kept.Data, StringComparison.Ordinal);
        Assert.DoesNotContain("blob", kept.Data, StringComparison.Ordinal);

        Assert.Equal("ok", await game.SendAsync("set data {\"gold\":2}"));
        await Testing.Eventually.True(
            async () => JsonDocument.Parse((await StoredAsync(character)).Data).RootElement.GetProperty("gold").GetDouble() == 2,
            TimeSpan.FromSeconds(15), "the next save within the limit");
    }

    /// <summary>The player joined a new proxy's server and was admitted by it.</summary>
    private static async Task<GameClient> PlayingAsync(TestPlayer player, string character)
    {
        var join = await JoinProxyAsync(player, character, await CreateProxyAsync(player));
        var game = await GameClient.OpenAsync(join.GetProperty("connectionUri").GetString()!, player.PlayerId, character, join.GetProperty("token").GetString()!);
        Assert.True(game.Admitted, game.Reply);
        return game;
    }

    private Task<Character> StoredAsync(string id) => QueryAsync(fixture.App, db => db.Characters.AsNoTracking().FirstAsync(c => c.Id == id));

    private static double? X(Character character) =>
        JsonDocument.Parse(character.RedwoodData).RootElement.TryGetProperty("lastLocation", out var location)
            ? location.GetProperty("transform").GetProperty("location").GetProperty("x").GetDouble()
            : null;

    [Fact]
    public async Task Stop_proxy_ends_its_collection_and_stops_its_server()
    {
        await using var alice = await fixture.SignedInPlayerAsync();
        await using var bob = await fixture.SignedInPlayerAsync();
        var character = await CreateCharacterAsync(alice);
        var proxyId = await CreateProxyAsync(alice);
        Ack.Succeeded(await JoinProxyAsync(alice, character, proxyId));
        using var process = await ServerProcessAsync(fixture.App, proxyId);

        var notOwner = await bob.Realm.RequestAsync("realm:servers:stop-proxy", new { id = bob.PlayerId, proxyId });
        var stopped = await alice.Realm.RequestAsync("realm:servers:stop-proxy", new { id = alice.PlayerId, proxyId });
        var again = await alice.Realm.RequestAsync("realm:servers:stop-proxy", new { id = alice.PlayerId, proxyId });

        Assert.Equal("Only the proxy's owner or an admin can stop it", Ack.Error(notOwner));
        Ack.Succeeded(stopped);
        Assert.Equal("This proxy is already stopped", Ack.Error(again));
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(15)), "the game server process was stopped");
        var instances = await QueryAsync(fixture.App, db => db.Instances.AsNoTracking().Where(i => i.ProxyId == proxyId).ToListAsync());
        Assert.All(instances, i => Assert.NotNull(i.EndedAt));
        var proxy = await QueryAsync(fixture.App, db => db.Proxies.AsNoTracking().FirstAsync(p => p.Id == proxyId));
        Assert.Null(proxy.ActiveCollectionId);
        Assert.Null(proxy.EndedAt);
        Assert.True(await QueryAsync(fixture.App, db => db.Collections.AsNoTracking().AllAsync(c => c.ProxyId != proxyId || c.EndedAt != null)));
    }

    [Fact]
    public async Task A_server_killed_mid_session_ends_its_instance_and_the_next_join_starts_another()
    {
        await using var alice = await fixture.SignedInPlayerAsync();
        var character = await CreateCharacterAsync(alice);
        var proxyId = await CreateProxyAsync(alice);
        var first = await JoinProxyAsync(alice, character, proxyId);
        await using var game = await GameClient.OpenAsync(first.GetProperty("connectionUri").GetString()!, alice.PlayerId, character, first.GetProperty("token").GetString()!);
        Assert.True(game.Admitted, game.Reply);
        using (var process = await ServerProcessAsync(fixture.App, proxyId))
        {
            process.Kill(entireProcessTree: true);
        }

        await Testing.Eventually.True(
            async () => await QueryAsync(fixture.App, db => db.Instances.AsNoTracking().AllAsync(i => i.ProxyId != proxyId || i.EndedAt != null)),
            TimeSpan.FromSeconds(20), "the instance ended");
        var second = await JoinProxyAsync(alice, character, proxyId);

        Ack.Succeeded(second);
        Assert.NotEqual(first.GetProperty("connectionUri").GetString(), second.GetProperty("connectionUri").GetString());
    }

    [Fact]
    public async Task A_proxy_that_ends_with_its_collection_ends_when_its_last_instance_ends()
    {
        await using var alice = await fixture.SignedInPlayerAsync();
        var character = await CreateCharacterAsync(alice);
        var proxyId = await CreateProxyAsync(alice, proxyEnds: true);
        Ack.Succeeded(await JoinProxyAsync(alice, character, proxyId));
        using (var process = await ServerProcessAsync(fixture.App, proxyId))
        {
            process.Kill(entireProcessTree: true);
        }

        await Testing.Eventually.True(
            async () => (await QueryAsync(fixture.App, db => db.Proxies.AsNoTracking().FirstAsync(p => p.Id == proxyId))).EndedAt is not null,
            TimeSpan.FromSeconds(30), "the proxy ended with its collection");
        var collections = await QueryAsync(fixture.App, db => db.Collections.AsNoTracking().Where(c => c.ProxyId == proxyId).ToListAsync());
        Assert.All(collections, c => Assert.NotNull(c.EndedAt));
        Assert.Null((await QueryAsync(fixture.App, db => db.Proxies.AsNoTracking().FirstAsync(p => p.Id == proxyId))).ActiveCollectionId);
        Assert.Equal("Proxy not found (or it has ended)", Ack.Error(await JoinProxyAsync(alice, character, proxyId)));
    }

    [Fact]
    public async Task A_map_no_server_can_load_fails_the_join_after_trying_another_server()
    {
        await using var alice = await fixture.SignedInPlayerAsync();
        var character = await CreateCharacterAsync(alice);
        var proxyId = await CreateProxyAsync(alice, mapId: "broken");

        var join = await JoinProxyAsync(alice, character, proxyId);

        Assert.StartsWith("No game server could load the map", Ack.Error(join));
        Assert.Equal(JsonValueKind.Null, join.GetProperty("token").ValueKind);
        var instances = await QueryAsync(fixture.App, db => db.Instances.AsNoTracking().Where(i => i.ProxyId == proxyId).ToListAsync());
        var instance = Assert.Single(instances);
        Assert.Equal(GameServerStatus.Ended, instance.Status);
        var tried = await QueryAsync(fixture.App, db => db.Containers.AsNoTracking().Where(c => c.InstanceId == instance.Id).ToListAsync());
        Assert.Equal(2, tried.Count);
        Assert.All(tried, c => Assert.NotNull(c.EndedAt));
    }
}

public sealed class SqliteJoinProxyTests(SqliteGameServers fixture) : JoinProxyTests(fixture), IClassFixture<SqliteGameServers>;

public sealed class PostgresJoinProxyTests(PostgresGameServers fixture) : JoinProxyTests(fixture), IClassFixture<PostgresGameServers>;

/// <summary>The <c>redwood.sidecar.character_saves</c> counter of one app (its own meter factory), from now on.</summary>
internal sealed class SidecarSaves : IDisposable
{
    private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
    private long _forwarded;
    private long _unchanged;

    public SidecarSaves(RedwoodApp app)
    {
        var meters = app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "redwood.sidecar.character_saves" && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "outcome", Value: "forwarded" })
                {
                    Interlocked.Add(ref _forwarded, value);
                }
                else if (tag is { Key: "outcome", Value: "unchanged" })
                {
                    Interlocked.Add(ref _unchanged, value);
                }
            }
        });
        _listener.Start();
    }

    public long Forwarded => Interlocked.Read(ref _forwarded);

    public long Unchanged => Interlocked.Read(ref _unchanged);

    public void Dispose() => _listener.Dispose();
}
