using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Redwood.Benchmarks.Login;

/// <summary>
/// The overload target of the password-hash queue: N password logins in flight at once against the real host at the
/// default hash cost and the default queue limit. Every login must be answered, with a session or the busy error,
/// within the target time, and the host must log no error-level line.
/// </summary>
internal static class OverloadBenchmark
{
    public const string Usage = """
          overload [--logins N (300)] [--accounts N (30)] [--target S (5)] [host options]   N password logins in flight at the default hash cost: answers, busy refusals, answer times, error log lines
        """;

    private const string Busy = "Server busy, try again";
    private const string Password = "benchmark password";

    public static async Task<int> RunAsync(string[] args)
    {
        var logins = BenchmarkHost.Option(args, "--logins", 300);
        var accounts = Math.Max(1, Math.Min(logins, BenchmarkHost.Option(args, "--accounts", 30)));
        var target = TimeSpan.FromSeconds(BenchmarkHost.Option(args, "--target", 5));
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

        var hostDll = await BenchmarkHost.PrepareAsync(args, stop.Token);
        var database = BenchmarkHost.Databases(args, "sqlite")[0];

        // The default hash cost and the default queue limit (about two seconds of hashing): what a deployment runs.
        var environment = new Dictionary<string, string> { ["Redwood__Director__Auth__HashQueueLimit"] = "0" };
        using var host = await BenchmarkHost.StartAsync(hostDll, database, args, 210_000, stop.Token, environment);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"overload: {logins} password logins in flight over {accounts} accounts, PBKDF2 210,000 iterations, default hash queue, {database}, {Environment.ProcessorCount} cores, host {hostDll}"));

        var usernames = await RegisterAsync(host, accounts, stop.Token);
        var clients = new AckClient[logins];
        await Parallel.ForEachAsync(Enumerable.Range(0, logins), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = stop.Token },
            async (i, ct) => clients[i] = await AckClient.ConnectAsync(host.DirectorUri, ct));
        var errorLinesBefore = host.Server.ErrorLineCount;

        // Every login leaves at once; each client waits for its own answer (or gives up after a generous 60 s).
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        giveUp.CancelAfter(TimeSpan.FromSeconds(60));
        var clock = Stopwatch.StartNew();
        var answers = await Task.WhenAll(clients.Select(async (client, i) =>
        {
            var payload = JsonSerializer.Serialize(new { username = usernames[i % usernames.Count], secret = Password, provider = "local" });
            var started = clock.Elapsed;
            try
            {
                var ack = await client.RequestAsync("player:login:username", payload, giveUp.Token);
                return new Answer(ErrorOf(ack), (clock.Elapsed - started).TotalMilliseconds);
            }
            catch (OperationCanceledException)
            {
                return new Answer(null, double.NaN);
            }
        }));
        var wall = clock.Elapsed;

        foreach (var client in clients)
        {
            client.Dispose();
        }

        // Clients leaving must not log errors either: give the host a moment to notice them.
        await Task.Delay(TimeSpan.FromSeconds(3), stop.Token);
        host.Server.EnsureRunning();
        var errorLines = host.Server.ErrorLineCount - errorLinesBefore;

        var answered = answers.Where(a => a.Error is not null).ToList();
        var sessions = answered.Count(a => a.Error == string.Empty);
        var busy = answered.Count(a => a.Error == Busy);
        var other = answered.Where(a => a.Error != string.Empty && a.Error != Busy).GroupBy(a => a.Error).ToList();
        var times = answered.Select(a => a.Milliseconds).Order().ToArray();
        var sessionTimes = answered.Where(a => a.Error == string.Empty).Select(a => a.Milliseconds).Order().ToArray();
        var busyTimes = answered.Where(a => a.Error == Busy).Select(a => a.Milliseconds).Order().ToArray();
        var max = times.Length == 0 ? 0 : times[^1];

        Console.WriteLine("| logins | sessions | busy | other | unanswered | answer p50 / p99 / max ms | session max ms | busy max ms | error log lines | wall s |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {logins} | {sessions} | {busy} | {other.Sum(g => g.Count())} | {logins - answered.Count} | {BenchmarkHost.Percentile(times, 0.5):0} / {BenchmarkHost.Percentile(times, 0.99):0} / {max:0} | {(sessionTimes.Length == 0 ? 0 : sessionTimes[^1]):0} | {(busyTimes.Length == 0 ? 0 : busyTimes[^1]):0} | {errorLines} | {wall.TotalSeconds:0.0} |"));
        foreach (var group in other)
        {
            Console.WriteLine($"  other answer x{group.Count()}: {group.Key}");
        }

        foreach (var line in host.Server.ErrorLines.Take(5))
        {
            Console.WriteLine("  error line: " + line);
        }

        var met = answered.Count == logins && other.Count == 0 && max <= target.TotalMilliseconds && errorLines == 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"target (every login answered with a session or '{Busy}' within {target.TotalSeconds:0} s, no error log line): {(met ? "met" : "NOT met")}"));
        return met ? 0 : 1;
    }

    private static async Task<List<string>> RegisterAsync(BenchmarkHost host, int accounts, CancellationToken cancellationToken)
    {
        // Two at a time, so registration (a hash each) never meets the queue limit itself.
        var usernames = new string[accounts];
        await Parallel.ForEachAsync(Enumerable.Range(0, accounts), new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                using var client = await AckClient.ConnectAsync(host.DirectorUri, ct);
                var username = $"over{i}x{Guid.NewGuid():N}"[..20];
                var ack = await client.RequestAsync("player:register:username", JsonSerializer.Serialize(new { username, password = Password }), ct);
                if (ErrorOf(ack) != string.Empty)
                {
                    throw new InvalidOperationException("register failed: " + ack);
                }

                usernames[i] = username;
            });
        return [.. usernames];
    }

    /// <summary>The <c>error</c> of an ack's first argument (<c>[{"error":"...",...}]</c>).</summary>
    private static string ErrorOf(string ackArguments)
    {
        using var document = JsonDocument.Parse(ackArguments);
        return document.RootElement[0].TryGetProperty("error", out var error) ? error.GetString() ?? string.Empty : "(no error field)";
    }

    private sealed record Answer(string? Error, double Milliseconds);
}
