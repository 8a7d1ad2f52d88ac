using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Redwood.Realm.Tests.Support;
using Redwood.Testing;
using static Redwood.Realm.Tests.Support.GameServerSteps;

namespace Redwood.Realm.Tests.GameServers;

/// <summary>
/// A player's PlayerData changes at the Director while they play: the Realm stores it and their game server receives
/// <c>realm:players:data-changed {playerId, data}</c> on socket A (the dev game server writes it to its log).
/// </summary>
public sealed class PlayerDataChangedTests
{
    private const string JwtSecret = "a-jwt-secret-that-is-long-enough-for-hs256";

    static PlayerDataChangedTests() => PlayerClient.Timeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(TestDatabase.Sqlite)]
    [InlineData(TestDatabase.Postgres)]
    public async Task A_new_nickname_from_a_jwt_login_reaches_the_game_server_the_player_is_on(TestDatabase database)
    {
        var settings = RealmTestHost.Settings(GameServerFixture.GameServerSettings());
        settings["Redwood:Director:Auth:Jwt:Secret"] = JwtSecret;
        settings["Redwood:Director:Auth:Jwt:Issuer"] = "https://idp.example";
        settings["Redwood:Director:Auth:Jwt:Audience"] = "redwood";
        await using var app = await RedwoodApp.StartAsync(database, settings);
        var subject = "idp|" + Guid.NewGuid().ToString("N");
        await using var director = await PlayerClient.ConnectAsync(app.Uri("director"));
        var login = await JwtLoginAsync(director, subject, "Alpha Wolf");
        var playerId = login.GetProperty("playerId").GetString()!;
        Assert.Equal("Alpha Wolf", login.GetProperty("nickname").GetString());
        var handoff = await director.RequestAsync("realm:auth:player:connect:client-to-director", new { playerId, realmId = "default" });
        await using var realm = await PlayerClient.ConnectAsync(app.Uri("realm"), withAuthObject: true);
        Ack.Succeeded(await realm.RequestAsync("realm:auth:player:connect:client-to-realm", new { playerId, token = handoff.GetProperty("token").GetString() }));
        var created = await realm.RequestAsync("realm:characters:create", new { playerId, name = Names.Unique("Hero"), characterCreatorData = new { } });
        var characterId = created.GetProperty("character").GetProperty("id").GetString()!;
        var proxy = await realm.RequestAsync("realm:servers:create-proxy", new
        {
            playerId, joinCharacterId = (string?)null, name = Names.Unique("World"), region = "local", modeId = "default",
            mapId = (string?)null, @public = true, proxyEndsWhenCollectionEnds = false, continuousPlay = false, password = (string?)null,
            shortCode = (string?)null, startOnBoot = false,
        });
        var proxyId = proxy.GetProperty("proxyReference").GetString()!;
        var join = await realm.RequestAsync("realm:servers:join-proxy", new { id = playerId, playerId, characterId, proxyReference = proxyId, password = (string?)null });
        Ack.Succeeded(join);
        await using var game = await GameClient.OpenAsync(join.GetProperty("connectionUri").GetString()!, playerId, characterId, join.GetProperty("token").GetString()!);
        Assert.True(game.Admitted, game.Reply);
        Assert.Equal("Alpha Wolf", game.Welcome.GetProperty("player").GetProperty("nickname").GetString());
        var serverId = await QueryAsync(app, db => db.Containers.AsNoTracking()
            .Where(c => c.EndedAt == null && db.Instances.Any(i => i.Id == c.InstanceId && i.ProxyId == proxyId)).Select(c => c.Id).SingleAsync());
        var log = Path.Combine(app.Settings["Redwood:GameServers:Local:LogDirectory"]!, $"game-server-{serverId}.log");

        await using var laterDirector = await PlayerClient.ConnectAsync(app.Uri("director"));
        var relogin = await JwtLoginAsync(laterDirector, subject, "Bravo Wolf");

        Assert.Equal(playerId, relogin.GetProperty("playerId").GetString());
        Assert.Equal("Bravo Wolf", relogin.GetProperty("nickname").GetString());
        var prefix = $"PlayerData changed for {playerId}: ";
        string? line = null;
        await Eventually.True(
            () =>
            {
                line = ReadShared(log).Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
                return Task.FromResult(line is not null);
            },
            TimeSpan.FromSeconds(30), "the game server received realm:players:data-changed");
        var data = JsonDocument.Parse(line![prefix.Length..]).RootElement;
        Assert.Equal(["data", "id", "nickname", "selectedGuild"], Ack.Keys(data));
        Assert.Equal(playerId, data.GetProperty("id").GetString());
        Assert.Equal("Bravo Wolf", data.GetProperty("nickname").GetString());
        Assert.Equal(JsonValueKind.Object, data.GetProperty("data").ValueKind);
        Assert.Equal("Bravo Wolf", (await QueryAsync(app, db => db.Players.AsNoTracking().SingleAsync(p => p.Id == playerId))).Nickname);

        // The same name again changes nothing and pushes nothing; the next new name is pushed once more.
        await JwtLoginAsync(laterDirector, subject, "Bravo Wolf");
        await JwtLoginAsync(laterDirector, subject, "Charlie Wolf");
        await Eventually.True(
            () => Task.FromResult(ReadShared(log).Contains(prefix + "{\"id\":\"" + playerId + "\",\"nickname\":\"Charlie Wolf\"", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the second change was pushed");
        Assert.Equal(2, ReadShared(log).Split('\n').Count(l => l.StartsWith(prefix, StringComparison.Ordinal)));
    }

    private static async Task<JsonElement> JwtLoginAsync(PlayerClient director, string subject, string name)
    {
        var jwt = Jwt(new
        {
            sub = subject, name, iss = "https://idp.example", aud = "redwood",
            iat = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds(),
        });
        var login = await director.RequestAsync("player:login:username", new { username = "whatever", secret = jwt, provider = "jwt" });
        Ack.Succeeded(login);
        return login;
    }

    private static string Jwt(object claims)
    {
        static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT" }));
        var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(JwtSecret), Encoding.UTF8.GetBytes(header + "." + payload)));
        return header + "." + payload + "." + signature;
    }

    private static string ReadShared(string path)
    {
        if (!File.Exists(path))
        {
            return string.Empty;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
