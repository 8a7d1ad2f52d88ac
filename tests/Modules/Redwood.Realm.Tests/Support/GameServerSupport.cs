using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Redwood.Realm.Persistence;
using Redwood.Testing;

namespace Redwood.Realm.Tests.Support;

/// <summary>A host whose local provider launches the dev game server (fast saves, map "broken" refused).</summary>
public abstract class GameServerFixture(TestDatabase database) : RealmFixture(database)
{
    public static string DevGameServerDll() => BuildOutputs.DevGameServer();

    public static Dictionary<string, string?> GameServerSettings(params string[] arguments)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Redwood:GameServers:Local:Executable"] = DevGameServerDll(),
            ["Redwood:GameServers:Local:GamePortBase"] = "0",
            ["Redwood:GameServers:Local:LogDirectory"] = Path.Combine(Path.GetTempPath(), "redwood-tests", "game-server-logs"),
            ["Redwood:GameServers:ReadyTimeout"] = "00:00:20",
            ["Redwood:GameServers:StaleTimeout"] = "00:00:05",
            ["Redwood:GameServers:MonitorInterval"] = "00:00:00.2",
            ["Redwood:GameServers:AllocationAttempts"] = "2",
        };
        for (var i = 0; i < arguments.Length; i++)
        {
            settings[$"Redwood:GameServers:Local:Arguments:{i}"] = arguments[i];
        }

        return settings;
    }

    protected override IDictionary<string, string?>? ExtraSettings() => GameServerSettings("-DevSaveInterval=0.2", "-DevRefuseMaps=broken");
}

public sealed class SqliteGameServers() : GameServerFixture(TestDatabase.Sqlite);

public sealed class PostgresGameServers() : GameServerFixture(TestDatabase.Postgres);

/// <summary>Game-server helpers on the realm socket and the realm database.</summary>
internal static class GameServerSteps
{
    public static async Task<string> CreateCharacterAsync(TestPlayer player)
    {
        var ack = await player.Realm.RequestAsync("realm:characters:create", new { playerId = player.PlayerId, name = Names.Unique("Hero"), characterCreatorData = new { } });
        Ack.Succeeded(ack);
        return ack.GetProperty("character").GetProperty("id").GetString()!;
    }

    public static async Task<string> CreateProxyAsync(TestPlayer owner, string? mapId = null, bool proxyEnds = false)
    {
        var ack = await owner.Realm.RequestAsync("realm:servers:create-proxy", new
        {
            playerId = owner.PlayerId, joinCharacterId = (string?)null, name = Names.Unique("World"), region = "local", modeId = "default",
            mapId, @public = true, proxyEndsWhenCollectionEnds = proxyEnds, continuousPlay = false, password = (string?)null,
            shortCode = (string?)null, startOnBoot = false,
        });
        Ack.Succeeded(ack);
        return ack.GetProperty("proxyReference").GetString()!;
    }

    public static Task<JsonElement> JoinProxyAsync(TestPlayer player, string characterId, string proxyId) =>
        player.Realm.RequestAsync("realm:servers:join-proxy", new
        {
            id = player.PlayerId, playerId = player.PlayerId, characterId, proxyReference = proxyId, password = (string?)null,
        });

    public static async Task<T> QueryAsync<T>(RedwoodApp app, Func<RealmDbContext, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<RealmDbContext>());
    }

    /// <summary>The process of the live server of a proxy (the local provider's id is the pid).</summary>
    public static async Task<Process> ServerProcessAsync(RedwoodApp app, string proxyId)
    {
        var providerId = await QueryAsync(app, db => db.Instances.AsNoTracking()
            .Where(i => i.ProxyId == proxyId && i.EndedAt == null).Select(i => i.ProviderId).FirstAsync());
        return Process.GetProcessById(int.Parse(providerId!, System.Globalization.CultureInfo.InvariantCulture));
    }
}
