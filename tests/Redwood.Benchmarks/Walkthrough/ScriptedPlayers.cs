using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Redwood.Benchmarks.Login;

namespace Redwood.Benchmarks.Walkthrough;

/// <summary>
/// Two scripted players walk the whole flow against a running host: register, log in, hand off to the realm, create a
/// character, matchmake (or, without a Matchmaking module, join one proxy), receive <c>connect-to-instance</c> and join
/// the dev game server, which validates them through its Sidecar.
/// </summary>
internal static class ScriptedPlayers
{
    public const string Usage = """
          players [--director ws://localhost:3001] [--profile default]   two scripted players: register, hand off, matchmake, join the game server
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var director = new Uri(Option(args, "--director", "ws://localhost:3001"));
        var profile = Option(args, "--profile", "default");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var proxy = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var results = await Task.WhenAll(
            PlayAsync("player1", director, profile, proxy, creator: true, timeout.Token),
            PlayAsync("player2", director, profile, proxy, creator: false, timeout.Token));
        return results.All(r => r) ? 0 : 1;
    }

    private static async Task<bool> PlayAsync(
        string label, Uri director, string profile, TaskCompletionSource<string> sharedProxy, bool creator, CancellationToken ct)
    {
        void Say(string text) => Console.WriteLine($"[{label}] {text}");

        using var directorSocket = await AckClient.ConnectAsync(director, ct);
        var username = label + "_" + Guid.NewGuid().ToString("N")[..8];
        const string password = "walkthrough-password-1";
        Check(await Request(directorSocket, "player:register:username", new { username, password }, ct), "register");
        var login = Check(await Request(directorSocket, "player:login:username", new { username, secret = password, provider = "local" }, ct), "login");
        var playerId = login.GetProperty("playerId").GetString()!;
        Say($"registered and logged in as {username} ({playerId})");

        var realms = Check(await Request(directorSocket, "realm:list", new { }, ct), "realm:list");
        var realm = realms.GetProperty("realms")[0];
        var handoff = Check(await Request(directorSocket, "realm:auth:player:connect:client-to-director", new { playerId, realmId = realm.GetProperty("id").GetString() }, ct), "hand-off");
        using var realmSocket = await AckClient.ConnectAsync(new Uri(realm.GetProperty("uri").GetString()!), ct);
        Check(await Request(realmSocket, "realm:auth:player:connect:client-to-realm", new { playerId, token = handoff.GetProperty("token").GetString() }, ct), "realm sign-in");
        Say($"signed in to realm {realm.GetProperty("name").GetString()} at {realm.GetProperty("uri").GetString()}");

        var created = Check(await Request(realmSocket, "realm:characters:create", new { playerId, name = username, characterCreatorData = new { } }, ct), "create character");
        var characterId = created.GetProperty("character").GetProperty("id").GetString()!;
        Say($"created character {characterId}");

        string connection;
        string token;
        var ticket = await Request(realmSocket, "realm:ticketing:join:matchmaking", new
        {
            playerId, characterId, data = new { profileId = profile, regions = new[] { new { name = "local", ping = 0.01 } } },
        }, ct);
        if (ticket.GetProperty("error").GetString() is { Length: 0 })
        {
            Say($"in matchmaking on profile '{profile}'");
            var push = JsonDocument.Parse(await realmSocket.NextEventAsync("realm:servers:connect-to-instance", ct)).RootElement[1];
            connection = push.GetProperty("connection").GetString()!;
            token = push.GetProperty("token").GetString()!;
            Say($"connect-to-instance: {connection}");
        }
        else
        {
            Say($"matchmaking answered '{ticket.GetProperty("error").GetString()}'; joining one proxy instead");
            if (creator)
            {
                var proxy = Check(await Request(realmSocket, "realm:servers:create-proxy", new
                {
                    playerId, joinCharacterId = characterId, name = "Walkthrough " + username, region = "local", modeId = profile, mapId = (string?)null,
                    @public = true, proxyEndsWhenCollectionEnds = true, continuousPlay = false, password = (string?)null, shortCode = (string?)null, startOnBoot = false,
                }, ct), "create-proxy");
                sharedProxy.TrySetResult(proxy.GetProperty("proxyReference").GetString()!);
            }

            var reference = await sharedProxy.Task.WaitAsync(ct);
            var joined = Check(await Request(realmSocket, "realm:servers:join-proxy", new { id = playerId, playerId, characterId, proxyReference = reference, password = (string?)null }, ct), "join-proxy");
            connection = joined.GetProperty("connectionUri").GetString()!;
            token = joined.GetProperty("token").GetString()!;
            Say($"join-proxy: {connection}");
        }

        var colon = connection.LastIndexOf(':');
        using var game = new TcpClient();
        await game.ConnectAsync(connection[..colon], int.Parse(connection[(colon + 1)..], CultureInfo.InvariantCulture), ct);
        var stream = game.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        await writer.WriteLineAsync($"open {connection}?RedwoodAuth=1?CharacterId={characterId}?PlayerId={playerId}?Token={token}");
        var welcome = await reader.ReadLineAsync(ct) ?? "closed";
        if (!welcome.StartsWith("ok ", StringComparison.Ordinal))
        {
            Say("the game server refused: " + welcome);
            return false;
        }

        var body = JsonNode.Parse(welcome[3..])!;
        Say($"admitted by the game server (validated by its Sidecar) as {body["player"]?["nickname"]} with character {body["character"]?["name"]}");
        await writer.WriteLineAsync("move 100 200 0");
        await reader.ReadLineAsync(ct);
        await writer.WriteLineAsync("leave");
        Say("left the game server: " + await reader.ReadLineAsync(ct));
        return true;
    }

    private static async Task<JsonElement> Request(AckClient client, string eventName, object payload, CancellationToken ct) =>
        JsonDocument.Parse(await client.RequestAsync(eventName, JsonSerializer.Serialize(payload, JsonSerializerOptions.Web), ct)).RootElement[0];

    private static JsonElement Check(JsonElement ack, string what) =>
        ack.GetProperty("error").GetString() is { Length: 0 } ? ack : throw new InvalidOperationException($"{what} failed: {ack.GetProperty("error").GetString()}");

    private static string Option(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }
}
