using System.Diagnostics;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Redwood.Matchmaking.Contracts;
using Redwood.Realm.Tests.Support;
using Redwood.Testing;
using static Redwood.Realm.Tests.Support.GameServerSteps;

namespace Redwood.Realm.Tests.GameServers;

/// <summary>
/// Allocation on <see cref="MatchFound"/> (as the Matchmaking module publishes it): a private proxy of the profile, one
/// server, <c>connect-to-instance</c> pushed to every player's realm socket, players validated by the Sidecar.
/// </summary>
public abstract class MatchAllocationTests(GameServerFixture fixture)
{
    private const string ConnectToInstance = "realm:servers:connect-to-instance";

    static MatchAllocationTests() => PlayerClient.Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_match_sends_both_players_to_one_server_once()
    {
        await using var alice = await fixture.SignedInPlayerAsync();
        await using var bob = await fixture.SignedInPlayerAsync();
        var aliceCharacter = await CreateCharacterAsync(alice);
        var bobCharacter = await CreateCharacterAsync(bob);
        var match = new MatchFound("default", "m" + Guid.NewGuid().ToString("N"), "default", "local", "default",
            [new MatchedTicket("t1", alice.PlayerId, aliceCharacter), new MatchedTicket("t2", bob.PlayerId, bobCharacter)]);

        await PublishAsync(fixture.App, match);
        await PublishAsync(fixture.App, match);
        var alicePush = await alice.Realm.NextPushAsync(ConnectToInstance, TimeSpan.FromSeconds(60));
        var bobPush = await bob.Realm.NextPushAsync(ConnectToInstance, TimeSpan.FromSeconds(60));

        Assert.Equal(["connection", "shouldStitch", "token"], Ack.Keys(alicePush));
        Assert.False(alicePush.GetProperty("shouldStitch").GetBoolean());
        var connection = alicePush.GetProperty("connection").GetString()!;
        Assert.Equal(connection, bobPush.GetProperty("connection").GetString());
        await using var aliceGame = await GameClient.OpenAsync(connection, alice.PlayerId, aliceCharacter, alicePush.GetProperty("token").GetString()!);
        await using var bobGame = await GameClient.OpenAsync(connection, bob.PlayerId, bobCharacter, bobPush.GetProperty("token").GetString()!);
        Assert.True(aliceGame.Admitted, aliceGame.Reply);
        Assert.True(bobGame.Admitted, bobGame.Reply);
        var claim = await QueryAsync(fixture.App, db => db.AllocationClaims.AsNoTracking().SingleAsync(c => c.Key == "match:" + match.MatchId));
        Assert.StartsWith("served", claim.Outcome);
        var proxies = await QueryAsync(fixture.App, db => db.Proxies.AsNoTracking().Where(p => p.Name == "Match " + match.MatchId).ToListAsync());
        var proxy = Assert.Single(proxies);
        Assert.False(proxy.Public);
        Assert.True(proxy.ProxyEndsWhenCollectionEnds);
        Assert.Equal("default", proxy.ModeId);
        Assert.False(alice.Realm.HasPush(ConnectToInstance));
    }

    [Fact]
    public async Task A_queue_admission_sends_the_player_to_the_proxy_shard_and_counts_the_outstanding_token()
    {
        await using var alice = await fixture.SignedInPlayerAsync();
        var character = await CreateCharacterAsync(alice);
        var proxyId = await CreateProxyAsync(alice);
        var ticketId = "q" + Guid.NewGuid().ToString("N");

        await PublishAsync(fixture.App, new QueueAdmitted("default", ticketId, alice.PlayerId, character, proxyId, "default", "alpha"));
        var push = await alice.Realm.NextPushAsync(ConnectToInstance, TimeSpan.FromSeconds(60));
        Contracts.ZoneLoadReply load;
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            load = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new Contracts.GetZoneLoad("default", proxyId, "default"));
        }

        Assert.True(load.Live);
        var shard = Assert.Single(load.Shards);
        Assert.Equal(new Contracts.ShardLoad("alpha", 1), shard);
        await using var game = await GameClient.OpenAsync(push.GetProperty("connection").GetString()!, alice.PlayerId, character, push.GetProperty("token").GetString()!);
        Assert.True(game.Admitted, game.Reply);
        var claim = await QueryAsync(fixture.App, db => db.AllocationClaims.AsNoTracking().SingleAsync(c => c.Key == "ticket:" + ticketId));
        Assert.StartsWith("served", claim.Outcome);
    }

    private static async Task PublishAsync(RedwoodApp app, INotification notification)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IPublisher>().Publish(notification);
    }

    internal static Task PublishMatchAsync(RedwoodApp app, MatchFound match) => PublishAsync(app, match);
}

public sealed class SqliteMatchAllocationTests(SqliteGameServers fixture) : MatchAllocationTests(fixture), IClassFixture<SqliteGameServers>;

public sealed class PostgresMatchAllocationTests(PostgresGameServers fixture) : MatchAllocationTests(fixture), IClassFixture<PostgresGameServers>;

/// <summary>Hosts of their own: a server that never loads, expired tokens, the warm pool and shutdown.</summary>
public sealed class GameServerLifecycleTests
{
    static GameServerLifecycleTests() => PlayerClient.Timeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(TestDatabase.Sqlite)]
    [InlineData(TestDatabase.Postgres)]
    public async Task A_match_whose_server_never_loads_fails_and_ends_its_proxy(TestDatabase database)
    {
        var settings = RealmTestHost.Settings(GameServerFixture.GameServerSettings("-DevNeverLoad"));
        settings["Redwood:GameServers:ReadyTimeout"] = "00:00:04";
        settings["Redwood:GameServers:AllocationAttempts"] = "1";
        await using var app = await RedwoodApp.StartAsync(database, settings);
        await using var alice = await TestPlayer.CreateAsync(app.Uri("director"));
        await alice.SignInAsync(app.Uri("realm"));
        var character = await CreateCharacterAsync(alice);
        var match = new MatchFound("default", "m" + Guid.NewGuid().ToString("N"), "default", "local", "default", [new MatchedTicket("t1", alice.PlayerId, character)]);

        await MatchAllocationTests.PublishMatchAsync(app, match);

        await Eventually.True(
            async () => (await QueryAsync(app, db => db.AllocationClaims.AsNoTracking().SingleAsync(c => c.Key == "match:" + match.MatchId))).CompletedAt is not null,
            TimeSpan.FromSeconds(60), "the allocation gave up");
        var claim = await QueryAsync(app, db => db.AllocationClaims.AsNoTracking().SingleAsync(c => c.Key == "match:" + match.MatchId));
        Assert.StartsWith("failed: No game server could load the map", claim.Outcome);
        var proxy = await QueryAsync(app, db => db.Proxies.AsNoTracking().SingleAsync(p => p.Name == "Match " + match.MatchId));
        Assert.NotNull(proxy.EndedAt);
        Assert.False(alice.Realm.HasPush("realm:servers:connect-to-instance"));
        Assert.True(await QueryAsync(app, db => db.Containers.AsNoTracking().AllAsync(c => c.EndedAt != null)));
    }

    [Theory]
    [InlineData(TestDatabase.Sqlite)]
    [InlineData(TestDatabase.Postgres)]
    public async Task An_expired_token_is_refused(TestDatabase database)
    {
        var settings = RealmTestHost.Settings(GameServerFixture.GameServerSettings());
        settings["Redwood:GameServers:JoinTokenLifetime"] = "00:00:01";
        await using var app = await RedwoodApp.StartAsync(database, settings);
        await using var alice = await TestPlayer.CreateAsync(app.Uri("director"));
        await alice.SignInAsync(app.Uri("realm"));
        var character = await CreateCharacterAsync(alice);
        var join = await JoinProxyAsync(alice, character, await CreateProxyAsync(alice));
        Ack.Succeeded(join);

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await using var late = await GameClient.OpenAsync(join.GetProperty("connectionUri").GetString()!, alice.PlayerId, character, join.GetProperty("token").GetString()!);

        Assert.Equal("error Join token expired; join again", late.Reply);
    }

    [Fact]
    public async Task A_start_on_boot_proxy_starts_at_once_and_again_after_its_server_dies()
    {
        await using var app = await RedwoodApp.StartAsync(TestDatabase.Sqlite, RealmTestHost.Settings(GameServerFixture.GameServerSettings()));
        await using var admin = await TestPlayer.LogInAsync(app.Uri("director"), RealmTestHost.AdminUsername, RealmTestHost.AdminPassword);
        await admin.SignInAsync(app.Uri("realm"));
        var created = await admin.Realm.RequestAsync("realm:servers:create-proxy", new
        {
            playerId = admin.PlayerId, joinCharacterId = (string?)null, name = Names.Unique("Overworld"), region = "local", modeId = "default",
            mapId = (string?)null, @public = true, proxyEndsWhenCollectionEnds = false, continuousPlay = true, password = (string?)null,
            shortCode = (string?)null, startOnBoot = true,
        });
        var proxyId = created.GetProperty("proxyReference").GetString()!;

        async Task<string?> ReadyInstance() => await QueryAsync(app, db => db.Instances.AsNoTracking()
            .Where(i => i.ProxyId == proxyId && i.EndedAt == null && i.Status == Domain.GameServerStatus.Ready).Select(i => i.Id).FirstOrDefaultAsync());
        await Eventually.True(async () => await ReadyInstance() is not null, TimeSpan.FromSeconds(60), "the proxy started");
        var first = await ReadyInstance();
        using (var process = await ServerProcessAsync(app, proxyId))
        {
            process.Kill(entireProcessTree: true);
        }

        await Eventually.True(async () => await ReadyInstance() is { } next && next != first, TimeSpan.FromSeconds(60), "the proxy restarted");
    }

    [Fact]
    public async Task Keeps_a_warm_pool_and_leaves_no_child_process_after_shutdown()
    {
        var settings = RealmTestHost.Settings(GameServerFixture.GameServerSettings());
        settings["Redwood:GameServers:WarmPoolSize"] = "2";
        var app = await RedwoodApp.StartAsync(TestDatabase.Sqlite, settings);
        List<Process> children;
        try
        {
            await Eventually.True(
                async () => await QueryAsync(app, db => db.Containers.AsNoTracking().CountAsync(c => c.EndedAt == null && c.LastReportAt != null)) == 2,
                TimeSpan.FromSeconds(60), "two idle servers reporting");
            var pids = await QueryAsync(app, db => db.Containers.AsNoTracking().Where(c => c.EndedAt == null).Select(c => c.ProviderId!).ToListAsync());
            children = [.. pids.Select(p => Process.GetProcessById(int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)))];
        }
        finally
        {
            await app.DisposeAsync();
        }

        Assert.Equal(2, children.Count);
        Assert.All(children, c => Assert.True(c.WaitForExit(TimeSpan.FromSeconds(10)), $"child {c.Id} still running"));
    }
}
