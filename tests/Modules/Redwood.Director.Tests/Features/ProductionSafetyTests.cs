using Redwood.Testing;

namespace Redwood.Director.Tests.Features;

public sealed class ProductionSafetyTests
{
    private const string StrongSecret = "0123456789abcdef0123456789abcdef-strong";

    [Fact]
    public async Task A_distributed_production_deployment_refuses_the_shipped_realm_secret()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => DirectorApp.StartAsync(TestDatabase.Sqlite, [.. Distributed(), ("environment", "Production")]));

        Assert.Contains("Redwood:Director:Realms:0:Secret", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_embedded_production_deployment_refuses_the_shipped_realm_secret()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => DirectorApp.StartAsync(TestDatabase.Sqlite, ("environment", "Production")));

        Assert.Contains("Setting 'Redwood:Director:Realms:0:Secret' is the shipped development secret", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_production_realm_refuses_its_shipped_secret_even_when_the_director_has_a_strong_one()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => RedwoodApp.StartAsync(TestDatabase.Sqlite,
            new Dictionary<string, string?>(Realm(StrongSecret).ToDictionary(s => s.Item1, s => s.Item2)) { ["environment"] = "Production" }));

        Assert.Contains("Setting 'Redwood:Realm:Secret' is the shipped development secret", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Development_keeps_starting_with_the_shipped_realm_secret()
    {
        await using var app = await RedwoodApp.StartAsync(TestDatabase.Sqlite, new Dictionary<string, string?> { ["environment"] = "Development" });
        await using var client = await PlayerClient.ConnectAsync(app.Uri("director"));

        Assert.Equal(string.Empty, (await client.RegisterAsync(DirectorApp.NewUsername())).Str("error"));
    }

    [Fact]
    public async Task Production_refuses_a_short_realm_secret_and_starts_with_a_strong_one()
    {
        var shortSecret = await Assert.ThrowsAnyAsync<Exception>(() =>
            DirectorApp.StartAsync(TestDatabase.Sqlite, [.. Realm("short-secret"), ("environment", "Production")]));
        Assert.Contains("at least 32 bytes", Flatten(shortSecret), StringComparison.Ordinal);

        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite, [.. Realm(StrongSecret), ("environment", "Production")]);
        await using var client = await app.ConnectAsync();
        Assert.Equal(string.Empty, (await client.RegisterAsync(DirectorApp.NewUsername())).Str("error"));
    }

    [Fact]
    public async Task The_embedded_production_host_starts_and_serves_with_strong_secrets()
    {
        var settings = Realm(StrongSecret).ToDictionary(s => s.Item1, s => s.Item2);
        settings["Redwood:Realm:Secret"] = StrongSecret;
        settings["environment"] = "Production";
        await using var app = await RedwoodApp.StartAsync(TestDatabase.Sqlite, settings);
        await using var client = await PlayerClient.ConnectAsync(app.Uri("director"));

        Assert.Equal(string.Empty, (await client.RegisterAsync(DirectorApp.NewUsername())).Str("error"));
    }

    private static (string, string?)[] Realm(string secret) =>
    [
        ("Redwood:Director:Realms:0:Id", "default"),
        ("Redwood:Director:Realms:0:Uri", "ws://localhost:3011"),
        ("Redwood:Director:Realms:0:Secret", secret),
    ];

    private static (string, string?)[] Distributed() =>
    [
        ("Redwood:Redis:Configuration", TestEnvironment.Redis),
        ("Redwood:Redis:Prefix", SplitProcessSettings.NewPrefix()),
    ];

    private static string Flatten(Exception error) => error.ToString();
}
