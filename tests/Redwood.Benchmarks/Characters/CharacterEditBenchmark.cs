using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Redwood.Benchmarks.Login;

namespace Redwood.Benchmarks.Characters;

/// <summary>
/// Character edits per second against the real host: each client is a player who registered and logged in on the
/// Director, signed in to the Realm with a hand-off token and created a character, then sends
/// <c>realm:characters:set:client</c> (new <c>characterCreatorData</c>) in a loop, one edit in flight per client.
/// Every edit is a read and a write of the realm store, so this is the concurrent-writer load of the player flow.
/// </summary>
internal static class CharacterEditBenchmark
{
    public const string Usage = """
          characters [--duration S] [--clients N] [--database sqlite|postgres|both] [host options]   character edits/s, latency and server CPU per edit
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var duration = TimeSpan.FromSeconds(BenchmarkHost.Option(args, "--duration", 15));
        var clients = BenchmarkHost.Option(args, "--clients", 64);
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

        var hostDll = await BenchmarkHost.PrepareAsync(args, stop.Token);
        Console.WriteLine($"character edit benchmark: {duration.TotalSeconds:0} s per run, host {hostDll}");
        Console.WriteLine("| database | clients | edits/s | p50 ms | p99 ms | max ms | server CPU µs/edit |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var database in BenchmarkHost.Databases(args, "both"))
        {
            var result = await MeasureAsync(hostDll, database, args, clients, duration, stop.Token);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {database} | {clients} | {result.PerSecond:0} | {result.P50:0.00} | {result.P99:0.00} | {result.Max:0.00} | {result.CpuPerEdit:0} |"));
        }

        return 0;
    }

    private static async Task<Measurement> MeasureAsync(
        string hostDll, BenchmarkDatabase database, string[] args, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        // One PBKDF2 iteration: setting up the players is not what is measured.
        using var host = await BenchmarkHost.StartAsync(hostDll, database, args, 1, cancellationToken);
        var players = new Player[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            players[i] = await Player.SetUpAsync(host, i, cancellationToken);
        }

        await RunAsync(players, TimeSpan.FromSeconds(2), null, cancellationToken);
        var latencies = new List<double>[concurrency];
        var cpuBefore = host.Server.CpuMicroseconds();
        var clock = Stopwatch.StartNew();
        var count = await RunAsync(players, duration, latencies, cancellationToken);
        var elapsed = clock.Elapsed;
        var cpu = host.Server.CpuMicroseconds() - cpuBefore;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        foreach (var player in players)
        {
            player.Dispose();
        }

        return new Measurement(
            count / elapsed.TotalSeconds, BenchmarkHost.Percentile(all, 0.5), BenchmarkHost.Percentile(all, 0.99), all.Length == 0 ? 0 : all[^1], cpu / count);
    }

    private static async Task<long> RunAsync(Player[] players, TimeSpan duration, List<double>[]? latencies, CancellationToken cancellationToken)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var counts = await Task.WhenAll(players.Select(async (player, index) =>
        {
            var own = latencies is null ? null : latencies[index] = [];
            long done = 0;
            while (Stopwatch.GetTimestamp() < end)
            {
                var started = Stopwatch.GetTimestamp();
                await player.EditAsync(cancellationToken);
                own?.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                done++;
            }

            return done;
        }));
        return counts.Sum();
    }

    private sealed class Player(AckClient director, AckClient realm, string playerId, string characterId) : IDisposable
    {
        private long _edits;

        public static async Task<Player> SetUpAsync(BenchmarkHost host, int index, CancellationToken cancellationToken)
        {
            var director = await AckClient.ConnectAsync(host.DirectorUri, cancellationToken);
            var username = $"edit{index}x{Guid.NewGuid():N}"[..20];
            Require(await director.RequestAsync("player:register:username", $"{{\"username\":\"{username}\",\"password\":\"benchmark password\"}}", cancellationToken));
            var login = Require(await director.RequestAsync(
                "player:login:username", $"{{\"username\":\"{username}\",\"secret\":\"benchmark password\",\"provider\":\"local\"}}", cancellationToken));
            var playerId = login.GetProperty("playerId").GetString()!;
            var handoff = Require(await director.RequestAsync(
                "realm:auth:player:connect:client-to-director", $"{{\"playerId\":\"{playerId}\",\"realmId\":\"default\"}}", cancellationToken));
            var realm = await AckClient.ConnectAsync(host.RealmUri, cancellationToken, withAuthObject: true);
            Require(await realm.RequestAsync(
                "realm:auth:player:connect:client-to-realm", $"{{\"playerId\":\"{playerId}\",\"token\":\"{handoff.GetProperty("token").GetString()}\"}}", cancellationToken));
            var created = Require(await realm.RequestAsync(
                "realm:characters:create", $"{{\"playerId\":\"{playerId}\",\"name\":\"{username}\",\"characterCreatorData\":{{\"edit\":0}}}}", cancellationToken));
            return new Player(director, realm, playerId, created.GetProperty("character").GetProperty("id").GetString()!);
        }

        public async Task EditAsync(CancellationToken cancellationToken)
        {
            var edit = ++_edits;
            var ack = await realm.RequestAsync(
                "realm:characters:set:client",
                string.Create(CultureInfo.InvariantCulture, $"{{\"playerId\":\"{playerId}\",\"characterId\":\"{characterId}\",\"characterCreatorData\":{{\"edit\":{edit}}}}}"),
                cancellationToken);
            if (!ack.Contains("\"error\":\"\"", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("edit failed: " + ack);
            }
        }

        public void Dispose()
        {
            realm.Dispose();
            director.Dispose();
        }

        /// <summary>The ack's first argument, which must report no error.</summary>
        private static JsonElement Require(string ack)
        {
            using var document = JsonDocument.Parse(ack);
            var first = document.RootElement[0].Clone();
            if (first.GetProperty("error").GetString() is not "")
            {
                throw new InvalidOperationException("setup failed: " + ack);
            }

            return first;
        }
    }

    private sealed record Measurement(double PerSecond, double P50, double P99, double Max, double CpuPerEdit);
}
