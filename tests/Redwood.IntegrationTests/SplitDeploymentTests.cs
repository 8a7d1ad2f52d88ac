using System.Text.Json;
using Redwood.Testing;

namespace Redwood.IntegrationTests;

/// <summary>
/// The same binary split into two processes by module flags, joined by real Redis and real PostgreSQL: contracts
/// cross the process boundary exactly as they run in one process.
/// </summary>
public sealed class SplitDeploymentTests
{
    [Fact]
    public async Task A_realm_process_consumes_the_directors_hand_off_token_over_redis()
    {
        var prefix = SplitProcessSettings.NewPrefix();
        await using var director = await StartDirectorAsync(prefix);
        await using var realm = await StartRealmAsync(prefix, await TestEnvironment.CreatePostgresDatabaseAsync());
        await using var player = await PlayerClient.ConnectAsync(director.Uri("director"));
        var (playerId, _) = await RegisterAndLoginAsync(player);

        // The realm signed in over the bus with the port it really bound; the Director lists that URI.
        await Eventually.True(async () =>
        {
            var list = await player.RequestAsync("realm:list", new { playerId });
            return list.GetProperty("realms").EnumerateArray().Any(r => r.GetProperty("uri").GetString()!.EndsWith(":" + realm.Port("realm"), StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(20), "the realm process signed in to the director process");

        var token = await MintHandoffTokenAsync(player, playerId);
        await using var realmSocket = await PlayerClient.ConnectAsync(realm.Uri("realm"), withAuthObject: true);
        var signIn = await realmSocket.RequestAsync("realm:auth:player:connect:client-to-realm", new { playerId, token });
        var replay = await (await PlayerClient.ConnectAsync(realm.Uri("realm"), withAuthObject: true))
            .RequestAsync("realm:auth:player:connect:client-to-realm", new { playerId, token });

        Assert.Equal(string.Empty, signIn.GetProperty("error").GetString());
        Assert.NotEqual(string.Empty, replay.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_logout_published_in_the_director_process_is_handled_in_the_realm_process()
    {
        var prefix = SplitProcessSettings.NewPrefix();
        await using var director = await StartDirectorAsync(prefix);
        await using var realm = await StartRealmAsync(prefix, await TestEnvironment.CreatePostgresDatabaseAsync());
        await using var player = await PlayerClient.ConnectAsync(director.Uri("director"));
        var (playerId, _) = await RegisterAndLoginAsync(player);
        var token = await MintHandoffTokenAsync(player, playerId);
        await using var realmSocket = await PlayerClient.ConnectAsync(realm.Uri("realm"), withAuthObject: true);
        Assert.Equal(string.Empty, (await realmSocket.RequestAsync("realm:auth:player:connect:client-to-realm", new { playerId, token })).GetProperty("error").GetString());

        await player.EmitAsync("player:logout", new { playerId });

        await realmSocket.Disconnected.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_request_nobody_answers_comes_back_as_an_error_after_the_timeout()
    {
        // A realm process alone on its Redis namespace: no Director process will ever answer it.
        await using var realm = await StartRealmAsync(SplitProcessSettings.NewPrefix(), await TestEnvironment.CreatePostgresDatabaseAsync(), timeout: "00:00:01");
        await using var realmSocket = await PlayerClient.ConnectAsync(realm.Uri("realm"), withAuthObject: true);

        var reply = await realmSocket.RequestAsync("realm:auth:player:connect:client-to-realm", new { playerId = "p1", token = "t1" });

        Assert.Equal("Service temporarily unavailable, please retry", reply.GetProperty("error").GetString());
        Assert.Contains("timed out", realm.Output, StringComparison.Ordinal);
    }

    // A distributed deployment in Production refuses the shipped development secret.
    private const string SplitRealmSecret = "split-deployment-realm-secret-0123456789";

    private static async Task<RedwoodProcess> StartDirectorAsync(string prefix) =>
        await RedwoodProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Redwood:Modules:Realm:Enabled"] = "false",
            ["Redwood:Modules:Matchmaking:Enabled"] = "false",
            ["Redwood:Modules:Sidecar:Enabled"] = "false",
            ["Redwood:Redis:Configuration"] = TestEnvironment.Redis,
            ["Redwood:Redis:Prefix"] = prefix,
            ["Redwood:Persistence:Provider"] = "Postgres",
            ["ConnectionStrings:Redwood"] = await TestEnvironment.CreatePostgresDatabaseAsync(),
            ["Redwood:Director:Auth:Pbkdf2Iterations"] = "1000",
            ["Redwood:Director:Realms:0:Id"] = "default",
            ["Redwood:Director:Realms:0:Uri"] = "ws://localhost:3011",
            ["Redwood:Director:Realms:0:Secret"] = SplitRealmSecret,
        });

    private static async Task<RedwoodProcess> StartRealmAsync(string prefix, string database, string timeout = "00:00:10") =>
        await RedwoodProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Redwood:Modules:Director:Enabled"] = "false",
            ["Redwood:Redis:Configuration"] = TestEnvironment.Redis,
            ["Redwood:Redis:Prefix"] = prefix,
            ["Redwood:Bus:RequestTimeout"] = timeout,
            ["Redwood:Realm:Secret"] = SplitRealmSecret,
            ["Redwood:Persistence:Provider"] = "Postgres",
            ["ConnectionStrings:Redwood"] = database,
        });

    private static async Task<(string PlayerId, string Token)> RegisterAndLoginAsync(PlayerClient player)
    {
        var username = "split" + Guid.NewGuid().ToString("N")[..8];
        var register = await player.RequestAsync("player:register:username", new { username, password = "correct horse battery" });
        Assert.Equal(string.Empty, register.GetProperty("error").GetString());
        var login = await player.RequestAsync("player:login:username", new { username, secret = "correct horse battery", provider = "local" });
        Assert.Equal(string.Empty, login.GetProperty("error").GetString());
        return (login.GetProperty("playerId").GetString()!, login.GetProperty("token").GetString()!);
    }

    private static async Task<string> MintHandoffTokenAsync(PlayerClient player, string playerId)
    {
        var handoff = await player.RequestAsync("realm:auth:player:connect:client-to-director", new { playerId, realmId = "default" });
        Assert.Equal(string.Empty, handoff.GetProperty("error").GetString());
        return handoff.GetProperty("token").GetString()!;
    }
}
