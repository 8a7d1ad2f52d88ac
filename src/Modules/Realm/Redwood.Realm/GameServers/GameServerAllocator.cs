using System.Collections.Concurrent;
using System.Diagnostics;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Redwood.Realm.Contracts;
using Redwood.Realm.Domain;
using Redwood.Realm.Persistence;
using Redwood.SharedKernel.Games;

namespace Redwood.Realm.GameServers;

/// <summary>A player to send to a server.</summary>
internal sealed record AllocationPlayer(string PlayerId, string CharacterId);

/// <summary>A player's join token for the allocated instance.</summary>
internal sealed record PlayerJoin(string PlayerId, string CharacterId, string Token);

/// <summary>The outcome of an allocation: the instance and a token per player, or an error for the players.</summary>
internal sealed record AllocationResult(string? Error, string? InstanceId, string? Connection, IReadOnlyList<PlayerJoin> Joins)
{
    public static AllocationResult Failed(string error) => new(error, null, null, []);
}

/// <summary>
/// Finds or starts the instance for a proxy's zone shard and mints join tokens. Starting: take an idle (warm) server or
/// launch one, send <c>load-map</c> through the Sidecar, and wait until the server reports that request loaded; a server
/// that refuses the map, never loads or dies is stopped and the next attempt uses another. One allocation per proxy
/// zone runs at a time in this process, so concurrent joins share the shard they start.
/// </summary>
internal sealed class GameServerAllocator(
    IServiceScopeFactory scopes,
    IGameServerProvider provider,
    GameServerSettings settings,
    RealmSettings realm,
    GameProfiles profiles,
    TimeProvider time,
    RealmMetrics metrics,
    ILogger<GameServerAllocator> logger)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _zoneLocks = new(StringComparer.Ordinal);

    public async Task<AllocationResult> AllocateAsync(
        string proxyId, string? zoneName, string? shardName, IReadOnlyList<AllocationPlayer> players, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var ready = false;
        try
        {
            var result = await AllocateOnceAsync(proxyId, zoneName, shardName, players, cancellationToken);
            ready = result.Error is null;
            return result;
        }
        finally
        {
            metrics.Allocated(ready, Stopwatch.GetElapsedTime(started));
        }
    }

    private async Task<AllocationResult> AllocateOnceAsync(
        string proxyId, string? zoneName, string? shardName, IReadOnlyList<AllocationPlayer> players, CancellationToken cancellationToken)
    {
        GameServerProxy? proxy;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
            proxy = await db.Proxies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == proxyId, cancellationToken);
        }

        if (proxy is null || proxy.EndedAt is not null)
        {
            return AllocationResult.Failed("This proxy has ended");
        }

        var profile = profiles.Find(proxy.ModeId);
        var zone = zoneName ?? ZonesOf(proxy, profile).First();
        if (!ZonesOf(proxy, profile).Contains(zone, StringComparer.Ordinal))
        {
            return AllocationResult.Failed($"Zone '{zone}' is not one of this proxy's zones");
        }

        var gate = _zoneLocks.GetOrAdd(proxyId + ":" + zone, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var instance = await FindInstanceAsync(proxy, zone, shardName, players.Count, cancellationToken)
                ?? await StartInstanceAsync(proxy, profile, zone, shardName, players, cancellationToken);
            if (instance.Error is not null)
            {
                return AllocationResult.Failed(instance.Error);
            }

            return await MintAsync(instance.InstanceId!, instance.Connection!, players, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Publishes <see cref="PlayerSentToGameServer"/> for every join, so the players' realm sockets get connect-to-instance.</summary>
    public async Task SendPlayersAsync(AllocationResult result, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var publisher = scope.ServiceProvider.GetRequiredService<IPublisher>();
        foreach (var join in result.Joins)
        {
            await publisher.Publish(new PlayerSentToGameServer(realm.Id, join.PlayerId, result.Connection!, join.Token), cancellationToken);
        }
    }

    /// <summary>Ends an instance and stops its server (a failed start, an empty shard, a stopped collection).</summary>
    public async Task EndInstanceAsync(string instanceId, string reason, CancellationToken cancellationToken)
    {
        string? containerId;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
            var instance = await db.Instances.FirstOrDefaultAsync(i => i.Id == instanceId, cancellationToken);
            if (instance is null || instance.EndedAt is not null)
            {
                return;
            }

            var now = time.GetUtcNow().UtcDateTime;
            instance.EndedAt = now;
            instance.UpdatedAt = now;
            instance.Status = GameServerStatus.Ended;
            containerId = instance.ContainerId;
            await db.SaveChangesAsync(cancellationToken);
            Log.InstanceEnded(logger, instanceId, instance.Channel, reason);
        }

        if (containerId is not null)
        {
            await EndContainerAsync(containerId, reason, cancellationToken);
        }
    }

    /// <summary>Ends a server row and stops its process.</summary>
    public async Task EndContainerAsync(string containerId, string reason, CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
            var container = await db.Containers.FirstOrDefaultAsync(c => c.Id == containerId, cancellationToken);
            if (container is not null && container.EndedAt is null)
            {
                var now = time.GetUtcNow().UtcDateTime;
                container.EndedAt = now;
                container.UpdatedAt = now;
                await db.SaveChangesAsync(cancellationToken);
                Log.ServerEnded(logger, containerId, reason);
            }
        }

        await provider.StopAsync(containerId, cancellationToken);
    }

    /// <summary>Launches a server for <paramref name="instanceId"/>, or an idle one for the warm pool when null.</summary>
    public async Task<string> LaunchAsync(string? instanceId, CancellationToken cancellationToken)
    {
        var containerId = RealmIds.NewId();
        var now = time.GetUtcNow().UtcDateTime;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
            db.Containers.Add(new GameServerContainer
            {
                Id = containerId, Provider = provider.Name, SidecarId = containerId, Connection = string.Empty, CreatedAt = now, UpdatedAt = now, InstanceId = instanceId,
            });
            await db.SaveChangesAsync(cancellationToken);
        }

        LaunchedServer launched;
        try
        {
            launched = await provider.LaunchAsync(containerId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.LaunchFailed(logger, containerId, ex);
            await EndContainerAsync(containerId, "launch failed", CancellationToken.None);
            throw;
        }

        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
            var container = await db.Containers.FirstAsync(c => c.Id == containerId, cancellationToken);
            container.ProviderId = launched.ProviderId;
            container.SidecarId = launched.SidecarId ?? containerId;
            container.Connection = launched.Connection;
            container.SidecarPort = launched.SidecarPort;
            container.UpdatedAt = time.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(cancellationToken);
        }

        return containerId;
    }

    public static IReadOnlyList<string> ZonesOf(GameServerProxy proxy, GameProfile? profile)
    {
        if (!string.IsNullOrWhiteSpace(proxy.Zones))
        {
            return proxy.Zones.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        return profile is not null ? [.. profile.Zones.Select(z => z.Name)] : ["default"];
    }

    private async Task<StartedInstance?> FindInstanceAsync(
        GameServerProxy proxy, string zone, string? shardName, int joining, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var live = await db.Instances.AsNoTracking()
            .Where(i => i.ProxyId == proxy.Id && i.ZoneName == zone && i.EndedAt == null && i.Status == GameServerStatus.Ready)
            .Select(i => new
            {
                i.Id,
                i.ShardName,
                i.Connection,
                Load = i.NumPlayers + db.JoinTokens.Count(t => t.InstanceId == i.Id && t.UsedAt == null && t.ExpiresAt > now),
            })
            .ToListAsync(cancellationToken);
        var candidate = live
            .Where(i => shardName is null || i.ShardName == shardName)
            .Where(i => i.Load + joining <= proxy.MaxPlayersPerShard)
            .OrderBy(i => i.Load)
            .FirstOrDefault();
        return candidate is null ? null : new StartedInstance(null, candidate.Id, candidate.Connection);
    }

    private async Task<StartedInstance> StartInstanceAsync(
        GameServerProxy proxy, GameProfile? profile, string zone, string? shardName, IReadOnlyList<AllocationPlayer> players,
        CancellationToken cancellationToken)
    {
        GameServerInstance instance;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
            var tracked = await db.Proxies.FirstAsync(p => p.Id == proxy.Id, cancellationToken);
            var now = time.GetUtcNow().UtcDateTime;
            var collectionId = tracked.ActiveCollectionId;
            if (collectionId is null || !await db.Collections.AnyAsync(c => c.Id == collectionId && c.EndedAt == null, cancellationToken))
            {
                var collection = new GameServerCollection { Id = RealmIds.NewId(), ProxyId = proxy.Id, CreatedAt = now, UpdatedAt = now };
                db.Collections.Add(collection);
                tracked.ActiveCollectionId = collection.Id;
                tracked.UpdatedAt = now;
                collectionId = collection.Id;
            }

            // A shard still starting here was left by a stopped host (allocations of a zone never overlap in-process).
            var stale = await db.Instances
                .Where(i => i.ProxyId == proxy.Id && i.ZoneName == zone && i.EndedAt == null && i.Status == GameServerStatus.Starting)
                .ToListAsync(cancellationToken);
            foreach (var leftover in stale)
            {
                leftover.Status = GameServerStatus.Ended;
                leftover.EndedAt = now;
            }

            var taken = await db.Instances
                .Where(i => i.ProxyId == proxy.Id && i.ZoneName == zone && i.EndedAt == null)
                .Select(i => i.ShardName).ToListAsync(cancellationToken);
            taken.AddRange(stale.Select(s => s.ShardName));
            var shard = shardName ?? GameServerSettings.ShardNames.FirstOrDefault(n => !taken.Contains(n));
            if (shard is null || (shardName is not null && taken.Contains(shardName) && stale.All(s => s.ShardName != shardName)))
            {
                return new StartedInstance($"No free shard in zone '{zone}'", null, null);
            }

            instance = new GameServerInstance
            {
                Id = RealmIds.NewId(),
                CollectionId = collectionId,
                ProxyId = proxy.Id,
                ZoneName = zone,
                ShardName = shard,
                Channel = zone + ":" + shard,
                Status = GameServerStatus.Starting,
                MapId = proxy.MapId ?? profile?.Zone(zone)?.PickMap() ?? "default",
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Instances.Add(instance);
            await db.SaveChangesAsync(cancellationToken);
        }

        var deadline = time.GetUtcNow() + (settings.ReadyTimeout * settings.AllocationAttempts);
        string lastError = "No game server could be started";
        for (var attempt = 1; attempt <= settings.AllocationAttempts && time.GetUtcNow() < deadline; attempt++)
        {
            string containerId;
            try
            {
                containerId = await TakeIdleServerAsync(instance.Id, cancellationToken) ?? await LaunchAsync(instance.Id, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                lastError = "No game server could be started";
                continue;
            }

            var loaded = await LoadAsync(containerId, instance, proxy, profile, players, cancellationToken);
            if (loaded.Error is null)
            {
                return loaded;
            }

            lastError = loaded.Error;
            Log.LoadAttemptFailed(logger, instance.Id, containerId, attempt, loaded.Error);
            await EndContainerAsync(containerId, loaded.Error, cancellationToken);
        }

        await EndInstanceAsync(instance.Id, lastError, cancellationToken);
        return new StartedInstance("No game server could load the map: " + lastError, null, null);
    }

    /// <summary>Claims an idle server that is reporting, or null when the pool is empty.</summary>
    private async Task<string?> TakeIdleServerAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
        var fresh = time.GetUtcNow().UtcDateTime - settings.StaleTimeout;
        var idle = await db.Containers
            .Where(c => c.EndedAt == null && c.InstanceId == null && c.LastReportAt != null && c.LastReportAt > fresh)
            .OrderBy(c => c.CreatedAt)
            .Select(c => c.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (idle is null)
        {
            return null;
        }

        var claimed = await db.Containers
            .Where(c => c.Id == idle && c.InstanceId == null && c.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.InstanceId, instanceId), cancellationToken);
        return claimed == 1 ? idle : null;
    }

    private async Task<StartedInstance> LoadAsync(
        string containerId, GameServerInstance instance, GameServerProxy proxy, GameProfile? profile,
        IReadOnlyList<AllocationPlayer> players, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + settings.ReadyTimeout;

        // The load-map push needs the server's socket A: wait for its first report.
        if (!await WaitAsync(
                async db => await db.Containers.AnyAsync(c => c.Id == containerId && (c.LastReportAt != null || c.EndedAt != null), cancellationToken),
                deadline, cancellationToken))
        {
            return new StartedInstance("The game server never connected to its Sidecar", null, null);
        }

        var requestId = RealmIds.NewId();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
            var container = await db.Containers.FirstAsync(c => c.Id == containerId, cancellationToken);
            if (container.EndedAt is not null)
            {
                return new StartedInstance("The game server stopped", null, null);
            }

            var tracked = await db.Instances.FirstAsync(i => i.Id == instance.Id, cancellationToken);
            container.InstanceId = instance.Id;
            tracked.ContainerId = containerId;
            tracked.ProviderId = container.ProviderId;
            tracked.LoadRequestId = requestId;
            tracked.UpdatedAt = time.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(cancellationToken);

            var data = new Dictionary<string, string>(profile?.Data ?? new Dictionary<string, string>(), StringComparer.Ordinal)
            {
                ["redwoodExpectedCharacterIds"] = string.Join(',', players.Select(p => p.CharacterId)),
            };
            var order = new LoadMapOrder(
                requestId, realm.Name, proxy.Id, instance.Id, proxy.Name, tracked.MapId ?? "default", proxy.ModeId, proxy.ContinuousPlay,
                proxy.MaxPlayersPerShard, proxy.OwnerPlayerId, instance.Channel, proxy.ShortCode, data);
            await scope.ServiceProvider.GetRequiredService<IPublisher>()
                .Publish(new GameServerLoadMapOrdered(realm.Id, container.SidecarId, order), cancellationToken);
            Log.LoadMapSent(logger, instance.Id, containerId, instance.Channel, requestId);
        }

        string? failure = null;
        var ready = await WaitAsync(
            async db =>
            {
                var state = await db.Instances.AsNoTracking().Where(i => i.Id == instance.Id)
                    .Select(i => new { i.Status, i.LoadRequestId, i.Connection }).FirstAsync(cancellationToken);
                var server = await db.Containers.AsNoTracking().Where(c => c.Id == containerId)
                    .Select(c => new { c.EndedAt, c.InstanceId }).FirstAsync(cancellationToken);
                if (server.EndedAt is not null || server.InstanceId != instance.Id || state.LoadRequestId != requestId)
                {
                    failure = "The game server failed to load the map";
                    return true;
                }

                return state.Status == GameServerStatus.Ready;
            },
            deadline,
            cancellationToken);
        if (!ready)
        {
            return new StartedInstance("The game server did not load the map in time", null, null);
        }

        if (failure is not null)
        {
            return new StartedInstance(failure, null, null);
        }

        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
            var connection = await db.Instances.Where(i => i.Id == instance.Id).Select(i => i.Connection).FirstAsync(cancellationToken);
            Log.InstanceReady(logger, instance.Id, instance.Channel, connection!);
            return new StartedInstance(null, instance.Id, connection);
        }
    }

    private async Task<AllocationResult> MintAsync(
        string instanceId, string connection, IReadOnlyList<AllocationPlayer> players, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var joins = new List<PlayerJoin>(players.Count);
        foreach (var player in players)
        {
            var token = JoinTokens.New();
            db.JoinTokens.Add(new JoinToken
            {
                TokenHash = JoinTokens.Hash(token),
                PlayerId = player.PlayerId,
                CharacterId = player.CharacterId,
                InstanceId = instanceId,
                CreatedAt = now,
                ExpiresAt = now + settings.JoinTokenLifetime,
            });
            joins.Add(new PlayerJoin(player.PlayerId, player.CharacterId, token));
        }

        if (players.Count > 0)
        {
            await db.Instances.Where(i => i.Id == instanceId)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.EmptySince, (DateTime?)null), cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        return new AllocationResult(null, instanceId, connection, joins);
    }

    private async Task<bool> WaitAsync(Func<RealmDbContext, Task<bool>> probe, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            await using (var scope = scopes.CreateAsyncScope())
            {
                if (await probe(scope.ServiceProvider.GetRequiredService<RealmDbContext>()))
                {
                    return true;
                }
            }

            if (time.GetUtcNow() >= deadline)
            {
                return false;
            }

            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    private sealed record StartedInstance(string? Error, string? InstanceId, string? Connection);
}
