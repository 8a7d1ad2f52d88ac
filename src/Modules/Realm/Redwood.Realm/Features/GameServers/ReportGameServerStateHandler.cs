using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Redwood.Realm.Contracts;
using Redwood.Realm.Domain;
using Redwood.Realm.GameServers;
using Redwood.Realm.Persistence;

namespace Redwood.Realm.Features.GameServers;

/// <summary>
/// A game server's state, relayed by its Sidecar: keeps the server fresh (stale servers are ended), counts players, and
/// marks the instance ready once the server reports its load request in <c>WaitingForPlayers</c> or <c>Started</c>.
/// </summary>
internal sealed class ReportGameServerStateHandler(RealmDbContext db, TimeProvider time)
    : IRequestHandler<ReportGameServerState, GameServerReportReply>
{
    public async ValueTask<GameServerReportReply> Handle(ReportGameServerState request, CancellationToken cancellationToken)
    {
        var container = await db.Containers.FirstOrDefaultAsync(c => c.SidecarId == request.ServerId && c.EndedAt == null, cancellationToken);
        if (container is null)
        {
            return new GameServerReportReply(false);
        }

        var now = time.GetUtcNow().UtcDateTime;
        container.LastReportAt = now;
        container.ReportedState = request.State;
        container.UpdatedAt = now;
        if (container.InstanceId is { } instanceId
            && await db.Instances.FirstOrDefaultAsync(i => i.Id == instanceId && i.EndedAt == null, cancellationToken) is { } instance)
        {
            if (instance.LoadRequestId is not null && request.RequestId == instance.LoadRequestId)
            {
                // A heartbeat that changes nothing writes only the container's report time.
                var numPlayers = Math.Max(0, request.NumPlayers);
                if (instance.NumPlayers != numPlayers)
                {
                    instance.NumPlayers = numPlayers;
                    instance.UpdatedAt = now;
                }

                if (instance.Status == GameServerStatus.Starting && request.State is "WaitingForPlayers" or "Started")
                {
                    instance.Status = GameServerStatus.Ready;
                    instance.StartedAt = now;
                    instance.Connection = container.Connection;
                    instance.UpdatedAt = now;
                }
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return new GameServerReportReply(true);
    }
}

/// <summary>
/// A game server refused its load-map: the allocation waiting on it sees the request withdrawn and moves to another server.
/// </summary>
internal sealed class ReportMapLoadFailedHandler(RealmDbContext db, TimeProvider time, ILogger<ReportMapLoadFailedHandler> logger)
    : IRequestHandler<ReportMapLoadFailed, GameServerReportReply>
{
    public async ValueTask<GameServerReportReply> Handle(ReportMapLoadFailed request, CancellationToken cancellationToken)
    {
        var container = await db.Containers.FirstOrDefaultAsync(c => c.SidecarId == request.ServerId && c.EndedAt == null, cancellationToken);
        if (container?.InstanceId is not { } instanceId)
        {
            return new GameServerReportReply(container is not null);
        }

        Log.MapLoadRefused(logger, request.ServerId, request.RequestId, request.Error);
        var instance = await db.Instances.FirstOrDefaultAsync(i => i.Id == instanceId, cancellationToken);
        if (instance is not null && instance.Status == GameServerStatus.Starting
            && (request.RequestId.Length == 0 || request.RequestId == instance.LoadRequestId))
        {
            instance.LoadRequestId = null;
            instance.UpdatedAt = time.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(cancellationToken);
        }

        return new GameServerReportReply(true);
    }
}

/// <summary>A player left a game server: the shard's count drops at once (the next state report confirms it).</summary>
internal sealed class ReportPlayerLeftHandler(RealmDbContext db, TimeProvider time) : IRequestHandler<ReportPlayerLeft, GameServerReportReply>
{
    public async ValueTask<GameServerReportReply> Handle(ReportPlayerLeft request, CancellationToken cancellationToken)
    {
        // One statement: the instance this server serves is found inside the update. Only when nothing was updated (no
        // instance, or already empty) is it looked up, to tell the Sidecar whether the server is known.
        var now = time.GetUtcNow().UtcDateTime;
        var served = SidecarInstances.Served(db, request.ServerId);
        var updated = await db.Instances
            .Where(i => i.Id == served.FirstOrDefault() && i.NumPlayers > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.NumPlayers, i => i.NumPlayers - 1).SetProperty(i => i.UpdatedAt, now), cancellationToken);
        return new GameServerReportReply(updated > 0 || await SidecarInstances.Current.For(db)(db, request.ServerId, cancellationToken) is not null);
    }
}

/// <summary>How full a proxy's zone is: players on each live shard plus the join tokens still outstanding there.</summary>
internal sealed class GetZoneLoadHandler(RealmDbContext db, TimeProvider time) : IRequestHandler<GetZoneLoad, ZoneLoadReply>
{
    public async ValueTask<ZoneLoadReply> Handle(GetZoneLoad request, CancellationToken cancellationToken)
    {
        var proxy = await db.Proxies.AsNoTracking().Where(p => p.Id == request.ProxyId)
            .Select(p => new { p.EndedAt, p.MaxPlayersPerShard }).FirstOrDefaultAsync(cancellationToken);
        if (proxy is null || proxy.EndedAt is not null)
        {
            return new ZoneLoadReply(false, 0, []);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var shards = await db.Instances.AsNoTracking()
            .Where(i => i.ProxyId == request.ProxyId && i.ZoneName == request.ZoneName && i.EndedAt == null)
            .OrderBy(i => i.ShardName)
            .Select(i => new ShardLoad(
                i.ShardName,
                i.NumPlayers + db.JoinTokens.Count(t => t.InstanceId == i.Id && t.UsedAt == null && t.ExpiresAt > now)))
            .ToListAsync(cancellationToken);
        return new ZoneLoadReply(true, proxy.MaxPlayersPerShard, shards);
    }
}
