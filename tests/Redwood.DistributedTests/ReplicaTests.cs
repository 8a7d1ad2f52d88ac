using Redwood.Testing;

namespace Redwood.DistributedTests;

/// <summary>What replicas share: the login limit across Directors, and per-realm routing across realms.</summary>
public sealed class ReplicaTests
{
    private const string SecondRealmSecret = "second-realm-secret-0123456789abcdefghij";

    static ReplicaTests() => PlayerClient.Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Replicas_starting_at_once_on_a_fresh_database_all_migrate_and_start()
    {
        await using var topology = await Topology.CreateAsync();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => topology.AddAsync("Director")));
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => topology.AddAsync("Realm")));

        Assert.Equal(3, topology.Directors.Count(d => !d.HasExited));
        Assert.Equal(3, topology.Realms.Count(r => !r.HasExited));
    }

    [Fact]
    public async Task Failed_logins_on_one_director_replica_count_on_the_other()
    {
        await using var topology = await Topology.CreateAsync(settings => settings["Redwood:Director:Auth:MaxFailedLoginsPerUsername"] = "3");
        var first = await topology.AddAsync("Director");
        var second = await topology.AddAsync("Director");
        await using var a = await PlayerClient.ConnectAsync(first.Uri("director"));
        await using var b = await PlayerClient.ConnectAsync(second.Uri("director"));
        var username = "lim" + Guid.NewGuid().ToString("N")[..10];
        Assert.Equal(string.Empty, (await a.RequestAsync("player:register:username", new { username, password = FlowPlayer.Password })).GetProperty("error").GetString());

        for (var i = 0; i < 3; i++)
        {
            var wrong = await a.RequestAsync("player:login:username", new { username, secret = "wrong password " + i, provider = "local" });
            Assert.NotEqual(string.Empty, wrong.GetProperty("error").GetString());
        }

        var right = await b.RequestAsync("player:login:username", new { username, secret = FlowPlayer.Password, provider = "local" });
        Assert.Equal("Too many failed login attempts, try again later", right.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_hand_off_token_minted_by_a_director_replica_that_died_is_consumed_through_the_other()
    {
        await using var topology = await Topology.CreateAsync();
        var minting = await topology.AddAsync("Director");
        await topology.AddAsync("Director");
        var realm = await topology.AddAsync("Realm");
        await topology.ExplainedAsync(async () =>
        {
            await using var director = await PlayerClient.ConnectAsync(minting.Uri("director"));
            var username = "ho" + Guid.NewGuid().ToString("N")[..10];
            Assert.Equal(string.Empty, (await director.RequestAsync("player:register:username", new { username, password = FlowPlayer.Password })).GetProperty("error").GetString());
            var login = await director.RequestAsync("player:login:username", new { username, secret = FlowPlayer.Password, provider = "local" });
            var playerId = login.GetProperty("playerId").GetString()!;
            var handoff = await director.RequestAsync("realm:auth:player:connect:client-to-director", new { playerId, realmId = "default" });

            // Only the other Director replica is left to answer the Realm's check.
            await minting.DisposeAsync();
            await using var socket = await PlayerClient.ConnectAsync(realm.Uri("realm"), withAuthObject: true);
            var signIn = await socket.RequestAsync("realm:auth:player:connect:client-to-realm", new { playerId, token = handoff.GetProperty("token").GetString() });
            Assert.Equal(string.Empty, signIn.GetProperty("error").GetString());
        });
    }

    [Fact]
    public async Task Each_realm_of_a_deployment_allocates_and_validates_its_own_matches()
    {
        await using var topology = await Topology.CreateAsync(settings =>
        {
            settings["Redwood:Director:Realms:1:Id"] = "second";
            settings["Redwood:Director:Realms:1:Name"] = "Second";
            settings["Redwood:Director:Realms:1:Uri"] = "ws://localhost:3012";
            settings["Redwood:Director:Realms:1:Secret"] = SecondRealmSecret;
        });
        var director = await topology.AddAsync("Director");
        await topology.AddAsync("Matchmaking");
        await topology.ExplainedAsync(async () =>
        {
            var main = await topology.AddAsync("Realm");
            var second = await topology.AddAsync("Realm", new Dictionary<string, string?>
            {
                ["Redwood:Realm:Id"] = "second",
                ["Redwood:Realm:Name"] = "Second",
                ["Redwood:Realm:Secret"] = SecondRealmSecret,
            });

            // Matches of both realms at once: each realm's work and join-token checks must reach that realm's process.
            var players = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => i % 2 == 0
                ? FlowPlayer.ArriveAsync(director, main)
                : FlowPlayer.ArriveAsync(director, second, "second")));
            try
            {
                foreach (var player in players)
                {
                    await player.JoinMatchmakingAsync();
                }

                var played = await Task.WhenAll(players.Select(p => p.PlayAsync(TimeSpan.FromSeconds(90))));
                try
                {
                    Assert.All(played, p => Assert.True(p.Game.Admitted, p.Game.Reply));
                }
                finally
                {
                    foreach (var (_, game) in played)
                    {
                        await game.DisposeAsync();
                    }
                }
            }
            finally
            {
                foreach (var player in players)
                {
                    await player.DisposeAsync();
                }
            }
        });
    }
}
