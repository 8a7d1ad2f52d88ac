using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using Redwood.Benchmarks.Login;
using Redwood.Benchmarks.SocketIO;

namespace Redwood.Benchmarks.GameServers;

/// <summary>
/// Join-token checks per second through the Sidecar: the real host (Release) with a placeholder game-server process, the
/// benchmark playing the game server (socket A loads the map, socket B clients send
/// <c>player-auth:game-server-to-sidecar</c>), each check consuming a distinct token minted beforehand by join-proxy.
/// Runs on SQLite and, with <c>--postgres</c> (or REDWOOD_TEST_POSTGRES), on a fresh PostgreSQL database.
/// </summary>
internal static class JoinTokenBenchmark
{
    public const string Usage = """
          jointokens [--tokens N] [--clients N] [--sockets N] [--database sqlite|postgres|both] [--postgres CONN] [--host DLL]
                                                                   join-token checks/s through the Sidecar: --clients checks in
                                                                   flight over --sockets socket-B connections (default 16 over 1,
                                                                   as the plugin has one socket B per game server)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var tokens = Option(args, "--tokens", 20_000);
        var clients = Option(args, "--clients", 16);
        var sockets = Math.Min(clients, Option(args, "--sockets", 1));
        var postgres = OptionText(args, "--postgres") ?? Environment.GetEnvironmentVariable("REDWOOD_TEST_POSTGRES");
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        var hostDll = await BenchmarkHost.PrepareAsync(args, stop.Token);
        Console.WriteLine($"join-token benchmark: {tokens} tokens, {clients} checks in flight over {sockets} socket-B connection(s), host {hostDll}");
        Console.WriteLine("| store | in flight | sockets B | checks/s | p50 ms | p99 ms | server CPU µs/check | minted/s (join-proxy) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        var databases = BenchmarkHost.Databases(args, string.IsNullOrWhiteSpace(postgres) ? "sqlite" : "both");
        var stores = new List<(string Name, string? Connection)>();
        if (databases.Contains(BenchmarkDatabase.Sqlite))
        {
            stores.Add(("SQLite", null));
        }

        if (databases.Contains(BenchmarkDatabase.Postgres))
        {
            if (string.IsNullOrWhiteSpace(postgres))
            {
                throw new ArgumentException("--database postgres needs --postgres CONN or REDWOOD_TEST_POSTGRES");
            }

            stores.Add(("PostgreSQL", await CreateDatabaseAsync(postgres, stop.Token)));
        }

        foreach (var (name, connection) in stores)
        {
            var result = await MeasureAsync(hostDll, connection, tokens, clients, sockets, stop.Token);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {clients} | {sockets} | {result.PerSecond:0} | {result.P50:0.00} | {result.P99:0.00} | {result.CpuPerCheck:0} | {result.MintedPerSecond:0} |"));
        }

        return 0;
    }

    private static async Task<Measurement> MeasureAsync(string hostDll, string? postgres, int tokenCount, int clients, int sockets, CancellationToken ct)
    {
        var directorPort = ServerProcess.FreeLoopbackPort();
        var realmPort = ServerProcess.FreeLoopbackPort();
        var sidecarPort = ServerProcess.FreeLoopbackPort();
        var data = Path.Combine(Path.GetTempPath(), "redwood-bench-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet", [hostDll]) { WorkingDirectory = Path.GetDirectoryName(hostDll)! };
        var environment = new Dictionary<string, string>
        {
            ["Redwood__Network__BindAddress"] = "127.0.0.1",
            ["Redwood__Http__Port"] = "0",
            ["Redwood__Director__Port"] = directorPort.ToString(CultureInfo.InvariantCulture),
            ["Redwood__Realm__Port"] = realmPort.ToString(CultureInfo.InvariantCulture),
            ["Redwood__Sidecar__BasePort"] = sidecarPort.ToString(CultureInfo.InvariantCulture),
            ["Redwood__Persistence__DataDirectory"] = data,
            ["Redwood__Director__Auth__Pbkdf2Iterations"] = "1",
            ["Redwood__Realm__Proxies__MaxPlayersPerShard"] = "100000",
            ["Redwood__GameServers__Local__Executable"] = "/bin/sh",
            ["Redwood__GameServers__Local__Arguments__0"] = "-c",
            ["Redwood__GameServers__Local__Arguments__1"] = "sleep 3600",
            ["Redwood__GameServers__Local__Arguments__2"] = "placeholder",
            ["Redwood__GameServers__Local__GamePortBase"] = "0",
            ["Redwood__GameServers__Local__LogDirectory"] = Path.Combine(data, "logs"),
            ["Redwood__GameServers__JoinTokenLifetime"] = "01:00:00",
            ["Redwood__GameServers__StaleTimeout"] = "01:00:00",
            ["Logging__LogLevel__Default"] = "Warning",

            // The benchmark's 16 socket-B clients share one address on one sidecar listener.
            ["Redwood__Sidecar__MaxConnectionsPerAddress"] = "0",
        };
        if (postgres is not null)
        {
            environment["Redwood__Persistence__Provider"] = "Postgres";
            environment["ConnectionStrings__Redwood"] = postgres;
        }

        foreach (var (key, value) in BenchmarkHost.RealmSecretEnvironment.Concat(environment))
        {
            start.Environment[key] = value;
        }

        using var server = await ServerProcess.StartAsync("redwood", start, directorPort, ct);
        try
        {
            var (director, realm, playerId, characterId, proxyId) = await PrepareAsync(directorPort, ct);
            using var _ = director;
            var joinPayload = JsonSerializer.Serialize(new { id = playerId, playerId, characterId, proxyReference = proxyId, password = (string?)null });
            var firstJoin = realm.RequestAsync("realm:servers:join-proxy", joinPayload, ct);

            // Play the game server: report on socket A, load the map, report it loaded.
            using var socketA = await ConnectRetryAsync(new Uri($"ws://127.0.0.1:{sidecarPort}"), ct);
            await socketA.EmitAsync("realm:servers:update-instance-state", """{"state":"WaitingForPlayers","numPlayers":0.0,"id":"","mapId":"","modeId":""}""", ct);
            var loadMap = JsonDocument.Parse(await socketA.NextEventAsync("realm:servers:session:load-map", ct)).RootElement[1];
            var requestId = loadMap.GetProperty("requestId").GetString();
            await socketA.EmitAsync("realm:servers:session:load-map:response", """{"error":""}""", ct);
            await socketA.EmitAsync("realm:servers:update-instance-state", $$"""{"state":"Started","numPlayers":0.0,"id":"{{requestId}}","mapId":"default","modeId":"default"}""", ct);
            var tokens = new List<string> { Token(await firstJoin) };

            // Mint the tokens through join-proxy (each join mints one), on several realm sockets of the player.
            var minting = Stopwatch.StartNew();
            var minters = new List<AckClient> { realm };
            for (var i = 1; i < 8; i++)
            {
                minters.Add(await SignInAsync(director, playerId, ct));
            }

            var perMinter = (tokenCount - 1 + minters.Count - 1) / minters.Count;
            var minted = await Task.WhenAll(minters.Select(async m =>
            {
                var own = new List<string>(perMinter);
                for (var i = 0; i < perMinter; i++)
                {
                    own.Add(Token(await m.RequestAsync("realm:servers:join-proxy", joinPayload, ct)));
                }

                return own;
            }));
            tokens.AddRange(minted.SelectMany(t => t));
            var mintedPerSecond = tokens.Count / minting.Elapsed.TotalSeconds;

            var socketsB = new List<PipelinedClient>();
            for (var i = 0; i < sockets; i++)
            {
                socketsB.Add(await PipelinedClient.ConnectAsync(new Uri($"ws://127.0.0.1:{sidecarPort}"), ct));
            }

            var next = -1;
            var latencies = new List<double>[clients];
            var cpuBefore = server.CpuMicroseconds();
            var clock = Stopwatch.StartNew();
            var counts = await Task.WhenAll(Enumerable.Range(0, clients).Select(async index =>
            {
                var socket = socketsB[index % socketsB.Count];
                var own = latencies[index] = [];
                long done = 0;
                while (Interlocked.Increment(ref next) is var n && n < tokens.Count)
                {
                    var started = Stopwatch.GetTimestamp();
                    var ack = await socket.RequestAsync(
                        "realm:servers:player-auth:game-server-to-sidecar",
                        JsonSerializer.Serialize(new { playerId, characterId, token = tokens[n] }),
                        ct);
                    if (!ack.StartsWith("[{\"error\":\"\"", StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException("token check failed: " + ack[..Math.Min(ack.Length, 200)]);
                    }

                    own.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    done++;
                }

                return done;
            }));
            var elapsed = clock.Elapsed;
            var cpu = server.CpuMicroseconds() - cpuBefore;
            var count = counts.Sum();
            var all = latencies.SelectMany(l => l).Order().ToArray();
            foreach (var client in minters)
            {
                client.Dispose();
            }

            foreach (var socket in socketsB)
            {
                await socket.DisposeAsync();
            }

            return new Measurement(count / elapsed.TotalSeconds, Percentile(all, 0.5), Percentile(all, 0.99), cpu / count, mintedPerSecond);
        }
        finally
        {
            server.Stop();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<(AckClient Director, AckClient Realm, string PlayerId, string CharacterId, string ProxyId)> PrepareAsync(int directorPort, CancellationToken ct)
    {
        var director = await AckClient.ConnectAsync(new Uri($"ws://127.0.0.1:{directorPort}"), ct);
        var username = "bench" + Guid.NewGuid().ToString("N")[..10];
        Ok(await director.RequestAsync("player:register:username", JsonSerializer.Serialize(new { username, password = "benchmark password" }), ct));
        var login = Ok(await director.RequestAsync("player:login:username", JsonSerializer.Serialize(new { username, secret = "benchmark password", provider = "local" }), ct));
        var playerId = login.GetProperty("playerId").GetString()!;
        var realm = await SignInAsync(director, playerId, ct);
        var character = Ok(await realm.RequestAsync("realm:characters:create", JsonSerializer.Serialize(new { playerId, name = username, characterCreatorData = new { } }), ct));
        var proxy = Ok(await realm.RequestAsync("realm:servers:create-proxy", JsonSerializer.Serialize(new
        {
            playerId, joinCharacterId = (string?)null, name = "Benchmark", region = "local", modeId = "default", mapId = (string?)null, @public = true,
            proxyEndsWhenCollectionEnds = false, continuousPlay = false, password = (string?)null, shortCode = (string?)null, startOnBoot = false,
        }), ct));
        return (director, realm, playerId, character.GetProperty("character").GetProperty("id").GetString()!, proxy.GetProperty("proxyReference").GetString()!);
    }

    /// <summary>A hand-off on <paramref name="director"/> and a new realm socket signed in as <paramref name="playerId"/>.</summary>
    private static async Task<AckClient> SignInAsync(AckClient director, string playerId, CancellationToken ct)
    {
        var realms = Ok(await director.RequestAsync("realm:list", "{}", ct)).GetProperty("realms")[0];
        var handoff = Ok(await director.RequestAsync("realm:auth:player:connect:client-to-director", JsonSerializer.Serialize(new { playerId, realmId = realms.GetProperty("id").GetString() }), ct));
        var realm = await AckClient.ConnectAsync(new Uri(realms.GetProperty("uri").GetString()!.Replace("localhost", "127.0.0.1", StringComparison.Ordinal)), ct);
        Ok(await realm.RequestAsync("realm:auth:player:connect:client-to-realm", JsonSerializer.Serialize(new { playerId, token = handoff.GetProperty("token").GetString() }), ct));
        return realm;
    }

    private static async Task<AckClient> ConnectRetryAsync(Uri uri, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await AckClient.ConnectAsync(uri, ct);
            }
            catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException && attempt < 300)
            {
                await Task.Delay(100, ct);
            }
        }
    }

    private static string Token(string ack) => Ok(ack).GetProperty("token").GetString()!;

    private static JsonElement Ok(string ack)
    {
        var reply = JsonDocument.Parse(ack).RootElement[0];
        return reply.GetProperty("error").GetString() is { Length: 0 } ? reply : throw new InvalidOperationException("request failed: " + ack);
    }

    private static async Task<string> CreateDatabaseAsync(string server, CancellationToken ct)
    {
        var name = "rw_bench_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(ct);
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string? OptionText(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private sealed record Measurement(double PerSecond, double P50, double P99, double CpuPerCheck, double MintedPerSecond);
}
