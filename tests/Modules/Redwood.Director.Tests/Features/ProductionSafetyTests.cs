using Redwood.Testing;

namespace Redwood.Director.Tests.Features;

public sealed class ProductionSafetyTests
{
    private const string JwtSecret = "a-jwt-secret-that-is-long-enough-for-hs256";
    private const string StrongSecret = "0123456789abcdef0123456789abcdef-strong";

    [Fact]
    public async Task A_distributed_production_deployment_refuses_the_shipped_realm_secret()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => DirectorApp.StartAsync(TestDatabase.Sqlite, [.. Distributed(), ("environment", "Production")]));

        Assert.Contains("Redwood:Director:Realms:0:Secret", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_embedded_production_deployment_keeps_starting_with_the_defaults()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite, ("environment", "Production"));
        await using var client = await app.ConnectAsync();
        Assert.Equal(string.Empty, (await client.RegisterAsync(DirectorApp.NewUsername())).Str("error"));
    }

    [Fact]
    public async Task Production_refuses_a_short_realm_secret_and_starts_with_a_strong_one()
    {
        var shortSecret = await Assert.ThrowsAnyAsync<Exception>(() =>
            DirectorApp.StartAsync(TestDatabase.Sqlite, [.. Realm("short-secret"), .. Distributed(), ("environment", "Production")]));
        Assert.Contains("at least 32 bytes", Flatten(shortSecret), StringComparison.Ordinal);

        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite, [.. Realm(StrongSecret), .. Distributed(), ("environment", "Production")]);
        await using var client = await app.ConnectAsync();
        Assert.Equal(string.Empty, (await client.RegisterAsync(DirectorApp.NewUsername())).Str("error"));
    }

    [Fact]
    public async Task Outside_development_the_jwt_provider_needs_an_issuer_and_an_audience()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => DirectorApp.StartAsync(TestDatabase.Sqlite,
            [.. Realm(StrongSecret), ("environment", "Staging"), ("Redwood:Director:Auth:Jwt:Secret", JwtSecret), ("Redwood:Director:Auth:Jwt:Audience", "game")]));

        Assert.Contains("Redwood:Director:Auth:Jwt:Issuer", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jwt_logins_enforce_the_maximum_lifetime_and_a_clean_name()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite, ("Redwood:Director:Auth:Jwt:Secret", JwtSecret));
        await using var client = await app.ConnectAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var tooLong = await client.LoginAsync("x", DirectorApp.Jwt(JwtSecret, new { sub = "a", iat = now, exp = now + (48 * 3600) }), "jwt");
        var noExpiry = await client.LoginAsync("x", DirectorApp.Jwt(JwtSecret, new { sub = "b", iat = now }), "jwt");
        var badName = await client.LoginAsync("x", DirectorApp.Jwt(JwtSecret, new { sub = "c", name = "evil\u202Egnp.exe", iat = now, exp = now + 600 }), "jwt");
        var fine = await client.LoginAsync("x", DirectorApp.Jwt(JwtSecret, new { sub = "d", name = "Jay", iat = now, exp = now + 600 }), "jwt");

        Assert.Equal("Invalid username or password", tooLong.Str("error"));
        Assert.Equal("Invalid username or password", noExpiry.Str("error"));
        Assert.StartsWith("The JWT name contains characters that are not allowed", badName.Str("error"), StringComparison.Ordinal);
        Assert.Equal(string.Empty, fine.Str("error"));
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
        ("Redwood:Redis:Prefix", "t" + Guid.NewGuid().ToString("N")[..10] + ":"),
    ];

    private static string Flatten(Exception error) => error.ToString();
}
