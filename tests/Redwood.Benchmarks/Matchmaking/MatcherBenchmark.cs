using System.Diagnostics;
using System.Globalization;
using Redwood.Matchmaking.Contracts;
using Redwood.Matchmaking.Domain;

namespace Redwood.Benchmarks.Matchmaking;

/// <summary>
/// One matcher tick over a large pool (default 100,000 waiting tickets, 5 regions, 3 profiles), single-threaded,
/// timed with the process's CPU clock and the wall clock: warm-up ticks, then the median and the worst of the runs.
/// Each ticket pings 1-3 random regions; ages spread over a minute so full and shallow matches both occur.
/// </summary>
internal static class MatcherBenchmark
{
    public const string Usage = """
          matcher [--tickets N] [--runs N]                        one matcher tick over N waiting tickets (default 100000)
        """;

    public static int Run(string[] args)
    {
        var count = Login.BenchmarkHost.Option(args, "--tickets", 100_000);
        var runs = Login.BenchmarkHost.Option(args, "--runs", 15);
        var now = DateTimeOffset.UtcNow;
        string[] regions = ["eu", "us", "asia", "sa", "oce"];
        var profiles = new Dictionary<string, MatcherProfile>
        {
            ["duel"] = new("duel", 2, 2),
            ["squads"] = new("squads", 4, 16),
            ["raid"] = new("raid", 10, 40),
        };
        var names = profiles.Keys.ToArray();
        var random = new Random(42);
        var pool = new MatcherTicket[count];
        for (var i = 0; i < count; i++)
        {
            var pings = regions.OrderBy(_ => random.Next()).Take(random.Next(1, 4))
                .Select(r => new RegionPing(r, Math.Round(random.NextDouble() * 0.35, 3))).OrderBy(r => r.Ping).ToArray();
            pool[i] = new MatcherTicket("t" + i.ToString(CultureInfo.InvariantCulture), names[random.Next(names.Length)], now - TimeSpan.FromSeconds(random.NextDouble() * 60), pings);
        }

        var options = new MatcherOptions(MaxPing: 0.3, ShallowAfter: TimeSpan.FromSeconds(15), AgeHorizon: TimeSpan.FromMinutes(1));
        for (var i = 0; i < 3; i++)
        {
            Matcher.Match(pool, profiles, now, options);
        }

        var wall = new List<double>();
        var cpu = new List<double>();
        var matches = 0;
        var matched = 0;
        var process = Process.GetCurrentProcess();
        for (var i = 0; i < runs; i++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            var result = Matcher.Match(pool, profiles, now, options);
            wall.Add(watch.Elapsed.TotalMilliseconds);
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
            matches = result.Count;
            matched = result.Sum(m => m.Tickets.Count);
        }

        wall.Sort();
        cpu.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"matcher tick over {count:N0} tickets ({regions.Length} regions, {profiles.Count} profiles): {matches:N0} matches, {matched:N0} tickets matched"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wall ms: median {wall[wall.Count / 2]:0.0}, worst {wall[^1]:0.0}; CPU ms: median {cpu[cpu.Count / 2]:0.0}, worst {cpu[^1]:0.0} (target < 250 ms on one core)"));
        return 0;
    }
}
