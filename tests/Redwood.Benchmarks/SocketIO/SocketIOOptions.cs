using System.Globalization;

namespace Redwood.Benchmarks.SocketIO;

/// <summary>Command-line options of the <c>socketio</c> subcommand.</summary>
internal sealed record SocketIOOptions
{
    public const string Usage = """
        usage: socketio [options]
          --rounds N             rounds; each round runs every server once, alternating (default 3)
          --duration S           measured seconds per ack phase (default 10)
          --warmup S             unmeasured seconds before each ack phase (default 3)
          --clients N            websocket clients in the concurrent ack phase (default 64)
          --idle N               idle connections to open (default 10000; 0 skips the phase)
          --idle-concurrency N   connects in flight while opening idle connections (default 64)
          --settle S             seconds to wait after the last connect before reading RSS (default 5)
          --only ours|node       run one server only
          --no-build             do not build the conformance server (it must already be built)
        """;

    public int Rounds { get; init; } = 3;

    public double DurationSeconds { get; init; } = 10;

    public double WarmupSeconds { get; init; } = 3;

    public int Clients { get; init; } = 64;

    public int IdleConnections { get; init; } = 10_000;

    public int IdleConcurrency { get; init; } = 64;

    public double SettleSeconds { get; init; } = 5;

    public string? Only { get; init; }

    public bool Build { get; init; } = true;

    public static SocketIOOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SocketIOOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            double Seconds() => double.Parse(Value(), CultureInfo.InvariantCulture);

            options = args[i] switch
            {
                "--rounds" => options with { Rounds = Int() },
                "--duration" => options with { DurationSeconds = Seconds() },
                "--warmup" => options with { WarmupSeconds = Seconds() },
                "--clients" => options with { Clients = Int() },
                "--idle" => options with { IdleConnections = Int() },
                "--idle-concurrency" => options with { IdleConcurrency = Int() },
                "--settle" => options with { SettleSeconds = Seconds() },
                "--only" => options with { Only = Value() },
                "--no-build" => options with { Build = false },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        if (options.Rounds < 1 || options.DurationSeconds <= 0 || options.WarmupSeconds < 0 || options.Clients < 1
            || options.IdleConnections < 0 || options.IdleConcurrency < 1 || options.SettleSeconds < 0)
        {
            throw new ArgumentException("rounds, duration, clients and idle-concurrency must be positive; warmup, idle and settle not negative");
        }

        if (options.Only is not (null or "ours" or "node"))
        {
            throw new ArgumentException("--only takes ours or node");
        }

        return options;
    }
}
