using System.Text.Json;
using Redwood.Testing;

namespace Redwood.IntegrationTests;

/// <summary>On the embedded SQLite default, what the server acknowledged is on disk even if the process dies at once.</summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task Acknowledged_writes_survive_a_SIGKILL_of_the_host()
    {
        var data = Path.Combine(Path.GetTempPath(), "redwood-tests", Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?> { ["Redwood:Persistence:DataDirectory"] = data };
        var username = "k" + Guid.NewGuid().ToString("N")[..15];
        const string password = "correct-horse-42";
        var name = "Kilo" + Guid.NewGuid().ToString("N")[..8];
        string playerId;
        string characterId;
        await using (var host = await RedwoodProcess.StartAsync(settings))
        {
            await using var director = await PlayerClient.ConnectAsync(host.Uri("director"));
            Succeeded(await director.RequestAsync("player:register:username", new { username, password }));
            var login = Succeeded(await director.RequestAsync("player:login:username", new { username, secret = password, provider = "local" }));
            playerId = login.GetProperty("playerId").GetString()!;
            await using var realm = await SignInAsync(host, director, playerId);
            var created = Succeeded(await realm.RequestAsync("realm:characters:create", new { playerId, name, characterCreatorData = new { look = 1 } }));
            characterId = created.GetProperty("character").GetProperty("id").GetString()!;
            Succeeded(await realm.RequestAsync(
                "realm:characters:set:client", new { playerId, characterId, characterCreatorData = new { look = 2 } }));

            // DisposeAsync kills the process (SIGKILL): no shutdown, no checkpoint, no flush beyond what each commit did.
        }

        await using var restarted = await RedwoodProcess.StartAsync(settings);
        await using var again = await PlayerClient.ConnectAsync(restarted.Uri("director"));
        var relogin = Succeeded(await again.RequestAsync("player:login:username", new { username, secret = password, provider = "local" }));
        Assert.Equal(playerId, relogin.GetProperty("playerId").GetString());
        await using var realmAgain = await SignInAsync(restarted, again, playerId);
        var character = Succeeded(await realmAgain.RequestAsync(
            "realm:characters:get", new { id = playerId, characterIdOrName = characterId })).GetProperty("character");
        Assert.Equal(name, character.GetProperty("name").GetString());
        Assert.Equal(2, character.GetProperty("characterCreatorData").GetProperty("look").GetDouble());
    }

    private static async Task<PlayerClient> SignInAsync(RedwoodProcess host, PlayerClient director, string playerId)
    {
        var token = Succeeded(await director.RequestAsync(
            "realm:auth:player:connect:client-to-director", new { playerId, realmId = "default" })).GetProperty("token").GetString();
        var realm = await PlayerClient.ConnectAsync(host.Uri("realm"), withAuthObject: true);
        Succeeded(await realm.RequestAsync("realm:auth:player:connect:client-to-realm", new { playerId, token }));
        return realm;
    }

    private static JsonElement Succeeded(JsonElement ack)
    {
        Assert.Equal(string.Empty, ack.GetProperty("error").GetString());
        return ack;
    }
}
