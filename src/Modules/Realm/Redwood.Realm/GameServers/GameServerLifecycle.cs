using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Redwood.Realm.Domain;
using Redwood.Realm.Persistence;
using Redwood.SharedKernel.Ephemeral;
using Redwood.SharedKernel.Messaging;

namespace Redwood.Realm.GameServers;

/// <summary>
/// Ends what stopped living: servers the provider lost or that stopped reporting (with their instance), shards empty
/// for the proxy's <c>numMinutesToDestroyEmptyShard</c> (not the last shard of a start-on-boot proxy, which would be
/// recreated at once), collections whose last instance ended (and their proxy when it ends with them). Keeps the warm
/// pool filled and starts start-on-boot proxies.
/// </summary>
internal sealed class GameServerLifecycle(
    IServiceScopeFactory scopes,
    GameServerAllocator allocator,
    IGameServerProvider provider,
    GameServerSettings settings,
    AllocationJobs jobs,
    TimeProvider time,
    ILogger<GameServerLifecycle> logger)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _booting = new(StringComparer.Ordinal);
    private int _warming;

    /// <summary>Ends a collection: every instance and server, then the proxy when it ends with its collection.</summary>
    public async Task EndCollectionAsync(string collectionId, string reason, CancellationToken cancellationToken)
    {
        List<string> instances;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
            instances = await db.Instances.Where(i => i.CollectionId == collectionId && i.EndedAt == null)
                .Select(i => i.Id).ToListAsync(cancellationToken);
        }

        foreach (var instanceId in instances)
        {
            await allocator.EndInstanceAsync(instanceId, reason, cancellationToken);
        }

        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
            var collection = await db.Collections.FirstOrDefaultAsync(c => c.Id == collectionId, cancellationToken);
            if (collection is null || collection.EndedAt is not null)
            {
                return;
            }

            var now = time.GetUtcNow().UtcDateTime;
            collection.EndedAt = now;
            collection.UpdatedAt = now;
            var proxy = await db.Proxies.FirstOrDefaultAsync(p => p.Id == collection.ProxyId, cancellationToken);
            if (proxy is not null && proxy.ActiveCollectionId == collectionId)
            {
                proxy.ActiveCollectionId = null;
                proxy.UpdatedAt = now;
                if (proxy.ProxyEndsWhenCollectionEnds)
                {
                    proxy.EndedAt = now;
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            Log.CollectionEnded(logger, collectionId, collection.ProxyId, reason);
        }
    }

    /// <summary>
    /// One pass: the realm-wide checks only on the process holding the realm's lifecycle lease (one replica ends and
    /// starts what the realm has), the warm pool of this process's own provider on every process.
    /// </summary>
    public async Task TickAsync(bool realmWide, CancellationToken cancellationToken)
    {
        if (realmWide)
        {
            await EndLostServersAsync(cancellationToken);
            await StopEmptyShardsAsync(cancellationToken);
            await EndFinishedCollectionsAsync(cancellationToken);
            await StartOnBootProxiesAsync(cancellationToken);
        }

        FillWarmPool();
    }

    /// <summary>
    /// Starts the first zone of every live start-on-boot proxy that has nothing running: at boot, once the flag is set,
    /// and again when its server was lost.
    /// </summary>
    public async Task StartOnBootProxiesAsync(CancellationToken cancellationToken)
    {
        List<string> proxies;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
            proxies = await db.Proxies.AsNoTracking()
                .Where(p => p.StartOnBoot && p.EndedAt == null
                    && !db.Instances.Any(i => i.ProxyId == p.Id && i.EndedAt == null && i.Status == GameServerStatus.Ready))
                .Select(p => p.Id).ToListAsync(cancellationToken);
        }

        foreach (var proxyId in proxies)
        {
            if (!_booting.TryAdd(proxyId, true))
            {
                continue;
            }

            _ = jobs.Start("start-on-boot proxy " + proxyId, async ct =>
            {
                try
                {
                    var result = await allocator.AllocateAsync(proxyId, null, null, [], ct);
                    if (result.Error is not null)
                    {
                        Log.StartOnBootFailed(logger, proxyId, result.Error);
                    }
                }
                finally
                {
                    _booting.TryRemove(proxyId, out _);
                }
            });
        }
    }

    private async Task EndLostServersAsync(CancellationToken cancellationToken)
    {
        List<(string Id, string? InstanceId, string Reason)> lost = [];
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
            var now = time.GetUtcNow().UtcDateTime;
            var servers = await db.Containers.AsNoTracking().Where(c => c.EndedAt == null)
                .Select(c => new { c.Id, c.InstanceId, c.LastReportAt, c.CreatedAt }).ToListAsync(cancellationToken);
            foreach (var server in servers)
            {
                if (provider.IsRunning(server.Id) == false)
                {
                    lost.Add((server.Id, server.InstanceId, "the process exited"));
                }
                else if (server.LastReportAt is { } last ? now - last > settings.StaleTimeout : now - server.CreatedAt > settings.ReadyTimeout)
                {
                    lost.Add((server.Id, server.InstanceId, "it stopped reporting"));
                }
            }
        }

        foreach (var (id, instanceId, reason) in lost)
        {
            if (instanceId is not null)
            {
                await allocator.EndInstanceAsync(instanceId, reason, cancellationToken);
            }

            await allocator.EndContainerAsync(id, reason, cancellationToken);
        }
    }

    private async Task StopEmptyShardsAsync(CancellationToken cancellationToken)
    {
        List<string> expired = [];
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
            var now = time.GetUtcNow().UtcDateTime;
            var shards = await db.Instances
                .Where(i => i.EndedAt == null && i.Status == GameServerStatus.Ready)
                .Join(db.Proxies, i => i.ProxyId, p => p.Id, (i, p) => new
                {
                    Instance = i,
                    p.NumMinutesToDestroyEmptyShard,
                    p.StartOnBoot,
                    Outstanding = db.JoinTokens.Any(t => t.InstanceId == i.Id && t.UsedAt == null && t.ExpiresAt > now),
                })
                .ToListAsync(cancellationToken);
            foreach (var shard in shards)
            {
                var instance = shard.Instance;
                if (instance.NumPlayers > 0 || shard.Outstanding)
                {
                    instance.EmptySince = null;
                    continue;
                }

                instance.EmptySince ??= now;
                var lastOfZone = shards.Count(s => s.Instance.ProxyId == instance.ProxyId && s.Instance.ZoneName == instance.ZoneName) == 1;
                if (shard.NumMinutesToDestroyEmptyShard >= 0
                    && now - instance.EmptySince >= TimeSpan.FromMinutes(shard.NumMinutesToDestroyEmptyShard)
                    && !(shard.StartOnBoot && lastOfZone))
                {
                    expired.Add(instance.Id);
                }
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        foreach (var instanceId in expired)
        {
            await allocator.EndInstanceAsync(instanceId, "the shard stayed empty", cancellationToken);
        }
    }

    private async Task EndFinishedCollectionsAsync(CancellationToken cancellationToken)
    {
        List<string> finished;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
            finished = await db.Collections.AsNoTracking()
                .Where(c => c.EndedAt == null
                    && db.Instances.Any(i => i.CollectionId == c.Id)
                    && !db.Instances.Any(i => i.CollectionId == c.Id && i.EndedAt == null))
                .Select(c => c.Id).ToListAsync(cancellationToken);
        }

        foreach (var collectionId in finished)
        {
            await EndCollectionAsync(collectionId, "its last instance ended", cancellationToken);
        }
    }

    private void FillWarmPool()
    {
        if (settings.WarmPoolSize == 0 || Interlocked.CompareExchange(ref _warming, 1, 0) != 0)
        {
            return;
        }

        _ = jobs.Start("warm pool", async ct =>
        {
            try
            {
                int idle;
                await using (var scope = scopes.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
                    idle = await db.Containers.CountAsync(c => c.EndedAt == null && c.InstanceId == null, ct);
                }

                for (var i = idle; i < settings.WarmPoolSize; i++)
                {
                    await allocator.LaunchAsync(null, ct);
                }
            }
            finally
            {
                Volatile.Write(ref _warming, 0);
            }
        });
    }
}

/// <summary>
/// Runs <see cref="GameServerLifecycle"/>: start-on-boot proxies at once, then a tick every <c>MonitorInterval</c>. The
/// realm-wide part runs under the lease <c>realm:&lt;id&gt;:lifecycle</c>, so that with several replicas of a realm one
/// process at a time ends lost servers, empty shards and finished collections and starts start-on-boot proxies; another
/// takes over within the interval plus five seconds when the holder dies.
/// </summary>
internal sealed partial class GameServerMonitor(
    GameServerLifecycle lifecycle, GameServerSettings settings, RealmSettings realm, IEphemeralStore store, TimeProvider time, ILogger<GameServerMonitor> logger)
    : BackgroundService
{
    private readonly string _lease = $"realm:{realm.Id}:lifecycle";
    private bool _holding;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            if (await HoldLeaseAsync(stoppingToken))
            {
                await lifecycle.StartOnBootProxiesAsync(stoppingToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.MonitorFailed(logger, ex);
        }

        using var timer = new PeriodicTimer(settings.MonitorInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await lifecycle.TickAsync(await HoldLeaseAsync(stoppingToken), stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.MonitorFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_holding)
        {
            // Hand over at once instead of after the lease time.
            await store.ReleaseLeaseAsync(_lease, LeasedPeriodicCommandService.Owner, cancellationToken);
        }
    }

    private async Task<bool> HoldLeaseAsync(CancellationToken cancellationToken)
    {
        var holding = await store.TryHoldLeaseAsync(_lease, LeasedPeriodicCommandService.Owner, settings.MonitorInterval + TimeSpan.FromSeconds(5), cancellationToken);
        if (holding != _holding)
        {
            _holding = holding;
            LogLease(logger, _lease, holding ? "took" : "does not hold");
        }

        return holding;
    }

    [LoggerMessage(96, LogLevel.Information, "This process {State} the lease {Lease}")]
    private static partial void LogLease(ILogger logger, string lease, string state);
}
