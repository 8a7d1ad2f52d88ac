using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Redwood.Director.Persistence;
using Redwood.Testing;

namespace Redwood.Director.Tests;

/// <summary>
/// A host with only the Director enabled (the other modules off, so nothing else signs in realms), cheap password
/// hashing, and the given extra settings.
/// </summary>
internal static class DirectorApp
{
    public const string Password = "correct horse battery";

    public static Task<RedwoodApp> StartAsync(TestDatabase database, params (string Key, string? Value)[] settings) =>
        RedwoodApp.StartAsync(database, With(settings));

    public static Dictionary<string, string?> With(params (string Key, string? Value)[] settings)
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Redwood:Modules:Realm:Enabled"] = "false",
            ["Redwood:Modules:Matchmaking:Enabled"] = "false",
            ["Redwood:Modules:Sidecar:Enabled"] = "false",
            ["Redwood:Modules:AllowIsolated"] = "true",
            ["Redwood:Director:Auth:Pbkdf2Iterations"] = "1000",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return all;
    }

    public static Task<PlayerClient> ConnectAsync(this RedwoodApp app) => PlayerClient.ConnectAsync(app.Uri("director"));

    /// <summary>Connects from another loopback address (127.0.0.<paramref name="host"/>), i.e. as another client address.</summary>
    public static Task<PlayerClient> ConnectFromAsync(this RedwoodApp app, int host) =>
        PlayerClient.ConnectAsync(app.Uri("director"), localAddress: System.Net.IPAddress.Parse("127.0.0." + host));

    /// <summary>A username no other test (or earlier run against the same Redis) uses.</summary>
    public static string NewUsername(string prefix = "player") => prefix + "_" + Guid.NewGuid().ToString("N")[..10];

    public static Task<JsonElement> RegisterAsync(this PlayerClient client, string username, string password = Password) =>
        client.RequestAsync("player:register:username", new { username, password });

    public static Task<JsonElement> LoginAsync(this PlayerClient client, string username, string secret, string provider = "local") =>
        client.RequestAsync("player:login:username", new { username, secret, provider });

    /// <summary>The plugin's reconnect login: the player id as username, the token as secret, and the bypass flag.</summary>
    public static Task<JsonElement> ReconnectLoginAsync(this PlayerClient client, string playerId, string token) =>
        client.RequestAsync("player:login:username", new { username = playerId, secret = token, provider = "local", bypassProviderCheck = true });

    /// <summary>Registers and logs in; returns the login ack.</summary>
    public static async Task<JsonElement> RegisterAndLoginAsync(this PlayerClient client, string username)
    {
        Assert.Equal(string.Empty, (await client.RegisterAsync(username)).Str("error"));
        var login = await client.LoginAsync(username, Password);
        Assert.Equal(string.Empty, login.Str("error"));
        return login;
    }

    public static string Str(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new Xunit.Sdk.XunitException($"'{property}' is not a string in {element.GetRawText()}");

    public static async Task<T> WithDbAsync<T>(this RedwoodApp app, Func<DirectorDbContext, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<DirectorDbContext>());
    }

    public static async Task<TResult> SendAsync<TResult>(this RedwoodApp app, Mediator.ICommand<TResult> command)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Mediator.ISender>().Send(command);
    }

    /// <summary>An HS256 JWT signed with <paramref name="secret"/>, built by hand so the test does not share the server's library.</summary>
    public static string Jwt(string secret, object claims, string algorithm = "HS256")
    {
        static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new { alg = algorithm, typ = "JWT" }));
        var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(header + "." + payload)));
        return header + "." + payload + "." + signature;
    }
}
