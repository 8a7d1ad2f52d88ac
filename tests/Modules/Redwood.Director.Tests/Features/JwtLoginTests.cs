using Microsoft.EntityFrameworkCore;
using Redwood.Testing;

namespace Redwood.Director.Tests.Features;

public sealed class JwtLoginTests
{
    private const string Secret = "a-jwt-secret-that-is-long-enough-for-hs256";

    private const string Issuer = "https://auth.example.test";
    private const string Audience = "redwood-game";

    private static readonly (string, string?)[] JwtSettings =
    [
        ("Redwood:Director:Auth:Jwt:Secret", Secret),
        ("Redwood:Director:Auth:Jwt:Issuer", Issuer),
        ("Redwood:Director:Auth:Jwt:Audience", Audience),
    ];

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Logs_in_with_a_valid_jwt_and_creates_the_identity_once(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database, JwtSettings);
        await using var client = await app.ConnectAsync();
        var subject = "auth0|" + Guid.NewGuid().ToString("N");
        var jwt = DirectorApp.Jwt(Secret, new { sub = subject, name = "Jay Dub", iss = Issuer, aud = Audience, exp = Expiry(TimeSpan.FromMinutes(5)) });

        var first = await client.LoginAsync("whatever the game typed", jwt, "jwt");
        var second = await client.LoginAsync(string.Empty, jwt, "jwt");

        Assert.Equal(string.Empty, first.Str("error"));
        Assert.Equal("Jay Dub", first.Str("nickname"));
        Assert.DoesNotContain(':', first.Str("playerId"));
        Assert.Equal(first.Str("playerId"), second.Str("playerId"));
        Assert.Equal(1, await app.WithDbAsync(db => db.Players.CountAsync()));

        // The plugin's later auto-login and reconnect use the session token with provider "local".
        Assert.Equal(string.Empty, (await client.ReconnectLoginAsync(second.Str("playerId"), second.Str("token"))).Str("error"));
    }

    [Fact]
    public async Task Uses_the_configured_claim_as_the_identity()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite,
            [.. JwtSettings, ("Redwood:Director:Auth:Jwt:Claim", "uid")]);
        await using var client = await app.ConnectAsync();

        var ok = await client.LoginAsync("p", DirectorApp.Jwt(Secret, new { sub = "ignored", uid = "u-42", iss = Issuer, aud = Audience, exp = Expiry(TimeSpan.FromMinutes(5)) }), "jwt");
        var noClaim = await client.LoginAsync("p", DirectorApp.Jwt(Secret, new { sub = "x", iss = Issuer, aud = Audience, exp = Expiry(TimeSpan.FromMinutes(5)) }), "jwt");

        Assert.Equal(string.Empty, ok.Str("error"));
        Assert.Equal("u-42", ok.Str("nickname"));
        Assert.Equal("Invalid username or password", noClaim.Str("error"));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Refuses_a_bad_signature_an_expired_token_and_the_none_algorithm(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database, JwtSettings);
        await using var client = await app.ConnectAsync();
        var claims = new { sub = "someone", iss = Issuer, aud = Audience, exp = Expiry(TimeSpan.FromMinutes(5)) };
        var unsigned = string.Join('.', DirectorApp.Jwt(Secret, claims, "none").Split('.')[..2]) + ".";

        var forged = await client.LoginAsync("x", DirectorApp.Jwt("another-secret-that-is-long-enough-too", claims), "jwt");
        var expired = await client.LoginAsync("x", DirectorApp.Jwt(Secret, new { sub = "someone", iss = Issuer, aud = Audience, exp = Expiry(TimeSpan.FromMinutes(-5)) }), "jwt");
        var none = await client.LoginAsync("x", unsigned, "jwt");
        var garbage = await client.LoginAsync("x", "not a jwt", "jwt");

        Assert.All(new[] { forged, expired, none, garbage }, ack =>
        {
            Assert.Equal("Invalid username or password", ack.Str("error"));
            Assert.Equal(string.Empty, ack.Str("token"));
        });
        Assert.Equal(0, await app.WithDbAsync(db => db.Players.CountAsync()));
    }

    [Theory]
    [InlineData("Development", "Redwood:Director:Auth:Jwt:Issuer")]
    [InlineData("Production", "Redwood:Director:Auth:Jwt:Issuer")]
    [InlineData("Development", "Redwood:Director:Auth:Jwt:Audience")]
    public async Task The_jwt_provider_needs_an_issuer_and_an_audience_in_every_environment(string environment, string missing)
    {
        var settings = JwtSettings.Where(s => s.Item1 != missing).Append(("environment", environment)).ToList();
        if (environment == "Production")
        {
            settings.AddRange([("Redwood:Director:Realms:0:Id", "default"), ("Redwood:Director:Realms:0:Uri", "ws://localhost:3011"),
                ("Redwood:Director:Realms:0:Secret", "0123456789abcdef0123456789abcdef-strong")]);
        }

        var error = await Assert.ThrowsAnyAsync<Exception>(() => DirectorApp.StartAsync(TestDatabase.Sqlite, [.. settings]));

        Assert.Contains($"Setting '{missing}' is required when the jwt login provider is on", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_a_token_of_another_issuer_or_audience_or_without_them()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite, JwtSettings);
        await using var client = await app.ConnectAsync();
        var exp = Expiry(TimeSpan.FromMinutes(5));

        var otherIssuer = await client.LoginAsync("x", DirectorApp.Jwt(Secret, new { sub = "a", iss = "https://elsewhere.test", aud = Audience, exp }), "jwt");
        var otherAudience = await client.LoginAsync("x", DirectorApp.Jwt(Secret, new { sub = "a", iss = Issuer, aud = "another-game", exp }), "jwt");
        var neither = await client.LoginAsync("x", DirectorApp.Jwt(Secret, new { sub = "a", exp }), "jwt");
        var right = await client.LoginAsync("x", DirectorApp.Jwt(Secret, new { sub = "a", iss = Issuer, aud = Audience, exp }), "jwt");

        Assert.All(new[] { otherIssuer, otherAudience, neither }, ack => Assert.Equal("Invalid username or password", ack.Str("error")));
        Assert.Equal(string.Empty, right.Str("error"));
    }

    [Fact]
    public async Task Jwt_logins_enforce_the_maximum_lifetime_an_expiry_and_a_clean_name()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite, JwtSettings);
        await using var client = await app.ConnectAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var tooLong = await client.LoginAsync("x", DirectorApp.Jwt(Secret, new { sub = "a", iss = Issuer, aud = Audience, iat = now, exp = now + (48 * 3600) }), "jwt");
        var noExpiry = await client.LoginAsync("x", DirectorApp.Jwt(Secret, new { sub = "b", iss = Issuer, aud = Audience, iat = now }), "jwt");
        var badName = await client.LoginAsync("x", DirectorApp.Jwt(Secret, new { sub = "c", name = "evil\u202Egnp.exe", iss = Issuer, aud = Audience, iat = now, exp = now + 600 }), "jwt");
        var fine = await client.LoginAsync("x", DirectorApp.Jwt(Secret, new { sub = "d", name = "Jay", iss = Issuer, aud = Audience, iat = now, exp = now + 600 }), "jwt");

        Assert.Equal("Invalid username or password", tooLong.Str("error"));
        Assert.Equal("Invalid username or password", noExpiry.Str("error"));
        Assert.StartsWith("The JWT name contains characters that are not allowed", badName.Str("error"), StringComparison.Ordinal);
        Assert.Equal(string.Empty, fine.Str("error"));
    }

    [Fact]
    public async Task A_configured_maximum_lifetime_is_enforced()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite, [.. JwtSettings, ("Redwood:Director:Auth:Jwt:MaxLifetime", "00:30:00")]);
        await using var client = await app.ConnectAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var hour = await client.LoginAsync("x", DirectorApp.Jwt(Secret, new { sub = "e", iss = Issuer, aud = Audience, iat = now, exp = now + 3600 }), "jwt");
        var twentyMinutes = await client.LoginAsync("x", DirectorApp.Jwt(Secret, new { sub = "e", iss = Issuer, aud = Audience, iat = now, exp = now + 1200 }), "jwt");

        Assert.Equal("Invalid username or password", hour.Str("error"));
        Assert.Equal(string.Empty, twentyMinutes.Str("error"));
    }

    private static long Expiry(TimeSpan fromNow) => DateTimeOffset.UtcNow.Add(fromNow).ToUnixTimeSeconds();
}
