using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Redwood.Benchmarks.SocketIO;

namespace Redwood.Benchmarks.Login;

/// <summary>
/// Logins per second against the real host (embedded defaults: SQLite, in-process bus), once at the default PBKDF2
/// cost and once with the cost set to one iteration, so the second run shows the work a login does besides hashing
/// (socket, validation, rate-limit counters, session rotation in the database). Server CPU comes from /proc.
/// </summary>
internal static class LoginBenchmark
{
    public const string Usage = """
          login [--duration S] [--clients N] [--low-clients N] [--low-only]   logins/s and server CPU per login, default and low PBKDF2 cost
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var duration = TimeSpan.FromSeconds(Option(args, "--duration", 10));
        var clients = Option(args, "--clients", 8);
        var lowClients = Option(args, "--low-clients", 16);
        var root = RepoRoot();
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

        await BuildHostAsync(root, stop.Token);
        Console.WriteLine($"login benchmark: {duration.TotalSeconds:0} s per run, host {HostDll(root)}");
        Console.WriteLine("| PBKDF2 iterations | clients | logins/s | p50 ms | p99 ms | server CPU µs/login | of which hashing µs | beyond the hash µs |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        (int Iterations, int Clients)[] runs = args.Contains("--low-only") ? [(1, lowClients)] : [(210_000, clients), (1, lowClients)];
        foreach (var (iterations, concurrency) in runs)
        {
            var result = await MeasureAsync(root, iterations, concurrency, duration, stop.Token);
            var hash = HashMicroseconds(iterations);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {iterations} | {concurrency} | {result.PerSecond:0} | {result.P50:0.00} | {result.P99:0.00} | {result.CpuPerLogin:0} | {hash:0} | {Math.Max(0, result.CpuPerLogin - hash):0} |"));
        }

        return 0;
    }

    private static async Task<Measurement> MeasureAsync(string root, int iterations, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var directorPort = ServerProcess.FreeLoopbackPort();
        var data = Path.Combine(Path.GetTempPath(), "redwood-bench-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet", [HostDll(root)]) { WorkingDirectory = Path.GetDirectoryName(HostDll(root))! };
        start.Environment["Redwood__Network__BindAddress"] = "127.0.0.1";
        start.Environment["Redwood__Http__Port"] = "0";
        start.Environment["Redwood__Director__Port"] = directorPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["Redwood__Realm__Port"] = "0";
        start.Environment["Redwood__Sidecar__BasePort"] = "0";
        start.Environment["Redwood__Persistence__DataDirectory"] = data;
        start.Environment["Redwood__Director__Auth__Pbkdf2Iterations"] = iterations.ToString(CultureInfo.InvariantCulture);
        start.Environment["Redwood__Director__Auth__MaxFailedLoginsPerAddress"] = "1000000";
        start.Environment["Redwood__Director__Auth__MaxRegistrationsPerAddress"] = "1000000";
        start.Environment["Redwood__Director__Auth__HashQueueLimit"] = "1000000";
        start.Environment["Redwood__Network__MaxConnectionsPerAddress"] = "0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var server = await ServerProcess.StartAsync($"redwood ({iterations} iterations)", start, directorPort, cancellationToken);
        try
        {
            var uri = new Uri($"ws://127.0.0.1:{directorPort}");
            var users = new List<(AckClient Client, string Login)>();
            for (var i = 0; i < concurrency; i++)
            {
                var client = await AckClient.ConnectAsync(uri, cancellationToken);
                var username = $"bench{i}x{Guid.NewGuid():N}"[..20];
                var register = await client.RequestAsync("player:register:username", $"{{\"username\":\"{username}\",\"password\":\"benchmark password\"}}", cancellationToken);
                if (!register.Contains("\"error\":\"\"", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("register failed: " + register);
                }

                users.Add((client, $"{{\"username\":\"{username}\",\"secret\":\"benchmark password\",\"provider\":\"local\"}}"));
            }

            // Warm up (JIT, connection pools), then measure a fixed window.
            await RunAsync(users, TimeSpan.FromSeconds(2), null, cancellationToken);
            var latencies = new List<double>[concurrency];
            var cpuBefore = server.CpuMicroseconds();
            var clock = Stopwatch.StartNew();
            var count = await RunAsync(users, duration, latencies, cancellationToken);
            var elapsed = clock.Elapsed;
            var cpu = server.CpuMicroseconds() - cpuBefore;
            var all = latencies.SelectMany(l => l).Order().ToArray();
            foreach (var (client, _) in users)
            {
                client.Dispose();
            }

            return new Measurement(count / elapsed.TotalSeconds, Percentile(all, 0.5), Percentile(all, 0.99), cpu / count);
        }
        finally
        {
            server.Stop();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<long> RunAsync(List<(AckClient Client, string Login)> users, TimeSpan duration, List<double>[]? latencies, CancellationToken cancellationToken)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var counts = await Task.WhenAll(users.Select(async (user, index) =>
        {
            var own = latencies is null ? null : latencies[index] = [];
            long done = 0;
            while (Stopwatch.GetTimestamp() < end)
            {
                var started = Stopwatch.GetTimestamp();
                var ack = await user.Client.RequestAsync("player:login:username", user.Login, cancellationToken);
                if (!ack.Contains("\"error\":\"\"", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("login failed: " + ack);
                }

                own?.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                done++;
            }

            return done;
        }));
        return counts.Sum();
    }

    /// <summary>CPU time of one PBKDF2-HMAC-SHA512 hash at this cost, measured in this process.</summary>
    private static double HashMicroseconds(int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var rounds = iterations > 1000 ? 10 : 10_000;
        Rfc2898DeriveBytes.Pbkdf2("warm up", salt, iterations, HashAlgorithmName.SHA512, 64);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < rounds; i++)
        {
            Rfc2898DeriveBytes.Pbkdf2("benchmark password", salt, iterations, HashAlgorithmName.SHA512, 64);
        }

        return (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / rounds;
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static async Task BuildHostAsync(string root, CancellationToken cancellationToken)
    {
        using var build = Process.Start(new ProcessStartInfo("dotnet", ["build", "-c", "Release", "-v", "q", Path.Combine(root, "src", "Redwood.Host")])
        {
            UseShellExecute = false,
        })!;
        await build.WaitForExitAsync(cancellationToken);
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException("building the host failed");
        }
    }

    private static string HostDll(string root) => Path.Combine(root, "src", "Redwood.Host", "bin", "Release", "net10.0", "Redwood.Host.dll");

    private static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Redwood.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Redwood.sln not found");
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed record Measurement(double PerSecond, double P50, double P99, double CpuPerLogin);
}
