using Redwood.Testing;

namespace Redwood.Director.Tests.Features;

public sealed class LoginThrottlingTests
{
    private const string Invalid = "Invalid username or password";
    private const string TooMany = "Too many failed login attempts, try again later";

    [Fact]
    public async Task Checks_at_most_the_limit_of_passwords_when_200_arrive_at_once()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite, ("Redwood:Director:Auth:MaxFailedLoginsPerAddress", "100000"));
        var username = DirectorApp.NewUsername();
        await using (var owner = await app.ConnectAsync())
        {
            Assert.Equal(string.Empty, (await owner.RegisterAsync(username)).Str("error"));
        }

        var sockets = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => app.ConnectAsync()));
        try
        {
            var answers = await Task.WhenAll(sockets.SelectMany(s => Enumerable.Range(0, 10).Select(i => s.LoginAsync(username, "wrong password " + i))));
            var right = await sockets[0].LoginAsync(username, DirectorApp.Password);

            var errors = answers.Select(a => a.Str("error")).ToList();
            Assert.InRange(errors.Count(e => e == Invalid), 1, 10);
            Assert.Equal(200, errors.Count(e => e is Invalid or TooMany));
            Assert.Equal(TooMany, right.Str("error"));
        }
        finally
        {
            foreach (var socket in sockets)
            {
                await socket.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Guesses_from_other_addresses_leave_the_owners_usual_address_and_token_working()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite);
        var username = DirectorApp.NewUsername();
        string playerId, token;
        await using (var owner = await app.ConnectFromAsync(2))
        {
            var login = await owner.RegisterAndLoginAsync(username);
            (playerId, token) = (login.Str("playerId"), login.Str("token"));
        }

        for (var host = 10; host < 25; host++)
        {
            await using var attacker = await app.ConnectFromAsync(host);
            await attacker.LoginAsync(username, "guess " + host);
        }

        await using var usual = await app.ConnectFromAsync(2);
        Assert.Equal(string.Empty, (await usual.LoginAsync(username, DirectorApp.Password)).Str("error"));
        await using var travelling = await app.ConnectFromAsync(50);
        Assert.Equal(string.Empty, (await travelling.ReconnectLoginAsync(playerId, token)).Str("error"));
        await using var unknown = await app.ConnectFromAsync(51);
        Assert.Equal(TooMany, (await unknown.LoginAsync(username, DirectorApp.Password)).Str("error"));
    }

    [Fact]
    public async Task Wrong_passwords_sent_with_the_player_id_never_block_its_token_login()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite);
        await using var victim = await app.ConnectFromAsync(3);
        var login = await victim.RegisterAndLoginAsync(DirectorApp.NewUsername());
        var (playerId, token) = (login.Str("playerId"), login.Str("token"));

        await using var attacker = await app.ConnectFromAsync(4);
        for (var i = 0; i < 12; i++)
        {
            await attacker.LoginAsync(playerId, "guess " + i);
        }

        Assert.Equal(TooMany, (await attacker.LoginAsync(playerId, "one more")).Str("error"));
        await using var reconnect = await app.ConnectFromAsync(3);
        Assert.Equal(string.Empty, (await reconnect.ReconnectLoginAsync(playerId, token)).Str("error"));
        await using var sameAddressAsAttacker = await app.ConnectFromAsync(4);
        Assert.Equal(string.Empty, (await sameAddressAsAttacker.ReconnectLoginAsync(playerId, token)).Str("error"));
    }

    [Fact]
    public async Task Failure_counters_expire_with_the_window()
    {
        await using var app = await DirectorApp.StartAsync(
            TestDatabase.Sqlite, ("Redwood:Director:Auth:MaxFailedLoginsPerUsername", "2"), ("Redwood:Director:Auth:FailedLoginWindow", "00:00:01"));
        await using var client = await app.ConnectAsync();
        var username = DirectorApp.NewUsername();
        await client.RegisterAsync(username);
        await client.LoginAsync(username, "wrong password");
        await client.LoginAsync(username, "wrong password");
        Assert.Equal(TooMany, (await client.LoginAsync(username, DirectorApp.Password)).Str("error"));

        await Eventually.True(
            async () => (await client.LoginAsync(username, DirectorApp.Password)).Str("error") == string.Empty, TimeSpan.FromSeconds(10), "the window ended");
    }

    [Fact]
    public async Task Refusals_log_one_warning_per_address_per_window()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite, ("Redwood:Director:Auth:MaxFailedLoginsPerUsername", "1"));
        await using var client = await app.ConnectAsync();
        var username = DirectorApp.NewUsername();
        await client.RegisterAsync(username);

        for (var i = 0; i < 30; i++)
        {
            await client.LoginAsync(username, "wrong password");
        }

        Assert.Single(app.Logs.Entries, e => e.Id.Id == 1013);
    }
}
