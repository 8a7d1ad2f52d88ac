using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Redwood.Realm.Persistence;
using Redwood.Realm.Tests.Support;
using Redwood.Testing;

namespace Redwood.Realm.Tests.Features;

/// <summary>What one player may store or make every other player download.</summary>
public sealed class QuotaTests
{
    [Fact]
    public async Task A_player_may_hold_five_active_proxies_with_at_most_16_KB_of_data()
    {
        await using var app = await RealmTestHost.StartAsync(TestDatabase.Sqlite);
        await using var player = await SignedInAsync(app);

        for (var i = 0; i < 5; i++)
        {
            Ack.Succeeded(await CreateProxyAsync(player, new { name = Names.Unique("P"), @public = true, data = new { blob = new string('x', 15_000) } }));
        }

        Assert.Equal("You already have the maximum of 5 active proxies", Ack.Error(await CreateProxyAsync(player, new { name = "Sixth", @public = true })));
        await using var other = await SignedInAsync(app);
        Assert.Equal("data is too large (at most 16384 bytes)",
            Ack.Error(await CreateProxyAsync(other, new { name = "Big", @public = true, data = new { blob = new string('x', 200_000) } })));
    }

    [Theory]
    [InlineData(TestDatabase.Sqlite)]
    [InlineData(TestDatabase.Postgres)]
    public async Task Thirty_concurrent_creates_from_six_sockets_of_one_player_never_exceed_the_active_proxy_cap(TestDatabase database)
    {
        await using var app = await RealmTestHost.StartAsync(database);
        await using var player = await TestPlayer.CreateAsync(app.Uri("director"));
        var sockets = new List<PlayerClient>();
        for (var i = 0; i < 6; i++)
        {
            sockets.Add(await player.SignInAsync(app.Uri("realm")));
        }

        var acks = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => sockets[i % sockets.Count].RequestAsync("realm:servers:create-proxy", new
        {
            playerId = player.PlayerId,
            name = Names.Unique("Race"),
            region = "local",
            modeId = "deathmatch",
            @public = i % 2 == 0,
        })));

        var errors = acks.Select(a => a.GetProperty("error").GetString()).ToList();
        Assert.Equal(5, errors.Count(e => e == string.Empty));
        Assert.All(errors.Where(e => e != string.Empty), e => Assert.Equal("You already have the maximum of 5 active proxies", e));
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
        Assert.Equal(5, await db.Proxies.CountAsync(p => p.OwnerPlayerId == player.PlayerId));
    }

    [Theory]
    [InlineData(TestDatabase.Sqlite)]
    [InlineData(TestDatabase.Postgres)]
    public async Task Thirty_concurrent_character_creates_from_six_sockets_of_one_player_never_exceed_the_character_cap(TestDatabase database)
    {
        await using var app = await RealmTestHost.StartAsync(database);
        await using var player = await TestPlayer.CreateAsync(app.Uri("director"));
        var sockets = new List<PlayerClient>();
        for (var i = 0; i < 6; i++)
        {
            sockets.Add(await player.SignInAsync(app.Uri("realm")));
        }

        var acks = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => sockets[i % sockets.Count].RequestAsync(
            "realm:characters:create", new { playerId = player.PlayerId, name = Names.Unique("Rush"), characterCreatorData = new { } })));

        var errors = acks.Select(a => a.GetProperty("error").GetString()).ToList();
        Assert.Equal(10, errors.Count(e => e == string.Empty));
        Assert.All(errors.Where(e => e != string.Empty), e => Assert.Equal("You already have the maximum of 10 characters", e));
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
        Assert.Equal(10, await db.Characters.CountAsync(c => c.PlayerId == player.PlayerId));
    }

    [Fact]
    public async Task Lists_are_bounded_in_count_and_bytes_and_always_carry_the_referenced_private_proxies()
    {
        await using var app = await RealmTestHost.StartAsync(TestDatabase.Sqlite, new Dictionary<string, string?>
        {
            ["Redwood:Realm:Proxies:MaxListed"] = "6",
            ["Redwood:Realm:Proxies:MaxListBytes"] = "40000",
        });
        await using var owner = await SignedInAsync(app);
        var code = (await CreateProxyAsync(owner, new { name = Names.Unique("Private"), @public = false })).GetProperty("proxyReference").GetString()!;
        for (var creator = 0; creator < 3; creator++)
        {
            await using var player = await SignedInAsync(app);
            for (var i = 0; i < 4; i++)
            {
                Ack.Succeeded(await CreateProxyAsync(player, new { name = Names.Unique("Pub"), @public = true, data = new { blob = new string('y', 9_000) } }));
            }
        }

        await using var viewer = await SignedInAsync(app);
        var first = await ListAsync(viewer, code);
        var second = await ListAsync(viewer, code);

        var proxies = first.GetProperty("proxies").EnumerateArray().ToList();
        Assert.InRange(proxies.Count, 2, 6);
        Assert.InRange(Encoding.UTF8.GetByteCount(first.GetRawText()), 1, 48_000);
        Assert.Contains(proxies, p => p.GetProperty("shortCode").GetString() == code);
        Assert.Equal(Ids(first), Ids(second));
        var created = proxies.Select(p => p.GetProperty("createdAt").GetString()!).ToList();
        Assert.Equal(created.Order(StringComparer.Ordinal), created);
    }

    [Theory]
    [InlineData(TestDatabase.Sqlite)]
    [InlineData(TestDatabase.Postgres)]
    public async Task Archived_characters_count_towards_the_stored_limit(TestDatabase database)
    {
        await using var app = await RealmTestHost.StartAsync(database, new Dictionary<string, string?>
        {
            ["Redwood:Realm:Characters:MaxPerPlayer"] = "2",
            ["Redwood:Realm:Characters:MaxStoredPerPlayer"] = "4",
        });
        await using var player = await SignedInAsync(app);

        var stored = 0;
        string? error = null;
        for (var i = 0; i < 10 && error is null; i++)
        {
            var ack = await player.Realm.RequestAsync("realm:characters:create", new { playerId = player.PlayerId, name = Names.Unique("C"), characterCreatorData = new { } });
            if (ack.GetProperty("error").GetString() is { Length: > 0 } refused)
            {
                error = refused;
            }
            else
            {
                stored++;
                var id = ack.GetProperty("character").GetProperty("id").GetString();
                Ack.Succeeded(await player.Realm.RequestAsync("realm:characters:archive", new { id = player.PlayerId, characterId = id, archived = true }));
            }
        }

        Assert.Equal(4, stored);
        Assert.Equal("You already have the maximum of 4 stored characters (archived ones count until they are deleted)", error);
    }

    private static async Task<TestPlayer> SignedInAsync(RedwoodApp app)
    {
        var player = await TestPlayer.CreateAsync(app.Uri("director"));
        await player.SignInAsync(app.Uri("realm"));
        return player;
    }

    private static Task<JsonElement> ListAsync(TestPlayer player, string code) =>
        player.Realm.RequestAsync("realm:servers:list-proxies", new { playerId = player.PlayerId, privateProxyReferences = new[] { code } });

    private static List<string> Ids(JsonElement list) => [.. list.GetProperty("proxies").EnumerateArray().Select(p => p.GetProperty("id").GetString()!)];

    private static Task<JsonElement> CreateProxyAsync(TestPlayer player, object overrides)
    {
        var payload = new Dictionary<string, object?>
        {
            ["playerId"] = player.PlayerId,
            ["name"] = "Proxy",
            ["region"] = "local",
            ["modeId"] = "deathmatch",
            ["public"] = true,
        };
        foreach (var property in JsonSerializer.SerializeToElement(overrides, new JsonSerializerOptions(JsonSerializerDefaults.Web)).EnumerateObject())
        {
            payload[property.Name] = property.Value;
        }

        return player.Realm.RequestAsync("realm:servers:create-proxy", payload);
    }
}
