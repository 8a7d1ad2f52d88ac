using System.Net;
using System.Text.Json;
using Npgsql;
using Redwood.Testing;

namespace Redwood.IntegrationTests;

public sealed class HostTests
{
    [Fact]
    public async Task The_embedded_defaults_run_every_module_on_sqlite_without_redis()
    {
        var data = Path.Combine(Path.GetTempPath(), "redwood-tests", Guid.NewGuid().ToString("N"));
        await using var host = await RedwoodProcess.StartAsync(new Dictionary<string, string?> { ["Redwood:Persistence:DataDirectory"] = data });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.Port("http")}") };

        var health = await http.GetAsync("/health");
        var ready = await http.GetAsync("/ready");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("modules        Director, Realm, Matchmaking, Sidecar; disabled: none", host.Output, StringComparison.Ordinal);
        Assert.Contains("bus            in-process", host.Output, StringComparison.Ordinal);
        Assert.True(host.Port("director") > 0);
        Assert.True(host.Port("realm") > 0);
        Assert.True(File.Exists(Path.Combine(data, "director.db")));
        Assert.True(File.Exists(Path.Combine(data, "realm_default.db")));
    }

    [Fact]
    public async Task The_http_listener_takes_its_own_bind_address()
    {
        await using var host = await RedwoodProcess.StartAsync(new Dictionary<string, string?> { ["Redwood:Http:BindAddress"] = "127.0.0.3" });
        var port = host.Port("http");
        using var http = new HttpClient();

        var health = await http.GetAsync(new Uri($"http://127.0.0.3:{port}/health"));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync(new Uri($"http://127.0.0.1:{port}/health")));
        await using var director = await PlayerClient.ConnectAsync(host.Uri("director"));
    }

    [Fact]
    public async Task Ready_reports_the_database_and_redis_checks()
    {
        await using var app = await RedwoodApp.StartAsync(TestDatabase.Postgres, new Dictionary<string, string?>
        {
            ["Redwood:Redis:Configuration"] = TestEnvironment.Redis,
            ["Redwood:Redis:Prefix"] = SplitProcessSettings.NewPrefix(),
        });
        using var http = app.CreateHttpClient();

        using var ready = JsonDocument.Parse(await http.GetStringAsync("/ready"));

        var checks = ready.RootElement.GetProperty("checks");
        Assert.Equal("Healthy", ready.RootElement.GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("started").GetProperty("status").GetString());
        Assert.Contains(checks.EnumerateObject(), c => c.Name.Contains("DirectorDbContext", StringComparison.Ordinal));
        Assert.Contains(checks.EnumerateObject(), c => c.Name.Contains("RealmDbContext", StringComparison.Ordinal));
        Assert.True(ready.RootElement.GetProperty("ports").GetProperty("director").GetInt32() > 0);
    }

    [Fact]
    public async Task On_postgres_each_module_store_migrates_into_its_own_schema()
    {
        await using var app = await RedwoodApp.StartAsync(TestDatabase.Postgres);
        await using var connection = new NpgsqlConnection(app.Settings["ConnectionStrings:Redwood"]);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = '__EFMigrationsHistory' ORDER BY 1", connection);

        var schemas = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                schemas.Add(reader.GetString(0));
            }
        }

        Assert.Equal(["director", "realm_default"], schemas);
    }
}
