using Microsoft.EntityFrameworkCore;
using Redwood.Matchmaking.Contracts;
using Redwood.Realm.Domain;
using Redwood.Realm.Tests.Support;
using Redwood.Testing;
using static Redwood.Realm.Tests.Support.GameServerSteps;

namespace Redwood.Realm.Tests.GameServers;

/// <summary>
/// Empty shards end after the profile's <c>NumMinutesToDestroyEmptyShard</c> (a fraction of a minute here), with
/// their server process, collection and (for a match) proxy; the last shard of a start-on-boot proxy stays.
/// </summary>
public sealed class ShardLifecycleTests
{
    private const double EmptyShardMinutes = 0.05;

    static ShardLifecycleTests() => PlayerClient.Timeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(TestDatabase.Sqlite)]
    [InlineData(TestDatabase.Postgres)]
    public async Task A_match_shard_left_empty_is_stopped_with_its_process_collection_and_proxy(TestDatabase database)
    {
        await using var app = await RedwoodApp.StartAsync(database, Settings());
        await using var alice = await TestPlayer.CreateAsync(app.Uri("director"));
        await alice.SignInAsync(app.Uri("realm"));
        var character = await CreateCharacterAsync(alice);
        var match = new MatchFound("default", "m" + Guid.NewGuid().ToString("N"), "default", "local", "default", [new MatchedTicket("t1", alice.PlayerId, character)]);
        await MatchAllocationTests.PublishMatchAsync(app, match);
        var push = await alice.Realm.NextPushAsync("realm:servers:connect-to-instance", TimeSpan.FromSeconds(60));
        var proxy = await QueryAsync(app, db => db.Proxies.AsNoTracking().SingleAsync(p => p.Name == "Match " + match.MatchId));
        Assert.Equal(EmptyShardMinutes, proxy.NumMinutesToDestroyEmptyShard);
        using var process = await ServerProcessAsync(app, proxy.Id);
        var instanceId = await QueryAsync(app, db => db.Instances.AsNoTracking().Where(i => i.ProxyId == proxy.Id).Select(i => i.Id).SingleAsync());

        await using (var game = await GameClient.OpenAsync(push.GetProperty("connection").GetString()!, alice.PlayerId, character, push.GetProperty("token").GetString()!))
        {
            Assert.True(game.Admitted, game.Reply);
            await Eventually.True(
                async () => (await QueryAsync(app, db => db.Instances.AsNoTracking().SingleAsync(i => i.Id == instanceId))).NumPlayers == 1,
                TimeSpan.FromSeconds(30), "the server reports its player");

            // A shard with a player is not empty, however long the setting's time passes.
            await Task.Delay(TimeSpan.FromMinutes(EmptyShardMinutes * 2));
            Assert.Null((await QueryAsync(app, db => db.Instances.AsNoTracking().SingleAsync(i => i.Id == instanceId))).EndedAt);
            Assert.Equal("bye", await game.SendAsync("leave"));
        }

        await Eventually.True(
            async () => (await QueryAsync(app, db => db.Instances.AsNoTracking().SingleAsync(i => i.Id == instanceId))).EndedAt is not null,
            TimeSpan.FromSeconds(60), "the empty shard was stopped");
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(15)), "the game server process exited");
        await Eventually.True(
            async () => (await QueryAsync(app, db => db.Proxies.AsNoTracking().SingleAsync(p => p.Id == proxy.Id))).EndedAt is not null,
            TimeSpan.FromSeconds(30), "the match proxy ended with its collection");
        Assert.True(await QueryAsync(app, db => db.Collections.AsNoTracking().Where(c => c.ProxyId == proxy.Id).AllAsync(c => c.EndedAt != null)));
        Assert.True(await QueryAsync(app, db => db.Containers.AsNoTracking().Where(c => c.InstanceId == instanceId).AllAsync(c => c.EndedAt != null)));
    }

    [Fact]
    public async Task The_last_empty_shard_of_a_start_on_boot_proxy_is_kept()
    {
        await using var app = await RedwoodApp.StartAsync(TestDatabase.Sqlite, Settings());
        await using var admin = await TestPlayer.LogInAsync(app.Uri("director"), RealmTestHost.AdminUsername, RealmTestHost.AdminPassword);
        await admin.SignInAsync(app.Uri("realm"));
        var created = await admin.Realm.RequestAsync("realm:servers:create-proxy", new
        {
            playerId = admin.PlayerId, joinCharacterId = (string?)null, name = Names.Unique("Overworld"), region = "local", modeId = "default",
            mapId = (string?)null, @public = true, proxyEndsWhenCollectionEnds = false, continuousPlay = true, password = (string?)null,
            shortCode = (string?)null, startOnBoot = true,
        });
        var proxyId = created.GetProperty("proxyReference").GetString()!;

        // Player-created proxies carry no empty-shard time on the wire; give this one the profile's short time.
        await QueryAsync(app, db => db.Proxies.Where(p => p.Id == proxyId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.NumMinutesToDestroyEmptyShard, EmptyShardMinutes)));
        async Task<GameServerInstance?> Live() => await QueryAsync(app, db => db.Instances.AsNoTracking()
            .Where(i => i.ProxyId == proxyId && i.EndedAt == null && i.Status == GameServerStatus.Ready).FirstOrDefaultAsync());
        await Eventually.True(async () => await Live() is { EmptySince: not null }, TimeSpan.FromSeconds(60), "the proxy started and is empty");
        var first = (await Live())!;

        await Task.Delay(TimeSpan.FromMinutes(EmptyShardMinutes * 3));

        var still = await QueryAsync(app, db => db.Instances.AsNoTracking().SingleAsync(i => i.Id == first.Id));
        Assert.Null(still.EndedAt);
        Assert.Equal(1, await QueryAsync(app, db => db.Instances.AsNoTracking().CountAsync(i => i.ProxyId == proxyId)));
    }

    private static Dictionary<string, string?> Settings()
    {
        var settings = RealmTestHost.Settings(GameServerFixture.GameServerSettings("-DevSaveInterval=0.2"));
        settings["Redwood:Matchmaking:Profiles:0:Id"] = "default";
        settings["Redwood:Matchmaking:Profiles:0:Zones:0:Name"] = "default";
        settings["Redwood:Matchmaking:Profiles:0:Zones:0:Maps:0"] = "default";
        settings["Redwood:Matchmaking:Profiles:0:MatchmakingZoneName"] = "default";
        settings["Redwood:Matchmaking:Profiles:0:MinPlayersForMatchmaking"] = "1";
        settings["Redwood:Matchmaking:Profiles:0:MaxPlayersPerShard"] = "2";
        settings["Redwood:Matchmaking:Profiles:0:NumMinutesToDestroyEmptyShard"] = EmptyShardMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }
}
