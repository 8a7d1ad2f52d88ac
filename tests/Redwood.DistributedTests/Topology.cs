using Redwood.Testing;

namespace Redwood.DistributedTests;

/// <summary>
/// The distributed deployment on this machine: the host binary as one process per module replica, on real PostgreSQL
/// (one database, a schema per module) and real Redis, each process with only its module switched on. Realm processes
/// launch dev game servers, each with a Sidecar process of its own beside it (the host in standalone Sidecar mode, as
/// an Agones pod runs it).
/// </summary>
internal sealed class Topology : IAsyncDisposable
{
    public const string RealmSecret = "distributed-realm-secret-0123456789abcdef";
    public const string Profile = "duo";

    private readonly Dictionary<string, string?> _common;

    private Topology(Dictionary<string, string?> common) => _common = common;

    public List<RedwoodProcess> Directors { get; } = [];

    public List<RedwoodProcess> Realms { get; } = [];

    public List<RedwoodProcess> Matchmakers { get; } = [];

    public List<RedwoodProcess> Sidecars { get; } = [];

    /// <summary>Every process started so far.</summary>
    public IEnumerable<RedwoodProcess> All => Directors.Concat(Realms).Concat(Matchmakers).Concat(Sidecars);

    /// <summary>Settings shared by every process (and changed by <paramref name="tweak"/>), nothing started yet.</summary>
    public static async Task<Topology> CreateAsync(Action<Dictionary<string, string?>>? tweak = null)
    {
        var common = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Redwood:Redis:Configuration"] = TestEnvironment.Redis,
            ["Redwood:Redis:Prefix"] = "d" + Guid.NewGuid().ToString("N")[..10] + ":",
            ["Redwood:Persistence:Provider"] = "Postgres",
            ["ConnectionStrings:Redwood"] = await TestEnvironment.CreatePostgresDatabaseAsync(),
            ["Redwood:Realm:Secret"] = RealmSecret,
            ["Redwood:Director:Realms:0:Id"] = "default",
            ["Redwood:Director:Realms:0:Name"] = "Default",
            ["Redwood:Director:Realms:0:Uri"] = "ws://localhost:3011",
            ["Redwood:Director:Realms:0:Secret"] = RealmSecret,
            ["Redwood:Director:Auth:Pbkdf2Iterations"] = "1",
            ["Redwood:Bus:WorkClaimAfter"] = "00:00:03",
            ["Redwood:Matchmaking:ProcessInterval"] = "00:00:00.250",
            ["Redwood:Matchmaking:Profiles:0:Id"] = Profile,
            ["Redwood:Matchmaking:Profiles:0:Zones:0:Name"] = "arena",
            ["Redwood:Matchmaking:Profiles:0:Zones:0:Maps:0"] = "arena-map",
            ["Redwood:Matchmaking:Profiles:0:MatchmakingZoneName"] = "arena",
            ["Redwood:Matchmaking:Profiles:0:MinPlayersForMatchmaking"] = "2",
            ["Redwood:Matchmaking:Profiles:0:MaxPlayersPerShard"] = "2",
            ["Redwood:GameServers:Local:Executable"] = BuildOutputs.DevGameServer(),
            ["Redwood:GameServers:Local:Arguments:0"] = "-DevSaveInterval=0.5",
            ["Redwood:GameServers:Local:GamePortBase"] = "0",
            ["Redwood:GameServers:Local:LogDirectory"] = Path.Combine(Path.GetTempPath(), "redwood-tests", "game-server-logs"),
            ["Redwood:GameServers:ReadyTimeout"] = "00:00:30",
            ["Redwood:GameServers:StaleTimeout"] = "00:00:10",
            ["Redwood:GameServers:Local:SidecarProcess"] = "true",
        };
        tweak?.Invoke(common);
        return new Topology(common);
    }

    /// <summary>Starts the usual replicas: 2 Directors, 2 Realms and 2 Matchmakers (Sidecars come with the game servers).</summary>
    public static async Task<Topology> StartAsync(Action<Dictionary<string, string?>>? tweak = null)
    {
        var topology = await CreateAsync(tweak);
        try
        {
            // The Director first: realms sign in to it at start-up.
            await topology.AddAsync("Director");
            await topology.AddAsync("Director");
            await Task.WhenAll(topology.AddAsync("Realm"), topology.AddAsync("Realm"), topology.AddAsync("Matchmaking"), topology.AddAsync("Matchmaking"));
        }
        catch
        {
            await topology.DisposeAsync();
            throw;
        }

        return topology;
    }

    /// <summary>Starts one more process running only <paramref name="module"/>.</summary>
    public async Task<RedwoodProcess> AddAsync(string module, IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>(_common, StringComparer.OrdinalIgnoreCase);
        foreach (var name in new[] { "Director", "Realm", "Matchmaking", "Sidecar" })
        {
            settings[$"Redwood:Modules:{name}:Enabled"] = name == module ? "true" : "false";
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var process = await RedwoodProcess.StartAsync(settings);
        var list = module switch
        {
            "Director" => Directors,
            "Realm" => Realms,
            "Matchmaking" => Matchmakers,
            _ => Sidecars,
        };
        lock (list)
        {
            list.Add(process);
        }

        return process;
    }

    /// <summary>The Matchmaking process holding the matcher lease now.</summary>
    public RedwoodProcess MatcherLeaseHolder()
    {
        var holders = Matchmakers.Where(m => !m.HasExited && m.Output.Contains("took the lease matchmaking:matcher", StringComparison.Ordinal)).ToList();
        return Assert.Single(holders);
    }

    /// <summary>Everything every process wrote, for failure messages.</summary>
    public string Logs() => string.Join("\n", All.Select((p, i) => $"==== process {i}\n{p.Output}"));

    /// <summary>Runs a test body; a failure carries every process's log.</summary>
    public async Task ExplainedAsync(Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(ex.Message + "\n" + Logs(), ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in All.ToList())
        {
            await process.DisposeAsync();
        }
    }
}
