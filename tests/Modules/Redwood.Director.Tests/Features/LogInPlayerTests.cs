using Microsoft.EntityFrameworkCore;
using Redwood.Director.Domain;
using Redwood.Testing;

namespace Redwood.Director.Tests.Features;

public sealed class LogInPlayerTests
{
    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Logs_in_with_the_password_and_binds_the_socket(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        await using var client = await app.ConnectAsync();
        var username = DirectorApp.NewUsername();
        var playerId = (await client.RegisterAsync(username)).Str("playerId");

        var login = await client.LoginAsync(username.ToUpperInvariant(), DirectorApp.Password);

        Assert.Equal(string.Empty, login.Str("error"));
        Assert.Equal(playerId, login.Str("playerId"));
        Assert.Equal(username, login.Str("nickname"));
        Assert.True(login.Str("token").Length >= 22, "at least 128 bits");
        Assert.Equal(string.Empty, (await client.RequestAsync("realm:list", new { playerId })).Str("error"));
        var stored = await app.WithDbAsync(db => db.Sessions.SingleAsync());
        Assert.NotEqual(login.Str("token"), stored.TokenHash);
        Assert.Equal(SecretToken.Hash(login.Str("token")), stored.TokenHash);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Refuses_a_wrong_password_or_an_unknown_user_with_empty_strings(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        await using var client = await app.ConnectAsync();
        var username = DirectorApp.NewUsername();
        await client.RegisterAsync(username);

        foreach (var ack in new[] { await client.LoginAsync(username, "wrong password"), await client.LoginAsync("nobody_here", DirectorApp.Password) })
        {
            Assert.Equal("Invalid username or password", ack.Str("error"));
            Assert.Equal(string.Empty, ack.Str("playerId"));
            Assert.Equal(string.Empty, ack.Str("token"));
            Assert.Equal(string.Empty, ack.Str("nickname"));
        }

        Assert.Equal("Not logged in", (await client.RequestAsync("realm:list", new { playerId = "x" })).Str("error"));
    }

    [Fact]
    public async Task Refuses_unknown_and_disallowed_providers_and_bad_input()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite, ("Redwood:Director:Auth:AllowedProviders", "jwt"));
        await using var client = await app.ConnectAsync();
        var username = DirectorApp.NewUsername();
        await client.RegisterAsync(username);

        Assert.Equal("Unknown login provider 'steam'", (await client.LoginAsync("steam", "ticket", "steam")).Str("error"));
        Assert.Equal("Login provider 'local' is not allowed on this server", (await client.LoginAsync(username, DirectorApp.Password)).Str("error"));
        Assert.Equal("Login provider 'jwt' is not configured on this server", (await client.LoginAsync("x", "a.b.c", "jwt")).Str("error"));
        Assert.Equal("Secret is required", (await client.LoginAsync(username, string.Empty)).Str("error"));
        Assert.Equal("Provider is required", (await client.RequestAsync("player:login:username", new { username, secret = "x" })).Str("error"));
        var wrongType = await client.RequestAsync("player:login:username", new { username, secret = 1, provider = "local" });
        Assert.Equal("Invalid request: 'secret' has the wrong type", wrongType.Str("error"));
        Assert.Equal(string.Empty, wrongType.Str("token"));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Throttles_failed_logins_per_username_even_for_the_right_password(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database, ("Redwood:Director:Auth:MaxFailedLoginsPerUsername", "3"));
        await using var client = await app.ConnectAsync();
        var username = DirectorApp.NewUsername();
        await client.RegisterAsync(username);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("Invalid username or password", (await client.LoginAsync(username, "wrong password")).Str("error"));
        }

        var locked = await client.LoginAsync(username, DirectorApp.Password);
        var otherUser = DirectorApp.NewUsername();
        await client.RegisterAsync(otherUser);
        var other = await client.LoginAsync(otherUser, DirectorApp.Password);

        Assert.Equal("Too many failed login attempts, try again later", locked.Str("error"));
        Assert.Equal(string.Empty, locked.Str("token"));
        Assert.Equal(string.Empty, other.Str("error"));
    }

    [Fact]
    public async Task Throttles_failed_logins_per_client_address()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite, ("Redwood:Director:Auth:MaxFailedLoginsPerAddress", "4"));
        await using var client = await app.ConnectAsync();
        var username = DirectorApp.NewUsername();
        await client.RegisterAsync(username);

        for (var i = 0; i < 4; i++)
        {
            await client.LoginAsync(DirectorApp.NewUsername("ghost"), "wrong password");
        }

        await using var second = await app.ConnectAsync();
        Assert.Equal("Too many failed login attempts, try again later", (await second.LoginAsync(username, DirectorApp.Password)).Str("error"));
    }

    [Fact]
    public async Task Throttles_through_redis_when_it_is_configured()
    {
        var settings = new[]
        {
            ("Redwood:Redis:Configuration", (string?)TestEnvironment.Redis),
            ("Redwood:Redis:Prefix", SplitProcessSettings.NewPrefix()),
            ("Redwood:Director:Auth:MaxFailedLoginsPerUsername", "2"),
            ("Redwood:Director:Auth:MaxFailedLoginsPerAddress", "100000"),
        };
        var username = DirectorApp.NewUsername();
        await using (var first = await DirectorApp.StartAsync(TestDatabase.Sqlite, settings))
        await using (var client = await first.ConnectAsync())
        {
            await client.LoginAsync(username, "wrong password");
            await client.LoginAsync(username, "wrong password");
        }

        // Another process (replica) sharing the Redis server sees the same counters.
        await using var second = await DirectorApp.StartAsync(TestDatabase.Sqlite, settings);
        await using var other = await second.ConnectAsync();
        Assert.Equal("Too many failed login attempts, try again later", (await other.LoginAsync(username, "anything")).Str("error"));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Logs_in_with_a_token_and_the_player_id_as_username_like_a_reconnect(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        var username = DirectorApp.NewUsername();
        string playerId, token;
        await using (var first = await app.ConnectAsync())
        {
            var login = await first.RegisterAndLoginAsync(username);
            (playerId, token) = (login.Str("playerId"), login.Str("token"));
        }

        await using var reconnected = await app.ConnectAsync();
        var byId = await reconnected.ReconnectLoginAsync(playerId, token);
        await using var autoLogin = await app.ConnectAsync();
        var byName = await autoLogin.LoginAsync(username, byId.Str("token"));

        Assert.Equal(string.Empty, byId.Str("error"));
        Assert.Equal(playerId, byId.Str("playerId"));
        Assert.Equal(username, byId.Str("nickname"));
        Assert.NotEqual(token, byId.Str("token"));
        Assert.Equal(string.Empty, byName.Str("error"));
        Assert.Equal(playerId, byName.Str("playerId"));
        Assert.Equal(string.Empty, (await reconnected.RequestAsync("realm:list", new { playerId })).Str("error"));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Refuses_a_token_presented_for_another_player(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        await using var client = await app.ConnectAsync();
        var token = (await client.RegisterAndLoginAsync(DirectorApp.NewUsername())).Str("token");
        var other = DirectorApp.NewUsername();
        await client.RegisterAsync(other);

        Assert.Equal("Invalid username or password", (await client.LoginAsync(other, token)).Str("error"));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Keeps_a_rotated_token_valid_only_for_the_grace_period(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database, ("Redwood:Director:Auth:TokenRotationGrace", "00:00:01"));
        await using var client = await app.ConnectAsync();
        var first = await client.RegisterAndLoginAsync(DirectorApp.NewUsername());
        var playerId = first.Str("playerId");
        var oldToken = first.Str("token");

        var rotated = await client.ReconnectLoginAsync(playerId, oldToken);
        var withinGrace = await client.ReconnectLoginAsync(playerId, oldToken);

        Assert.Equal(string.Empty, rotated.Str("error"));
        Assert.Equal(string.Empty, withinGrace.Str("error"));
        await Eventually.True(
            async () => (await client.ReconnectLoginAsync(playerId, oldToken)).Str("error") == "Invalid username or password",
            TimeSpan.FromSeconds(10), "the rotated token to be refused after the grace period");
        // Presenting the rotated-out token again after its one grace retry is reuse: the whole family is revoked.
        Assert.Equal("Invalid username or password", (await client.ReconnectLoginAsync(playerId, withinGrace.Str("token"))).Str("error"));
    }

    [Fact]
    public async Task Refuses_an_expired_session_token()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite, ("Redwood:Director:Auth:SessionLifetime", "00:00:01"));
        await using var client = await app.ConnectAsync();
        var login = await client.RegisterAndLoginAsync(DirectorApp.NewUsername());

        await Eventually.True(
            async () => (await client.ReconnectLoginAsync(login.Str("playerId"), login.Str("token"))).Str("error").Length > 0,
            TimeSpan.FromSeconds(10), "the session token to expire");
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Keeps_sessions_across_a_restart(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        SavedLogin login;
        await using (var client = await app.ConnectAsync())
        {
            var ack = await client.RegisterAndLoginAsync(DirectorApp.NewUsername());
            login = new SavedLogin(ack.Str("playerId"), ack.Str("token"));
        }

        await app.RestartAsync();

        await using var after = await app.ConnectAsync();
        var again = await after.ReconnectLoginAsync(login.PlayerId, login.Token);
        Assert.Equal(string.Empty, again.Str("error"));
        Assert.Equal(login.PlayerId, again.Str("playerId"));
    }

    [Fact]
    public async Task Uses_the_default_hash_strength_and_rehashes_a_weaker_hash_on_login()
    {
        var data = Path.Combine(Path.GetTempPath(), "redwood-tests", Guid.NewGuid().ToString("N"));
        var username = DirectorApp.NewUsername();
        await using (var weak = await DirectorApp.StartAsync(TestDatabase.Sqlite, ("Redwood:Persistence:DataDirectory", data)))
        await using (var client = await weak.ConnectAsync())
        {
            await client.RegisterAsync(username);
        }

        // No iteration setting: the defaults (210 000 iterations, 64 bytes) apply.
        await using var strong = await DirectorApp.StartAsync(TestDatabase.Sqlite,
            ("Redwood:Persistence:DataDirectory", data), ("Redwood:Director:Auth:Pbkdf2Iterations", null));
        await using var player = await strong.ConnectAsync();
        Assert.Equal(string.Empty, (await player.LoginAsync(username, DirectorApp.Password)).Str("error"));

        var hash = await strong.WithDbAsync(db => db.Players.Select(p => p.PasswordHash!).SingleAsync());
        Assert.True(PasswordHasher.TryDecode(hash, out var iterations, out var salt, out var bytes));
        Assert.Equal(210_000, iterations);
        Assert.Equal(64, bytes.Length);
        Assert.Equal(16, salt.Length);
        Assert.Equal(string.Empty, (await player.LoginAsync(username, DirectorApp.Password)).Str("error"));
        Assert.Equal("Invalid username or password", (await player.LoginAsync(username, "wrong password")).Str("error"));
    }

    private sealed record SavedLogin(string PlayerId, string Token);
}
