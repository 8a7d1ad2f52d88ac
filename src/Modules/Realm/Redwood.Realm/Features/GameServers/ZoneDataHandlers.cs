using Mediator;
using Microsoft.EntityFrameworkCore;
using Redwood.Realm.Contracts;
using Redwood.Realm.Domain;
using Redwood.Realm.Persistence;

namespace Redwood.Realm.Features.GameServers;

/// <summary><c>persistence:initial-load</c>: the proxy's world data and the zone's data for the server's instance.</summary>
internal sealed class LoadZoneDataHandler(RealmDbContext db) : IRequestHandler<LoadZoneData, LoadZoneDataReply>
{
    public async ValueTask<LoadZoneDataReply> Handle(LoadZoneData request, CancellationToken cancellationToken)
    {
        var instance = await db.Containers.AsNoTracking()
            .Where(c => c.SidecarId == request.ServerId && c.EndedAt == null && c.InstanceId != null)
            .Join(db.Instances, c => c.InstanceId, i => i.Id, (c, i) => new { i.ProxyId, i.ZoneName })
            .FirstOrDefaultAsync(cancellationToken);
        if (instance is null)
        {
            return new LoadZoneDataReply("This game server serves no instance", null, null, "[]");
        }

        var world = await db.Proxies.AsNoTracking().Where(p => p.Id == instance.ProxyId).Select(p => p.WorldData).FirstOrDefaultAsync(cancellationToken);
        var zone = await db.ZoneData.AsNoTracking().Where(z => z.ProxyId == instance.ProxyId && z.ZoneName == instance.ZoneName)
            .Select(z => z.Data).FirstOrDefaultAsync(cancellationToken);
        return new LoadZoneDataReply(string.Empty, world ?? Character.EmptyObject, zone ?? Character.EmptyObject, "[]");
    }
}

/// <summary><c>persistence:update-zone</c>: stores the world data, the zone data and the persistent items sent.</summary>
internal sealed class SaveZoneDataHandler(RealmDbContext db, TimeProvider time) : IRequestHandler<SaveZoneData, GameServerReportReply>
{
    public async ValueTask<GameServerReportReply> Handle(SaveZoneData request, CancellationToken cancellationToken)
    {
        var instance = await db.Containers.AsNoTracking()
            .Where(c => c.SidecarId == request.ServerId && c.EndedAt == null && c.InstanceId != null)
            .Join(db.Instances, c => c.InstanceId, i => i.Id, (c, i) => new { i.ProxyId, i.ZoneName })
            .FirstOrDefaultAsync(cancellationToken);
        if (instance is null)
        {
            return new GameServerReportReply(false);
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (request.Data is not null)
        {
            var proxy = await db.Proxies.FirstAsync(p => p.Id == instance.ProxyId, cancellationToken);
            proxy.WorldData = request.Data;
            proxy.UpdatedAt = now;
        }

        if (request.ZoneData is not null || request.PersistentItems is not null)
        {
            var zone = await db.ZoneData.FirstOrDefaultAsync(z => z.ProxyId == instance.ProxyId && z.ZoneName == instance.ZoneName, cancellationToken);
            if (zone is null)
            {
                zone = new ZoneData { ProxyId = instance.ProxyId, ZoneName = instance.ZoneName };
                db.ZoneData.Add(zone);
            }

            zone.Data = request.ZoneData ?? zone.Data;
            zone.PersistentItems = request.PersistentItems ?? zone.PersistentItems;
            zone.UpdatedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        return new GameServerReportReply(true);
    }
}
