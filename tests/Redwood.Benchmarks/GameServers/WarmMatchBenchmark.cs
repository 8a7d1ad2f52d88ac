using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Redwood.Benchmarks.Login;

namespace Redwood.Benchmarks.GameServers;

/// <summary>
/// Time from "Match found" to both players validated on their game server, with a warm pool: the real host (Release,
/// all modules) launches dev game servers; pairs of players matchmake on a 2-player profile at the default 1 s
/// process interval (in waves of --concurrent pairs), and each player, once told "Match found", waits for <c>connect-to-instance</c>, opens the game
/// server and waits for its Sidecar-checked <c>ok</c>. A match's time runs from its first player's "Match found" to its
/// last player's <c>ok</c>.
/// </summary>
internal static class WarmMatchBenchmark
{
    public const string Usage = """
          warmmatch [--matches N] [--concurrent N] [--warm N] [--warmup S] [--database sqlite|postgres] [--host DLL]
                                                                   match found → both players validated on a warm pool
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var matches = BenchmarkHost.Option(args, "--matches", 40);
        var concurrent = BenchmarkHost.Option(args, "--concurrent", 2);
        var warm = BenchmarkHost.Option(args, "--warm", 6);
        var warmup = BenchmarkHost.Option(args, "--warmup", 20);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        var hostDll = await BenchmarkHost.PrepareAsync(args, stop.Token);
        var logs = Path.Combine(Path.GetTempPath(), "redwood-bench-logs-" + Guid.NewGuid().ToString("N"));
        var environment = new Dictionary<string, string>
        {
            ["Redwood__GameServers__WarmPoolSize"] = warm.ToString(CultureInfo.InvariantCulture),
            ["Redwood__GameServers__Local__GamePortBase"] = "0",
            ["Redwood__GameServers__Local__LogDirectory"] = logs,
            ["Redwood__Matchmaking__ProcessInterval"] = "00:00:01",
            ["Redwood__Matchmaking__Profiles__0__Id"] = "default",
            ["Redwood__Matchmaking__Profiles__0__Zones__0__Name"] = "default",
            ["Redwood__Matchmaking__Profiles__0__Zones__0__Maps__0"] = "default",
            ["Redwood__Matchmaking__Profiles__0__MatchmakingZoneName"] = "default",
            ["Redwood__Matchmaking__Profiles__0__MinPlayersForMatchmaking"] = "2",
            ["Redwood__Matchmaking__Profiles__0__MaxPlayersPerShard"] = "2",
            ["Redwood__Matchmaking__Profiles__0__NumMinutesToDestroyEmptyShard"] = "0.05",
        };
        var database = BenchmarkHost.Databases(args, "sqlite")[0];
        Console.WriteLine($"warm-pool match benchmark: {matches} matches of 2, {concurrent} at a time, warm pool {warm}, {database}, host {hostDll}");
        using var host = await BenchmarkHost.StartAsync(hostDll, database, args, 1, stop.Token, environment);
        try
        {
            Console.WriteLine($"letting the warm pool fill for {warmup} s");
            await Task.Delay(TimeSpan.FromSeconds(warmup), stop.Token);

            // Waves of --concurrent pairs join together; the matcher may pair any two of a wave, so a match is the
            // two players sent to one server.
            var results = new List<double>();
            var cpuBefore = host.Server.CpuMicroseconds();
            for (var wave = 0; wave * concurrent < matches; wave++)
            {
                // Players are made just before their wave (outside the measurement): an idle test socket answers no pings.
                var joining = new List<Player>();
                for (var i = 0; i < Math.Min(concurrent, matches - (wave * concurrent)) * 2; i++)
                {
                    joining.Add(await Player.CreateAsync(host.DirectorUri, stop.Token));
                }

                var played = await Task.WhenAll(joining.Select(p => p.PlayAsync(stop.Token)));
                foreach (var player in joining)
                {
                    player.Dispose();
                }

                foreach (var match in played.GroupBy(p => p.Connection))
                {
                    if (match.Count() != 2)
                    {
                        throw new InvalidOperationException($"{match.Count()} players on {match.Key}; expected one match of 2");
                    }

                    results.Add(Stopwatch.GetElapsedTime(match.Min(p => p.Found), match.Max(p => p.Validated)).TotalMilliseconds);
                }
            }

            var cpu = host.Server.CpuMicroseconds() - cpuBefore;
            var sorted = results.Order().ToArray();
            Console.WriteLine("| matches | concurrent | warm pool | p50 ms | p99 ms | max ms | host CPU ms per match |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {sorted.Length} | {concurrent} | {warm} | {BenchmarkHost.Percentile(sorted, 0.5):0} | {BenchmarkHost.Percentile(sorted, 0.99):0} | {sorted[^1]:0} | {cpu / 1000 / sorted.Length:0.0} |"));
            return 0;
        }
        finally
        {
            if (Directory.Exists(logs))
            {
                Directory.Delete(logs, recursive: true);
            }
        }
    }

    private sealed class Player(AckClient director, AckClient realm, string playerId, string characterId) : IDisposable
    {
        public static async Task<Player> CreateAsync(Uri directorUri, CancellationToken ct)
        {
            var director = await AckClient.ConnectAsync(directorUri, ct);
            var username = "warm" + Guid.NewGuid().ToString("N")[..12];
            Ok(await director.RequestAsync("player:register:username", Json(new { username, password = "benchmark password" }), ct));
            var login = Ok(await director.RequestAsync("player:login:username", Json(new { username, secret = "benchmark password", provider = "local" }), ct));
            var playerId = login.GetProperty("playerId").GetString()!;
            var listed = Ok(await director.RequestAsync("realm:list", "{}", ct)).GetProperty("realms")[0];
            var handoff = Ok(await director.RequestAsync("realm:auth:player:connect:client-to-director", Json(new { playerId, realmId = listed.GetProperty("id").GetString() }), ct));
            var realm = await AckClient.ConnectAsync(new Uri(listed.GetProperty("uri").GetString()!.Replace("localhost", "127.0.0.1", StringComparison.Ordinal)), ct, withAuthObject: true);
            Ok(await realm.RequestAsync("realm:auth:player:connect:client-to-realm", Json(new { playerId, token = handoff.GetProperty("token").GetString() }), ct));
            var created = Ok(await realm.RequestAsync("realm:characters:create", Json(new { playerId, name = username, characterCreatorData = new { } }), ct));
            return new Player(director, realm, playerId, created.GetProperty("character").GetProperty("id").GetString()!);
        }

        /// <summary>Matchmakes once and joins the game server; the timestamps of "Match found" and of the server's ok.</summary>
        public async Task<(long Found, long Validated, string Connection)> PlayAsync(CancellationToken ct)
        {
            Ok(await realm.RequestAsync("realm:ticketing:join:matchmaking", Json(new
            {
                playerId, characterId, data = new { profileId = "default", regions = new[] { new { name = "local", ping = 0.01 } } },
            }), ct));
            long found;
            while (true)
            {
                var update = JsonDocument.Parse(await realm.NextEventAsync("realm:ticketing:update", ct)).RootElement[1];
                if (update.GetProperty("message").GetString()!.StartsWith("Match found", StringComparison.Ordinal))
                {
                    found = Stopwatch.GetTimestamp();
                    break;
                }
            }

            var push = JsonDocument.Parse(await realm.NextEventAsync("realm:servers:connect-to-instance", ct)).RootElement[1];
            var connection = push.GetProperty("connection").GetString()!;
            var colon = connection.LastIndexOf(':');
            using var game = new TcpClient();
            await game.ConnectAsync(connection[..colon], int.Parse(connection[(colon + 1)..], CultureInfo.InvariantCulture), ct);
            var stream = game.GetStream();
            using var reader = new StreamReader(stream, Encoding.UTF8);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
            await writer.WriteLineAsync($"open {connection}?RedwoodAuth=1?CharacterId={characterId}?PlayerId={playerId}?Token={push.GetProperty("token").GetString()}");
            var welcome = await reader.ReadLineAsync(ct) ?? "closed";
            var validated = Stopwatch.GetTimestamp();
            if (!welcome.StartsWith("ok ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("the game server refused: " + welcome);
            }

            await writer.WriteLineAsync("leave");
            await reader.ReadLineAsync(ct);
            return (found, validated, connection);
        }

        public void Dispose()
        {
            realm.Dispose();
            director.Dispose();
        }
    }

    private static string Json(object value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);

    private static JsonElement Ok(string ack)
    {
        var reply = JsonDocument.Parse(ack).RootElement[0];
        return reply.GetProperty("error").GetString() is { Length: 0 } ? reply : throw new InvalidOperationException("request failed: " + ack);
    }
}
