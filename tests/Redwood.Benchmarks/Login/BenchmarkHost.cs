using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Npgsql;
using Redwood.Benchmarks.SocketIO;

namespace Redwood.Benchmarks.Login;

/// <summary>Which store the host under test uses.</summary>
internal enum BenchmarkDatabase
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The real host (all modules, in-process bus) as a child process on free loopback ports, on a fresh SQLite directory
/// or a fresh PostgreSQL database, and the shared options of the host benchmarks.
/// </summary>
internal sealed class BenchmarkHost : IDisposable
{
    public const string OptionsUsage = """
              host options: --database sqlite|postgres (sqlite) --postgres CONNSTRING (default: $REDWOOD_TEST_POSTGRES)
                            --host PATH/Redwood.Host.dll (run that build instead of building src/Redwood.Host in Release)
        """;

    /// <summary>
    /// The host runs in Production (no environment is set), which refuses the shipped development realm secret, so
    /// every benchmark host gets this one for its default realm.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> RealmSecretEnvironment = new Dictionary<string, string>
    {
        ["Redwood__Realm__Secret"] = "benchmark-realm-secret-0123456789abcdef",
        ["Redwood__Director__Realms__0__Id"] = "default",
        ["Redwood__Director__Realms__0__Name"] = "Default",
        ["Redwood__Director__Realms__0__Uri"] = "ws://localhost:3011",
        ["Redwood__Director__Realms__0__Secret"] = "benchmark-realm-secret-0123456789abcdef",
    };

    private readonly string? _dataDirectory;

    private BenchmarkHost(ServerProcess server, int directorPort, int realmPort, string? dataDirectory)
    {
        Server = server;
        DirectorUri = new Uri($"ws://127.0.0.1:{directorPort}");
        RealmUri = new Uri($"ws://127.0.0.1:{realmPort}");
        _dataDirectory = dataDirectory;
    }

    public ServerProcess Server { get; }

    public Uri DirectorUri { get; }

    public Uri RealmUri { get; }

    /// <summary>The host dll to run: <c>--host</c>, or src/Redwood.Host built in Release now.</summary>
    public static async Task<string> PrepareAsync(string[] args, CancellationToken cancellationToken)
    {
        if (Text(args, "--host") is { } given)
        {
            return File.Exists(given) ? Path.GetFullPath(given) : throw new FileNotFoundException("--host: no such file", given);
        }

        var root = RepoRoot();
        using var build = Process.Start(new ProcessStartInfo("dotnet", ["build", "-c", "Release", "-v", "q", Path.Combine(root, "src", "Redwood.Host")])
        {
            UseShellExecute = false,
        })!;
        await build.WaitForExitAsync(cancellationToken);
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException("building the host failed");
        }

        return Path.Combine(root, "src", "Redwood.Host", "bin", "Release", "net10.0", "Redwood.Host.dll");
    }

    public static IReadOnlyList<BenchmarkDatabase> Databases(string[] args, string fallback) => (Text(args, "--database") ?? fallback) switch
    {
        "sqlite" => [BenchmarkDatabase.Sqlite],
        "postgres" => [BenchmarkDatabase.Postgres],
        "both" => [BenchmarkDatabase.Sqlite, BenchmarkDatabase.Postgres],
        var other => throw new ArgumentException($"--database {other}: expected sqlite, postgres or both"),
    };

    public static async Task<BenchmarkHost> StartAsync(
        string hostDll, BenchmarkDatabase database, string[] args, int pbkdf2Iterations, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var directorPort = ServerProcess.FreeLoopbackPort();
        var realmPort = ServerProcess.FreeLoopbackPort();
        var start = new ProcessStartInfo("dotnet", [hostDll]) { WorkingDirectory = Path.GetDirectoryName(hostDll)! };
        start.Environment["Redwood__Network__BindAddress"] = "127.0.0.1";
        start.Environment["Redwood__Http__Port"] = "0";
        start.Environment["Redwood__Director__Port"] = directorPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["Redwood__Realm__Port"] = realmPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["Redwood__Sidecar__BasePort"] = "0";
        start.Environment["Redwood__Director__Auth__Pbkdf2Iterations"] = pbkdf2Iterations.ToString(CultureInfo.InvariantCulture);
        start.Environment["Redwood__Director__Auth__MaxFailedLoginsPerAddress"] = "1000000";
        start.Environment["Redwood__Director__Auth__MaxRegistrationsPerAddress"] = "1000000";
        start.Environment["Redwood__Director__Auth__HashQueueLimit"] = "1000000";
        start.Environment["Redwood__Network__MaxConnectionsPerAddress"] = "0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in RealmSecretEnvironment.Concat(environment ?? new Dictionary<string, string>()))
        {
            start.Environment[key] = value;
        }

        string? data = null;
        if (database == BenchmarkDatabase.Postgres)
        {
            start.Environment["Redwood__Persistence__Provider"] = "Postgres";
            start.Environment["ConnectionStrings__Redwood"] = await CreatePostgresDatabaseAsync(args, cancellationToken);
        }
        else
        {
            data = Path.Combine(Path.GetTempPath(), "redwood-bench-" + Guid.NewGuid().ToString("N"));
            start.Environment["Redwood__Persistence__DataDirectory"] = data;
        }

        var server = await ServerProcess.StartAsync($"redwood ({database}, {pbkdf2Iterations} iterations)", start, directorPort, cancellationToken);
        var host = new BenchmarkHost(server, directorPort, realmPort, data);
        try
        {
            await WaitListeningAsync(realmPort, cancellationToken);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Server.Dispose();
        if (_dataDirectory is not null && Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    public static int Option(string[] args, string name, int fallback) =>
        Text(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public static string? Text(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    public static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static async Task<string> CreatePostgresDatabaseAsync(string[] args, CancellationToken cancellationToken)
    {
        var server = Text(args, "--postgres") ?? Environment.GetEnvironmentVariable("REDWOOD_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException("--database postgres needs --postgres CONNSTRING or REDWOOD_TEST_POSTGRES");
        }

        var name = "rw_bench_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    private static async Task WaitListeningAsync(int port, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port, cancellationToken);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Redwood.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Redwood.sln not found");
    }
}
