using Microsoft.EntityFrameworkCore;
using Redwood.Director.Domain;
using Redwood.Testing;

namespace Redwood.Director.Tests.Features;

public sealed class AdminAccountTests
{
    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Creates_the_configured_admin_once_on_first_start(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database,
            ("Redwood:Director:Admin:Username", "root_admin"), ("Redwood:Director:Admin:Password", "admin password"));

        await app.RestartAsync();

        var admins = await app.WithDbAsync(db => db.Players.Where(p => p.Role == PlayerIdentity.AdminRole).ToListAsync());
        var admin = Assert.Single(admins);
        Assert.Equal("root_admin", admin.Username);
        await using var client = await app.ConnectAsync();
        var login = await client.LoginAsync("ROOT_ADMIN", "admin password");
        Assert.Equal(string.Empty, login.Str("error"));
        Assert.Equal(admin.Id, login.Str("playerId"));
    }

    [Fact]
    public async Task Creates_no_account_without_configuration()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite);

        Assert.Equal(0, await app.WithDbAsync(db => db.Players.CountAsync()));
    }
}
