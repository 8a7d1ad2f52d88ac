using System.Text.Json;
using Redwood.Realm.Tests.Support;

namespace Redwood.Realm.Tests.Features;

/// <summary>Listing and creating proxies (§2.2.7, §4.5).</summary>
public abstract class ProxyTests(RealmFixture fixture)
{
    private static readonly string[] ProxyKeys =
    [
        "activeCollectionId", "continuousPlay", "createdAt", "currentPlayers", "data", "endedAt", "hasPassword", "id", "mapId",
        "maxPlayersPerShard", "modeId", "name", "numMinutesToDestroyEmptyShard", "numPlayersToAddShard", "ownerPlayerId",
        "password", "proxyEndsWhenCollectionEnds", "public", "region", "shortCode", "startOnBoot", "updatedAt", "zones",
    ];

    [Fact]
    public async Task Creates_a_public_proxy_everyone_can_list()
    {
        await using var creator = await fixture.SignedInPlayerAsync();
        await using var other = await fixture.SignedInPlayerAsync();
        var name = Names.Unique("Lobby");

        var created = await CreateProxy(creator, new { name, @public = true, data = new { rules = "ffa" }, password = "hunter2" });
        var reference = created.GetProperty("proxyReference").GetString()!;
        var list = await other.Realm.RequestAsync("realm:servers:list-proxies", new { playerId = other.PlayerId, privateProxyReferences = Array.Empty<string>() });

        Ack.Succeeded(created);
        Ack.Succeeded(list);
        var proxy = list.GetProperty("proxies").EnumerateArray().Single(p => p.GetProperty("id").GetString() == reference);
        Assert.Equal(ProxyKeys, Ack.Keys(proxy));
        Assert.Equal(name, proxy.GetProperty("name").GetString());
        Assert.Equal("deathmatch", proxy.GetProperty("modeId").GetString());
        Assert.Equal("local", proxy.GetProperty("region").GetString());
        Assert.Equal(creator.PlayerId, proxy.GetProperty("ownerPlayerId").GetString());
        Assert.True(proxy.GetProperty("public").GetBoolean());
        Assert.True(proxy.GetProperty("hasPassword").GetBoolean());
        Assert.Equal(JsonValueKind.Null, proxy.GetProperty("password").ValueKind);
        Assert.Equal(JsonValueKind.Null, proxy.GetProperty("endedAt").ValueKind);
        Assert.False(proxy.GetProperty("startOnBoot").GetBoolean());
        Assert.Equal(0, proxy.GetProperty("currentPlayers").GetInt32());
        Assert.Equal(-1, proxy.GetProperty("numPlayersToAddShard").GetInt32());
        Assert.Equal("ffa", proxy.GetProperty("data").GetProperty("rules").GetString());
    }

    [Fact]
    public async Task Lists_a_private_proxy_only_to_players_who_reference_its_short_code()
    {
        await using var creator = await fixture.SignedInPlayerAsync();
        await using var friend = await fixture.SignedInPlayerAsync();
        var name = Names.Unique("Secret");

        var created = await CreateProxy(creator, new { name, @public = false });
        var code = created.GetProperty("proxyReference").GetString()!;
        var withoutReference = await friend.Realm.RequestAsync("realm:servers:list-proxies", new { playerId = friend.PlayerId, privateProxyReferences = Array.Empty<string>() });
        var withReference = await friend.Realm.RequestAsync("realm:servers:list-proxies", new { playerId = friend.PlayerId, privateProxyReferences = new[] { code.ToLowerInvariant() } });

        Ack.Succeeded(created);
        Assert.Matches("^[A-Z0-9]{6}$", code);
        Assert.DoesNotContain(withoutReference.GetProperty("proxies").EnumerateArray(), p => p.GetProperty("name").GetString() == name);
        var proxy = Assert.Single(withReference.GetProperty("proxies").EnumerateArray(), p => p.GetProperty("name").GetString() == name);
        Assert.Equal(code, proxy.GetProperty("shortCode").GetString());
        Assert.False(proxy.GetProperty("public").GetBoolean());
        Assert.False(proxy.GetProperty("hasPassword").GetBoolean());
    }

    [Fact]
    public async Task Uses_a_requested_short_code_once()
    {
        await using var player = await fixture.SignedInPlayerAsync();
        var code = "C" + Guid.NewGuid().ToString("N")[..9].ToUpperInvariant();

        var first = await CreateProxy(player, new { name = Names.Unique("A"), @public = false, shortCode = code.ToLowerInvariant() });
        var second = await CreateProxy(player, new { name = Names.Unique("B"), @public = false, shortCode = code });

        Assert.Equal(code, first.GetProperty("proxyReference").GetString());
        Assert.Equal("That short code is already in use", Ack.Error(second));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("proxyReference").ValueKind);
    }

    [Fact]
    public async Task Validates_proxy_creation()
    {
        await using var player = await fixture.SignedInPlayerAsync();

        Assert.Equal("Proxy name is required", Ack.Error(await CreateProxy(player, new { name = "" })));
        Assert.StartsWith("Unknown region 'mars'", Ack.Error(await CreateProxy(player, new { name = "Lobby", region = "mars" })));
        Assert.Equal("modeId is required", Ack.Error(await CreateProxy(player, new { name = "Lobby", modeId = "" })));
        Assert.Equal("data must be a JSON object", Ack.Error(await CreateProxy(player, new { name = "Lobby", data = new[] { 1 } })));
        Assert.Equal("shortCode must be 4 to 16 letters or digits", Ack.Error(await CreateProxy(player, new { name = "Lobby", shortCode = "no way!" })));
        Assert.Equal("joinCharacterId is not one of your characters", Ack.Error(await CreateProxy(player, new { name = "Lobby", joinCharacterId = "cnotmine" })));
    }

    [Fact]
    public async Task Refuses_start_on_boot_to_players_who_are_not_admins()
    {
        await using var player = await fixture.SignedInPlayerAsync();
        var name = Names.Unique("Boot");

        var ack = await CreateProxy(player, new { name, @public = true, startOnBoot = true });
        var list = await player.Realm.RequestAsync("realm:servers:list-proxies", new { playerId = player.PlayerId, privateProxyReferences = Array.Empty<string>() });

        Assert.Equal("Only admins can create start-on-boot proxies", Ack.Error(ack));
        Assert.DoesNotContain(list.GetProperty("proxies").EnumerateArray(), p => p.GetProperty("name").GetString() == name);
    }

    [Fact]
    public async Task Lets_admins_create_start_on_boot_proxies()
    {
        await using var admin = await TestPlayer.LogInAsync(fixture.DirectorUri, RealmTestHost.AdminUsername, RealmTestHost.AdminPassword);
        await admin.SignInAsync(fixture.RealmUri);
        var name = Names.Unique("World");

        var ack = await CreateProxy(admin, new { name, @public = true, startOnBoot = true });
        var list = await admin.Realm.RequestAsync("realm:servers:list-proxies", new { playerId = admin.PlayerId, privateProxyReferences = Array.Empty<string>() });

        Ack.Succeeded(ack);
        var proxy = Assert.Single(list.GetProperty("proxies").EnumerateArray(), p => p.GetProperty("name").GetString() == name);
        Assert.True(proxy.GetProperty("startOnBoot").GetBoolean());
    }

    private static Task<JsonElement> CreateProxy(TestPlayer player, object overrides)
    {
        var payload = new Dictionary<string, object?>
        {
            ["playerId"] = player.PlayerId,
            ["joinCharacterId"] = null,
            ["name"] = "Proxy",
            ["region"] = "local",
            ["modeId"] = "deathmatch",
            ["mapId"] = null,
            ["public"] = true,
            ["proxyEndsWhenCollectionEnds"] = false,
            ["continuousPlay"] = false,
            ["password"] = null,
            ["shortCode"] = null,
            ["startOnBoot"] = false,
        };
        foreach (var property in JsonSerializer.SerializeToElement(overrides, new JsonSerializerOptions(JsonSerializerDefaults.Web)).EnumerateObject())
        {
            payload[property.Name] = property.Value;
        }

        return player.Realm.RequestAsync("realm:servers:create-proxy", payload);
    }
}

public sealed class ProxyTestsOnSqlite(SqliteRealm fixture) : ProxyTests(fixture), IClassFixture<SqliteRealm>;

public sealed class ProxyTestsOnPostgres(PostgresRealm fixture) : ProxyTests(fixture), IClassFixture<PostgresRealm>;
