using System.Diagnostics;
using System.Globalization;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Redwood.Matchmaking.Contracts;
using Redwood.Testing;

namespace Redwood.Benchmarks.Bus;

/// <summary>
/// Contract request round trips over Redis: two hosts (in this process, each with its own Redis connections), one
/// without the Matchmaking module sending <see cref="CloseTickets"/> to the other, which runs only Matchmaking. A round
/// trip is the list push, the ready signal, the pop, the handler (one Redis hash read for a player without tickets)
/// and the reply on the caller's channel.
/// </summary>
internal static class BusRoundTripBenchmark
{
    public const string Usage = """
          bus [--requests N] [--concurrency 1,16,64] [--redis CONF]   contract request round trips over Redis (p50/p99, requests/s)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var requests = int.Parse(Option(args, "--requests") ?? "20000", CultureInfo.InvariantCulture);
        var levels = (Option(args, "--concurrency") ?? "1,16,64").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        var redis = Option(args, "--redis") ?? Environment.GetEnvironmentVariable("REDWOOD_TEST_REDIS")
            ?? throw new InvalidOperationException("--redis or REDWOOD_TEST_REDIS is required");
        // The in-process hosts need the host project's content root (tests get it from their build).
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_REDWOOD_HOST", Path.Combine(BuildOutputs.RepositoryRoot(), "src", "Redwood.Host"));
        var prefix = "bus" + Guid.NewGuid().ToString("N")[..8] + ":";
        var shared = new Dictionary<string, string?>
        {
            ["Redwood:Redis:Configuration"] = redis,
            ["Redwood:Redis:Prefix"] = prefix,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        await using var answering = await RedwoodApp.StartAsync(TestDatabase.Sqlite, With(shared, new()
        {
            ["Redwood:Modules:Director:Enabled"] = "false",
            ["Redwood:Modules:Realm:Enabled"] = "false",
            ["Redwood:Modules:Sidecar:Enabled"] = "false",
        }));
        await using var asking = await RedwoodApp.StartAsync(TestDatabase.Sqlite, With(shared, new()
        {
            ["Redwood:Modules:Matchmaking:Enabled"] = "false",
        }));
        await using var scope = asking.Services.CreateAsyncScope();
        var sender = scope.ServiceProvider.GetRequiredService<ISender>();

        await RoundAsync(sender, Math.Min(requests, 2000), 16); // warm-up
        Console.WriteLine($"bus round trip over Redis ({redis.Split(',')[0]}), {requests} CloseTickets requests per level, load {Load()}");
        Console.WriteLine("concurrency   requests/s    p50 ms    p99 ms    max ms");
        foreach (var level in levels)
        {
            var (elapsed, latencies) = await RoundAsync(sender, requests, level);
            Array.Sort(latencies);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{level,11} {requests / elapsed.TotalSeconds,12:0} {Percentile(latencies, 0.50),9:0.000} {Percentile(latencies, 0.99),9:0.000} {latencies[^1],9:0.000}"));
        }

        return 0;
    }

    private static async Task<(TimeSpan Elapsed, double[] Latencies)> RoundAsync(ISender sender, int requests, int concurrency)
    {
        var latencies = new double[requests];
        var next = -1;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                var started = Stopwatch.GetTimestamp();
                await sender.Send(new CloseTickets("default", "bench-player-" + (i % 1000)));
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));
        return (total.Elapsed, latencies);
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static Dictionary<string, string?> With(Dictionary<string, string?> shared, Dictionary<string, string?> extra)
    {
        var all = new Dictionary<string, string?>(shared);
        foreach (var (key, value) in extra)
        {
            all[key] = value;
        }

        return all;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
