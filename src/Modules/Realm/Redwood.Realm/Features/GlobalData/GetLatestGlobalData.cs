using Mediator;
using Microsoft.EntityFrameworkCore;
using Redwood.Realm.Persistence;

namespace Redwood.Realm.Features.GlobalData;

/// <summary>The latest non-archived version of the realm's global data (version 1, <c>{}</c>, is seeded).</summary>
internal sealed record GetLatestGlobalDataQuery : IQuery<LatestGlobalData?>;

internal sealed record LatestGlobalData(int Id, string Data);

internal sealed class GetLatestGlobalDataHandler(RealmDbContext db) : IQueryHandler<GetLatestGlobalDataQuery, LatestGlobalData?>
{
    public async ValueTask<LatestGlobalData?> Handle(GetLatestGlobalDataQuery query, CancellationToken cancellationToken) =>
        await db.GlobalData.AsNoTracking()
            .Where(g => !g.Archived)
            .OrderByDescending(g => g.Id)
            .Select(g => new LatestGlobalData(g.Id, g.Data))
            .FirstOrDefaultAsync(cancellationToken);
}
