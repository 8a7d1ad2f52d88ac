using Microsoft.EntityFrameworkCore;
using Redwood.Testing;

namespace Redwood.Director.Tests.Features;

public sealed class RegisterPlayerTests
{
    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Registers_a_player_and_returns_an_id_without_colons(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        await using var client = await app.ConnectAsync();
        var username = DirectorApp.NewUsername();

        var ack = await client.RegisterAsync(username);

        Assert.Equal(string.Empty, ack.Str("error"));
        var playerId = ack.Str("playerId");
        Assert.NotEmpty(playerId);
        Assert.DoesNotContain(':', playerId);
        var stored = await app.WithDbAsync(db => db.Players.SingleAsync(p => p.Id == playerId));
        Assert.Equal(username, stored.Username);
        Assert.Equal(username, stored.Nickname);
        Assert.Equal(0, stored.Role);
        Assert.Equal("{}", stored.Data);
        Assert.StartsWith("pbkdf2-sha512$1000$", stored.PasswordHash);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Refuses_a_duplicate_username_also_in_another_case(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        await using var client = await app.ConnectAsync();
        var username = DirectorApp.NewUsername("Ärger");
        Assert.Equal(string.Empty, (await client.RegisterAsync(username)).Str("error"));

        var same = await client.RegisterAsync(username);
        var otherCase = await client.RegisterAsync(username.ToUpperInvariant());

        Assert.Equal("User already registered", same.Str("error"));
        Assert.Equal(string.Empty, same.Str("playerId"));
        Assert.Equal("User already registered", otherCase.Str("error"));
        Assert.Equal(1, await app.WithDbAsync(db => db.Players.CountAsync()));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Concurrent_registrations_of_one_name_store_exactly_one_account(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        var username = DirectorApp.NewUsername();
        var clients = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => app.ConnectAsync()));
        try
        {
            var acks = await Task.WhenAll(clients.Select((c, i) => c.RegisterAsync(i % 2 == 0 ? username : username.ToUpperInvariant())));

            Assert.Single(acks, a => a.Str("error").Length == 0);
            Assert.All(acks.Where(a => a.Str("error").Length > 0), a => Assert.Equal("User already registered", a.Str("error")));
            Assert.Equal(1, await app.WithDbAsync(db => db.Players.CountAsync()));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Answers_each_validation_failure_with_its_message_and_stores_nothing(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        await using var client = await app.ConnectAsync();
        (object Payload, string Error)[] cases =
        [
            (new { username = "", password = DirectorApp.Password }, "Username is required"),
            (new { password = DirectorApp.Password }, "Username is required"),
            (new { username = "ab", password = DirectorApp.Password }, "Username must be 3 to 32 characters"),
            (new { username = new string('a', 33), password = DirectorApp.Password }, "Username must be 3 to 32 characters"),
            (new { username = "bad:name", password = DirectorApp.Password }, "Username must not contain ':'"),
            (new { username = "bad name", password = DirectorApp.Password }, "Username may only contain letters, digits and _ . -"),
            (new { username = "valid_name", password = "" }, "Password is required"),
            (new { username = "valid_name", password = "short" }, "Password must be 8 to 128 characters"),
            (new { username = "valid_name", password = new string('p', 129) }, "Password must be 8 to 128 characters"),
            (new { username = "valid_name", password = "VALID_NAME" }, "Password must not be the username"),
            (new { username = "", password = "" }, "Username is required; Password is required"),
        ];

        foreach (var (payload, error) in cases)
        {
            var ack = await client.RequestAsync("player:register:username", payload);
            Assert.Equal(error, ack.Str("error"));
            Assert.Equal(string.Empty, ack.Str("playerId"));
        }

        Assert.Equal(0, await app.WithDbAsync(db => db.Players.CountAsync()));
    }

    [Fact]
    public async Task Applies_configured_password_rules()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite,
            ("Redwood:Director:Auth:PasswordMinLength", "12"),
            ("Redwood:Director:Auth:PasswordRequireDigit", "true"),
            ("Redwood:Director:Auth:PasswordRequireLetter", "true"));
        await using var client = await app.ConnectAsync();

        Assert.Equal("Password must be 12 to 128 characters", (await client.RegisterAsync("someone", "abc1")).Str("error"));
        Assert.Equal("Password must contain a digit", (await client.RegisterAsync("someone", "abcdefghijklm")).Str("error"));
        Assert.Equal("Password must contain a letter", (await client.RegisterAsync("someone", "1234567890123")).Str("error"));
        Assert.Equal(string.Empty, (await client.RegisterAsync("someone", "abcdefghijk1")).Str("error"));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Answers_wrong_types_and_a_missing_payload_with_an_error(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        await using var client = await app.ConnectAsync();

        var number = await client.RequestAsync("player:register:username", new { username = 5, password = DirectorApp.Password });
        var array = await client.RequestAsync("player:register:username", new { username = "valid_name", password = new[] { "x" } });
        var missing = await client.RequestAsync("player:register:username", null);

        Assert.Equal("Invalid request: 'username' has the wrong type", number.Str("error"));
        Assert.Equal("Invalid request: 'password' has the wrong type", array.Str("error"));
        Assert.Equal("Invalid request: expected a JSON object", missing.Str("error"));
        Assert.Equal(string.Empty, missing.Str("playerId"));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Registering_does_not_log_in(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        await using var client = await app.ConnectAsync();
        var playerId = (await client.RegisterAsync(DirectorApp.NewUsername())).Str("playerId");

        var list = await client.RequestAsync("realm:list", new { playerId });

        Assert.Equal("Not logged in", list.Str("error"));
    }
}
