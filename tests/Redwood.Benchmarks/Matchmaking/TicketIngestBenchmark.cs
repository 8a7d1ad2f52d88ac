using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Redwood.Benchmarks.Login;
using Redwood.Benchmarks.SocketIO;

namespace Redwood.Benchmarks.Matchmaking;

/// <summary>
/// Matchmaking tickets per second through the real path against the real host (embedded defaults: SQLite and the
/// in-process store): each client is a signed-in player with a character that sends
/// <c>realm:ticketing:join:matchmaking</c> (socket, validation, character check, ticket stored) and then
/// <c>realm:ticketing:leave</c>, since a player holds one ticket at a time. The profile never fills, so the matcher
/// only counts the pool. Server CPU per ticket (from /proc) includes the leave.
/// </summary>
internal static class TicketIngestBenchmark
{
    public const string Usage = """
          tickets [--duration S] [--clients N] [host options]     matchmaking tickets/s through the real path (join + leave)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var duration = TimeSpan.FromSeconds(BenchmarkHost.Option(args, "--duration", 10));
        var clients = BenchmarkHost.Option(args, "--clients", 64);
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        var hostDll = await BenchmarkHost.PrepareAsync(args, stop.Token);
        Console.WriteLine("| database | clients | tickets/s | join p50 ms | join p99 ms | server CPU µs per ticket (join + leave) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var database in BenchmarkHost.Databases(args, "sqlite"))
        {
            using var host = await BenchmarkHost.StartAsync(hostDll, database, args, 1, stop.Token, Environment);
            var players = new List<(AckClient Realm, string Join)>();
            for (var i = 0; i < clients; i++)
            {
                players.Add(await SignUpAsync(host, i, stop.Token));
            }

            await RunAsync(players, TimeSpan.FromSeconds(2), null, stop.Token);
            var latencies = new List<double>[clients];
            var cpuBefore = host.Server.CpuMicroseconds();
            var clock = Stopwatch.StartNew();
            var count = await RunAsync(players, duration, latencies, stop.Token);
            var elapsed = clock.Elapsed;
            var cpu = host.Server.CpuMicroseconds() - cpuBefore;
            var all = latencies.SelectMany(l => l).Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {database} | {clients} | {count / elapsed.TotalSeconds:0} | {BenchmarkHost.Percentile(all, 0.5):0.00} | {BenchmarkHost.Percentile(all, 0.99):0.00} | {cpu / count:0} |"));
            foreach (var (realm, _) in players)
            {
                realm.Dispose();
            }
        }

        return 0;
    }

    /// <summary>A profile that never fills, and no stale tickets during the run.</summary>
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["Redwood__Matchmaking__TicketStaleTime"] = "01:00:00",
        ["Redwood__Matchmaking__Profiles__0__Id"] = "bench",
        ["Redwood__Matchmaking__Profiles__0__Zones__0__Name"] = "arena",
        ["Redwood__Matchmaking__Profiles__0__Zones__0__Maps__0"] = "arena",
        ["Redwood__Matchmaking__Profiles__0__MatchmakingZoneName"] = "arena",
        ["Redwood__Matchmaking__Profiles__0__MinPlayersForMatchmaking"] = "100000",
        ["Redwood__Matchmaking__Profiles__0__MaxPlayersPerShard"] = "100000",
    };

    private static async Task<(AckClient Realm, string Join)> SignUpAsync(BenchmarkHost host, int index, CancellationToken ct)
    {
        using var director = await AckClient.ConnectAsync(host.DirectorUri, ct);
        var username = $"t{index}x{Guid.NewGuid():N}"[..20];
        Expect(await director.RequestAsync("player:register:username", $"{{\"username\":\"{username}\",\"password\":\"benchmark password\"}}", ct));
        var login = Expect(await director.RequestAsync("player:login:username", $"{{\"username\":\"{username}\",\"secret\":\"benchmark password\",\"provider\":\"local\"}}", ct));
        var playerId = login.GetProperty("playerId").GetString()!;
        var handoff = Expect(await director.RequestAsync("realm:auth:player:connect:client-to-director", $"{{\"playerId\":\"{playerId}\",\"realmId\":\"default\"}}", ct));
        var realm = await AckClient.ConnectAsync(host.RealmUri, ct);
        Expect(await realm.RequestAsync("realm:auth:player:connect:client-to-realm", $"{{\"playerId\":\"{playerId}\",\"token\":\"{handoff.GetProperty("token").GetString()}\"}}", ct));
        var character = Expect(await realm.RequestAsync("realm:characters:create", $"{{\"playerId\":\"{playerId}\",\"name\":\"{username}\",\"characterCreatorData\":{{}}}}", ct));
        var characterId = character.GetProperty("character").GetProperty("id").GetString()!;
        return (realm, $"{{\"playerId\":\"{playerId}\",\"characterId\":\"{characterId}\",\"data\":{{\"profileId\":\"bench\",\"regions\":[{{\"name\":\"local\",\"ping\":0.015}}]}}}}");
    }

    private static async Task<long> RunAsync(List<(AckClient Realm, string Join)> players, TimeSpan duration, List<double>[]? latencies, CancellationToken ct)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var counts = await Task.WhenAll(players.Select(async (player, index) =>
        {
            var own = latencies is null ? null : latencies[index] = [];
            var leave = player.Join[..(player.Join.IndexOf(",\"characterId\"", StringComparison.Ordinal))] + "}";
            long done = 0;
            while (Stopwatch.GetTimestamp() < end)
            {
                var started = Stopwatch.GetTimestamp();
                Expect(await player.Realm.RequestAsync("realm:ticketing:join:matchmaking", player.Join, ct));
                own?.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Expect(await player.Realm.RequestAsync("realm:ticketing:leave", leave, ct));
                done++;
            }

            return done;
        }));
        return counts.Sum();
    }

    private static JsonElement Expect(string ackArguments)
    {
        var ack = JsonDocument.Parse(ackArguments).RootElement[0];
        if (ack.GetProperty("error").GetString() is { Length: > 0 } error)
        {
            throw new InvalidOperationException("request failed: " + error);
        }

        return ack.Clone();
    }
}
