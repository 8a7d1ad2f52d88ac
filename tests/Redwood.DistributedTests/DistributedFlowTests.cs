using System.Text.Json;
using Redwood.Testing;

namespace Redwood.DistributedTests;

/// <summary>
/// The whole player flow with every module in processes of its own (2 Directors, 2 Realm replicas of one realm, 2
/// Matchmakers, a Sidecar process beside each game server) on real PostgreSQL and Redis, and what happens when processes
/// die mid-flow.
/// </summary>
public sealed class DistributedFlowTests
{
    private static readonly TimeSpan ToGame = TimeSpan.FromSeconds(90);

    static DistributedFlowTests() => PlayerClient.Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Players_play_through_six_processes_and_a_sidecar_per_game_server_and_keep_playing_when_a_realm_replica_and_the_matcher_are_killed()
    {
        await using var topology = await Topology.StartAsync();
        var players = new List<FlowPlayer>();
        var games = new List<GameClient>();
        try
        {
            // Wave 1: players spread over both Directors and both Realm replicas; a match may pair players of
            // different replicas, so pushes cross processes.
            var wave1 = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => FlowPlayer.ArriveAsync(topology.Directors[(i / 2) % 2], topology.Realms[i % 2])));
            players.AddRange(wave1);
            foreach (var player in wave1)
            {
                await player.JoinMatchmakingAsync();
            }

            var played1 = await Task.WhenAll(wave1.Select(p => p.PlayAsync(ToGame)));
            games.AddRange(played1.Select(p => p.Game));
            Assert.All(played1, p => Assert.True(p.Game.Admitted, p.Game.Reply));
            Assert.All(played1.GroupBy(p => p.Push.GetProperty("connection").GetString()), server => Assert.Equal(2, server.Count()));

            // Wave 2 on the surviving replica: half the tickets are in when the matcher lease holder and the other
            // Realm replica are killed; the rest arrive afterwards.
            var survivor = topology.Realms[1];
            var wave2 = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => FlowPlayer.ArriveAsync(topology.Directors[i % 2], survivor)));
            players.AddRange(wave2);
            foreach (var player in wave2.Take(4))
            {
                await player.JoinMatchmakingAsync();
            }

            // One replica of the realm runs its lifecycle checks and purges.
            Assert.Single(topology.Realms, r => r.Output.Contains("took the lease realm:default:lifecycle", StringComparison.Ordinal));
            Assert.Single(topology.Realms, r => r.Output.Contains("took the lease realm:default:purge", StringComparison.Ordinal));
            var matcher = topology.MatcherLeaseHolder();
            var otherMatcher = topology.Matchmakers.Single(m => m != matcher);
            await Task.WhenAll(matcher.DisposeAsync().AsTask(), topology.Realms[0].DisposeAsync().AsTask());
            foreach (var player in wave2.Skip(4))
            {
                await player.JoinMatchmakingAsync();
            }

            var played2 = await Task.WhenAll(wave2.Select(p => p.PlayAsync(ToGame)));
            games.AddRange(played2.Select(p => p.Game));
            Assert.All(played2, p => Assert.True(p.Game.Admitted, p.Game.Reply));
            Assert.Contains("took the lease matchmaking:matcher", otherMatcher.Output, StringComparison.Ordinal);
            await Eventually.True(
                () => Task.FromResult(survivor.Output.Contains("took the lease realm:default:lifecycle", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(30), "the surviving replica holds the realm's lifecycle lease");

            // What the game servers write reaches the Realm database: every wave-2 player's save is there.
            foreach (var (player, game) in wave2.Zip(played2.Select(p => p.Game)))
            {
                Assert.Equal("ok", await game.SendAsync($"set data {{\"gold\":{Gold(player)}}}"));
                Assert.Equal("bye", await game.SendAsync("leave"));
            }

            foreach (var player in wave2)
            {
                await Eventually.True(async () => await SavedGoldAsync(player) == Gold(player), TimeSpan.FromSeconds(30), $"{player.Username}'s save arrived");
            }
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(ex.Message + "\n" + topology.Logs(), ex);
        }
        finally
        {
            foreach (var game in games)
            {
                await game.DisposeAsync();
            }

            foreach (var player in players)
            {
                await player.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_match_whose_realm_replica_dies_mid_allocation_is_finished_by_the_other_replica()
    {
        // Servers take 20 s to load, so the replica is surely mid-allocation when it is killed.
        await using var topology = await Topology.CreateAsync(settings => settings["Redwood:GameServers:Local:Arguments:1"] = "-DevLoadDelay=20000");
        await topology.AddAsync("Director");
        await topology.AddAsync("Matchmaking");
        await topology.ExplainedAsync(async () =>
        {
            var doomed = await topology.AddAsync("Realm");
            await using var alice = await FlowPlayer.ArriveAsync(topology.Directors[0], doomed);
            await using var bob = await FlowPlayer.ArriveAsync(topology.Directors[0], doomed);
            await alice.JoinMatchmakingAsync();
            await bob.JoinMatchmakingAsync();
            await Eventually.True(
                () => Task.FromResult(doomed.Output.Contains("Allocating a server for match", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(30), "the realm replica started allocating");

            var survivor = await topology.AddAsync("Realm");
            await doomed.DisposeAsync();
            // The players' Realm sockets dropped with the replica: they come back through the other one, as the plugin does.
            await alice.HandOffAsync(survivor);
            await bob.HandOffAsync(survivor);

            var (_, aliceGame) = await alice.PlayAsync(ToGame);
            var (_, bobGame) = await bob.PlayAsync(ToGame);
            await using (aliceGame)
            await using (bobGame)
            {
                Assert.True(aliceGame.Admitted, aliceGame.Reply);
                Assert.True(bobGame.Admitted, bobGame.Reply);
                Assert.Contains("Claimed 1 pending", survivor.Output, StringComparison.Ordinal);
            }
        });
    }

    private static int Gold(FlowPlayer player) => Math.Abs(player.PlayerId.GetHashCode(StringComparison.Ordinal) % 100_000);

    private static async Task<int?> SavedGoldAsync(FlowPlayer player)
    {
        var list = await player.Realm.RequestAsync("realm:characters:list", new { playerId = player.PlayerId });
        var character = list.GetProperty("characters").EnumerateArray().Single(c => c.GetProperty("id").GetString() == player.CharacterId);
        return character.GetProperty("data").TryGetProperty("gold", out var gold) && gold.ValueKind == JsonValueKind.Number ? (int)gold.GetDouble() : null;
    }
}
