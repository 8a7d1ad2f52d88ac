using System.Text.Json;
using Redwood.Testing;

namespace Redwood.Realm.Tests.Support;

/// <summary>Hosts for realm tests: the real host with a fast Director and a second (not running) realm registered.</summary>
public static class RealmTestHost
{
    public const string SecondRealmId = "second";
    public const string SecondRealmSecret = "second-realm-secret";
    public const string AdminUsername = "realmadmin";
    public const string AdminPassword = "admin-password-42";

    /// <summary>The settings every realm test host starts with; <paramref name="extra"/> overrides them.</summary>
    public static Dictionary<string, string?> Settings(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            // Accounts are created per test: keep PBKDF2 cheap.
            ["Redwood:Director:Auth:Pbkdf2Iterations"] = "1",
            ["Redwood:Director:Admin:Username"] = AdminUsername,
            ["Redwood:Director:Admin:Password"] = AdminPassword,
            ["Redwood:Director:Realms:0:Id"] = "default",
            ["Redwood:Director:Realms:0:Name"] = "Default",
            ["Redwood:Director:Realms:0:Uri"] = "ws://localhost:3011",
            ["Redwood:Director:Realms:0:Secret"] = "dev-realm-secret",
            ["Redwood:Director:Realms:0:Listed"] = "true",
            ["Redwood:Director:Realms:1:Id"] = SecondRealmId,
            ["Redwood:Director:Realms:1:Name"] = "Second",
            ["Redwood:Director:Realms:1:Uri"] = "ws://localhost:3012",
            ["Redwood:Director:Realms:1:Secret"] = SecondRealmSecret,
            ["Redwood:Director:Realms:1:Listed"] = "true",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    public static Task<RedwoodApp> StartAsync(TestDatabase database, IDictionary<string, string?>? extra = null) =>
        RedwoodApp.StartAsync(database, Settings(extra));
}

/// <summary>A registered, logged-in player with a Director socket and (once signed in) a Realm socket.</summary>
public sealed class TestPlayer : IAsyncDisposable
{
    private readonly List<PlayerClient> _realmClients = [];

    private TestPlayer(PlayerClient director, string playerId, string username)
    {
        Director = director;
        PlayerId = playerId;
        Username = username;
    }

    public PlayerClient Director { get; }

    public string PlayerId { get; }

    public string Username { get; }

    /// <summary>The socket signed in by <see cref="SignInAsync"/>.</summary>
    public PlayerClient Realm { get; private set; } = null!;

    /// <summary>Registers and logs in a fresh player on <paramref name="director"/>.</summary>
    public static async Task<TestPlayer> CreateAsync(Uri director)
    {
        var client = await PlayerClient.ConnectAsync(director);
        var username = "p" + Guid.NewGuid().ToString("N")[..15];
        const string password = "correct-horse-42";
        var registered = await client.RequestAsync("player:register:username", new { username, password });
        Assert.Equal(string.Empty, registered.GetProperty("error").GetString());
        var login = await client.RequestAsync("player:login:username", new { username, secret = password, provider = "local" });
        Assert.Equal(string.Empty, login.GetProperty("error").GetString());
        return new TestPlayer(client, login.GetProperty("playerId").GetString()!, username);
    }

    /// <summary>Logs in an existing account (the configured admin, for instance) on <paramref name="director"/>.</summary>
    public static async Task<TestPlayer> LogInAsync(Uri director, string username, string password)
    {
        var client = await PlayerClient.ConnectAsync(director);
        var login = await client.RequestAsync("player:login:username", new { username, secret = password, provider = "local" });
        Assert.Equal(string.Empty, login.GetProperty("error").GetString());
        return new TestPlayer(client, login.GetProperty("playerId").GetString()!, username);
    }

    /// <summary>Asks the Director for a realm hand-off token.</summary>
    public async Task<string> MintTokenAsync(string realmId = "default")
    {
        var reply = await Director.RequestAsync("realm:auth:player:connect:client-to-director", new { playerId = PlayerId, realmId });
        Assert.Equal(string.Empty, reply.GetProperty("error").GetString());
        return reply.GetProperty("token").GetString()!;
    }

    /// <summary>Opens a realm socket like the plugin does (<c>40{}</c>), without signing in.</summary>
    public async Task<PlayerClient> ConnectRealmAsync(Uri realm)
    {
        var client = await PlayerClient.ConnectAsync(realm, withAuthObject: true);
        _realmClients.Add(client);
        return client;
    }

    /// <summary>The whole hand-off: mint, connect, present the token; asserts success and returns the realm socket.</summary>
    public async Task<PlayerClient> SignInAsync(Uri realm, string realmId = "default")
    {
        var token = await MintTokenAsync(realmId);
        var client = await ConnectRealmAsync(realm);
        var ack = await client.RequestAsync("realm:auth:player:connect:client-to-realm", new { playerId = PlayerId, token });
        Assert.Equal(string.Empty, ack.GetProperty("error").GetString());
        Realm = client;
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _realmClients)
        {
            await client.DisposeAsync();
        }

        await Director.DisposeAsync();
    }
}

/// <summary>Small assertions on acks.</summary>
public static class Ack
{
    public static void Succeeded(JsonElement ack) => Assert.Equal(string.Empty, ack.GetProperty("error").GetString());

    public static string Error(JsonElement ack)
    {
        var error = ack.GetProperty("error").GetString();
        Assert.False(string.IsNullOrEmpty(error), "expected an error, got success: " + ack.GetRawText());
        return error!;
    }

    public static string[] Keys(JsonElement obj) => [.. obj.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
}
