using System.Globalization;

namespace Redwood.LoadTest;

/// <summary>The command line of one run.</summary>
internal sealed record LoadOptions
{
    public const string Usage = """
        usage: dotnet run -c Release --project src/Redwood.LoadTest -- [options]
          --director URI        Director Frontend (default ws://localhost:3001); realms come from realm:list
          --players N           simulated players (default 100)
          --ramp N              players started per second (default 50)
          --duration S          stop after S seconds, whatever is left (default 300)
          --max-requests N      stop starting players once N requests were sent (default unlimited)
          --profile ID          matchmaking profile (default "default")
          --stay S              seconds each player stays on the game server before leaving (default 2)
          --ping measure|S      measure region pings through the realm's echo endpoint (default), or send S seconds
          --mix                 each player also re-logs in with its token, edits its character, and joins and leaves matchmaking once
          --login               log in existing players (loadtest_<run>_<n>) instead of registering them
          --run-id ID           prefix of the usernames (default: a random id)
          --password TEXT       password of the simulated players (default loadtest-password-1)
          --server-pid PID      a server process to sample CPU and memory from /proc (repeatable)
          --out DIR             directory of the report files (default loadtest-results)
          --timeout S           bound of each step (default 60)
          --no-live             plain progress lines instead of the live table
          --note TEXT           a line for the report's settings, e.g. the server's own settings (repeatable)
        """;

    public Uri Director { get; init; } = new("ws://localhost:3001");
    public int Players { get; init; } = 100;
    public double RampPerSecond { get; init; } = 50;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(300);
    public long MaxRequests { get; init; } = long.MaxValue;
    public string Profile { get; init; } = "default";
    public TimeSpan Stay { get; init; } = TimeSpan.FromSeconds(2);
    public double? ConstantPing { get; init; }
    public bool Mix { get; init; }
    public bool LoginExisting { get; init; }
    public string RunId { get; init; } = Guid.NewGuid().ToString("N")[..8];
    public string Password { get; init; } = "loadtest-password-1";
    public IReadOnlyList<int> ServerPids { get; init; } = [];
    public string OutputDirectory { get; init; } = "loadtest-results";
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public bool Live { get; init; } = true;
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Parses the command line; a bad or unknown option throws <see cref="ArgumentException"/> naming it.</summary>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions();
        var pids = new List<int>();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            options = name switch
            {
                "--director" => options with { Director = ParseUri(name, Value()) },
                "--players" => options with { Players = (int)Positive(name, Value()) },
                "--ramp" => options with { RampPerSecond = Positive(name, Value()) },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(Positive(name, Value())) },
                "--max-requests" => options with { MaxRequests = (long)Positive(name, Value()) },
                "--profile" => options with { Profile = Value() },
                "--stay" => options with { Stay = TimeSpan.FromSeconds(NonNegative(name, Value())) },
                "--ping" => Value() is var ping && ping == "measure"
                    ? options with { ConstantPing = null }
                    : options with { ConstantPing = NonNegative(name, ping) },
                "--mix" => options with { Mix = true },
                "--login" => options with { LoginExisting = true },
                "--run-id" => options with { RunId = Value() },
                "--password" => options with { Password = Value() },
                "--server-pid" => AddPid(options, pids, (int)Positive(name, Value())),
                "--out" => options with { OutputDirectory = Value() },
                "--timeout" => options with { StepTimeout = TimeSpan.FromSeconds(Positive(name, Value())) },
                "--no-live" => options with { Live = false },
                "--note" => options with { Notes = [.. options.Notes, Value()] },
                _ => throw new ArgumentException($"unknown option '{name}'"),
            };
        }

        return options;
    }

    /// <summary>The options as <c>name = value</c> pairs for the report.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Describe() =>
    [
        new("director", Director.ToString()),
        new("players", Players.ToString(CultureInfo.InvariantCulture)),
        new("ramp (players/s)", RampPerSecond.ToString(CultureInfo.InvariantCulture)),
        new("duration bound (s)", Duration.TotalSeconds.ToString(CultureInfo.InvariantCulture)),
        new("max requests", MaxRequests == long.MaxValue ? "unlimited" : MaxRequests.ToString(CultureInfo.InvariantCulture)),
        new("profile", Profile),
        new("stay on game server (s)", Stay.TotalSeconds.ToString(CultureInfo.InvariantCulture)),
        new("ping", ConstantPing is { } p ? p.ToString(CultureInfo.InvariantCulture) + " s (constant)" : "measured through the realm's echo endpoint"),
        new("mix", Mix ? "token re-login, character edit, ticket join and leave" : "off"),
        new("accounts", LoginExisting ? "log in existing" : "register"),
        new("run id", RunId),
        new("server pids", ServerPids.Count == 0 ? "none" : string.Join(", ", ServerPids)),
        new("step timeout (s)", StepTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)),
        .. Notes.Select(note => new KeyValuePair<string, string>("note", note)),
    ];

    private static LoadOptions AddPid(LoadOptions options, List<int> pids, int pid)
    {
        pids.Add(pid);
        return options with { ServerPids = pids.ToArray() };
    }

    private static Uri ParseUri(string name, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "ws" or "wss"
            ? uri
            : throw new ArgumentException($"{name} must be a ws:// or wss:// URI, got '{value}'");

    private static double Positive(string name, string value) =>
        NonNegative(name, value) is var number && number > 0 ? number : throw new ArgumentException($"{name} must be above 0, got '{value}'");

    private static double NonNegative(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= 0 && double.IsFinite(number)
            ? number
            : throw new ArgumentException($"{name} must be a number of 0 or more, got '{value}'");
}
