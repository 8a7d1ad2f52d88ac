using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Redwood.SharedKernel.Modules;

namespace Redwood.Testing;

/// <summary>Which database a test host uses.</summary>
public enum TestDatabase
{
    /// <summary>SQLite files in a fresh temporary directory.</summary>
    Sqlite,

    /// <summary>A fresh database on the test PostgreSQL server.</summary>
    Postgres,
}

/// <summary>
/// The real host in this test process (<see cref="WebApplicationFactory{TEntryPoint}"/>); its Socket.IO endpoints
/// listen on real loopback ports chosen by the OS. Settings are the same keys as appsettings.json.
/// </summary>
public sealed class RedwoodApp : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _settings;
    private WebApplicationFactory<Program> _factory;

    private RedwoodApp(Dictionary<string, string?> settings)
    {
        _settings = settings;
        _factory = Create(settings, Logs);
    }

    /// <summary>The host's services (root provider).</summary>
    public IServiceProvider Services => _factory.Services;

    /// <summary>Everything the host logged since it was created (across restarts).</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>The settings the host was started with.</summary>
    public IReadOnlyDictionary<string, string?> Settings => _settings;

    /// <summary>
    /// Starts a host. By default every module runs, ports are 0, data lives in a new temporary directory (SQLite) or a
    /// new PostgreSQL database; <paramref name="settings"/> override or add settings.
    /// </summary>
    public static async Task<RedwoodApp> StartAsync(TestDatabase database = TestDatabase.Sqlite, IDictionary<string, string?>? settings = null)
    {
        var all = TestEnvironment.HostDefaults();
        if (database == TestDatabase.Postgres)
        {
            all["Redwood:Persistence:Provider"] = "Postgres";
            all["ConnectionStrings:Redwood"] = await TestEnvironment.CreatePostgresDatabaseAsync();
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = new RedwoodApp(all);
        await app.WaitStartedAsync();
        return app;
    }

    /// <summary>The port an endpoint bound (<c>director</c>, <c>realm</c>, ...).</summary>
    public int Port(string endpoint) =>
        Services.GetRequiredService<BoundPorts>().Snapshot().TryGetValue(endpoint, out var port)
            ? port
            : throw new InvalidOperationException($"Endpoint '{endpoint}' is not listening");

    /// <summary>The <c>ws://127.0.0.1:port</c> of an endpoint.</summary>
    public Uri Uri(string endpoint) => new($"ws://127.0.0.1:{Port(endpoint)}");

    /// <summary>An HTTP client on the host's HTTP pipeline (health endpoints).</summary>
    public HttpClient CreateHttpClient() => _factory.CreateClient();

    /// <summary>Stops the host and starts it again with the same settings and data.</summary>
    public async Task RestartAsync()
    {
        await _factory.DisposeAsync();
        _factory = Create(_settings, Logs);
        await WaitStartedAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    private static WebApplicationFactory<Program> Create(IReadOnlyDictionary<string, string?> settings, CapturedLogs logs) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.ConfigureLogging(logging => logging.AddProvider(logs));
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });

    private async Task WaitStartedAsync()
    {
        using var client = _factory.CreateClient();
        await Eventually.True(async () => (await client.GetAsync("/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "host /ready");
    }
}
