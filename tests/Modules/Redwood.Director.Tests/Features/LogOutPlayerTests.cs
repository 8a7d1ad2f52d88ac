using Microsoft.EntityFrameworkCore;
using Redwood.Testing;

namespace Redwood.Director.Tests.Features;

public sealed class LogOutPlayerTests
{
    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Revokes_the_token_and_its_rotated_predecessor_also_after_a_restart(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        string playerId, oldToken, token;
        await using (var client = await app.ConnectAsync())
        {
            var login = await client.RegisterAndLoginAsync(DirectorApp.NewUsername());
            (playerId, oldToken) = (login.Str("playerId"), login.Str("token"));
            token = (await client.ReconnectLoginAsync(playerId, oldToken)).Str("token");

            await client.EmitAsync("player:logout", new { playerId });

            // Events of one socket are handled in order: this ack means the logout was handled.
            Assert.Equal("Not logged in", (await client.RequestAsync("realm:list", new { playerId })).Str("error"));
        }

        await using var other = await app.ConnectAsync();
        Assert.Equal("Invalid username or password", (await other.ReconnectLoginAsync(playerId, token)).Str("error"));
        Assert.Equal("Invalid username or password", (await other.ReconnectLoginAsync(playerId, oldToken)).Str("error"));

        await app.RestartAsync();

        await using var afterRestart = await app.ConnectAsync();
        Assert.Equal("Invalid username or password", (await afterRestart.ReconnectLoginAsync(playerId, token)).Str("error"));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Ignores_a_logout_for_another_player_id(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        await using var victim = await app.ConnectAsync();
        var victimLogin = await victim.RegisterAndLoginAsync(DirectorApp.NewUsername());
        await using var attacker = await app.ConnectAsync();
        await attacker.RegisterAndLoginAsync(DirectorApp.NewUsername());

        await attacker.EmitAsync("player:logout", new { playerId = victimLogin.Str("playerId") });

        Assert.Equal(string.Empty, (await attacker.RequestAsync("realm:list", new { playerId = string.Empty })).Str("error"));
        Assert.Equal(0, await app.WithDbAsync(db => db.Sessions.CountAsync(s => s.RevokedAt != null)));
        Assert.Equal(string.Empty, (await victim.ReconnectLoginAsync(victimLogin.Str("playerId"), victimLogin.Str("token"))).Str("error"));
    }

    [Fact]
    public async Task Leaves_other_devices_of_the_player_logged_in()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite);
        var username = DirectorApp.NewUsername();
        await using var desktop = await app.ConnectAsync();
        var desktopLogin = await desktop.RegisterAndLoginAsync(username);
        await using var laptop = await app.ConnectAsync();
        var laptopLogin = await laptop.LoginAsync(username, DirectorApp.Password);

        await desktop.EmitAsync("player:logout", new { playerId = desktopLogin.Str("playerId") });
        await desktop.RequestAsync("realm:list", new { playerId = desktopLogin.Str("playerId") });

        Assert.Equal(string.Empty, (await laptop.ReconnectLoginAsync(laptopLogin.Str("playerId"), laptopLogin.Str("token"))).Str("error"));
    }
}

public sealed class PurgeSessionsTests
{
    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Revoked_tokens_are_purged_and_stay_refused(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        await using var client = await app.ConnectAsync();
        var login = await client.RegisterAndLoginAsync(DirectorApp.NewUsername());
        var (playerId, token) = (login.Str("playerId"), login.Str("token"));
        await client.EmitAsync("player:logout", new { playerId });
        Assert.Equal("Not logged in", (await client.RequestAsync("realm:list", new { playerId })).Str("error"));

        var purged = await app.SendAsync(new Redwood.Director.Features.Sessions.PurgeSessionsCommand());

        Assert.True(purged >= 1);
        Assert.Equal(0, await app.WithDbAsync(db => db.Sessions.CountAsync(s => s.PlayerId == playerId)));
        await using var other = await app.ConnectAsync();
        Assert.Equal("Invalid username or password", (await other.ReconnectLoginAsync(playerId, token)).Str("error"));
    }
}
