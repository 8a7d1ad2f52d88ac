using Microsoft.EntityFrameworkCore;
using Redwood.Testing;

namespace Redwood.Director.Tests.Features;

public sealed class JwtLoginTests
{
    private const string Secret = "a-jwt-secret-that-is-long-enough-for-hs256";

    private static readonly (string, string?)[] JwtSettings = [("Redwood:Director:Auth:Jwt:Secret", Secret)];

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Logs_in_with_a_valid_jwt_and_creates_the_identity_once(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database, JwtSettings);
        await using var client = await app.ConnectAsync();
        var subject = "auth0|" + Guid.NewGuid().ToString("N");
        var jwt = DirectorApp.Jwt(Secret, new { sub = subject, name = "Jay Dub", exp = Expiry(TimeSpan.FromMinutes(5)) });

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
            ("Redwood:Director:Auth:Jwt:Secret", Secret), ("Redwood:Director:Auth:Jwt:Claim", "uid"));
        await using var client = await app.ConnectAsync();

        var ok = await client.LoginAsync("p", DirectorApp.Jwt(Secret, new { sub = "ignored", uid = "u-42", exp = Expiry(TimeSpan.FromMinutes(5)) }), "jwt");
        var noClaim = await client.LoginAsync("p", DirectorApp.Jwt(Secret, new { sub = "x", exp = Expiry(TimeSpan.FromMinutes(5)) }), "jwt");

        Assert.Equal(string.Empty, ok.Str("error"));
        Assert.Equal("u-42", ok.Str("nickname"));
        Assert.Equal("Invalid username or password", noClaim.Str("error"));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Refuses_a_bad_signature_an_expired_token_and_the_none_algorithm(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database, JwtSettings);
        await using var client = await app.ConnectAsync();
        var claims = new { sub = "someone", exp = Expiry(TimeSpan.FromMinutes(5)) };
        var unsigned = string.Join('.', DirectorApp.Jwt(Secret, claims, "none").Split('.')[..2]) + ".";

        var forged = await client.LoginAsync("x", DirectorApp.Jwt("another-secret-that-is-long-enough-too", claims), "jwt");
        var expired = await client.LoginAsync("x", DirectorApp.Jwt(Secret, new { sub = "someone", exp = Expiry(TimeSpan.FromMinutes(-5)) }), "jwt");
        var none = await client.LoginAsync("x", unsigned, "jwt");
        var garbage = await client.LoginAsync("x", "not a jwt", "jwt");

        Assert.All(new[] { forged, expired, none, garbage }, ack =>
        {
            Assert.Equal("Invalid username or password", ack.Str("error"));
            Assert.Equal(string.Empty, ack.Str("token"));
        });
        Assert.Equal(0, await app.WithDbAsync(db => db.Players.CountAsync()));
    }

    private static long Expiry(TimeSpan fromNow) => DateTimeOffset.UtcNow.Add(fromNow).ToUnixTimeSeconds();
}
