using Mediator;
using Microsoft.EntityFrameworkCore;
using Redwood.Director.Persistence;

namespace Redwood.Director.Features.GlobalData;

/// <summary><c>director:global-data:get:latest</c> (§4.9): the latest non-archived version.</summary>
internal sealed record GetLatestGlobalDataQuery : IQuery<GetLatestGlobalDataResult>;

/// <param name="Data">The data object as JSON text.</param>
internal sealed record GetLatestGlobalDataResult(int Id, string Data);

internal sealed class GetLatestGlobalDataHandler(DirectorDbContext db) : IQueryHandler<GetLatestGlobalDataQuery, GetLatestGlobalDataResult>
{
    public async ValueTask<GetLatestGlobalDataResult> Handle(GetLatestGlobalDataQuery query, CancellationToken cancellationToken) =>
        await db.GlobalData.AsNoTracking()
            .Where(d => d.ArchivedAt == null)
            .OrderByDescending(d => d.Id)
            .Select(d => new GetLatestGlobalDataResult(d.Id, d.Data))
            .FirstOrDefaultAsync(cancellationToken)
        ?? new GetLatestGlobalDataResult(DirectorDbContext.InitialGlobalData.Id, DirectorDbContext.InitialGlobalData.Data);
}
