using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Redwood.Realm.Tests.Support;
using Redwood.Testing;

namespace Redwood.Realm.Tests.Features;

/// <summary>Director → Realm hand-off, sign-in rules, regions, ping echo and logout, over real sockets.</summary>
public abstract class HandoffTests(RealmFixture fixture)
{
    private const string Connect = "realm:auth:player:connect:client-to-realm";

    [Fact]
    public async Task Hands_off_a_player_from_the_director_to_the_realm()
    {
        await using var player = await fixture.NewPlayerAsync();
        var realm = await player.SignInAsync(fixture.RealmUri);

        var list = await realm.RequestAsync("realm:characters:list", new { playerId = player.PlayerId });

        Ack.Succeeded(list);
        Assert.Equal(0, list.GetProperty("characters").GetArrayLength());
    }

    [Fact]
    public async Task Refuses_a_replayed_token()
    {
        await using var player = await fixture.NewPlayerAsync();
        var token = await player.MintTokenAsync();
        var first = await player.ConnectRealmAsync(fixture.RealmUri);
        Ack.Succeeded(await first.RequestAsync(Connect, new { playerId = player.PlayerId, token }));

        var second = await player.ConnectRealmAsync(fixture.RealmUri);
        var replay = await second.RequestAsync(Connect, new { playerId = player.PlayerId, token });

        Assert.Contains("Invalid realm token", Ack.Error(replay));
        Assert.Equal("Not signed in to this realm", Ack.Error(await second.RequestAsync("realm:characters:list", new { playerId = player.PlayerId })));
    }

    [Fact]
    public async Task Refuses_a_token_minted_for_another_realm()
    {
        await using var player = await fixture.NewPlayerAsync();
        var token = await player.MintTokenAsync(RealmTestHost.SecondRealmId);
        var realm = await player.ConnectRealmAsync(fixture.RealmUri);

        var ack = await realm.RequestAsync(Connect, new { playerId = player.PlayerId, token });

        Assert.Equal("This realm token was issued for another realm", Ack.Error(ack));
    }

    [Fact]
    public async Task Refuses_a_token_presented_for_another_player()
    {
        await using var owner = await fixture.NewPlayerAsync();
        await using var thief = await fixture.NewPlayerAsync();
        var token = await owner.MintTokenAsync();
        var realm = await thief.ConnectRealmAsync(fixture.RealmUri);

        var ack = await realm.RequestAsync(Connect, new { playerId = thief.PlayerId, token });

        Assert.Contains("Invalid realm token", Ack.Error(ack));
    }

    [Fact]
    public async Task Refuses_a_sign_in_without_token_and_keeps_the_socket_usable()
    {
        await using var player = await fixture.NewPlayerAsync();
        var realm = await player.ConnectRealmAsync(fixture.RealmUri);

        Assert.Equal("token is required", Ack.Error(await realm.RequestAsync(Connect, new { playerId = player.PlayerId })));
        Assert.Contains("wrong type", Ack.Error(await realm.RequestAsync(Connect, new { playerId = player.PlayerId, token = 5 })));

        var token = await player.MintTokenAsync();
        Ack.Succeeded(await realm.RequestAsync(Connect, new { playerId = player.PlayerId, token }));
    }

    [Fact]
    public async Task Refuses_every_realm_request_before_sign_in()
    {
        await using var player = await fixture.NewPlayerAsync();
        var realm = await player.ConnectRealmAsync(fixture.RealmUri);
        var id = player.PlayerId;

        var list = await realm.RequestAsync("realm:characters:list", new { playerId = id });
        var create = await realm.RequestAsync("realm:characters:create", new { playerId = id, name = "Nobody", characterCreatorData = new { } });
        var get = await realm.RequestAsync("realm:characters:get", new { id, characterIdOrName = "Nobody" });
        var set = await realm.RequestAsync("realm:characters:set:client", new { playerId = id, characterId = "x", name = "Other" });
        var archive = await realm.RequestAsync("realm:characters:archive", new { id, characterId = "x", archived = true });
        var proxies = await realm.RequestAsync("realm:servers:list-proxies", new { playerId = id, privateProxyReferences = Array.Empty<string>() });
        var createProxy = await realm.RequestAsync("realm:servers:create-proxy", new { playerId = id, name = "Lobby", region = "local", modeId = "m" });
        var global = await realm.RequestAsync("realm:global-data:get:latest", null);

        foreach (var ack in new[] { list, create, get, set, archive, proxies, createProxy, global })
        {
            Assert.Equal("Not signed in to this realm", ack.GetProperty("error").GetString());
        }

        Assert.Equal(0, list.GetProperty("characters").GetArrayLength());
        Assert.Equal(0, proxies.GetProperty("proxies").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, create.GetProperty("character").ValueKind);
    }

    [Fact]
    public async Task Refuses_a_request_naming_another_player_and_changes_nothing()
    {
        await using var player = await fixture.SignedInPlayerAsync();
        await using var other = await fixture.NewPlayerAsync();
        var realm = player.Realm;

        var create = await realm.RequestAsync("realm:characters:create", new { playerId = other.PlayerId, name = Names.Unique("Imp"), characterCreatorData = new { } });
        var get = await realm.RequestAsync("realm:characters:get", new { id = other.PlayerId, characterIdOrName = "anything" });
        var list = await realm.RequestAsync("realm:characters:list", new { playerId = other.PlayerId });

        Assert.Contains("does not match", Ack.Error(create));
        Assert.Contains("does not match", Ack.Error(get));
        Assert.Contains("does not match", Ack.Error(list));
        var mine = await realm.RequestAsync("realm:characters:list", new { playerId = player.PlayerId, includeArchived = true });
        Assert.Equal(0, mine.GetProperty("characters").GetArrayLength());
    }

    [Fact]
    public async Task Pushes_regions_right_after_the_connect_ack()
    {
        await using var player = await fixture.NewPlayerAsync();
        var token = await player.MintTokenAsync();
        await using var raw = await RawSocketIO.ConnectAsync(fixture.RealmUri);

        await raw.SendAsync($"421[\"{Connect}\",{{\"playerId\":\"{player.PlayerId}\",\"token\":\"{token}\"}}]");

        var first = await raw.ReceiveAsync();
        var second = await raw.ReceiveAsync();
        Assert.Equal("431[{\"error\":\"\"}]", first);
        Assert.StartsWith("42[\"realm:regions\",", second);
        var push = JsonDocument.Parse(second[2..]).RootElement[1];
        var region = Assert.Single(push.GetProperty("regions").EnumerateArray());
        Assert.Equal(["name", "ping"], Ack.Keys(region));
        Assert.Equal("local", region.GetProperty("name").GetString());
        Assert.Equal($"ws://localhost:{fixture.App.Port("realm")}/ping", region.GetProperty("ping").GetString());
    }

    [Fact]
    public async Task Echoes_text_on_the_region_ping_target()
    {
        await using var player = await fixture.NewPlayerAsync();
        await player.SignInAsync(fixture.RealmUri);
        var regions = await player.Realm.NextPushAsync("realm:regions");
        var ping = new Uri(regions.GetProperty("regions")[0].GetProperty("ping").GetString()!);

        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(ping, timeout.Token);
        foreach (var text in new[] { "1732550400.123", "second ping" })
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, timeout.Token);
            var buffer = new byte[256];
            var received = await socket.ReceiveAsync(buffer, timeout.Token);
            Assert.Equal(WebSocketMessageType.Text, received.MessageType);
            Assert.Equal(text, Encoding.UTF8.GetString(buffer, 0, received.Count));
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
    }

    [Fact]
    public async Task Logs_out_of_the_realm_and_disconnects()
    {
        await using var player = await fixture.SignedInPlayerAsync();

        await player.Realm.EmitAsync("realm:auth:player:logout", new { playerId = player.PlayerId });

        await player.Realm.Disconnected.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Director_logout_disconnects_the_realm_socket()
    {
        await using var player = await fixture.SignedInPlayerAsync();

        await player.Director.EmitAsync("player:logout", new { playerId = player.PlayerId });

        await player.Realm.Disconnected.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Serves_the_seeded_global_data()
    {
        await using var player = await fixture.SignedInPlayerAsync();

        var ack = await player.Realm.RequestAsync("realm:global-data:get:latest", null);

        Ack.Succeeded(ack);
        Assert.Equal(1, ack.GetProperty("id").GetInt32());
        Assert.Equal("{}", ack.GetProperty("data").GetRawText());
    }
}

public sealed class HandoffTestsOnSqlite(SqliteRealm fixture) : HandoffTests(fixture), IClassFixture<SqliteRealm>;

public sealed class HandoffTestsOnPostgres(PostgresRealm fixture) : HandoffTests(fixture), IClassFixture<PostgresRealm>;

/// <summary>Expired hand-off tokens, with a one-second token lifetime on the Director.</summary>
public sealed class ExpiredHandoffTests
{
    [Theory]
    [InlineData(TestDatabase.Sqlite)]
    [InlineData(TestDatabase.Postgres)]
    public async Task Refuses_an_expired_token(TestDatabase database)
    {
        await using var app = await RealmTestHost.StartAsync(database, new Dictionary<string, string?>
        {
            ["Redwood:Director:HandoffTokenLifetime"] = "00:00:01",
        });
        await using var player = await TestPlayer.CreateAsync(app.Uri("director"));
        var token = await player.MintTokenAsync();
        var realm = await player.ConnectRealmAsync(app.Uri("realm"));
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var ack = await realm.RequestAsync("realm:auth:player:connect:client-to-realm", new { playerId = player.PlayerId, token });

        Assert.Equal("Realm token expired; ask the Director for a new one", Ack.Error(ack));
    }
}
