using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Redwood.Realm.Tests.Support;
using Redwood.Testing;
using static Redwood.Realm.Tests.Support.GameServerSteps;

namespace Redwood.Realm.Tests.GameServers;

/// <summary>
/// The Sidecar against a scripted game server that performs the plugin's §2.3 sequence on its two sockets (in the
/// manner of Agones' SDK conformance test): the launched process is a placeholder, the test itself is the game server.
/// </summary>
public sealed class SidecarConformanceTests(SidecarConformanceTests.Host fixture) : IClassFixture<SidecarConformanceTests.Host>
{
    private const string LoadMap = "realm:servers:session:load-map";

    static SidecarConformanceTests() => PlayerClient.Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Speaks_the_plugin_sequence_on_sockets_A_and_B()
    {
        await using var alice = await fixture.SignedInPlayerAsync();
        var character = await CreateCharacterAsync(alice);
        var proxyId = await CreateProxyAsync(alice);
        var join = JoinProxyAsync(alice, character, proxyId);
        var sidecar = await SidecarOfAsync(proxyId);

        // Socket B may come first: no ordering between the two sockets.
        await using var socketB = await PlayerClient.ConnectAsync(sidecar, withAuthObject: true);
        await using var socketA = await PlayerClient.ConnectAsync(sidecar);
        await socketA.EmitAsync("realm:servers:update-instance-state", new { numPlayers = 0, id = "", mapId = "", modeId = "" });
        await socketA.EmitAsync("realm:servers:update-instance-state", new { state = "WaitingForPlayers", numPlayers = 0, id = "", mapId = "", modeId = "" });

        var loadMap = await socketA.NextPushAsync(LoadMap, TimeSpan.FromSeconds(30));
        Assert.Equal(
            ["channel", "continuousPlay", "data", "instanceId", "mapId", "maxPlayers", "modeId", "name", "ownerPlayerId", "proxyId", "realmName", "requestId"],
            Ack.Keys(loadMap));
        Assert.Equal("default:alpha", loadMap.GetProperty("channel").GetString());
        Assert.Equal(proxyId, loadMap.GetProperty("proxyId").GetString());
        Assert.Equal("default", loadMap.GetProperty("mapId").GetString());
        Assert.Equal("default", loadMap.GetProperty("modeId").GetString());
        Assert.Equal(character, loadMap.GetProperty("data").GetProperty("redwoodExpectedCharacterIds").GetString());
        var requestId = loadMap.GetProperty("requestId").GetString()!;

        await socketA.EmitAsync("realm:servers:session:load-map:response", new { error = "" });
        await socketA.EmitAsync("realm:servers:update-instance-state", new { state = "LoadingMap", numPlayers = 0, id = "", mapId = "", modeId = "" });
        await socketA.EmitAsync("realm:servers:update-instance-state", new { state = "Started", numPlayers = 0, id = requestId, mapId = "default", modeId = "default" });
        var initial = await socketA.RequestAsync("realm:servers:session:persistence:initial-load", new { });
        Assert.Equal(["data", "error", "items", "zoneData"], Ack.Keys(initial));
        Assert.Equal(string.Empty, initial.GetProperty("error").GetString());
        Assert.Equal("{}", initial.GetProperty("data").GetRawText());
        Assert.Equal("[]", initial.GetProperty("items").GetRawText());

        var joined = await join;
        Ack.Succeeded(joined);
        var token = joined.GetProperty("token").GetString()!;

        var wrong = await socketB.RequestAsync("realm:servers:player-auth:game-server-to-sidecar", new { playerId = alice.PlayerId, characterId = character, token = "nope" });
        Assert.Equal(["error"], Ack.Keys(wrong));
        Assert.NotEqual(string.Empty, wrong.GetProperty("error").GetString());
        var auth = await socketB.RequestAsync("realm:servers:player-auth:game-server-to-sidecar", new { playerId = alice.PlayerId, characterId = character, token });
        Assert.Equal(["character", "error", "player"], Ack.Keys(auth));
        Assert.Equal(string.Empty, auth.GetProperty("error").GetString());
        Assert.Equal(character, auth.GetProperty("character").GetProperty("id").GetString());
        Assert.Equal("{}", auth.GetProperty("character").GetProperty("redwoodData").GetRawText());
        Assert.Equal(alice.PlayerId, auth.GetProperty("player").GetProperty("id").GetString());
        await socketA.EmitAsync("realm:servers:update-instance-state", new { state = "Started", numPlayers = 1, id = requestId, mapId = "default", modeId = "default" });

        // Periodic save (lastLocation top level, dirty fields), zone data, then the forced save and player-left.
        var lastLocation = new
        {
            proxyId, zoneName = "default",
            transform = new { location = new { x = 1.5, y = 2, z = 3 }, rotation = new { x = 0, y = 0, z = 90 }, controlRotation = new { x = 0, y = 0, z = 90 } },
        };
        await socketA.EmitAsync("realm:characters:set:server", new
        {
            id = "game-server",
            characters = new object[] { new { playerId = alice.PlayerId, characterId = character, lastLocation, progress = new { schemaVersion = 1, level = 7 } } },
        });
        await socketA.EmitAsync("realm:servers:session:persistence:update-zone", new { data = new { weather = "rain" }, zoneData = new { doors = 2 }, persistentItems = Array.Empty<object>() });
        await socketA.EmitAsync("realm:characters:set:server", new
        {
            id = "game-server",
            characters = new object[] { new { playerId = alice.PlayerId, characterId = character, lastLocation } },
        });
        await socketB.EmitAsync("realm:servers:player-left:game-server-to-sidecar", new { playerId = alice.PlayerId, characterId = character });

        // Built later: acked with a clear error, or only logged.
        var transfer = await socketA.RequestAsync("realm:servers:transfer-zone:game-server-to-sidecar", new { players = Array.Empty<object>(), items = Array.Empty<object>(), zoneName = "b", priorZoneName = "default" });
        Assert.Equal("Zone transfer is not supported by this server yet", transfer.GetProperty("error").GetString());
        var blob = await socketA.RequestAsync("realm:blobs:get", new { id = "game-server", key = "k" });
        Assert.Equal("Blobs are not supported by this server yet", blob.GetProperty("error").GetString());
        await socketA.EmitAsync("realm:servers:session:sync:batch", new { items = Array.Empty<object>() });
        var unknown = await socketA.RequestAsync("realm:servers:not-an-event", new { });
        Assert.Equal("Unknown event 'realm:servers:not-an-event'", unknown.GetProperty("error").GetString());

        await Eventually.True(async () =>
        {
            var saved = await QueryAsync(fixture.App, db => db.Characters.AsNoTracking().FirstAsync(c => c.Id == character));
            var zone = await QueryAsync(fixture.App, db => db.ZoneData.AsNoTracking().FirstOrDefaultAsync(z => z.ProxyId == proxyId));
            return saved.Progress.Contains("\"level\":7", StringComparison.Ordinal) && saved.RedwoodData.Contains("lastLocation", StringComparison.Ordinal)
                && zone is not null && zone.Data.Contains("doors", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(15), "the saves are stored");

        // The next player-auth returns the saved character, and a new map's initial load the saved zone.
        var rejoin = await JoinProxyAsync(alice, character, proxyId);
        Ack.Succeeded(rejoin);
        var again = await socketB.RequestAsync("realm:servers:player-auth:game-server-to-sidecar", new { playerId = alice.PlayerId, characterId = character, token = rejoin.GetProperty("token").GetString() });
        var reloaded = await socketA.RequestAsync("realm:servers:session:persistence:initial-load", new { });

        var savedCharacter = again.GetProperty("character");
        Assert.Equal(7, savedCharacter.GetProperty("progress").GetProperty("level").GetDouble());
        var location = savedCharacter.GetProperty("redwoodData").GetProperty("lastLocation");
        Assert.Equal(1.5, location.GetProperty("transform").GetProperty("location").GetProperty("x").GetDouble());
        Assert.Equal(90, location.GetProperty("transform").GetProperty("controlRotation").GetProperty("z").GetDouble());
        Assert.False(savedCharacter.TryGetProperty("lastLocation", out _));
        Assert.Equal("rain", reloaded.GetProperty("data").GetProperty("weather").GetString());
        Assert.Equal(2, reloaded.GetProperty("zoneData").GetProperty("doors").GetDouble());

        // The Sidecar pushed exactly one event (load-map, on socket A) during the whole session.
        Assert.False(socketA.HasPush(LoadMap));
        Assert.False(socketB.HasPush(LoadMap));
    }

    [Fact]
    public async Task A_refused_load_map_moves_the_allocation_to_another_server()
    {
        await using var alice = await fixture.SignedInPlayerAsync();
        var character = await CreateCharacterAsync(alice);
        var proxyId = await CreateProxyAsync(alice);
        var join = JoinProxyAsync(alice, character, proxyId);

        var firstPort = await SidecarOfAsync(proxyId);
        await using var first = await PlayerClient.ConnectAsync(firstPort);
        await first.EmitAsync("realm:servers:update-instance-state", new { state = "WaitingForPlayers", numPlayers = 0, id = "", mapId = "", modeId = "" });
        await first.NextPushAsync(LoadMap, TimeSpan.FromSeconds(30));
        await first.EmitAsync("realm:servers:session:load-map:response", new { error = "Invalid ModeId or MapId" });

        var secondPort = await SidecarOfAsync(proxyId, except: firstPort);
        await using var second = await PlayerClient.ConnectAsync(secondPort);
        await second.EmitAsync("realm:servers:update-instance-state", new { state = "WaitingForPlayers", numPlayers = 0, id = "", mapId = "", modeId = "" });
        var loadMap = await second.NextPushAsync(LoadMap, TimeSpan.FromSeconds(30));
        await second.EmitAsync("realm:servers:session:load-map:response", new { error = "" });
        await second.EmitAsync("realm:servers:update-instance-state", new { state = "WaitingForPlayers", numPlayers = 0, id = loadMap.GetProperty("requestId").GetString(), mapId = "default", modeId = "default" });

        Ack.Succeeded(await join);
    }

    [Fact]
    public async Task A_server_saves_only_the_characters_of_players_it_admitted()
    {
        await using var alice = await fixture.SignedInPlayerAsync();
        await using var bob = await fixture.SignedInPlayerAsync();
        var aliceCharacter = await CreateCharacterAsync(alice);
        var bobCharacter = await CreateCharacterAsync(bob);
        var proxyId = await CreateProxyAsync(alice);
        var join = JoinProxyAsync(alice, aliceCharacter, proxyId);
        await using var socketA = await PlayerClient.ConnectAsync(await SidecarOfAsync(proxyId));
        await using var socketB = await PlayerClient.ConnectAsync(await SidecarOfAsync(proxyId), withAuthObject: true);
        await socketA.EmitAsync("realm:servers:update-instance-state", new { state = "WaitingForPlayers", numPlayers = 0, id = "", mapId = "", modeId = "" });
        var requestId = (await socketA.NextPushAsync(LoadMap, TimeSpan.FromSeconds(30))).GetProperty("requestId").GetString();
        await socketA.EmitAsync("realm:servers:session:load-map:response", new { error = "" });
        await socketA.EmitAsync("realm:servers:update-instance-state", new { state = "Started", numPlayers = 0, id = requestId, mapId = "default", modeId = "default" });
        var token = (await join).GetProperty("token").GetString();
        Ack.Succeeded(await socketB.RequestAsync("realm:servers:player-auth:game-server-to-sidecar", new { playerId = alice.PlayerId, characterId = aliceCharacter, token }));

        // Bob never joined this server: neither his character nor Alice's under his id may be written. Saves on socket A
        // are handled in order, so once Alice's last save is stored, the two before it were handled too.
        static object Save(string playerId, string characterId, object? lastLocation = null, object? data = null, object? progress = null) =>
            new { id = "game-server", characters = new[] { new { playerId, characterId, lastLocation, data, progress } } };
        await socketA.EmitAsync("realm:characters:set:server", Save(alice.PlayerId, aliceCharacter, data: new { x = 3 }));
        await Eventually.True(
            async () => (await StoredAsync(aliceCharacter)).Data.Contains("\"x\":3", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15), "Alice's save is stored");

        var location = new { zoneName = "default", transform = new { location = new { x = 9, y = 0, z = 0 } } };
        await socketA.EmitAsync("realm:characters:set:server", Save(bob.PlayerId, bobCharacter, location, new { x = 1 }));
        await socketA.EmitAsync("realm:characters:set:server", Save(bob.PlayerId, aliceCharacter, location, new { x = 2 }));
        await socketA.EmitAsync("realm:characters:set:server", Save(alice.PlayerId, aliceCharacter, progress: new { done = 1 }));
        await Eventually.True(
            async () => (await StoredAsync(aliceCharacter)).Progress.Contains("done", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15), "Alice's last save is stored");

        var aliceStored = await StoredAsync(aliceCharacter);
        var bobStored = await StoredAsync(bobCharacter);
        Assert.Contains("\"x\":3", aliceStored.Data, StringComparison.Ordinal);
        Assert.DoesNotContain("lastLocation", aliceStored.RedwoodData, StringComparison.Ordinal);
        Assert.Equal("{}", bobStored.Data);
        Assert.DoesNotContain("lastLocation", bobStored.RedwoodData, StringComparison.Ordinal);

        // The server counts Alice in, then reports her leave: the instance is empty again without another report.
        await socketA.EmitAsync("realm:servers:update-instance-state", new { state = "Started", numPlayers = 1, id = requestId, mapId = "default", modeId = "default" });
        await Eventually.True(async () => await PlayersOnAsync(proxyId) == 1, TimeSpan.FromSeconds(15), "the report counts Alice");
        await socketB.EmitAsync("realm:servers:player-left:game-server-to-sidecar", new { playerId = alice.PlayerId, characterId = aliceCharacter });
        await Eventually.True(async () => await PlayersOnAsync(proxyId) == 0, TimeSpan.FromSeconds(15), "her leave is counted");
    }

    private Task<int> PlayersOnAsync(string proxyId) =>
        QueryAsync(fixture.App, db => db.Instances.AsNoTracking().Where(i => i.ProxyId == proxyId && i.EndedAt == null).Select(i => i.NumPlayers).SingleAsync());

    private Task<Redwood.Realm.Domain.Character> StoredAsync(string characterId) =>
        QueryAsync(fixture.App, db => db.Characters.AsNoTracking().FirstAsync(c => c.Id == characterId));

    /// <summary>The sidecar URI of the newest live server started for <paramref name="proxyId"/>'s instance.</summary>
    private async Task<Uri> SidecarOfAsync(string proxyId, Uri? except = null)
    {
        Uri? found = null;
        await Eventually.True(async () =>
        {
            var ports = await QueryAsync(fixture.App, db => db.Containers.AsNoTracking()
                .Where(c => c.EndedAt == null && c.SidecarPort > 0 && db.Instances.Any(i => i.Id == c.InstanceId && i.ProxyId == proxyId))
                .Select(c => c.SidecarPort).ToListAsync());
            found = ports.Select(p => new Uri($"ws://127.0.0.1:{p}")).FirstOrDefault(u => u != except);
            return found is not null;
        }, TimeSpan.FromSeconds(30), "a server allocated to the proxy");
        return found!;
    }

    /// <summary>A host whose "game server" is an idle shell: the test plays the game server.</summary>
    public sealed class Host() : RealmFixture(TestDatabase.Sqlite)
    {
        protected override IDictionary<string, string?>? ExtraSettings()
        {
            var settings = GameServerFixture.GameServerSettings("-c", "sleep 600", "placeholder");
            settings["Redwood:GameServers:Local:Executable"] = "/bin/sh";
            settings["Redwood:GameServers:StaleTimeout"] = "00:01:00";
            return settings;
        }
    }
}
