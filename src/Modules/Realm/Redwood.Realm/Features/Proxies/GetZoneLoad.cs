using Mediator;
using Microsoft.EntityFrameworkCore;
using Redwood.Realm.Contracts;
using Redwood.Realm.Persistence;

namespace Redwood.Realm.Features.Proxies;

/// <summary>
/// Answers the Matchmaking module's queue admission: whether the proxy is live, its cap per shard and the load of the
/// zone's shards. A question about another realm fails (the asker retries at its next tick) rather than declaring
/// that realm's proxy gone.
/// </summary>
internal sealed class GetZoneLoadHandler(RealmDbContext db, RealmSettings settings) : IRequestHandler<GetZoneLoad, ZoneLoadReply>
{
    public async ValueTask<ZoneLoadReply> Handle(GetZoneLoad request, CancellationToken cancellationToken)
    {
        if (request.RealmId != settings.Id)
        {
            throw new InvalidOperationException($"Realm '{request.RealmId}' is not served by this process (realm '{settings.Id}').");
        }

        var proxy = await db.Proxies.AsNoTracking()
            .Where(p => p.Id == request.ProxyId && p.EndedAt == null)
            .Select(p => new { p.MaxPlayersPerShard })
            .FirstOrDefaultAsync(cancellationToken);
        return proxy is null ? new ZoneLoadReply(false, 0, []) : new ZoneLoadReply(true, proxy.MaxPlayersPerShard, []);
    }
}
