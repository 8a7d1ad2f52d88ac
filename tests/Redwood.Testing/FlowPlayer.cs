using Xunit;
using System.Text.Json;
namespace Redwood.Testing;

/// <summary>
/// A player through the flow's first steps, as the plugin takes them: registered and logged in on a Director socket,
/// handed off to a Realm socket, with a character.
/// </summary>
public sealed class FlowPlayer : IAsyncDisposable
{
    public const string ConnectToInstance = "realm:servers:connect-to-instance";
    public const string Password = "correct horse battery";

    private FlowPlayer(string username, string playerId, PlayerClient director)
    {
        Username = username;
        PlayerId = playerId;
        Director = director;
    }

    public string Username { get; }

    public string PlayerId { get; }

    public PlayerClient Director { get; }

    public PlayerClient Realm { get; private set; } = null!;

    public string CharacterId { get; private set; } = string.Empty;

    /// <summary>Registers and logs in on <paramref name="director"/>, hands off to <paramref name="realm"/> and creates a character.</summary>
    public static Task<FlowPlayer> ArriveAsync(RedwoodProcess director, RedwoodProcess realm, string realmId = "default") =>
        ArriveAsync(director.Uri("director"), realm.Uri("realm"), realmId);

    /// <summary>Registers and logs in on <paramref name="director"/>, hands off to <paramref name="realm"/> and creates a character.</summary>
    public static async Task<FlowPlayer> ArriveAsync(Uri director, Uri realm, string realmId = "default")
    {
        var socket = await PlayerClient.ConnectAsync(director);
        var username = "dp" + Guid.NewGuid().ToString("N")[..12];
        Assert.Equal(string.Empty, (await socket.RequestAsync("player:register:username", new { username, password = Password })).GetProperty("error").GetString());
        var login = await socket.RequestAsync("player:login:username", new { username, secret = Password, provider = "local" });
        Assert.Equal(string.Empty, login.GetProperty("error").GetString());
        var player = new FlowPlayer(username, login.GetProperty("playerId").GetString()!, socket);
        await player.HandOffAsync(realm, realmId);
        var character = await player.Realm.RequestAsync("realm:characters:create", new
        {
            playerId = player.PlayerId, name = "Hero" + Guid.NewGuid().ToString("N")[..8], characterCreatorData = new { },
        });
        Assert.Equal(string.Empty, character.GetProperty("error").GetString());
        player.CharacterId = character.GetProperty("character").GetProperty("id").GetString()!;
        return player;
    }

    /// <summary>Mints a hand-off token on the player's Director socket and signs in to <paramref name="realm"/> with it.</summary>
    public Task HandOffAsync(RedwoodProcess realm, string realmId = "default") => HandOffAsync(realm.Uri("realm"), realmId);

    /// <summary>Mints a hand-off token on the player's Director socket and signs in to <paramref name="realm"/> with it.</summary>
    public async Task HandOffAsync(Uri realm, string realmId = "default")
    {
        var handoff = await Director.RequestAsync("realm:auth:player:connect:client-to-director", new { playerId = PlayerId, realmId });
        Assert.Equal(string.Empty, handoff.GetProperty("error").GetString());
        var socket = await PlayerClient.ConnectAsync(realm, withAuthObject: true);
        var signIn = await socket.RequestAsync("realm:auth:player:connect:client-to-realm", new { playerId = PlayerId, token = handoff.GetProperty("token").GetString() });
        Assert.Equal(string.Empty, signIn.GetProperty("error").GetString());
        Realm = socket;
    }

    /// <summary>Joins matchmaking for <paramref name="profileId"/> from region <c>local</c>.</summary>
    public async Task JoinMatchmakingAsync(string profileId = "duo")
    {
        var ack = await Realm.RequestAsync("realm:ticketing:join:matchmaking", new
        {
            playerId = PlayerId,
            characterId = CharacterId,
            data = new { profileId, regions = new[] { new { name = "local", ping = 0.02 } } },
        });
        Assert.Equal(string.Empty, ack.GetProperty("error").GetString());
    }

    /// <summary>Waits for the server's address and join token, opens the game connection and returns it (admitted or not).</summary>
    public async Task<(JsonElement Push, GameClient Game)> PlayAsync(TimeSpan wait)
    {
        var push = await Realm.NextPushAsync(ConnectToInstance, wait);
        var game = await GameClient.OpenAsync(push.GetProperty("connection").GetString()!, PlayerId, CharacterId, push.GetProperty("token").GetString()!);
        return (push, game);
    }

    public async ValueTask DisposeAsync()
    {
        await Director.DisposeAsync();
        if (Realm is not null)
        {
            await Realm.DisposeAsync();
        }
    }
}
