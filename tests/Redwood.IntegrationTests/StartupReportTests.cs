using System.Net;
using Npgsql;
using Redwood.Testing;

namespace Redwood.IntegrationTests;

/// <summary>
/// The real binary's console at start-up: one block that says what runs, where the data lives, the bus, every bound
/// port with a URI that answers, and the realms; none of the per-listener lifetime blocks.
/// </summary>
public sealed class StartupReportTests
{
    private static readonly string[] LifetimeLines = ["Application started", "Hosting environment", "Content root path", "Now listening on"];

    [Fact]
    public async Task The_embedded_host_prints_one_block_with_modules_data_bus_ports_and_realms()
    {
        var data = Path.Combine(Path.GetTempPath(), "redwood-tests", Guid.NewGuid().ToString("N"));
        await using var host = await RedwoodProcess.StartAsync(new Dictionary<string, string?> { ["Redwood:Persistence:DataDirectory"] = data });
        var output = host.Output;

        Assert.Single(Lines(output), l => l.Contains("Redwood started", StringComparison.Ordinal));
        Assert.All(LifetimeLines, line => Assert.DoesNotContain(line, output, StringComparison.Ordinal));
        Assert.Contains("modules        Director, Realm, Matchmaking, Sidecar; disabled: none", output, StringComparison.Ordinal);
        Assert.Contains($"persistence    SQLite files in {data}", output, StringComparison.Ordinal);
        Assert.Contains($"store          director: {Path.Combine(data, "director.db")}", output, StringComparison.Ordinal);
        Assert.Contains($"store          realm_default: {Path.Combine(data, "realm_default.db")}", output, StringComparison.Ordinal);
        Assert.Contains("bus            in-process", output, StringComparison.Ordinal);
        Assert.Contains("network        listening on 127.0.0.1", output, StringComparison.Ordinal);
        Assert.Contains($"listening      http http://127.0.0.1:{host.Port("http")} (/health, /ready)", output, StringComparison.Ordinal);
        Assert.Contains($"listening      director ws://127.0.0.1:{host.Port("director")}", output, StringComparison.Ordinal);
        Assert.Contains($"listening      realm ws://127.0.0.1:{host.Port("realm")}", output, StringComparison.Ordinal);
        Assert.Contains($"realm          default \"Default\", players connect to ws://localhost:{host.Port("realm")}", output, StringComparison.Ordinal);
        Assert.Contains("director lists realm default \"Default\" at ws://localhost:3011", output, StringComparison.Ordinal);

        // The URIs it printed answer.
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{host.Port("http")}/ready")).StatusCode);
        await using var director = await PlayerClient.ConnectAsync(host.Uri("director"));
        await using var realm = await PlayerClient.ConnectAsync(host.Uri("realm"), withAuthObject: true);
    }

    [Fact]
    public async Task A_director_process_on_postgres_and_redis_says_so_without_the_password()
    {
        var database = await TestEnvironment.CreatePostgresDatabaseAsync();
        var withPassword = new NpgsqlConnectionStringBuilder(database) { Password = "s3cret-in-the-string" }.ConnectionString;
        await using var host = await RedwoodProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Redwood:Modules:Realm:Enabled"] = "false",
            ["Redwood:Modules:Matchmaking:Enabled"] = "false",
            ["Redwood:Modules:Sidecar:Enabled"] = "false",
            ["Redwood:Redis:Configuration"] = TestEnvironment.Redis,
            ["Redwood:Redis:Prefix"] = SplitProcessSettings.NewPrefix(),
            ["Redwood:Persistence:Provider"] = "Postgres",
            ["ConnectionStrings:Redwood"] = withPassword,
            // Production refuses the shipped realm secret once Redis carries it between processes.
            ["Redwood:Director:Realms:0:Id"] = "default",
            ["Redwood:Director:Realms:0:Name"] = "Default",
            ["Redwood:Director:Realms:0:Uri"] = "ws://localhost:3011",
            ["Redwood:Director:Realms:0:Secret"] = "startup-report-realm-secret-0123456789",
        });
        var output = host.Output;
        var connection = new NpgsqlConnectionStringBuilder(database);

        Assert.Single(Lines(output), l => l.Contains("Redwood started", StringComparison.Ordinal));
        Assert.Contains("modules        Director; disabled: Realm, Matchmaking, Sidecar", output, StringComparison.Ordinal);
        Assert.Contains($"persistence    PostgreSQL {connection.Host}:{connection.Port}/{connection.Database} as {connection.Username}", output, StringComparison.Ordinal);
        Assert.Contains("store          director: schema \"director\"", output, StringComparison.Ordinal);
        Assert.Contains("bus            Redis " + TestEnvironment.Redis.Split(',')[0], output, StringComparison.Ordinal);
        Assert.Contains($"listening      director ws://127.0.0.1:{host.Port("director")}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("listening      realm", output, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-in-the-string", output, StringComparison.Ordinal);
    }

    private static string[] Lines(string output) => output.Split('\n');
}
