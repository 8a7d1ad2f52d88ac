using System.Globalization;

namespace Redwood.Benchmarks.SocketIO;

/// <summary>
/// The <c>socketio</c> subcommand: starts our conformance server and the reference Node socket.io server
/// in turn on free loopback ports, runs the same load against each, and prints medians and ratios.
/// </summary>
internal static class SocketIOBenchmark
{
    /// <summary>
    /// Runs socket continuations on the epoll thread instead of hopping to the thread pool, which roughly
    /// halves the load generator's CPU per round trip. Read once, when the first socket is used.
    /// </summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static async Task<int> RunAsync(string[] args)
    {
        Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        SocketIOOptions options;
        try
        {
            options = SocketIOOptions.Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(SocketIOOptions.Usage);
            return 2;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        try
        {
            CheckFileDescriptorLimit(options);
            var repoRoot = FindRepoRoot();
            var targets = new List<ServerTarget>();
            if (options.Only is null or "ours")
            {
                targets.Add(await ServerTarget.PrepareOursAsync(repoRoot, options.Build, stop.Token));
            }

            if (options.Only is null or "node")
            {
                targets.Add(await ServerTarget.PrepareNodeAsync(repoRoot, stop.Token));
            }

            PrintHeader(options, targets);
            var results = targets.ToDictionary(t => t.Name, _ => new List<RoundResult>());
            for (var round = 1; round <= options.Rounds; round++)
            {
                foreach (var target in targets)
                {
                    var result = await RunRoundAsync(target, options, stop.Token);
                    results[target.Name].Add(result);
                    Console.WriteLine(BenchmarkReport.RoundLine(round, target.Name, result));
                }
            }

            Console.WriteLine();
            Console.WriteLine(BenchmarkReport.Table(options, results));
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or System.Net.WebSockets.WebSocketException or HttpRequestException or OperationCanceledException)
        {
            // A phase's own time limit ends as a cancellation too; either way the run failed, so say why.
            Console.Error.WriteLine($"error: {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
    }

    private static async Task<RoundResult> RunRoundAsync(ServerTarget target, SocketIOOptions options, CancellationToken cancellationToken)
    {
        var port = ServerProcess.FreeLoopbackPort();
        using var server = await ServerProcess.StartAsync(target.Name, target.StartInfoFor(port), port, cancellationToken);
        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        using var invoker = new HttpMessageInvoker(handler);

        await LoadPhases.CheckContractAsync(server, invoker, cancellationToken);
        var single = await LoadPhases.RunAcksAsync(server, invoker, 1, options, cancellationToken);
        var concurrent = await LoadPhases.RunAcksAsync(server, invoker, options.Clients, options, cancellationToken);
        var idle = options.IdleConnections > 0
            ? await LoadPhases.RunIdleAsync(server, invoker, options, cancellationToken)
            : null;
        return new RoundResult(single, concurrent, idle);
    }

    private static void CheckFileDescriptorLimit(SocketIOOptions options)
    {
        var needed = options.IdleConnections + options.Clients + 512;
        var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
        if (soft is not null && soft != "unlimited" && long.Parse(soft, CultureInfo.InvariantCulture) < needed)
        {
            throw new InvalidOperationException(
                $"the open-file limit is {soft} but {options.IdleConnections} idle connections need about {needed} "
                + $"(client and server each hold one socket per connection): raise it with `ulimit -n {needed}` or pass a smaller --idle");
        }
    }

    private static string FindRepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Redwood.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException("cannot find the repository root (the folder holding Redwood.sln)");
    }

    private static void PrintHeader(SocketIOOptions options, List<ServerTarget> targets)
    {
        Console.WriteLine($"Socket.IO load: {options.Rounds} round(s); ack phases {options.WarmupSeconds:0.#} s warm-up + {options.DurationSeconds:0.#} s measured "
            + $"with 1 and {options.Clients} clients; {options.IdleConnections} idle connections ({options.IdleConcurrency} connecting at once, {options.SettleSeconds:0.#} s settle)");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}; the load generator shares them with the server");
        foreach (var target in targets)
        {
            Console.WriteLine($"  {target.Name,-5} {target.Description}");
        }

        Console.WriteLine();
    }
}

/// <summary>All figures from one server in one round.</summary>
internal sealed record RoundResult(AckPhaseResult Single, AckPhaseResult Concurrent, IdlePhaseResult? Idle);
