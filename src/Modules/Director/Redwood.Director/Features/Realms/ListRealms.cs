using Mediator;
using Microsoft.EntityFrameworkCore;
using Redwood.Director.Persistence;

namespace Redwood.Director.Features.Realms;

/// <summary><c>realm:list</c>: the listed realms in configuration order (the plugin picks the first).</summary>
internal sealed record ListRealmsQuery : IQuery<ListRealmsResult>;

internal sealed record ListRealmsResult(IReadOnlyList<RealmView> Realms);

/// <summary>A realm as listed (§4.3); name and URI are those of the realm's latest sign-in when it signed in.</summary>
internal sealed record RealmView(string Id, string Name, string Uri, bool Listed, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>When the Director started: the dates of realms that never signed in.</summary>
internal sealed class DirectorClock(TimeProvider time)
{
    public DateTime StartedAt { get; } = time.GetUtcNow().UtcDateTime;
}

internal sealed class ListRealmsHandler(DirectorDbContext db, DirectorSettings settings, DirectorClock clock)
    : IQueryHandler<ListRealmsQuery, ListRealmsResult>
{
    public async ValueTask<ListRealmsResult> Handle(ListRealmsQuery query, CancellationToken cancellationToken)
    {
        var listed = settings.Realms.Where(r => r.Listed).ToList();
        var ids = listed.Select(r => r.Id).ToList();
        var signIns = await db.RealmSignIns.AsNoTracking()
            .Where(r => ids.Contains(r.RealmId))
            .ToDictionaryAsync(r => r.RealmId, cancellationToken);
        return new ListRealmsResult(listed
            .Select(r => signIns.TryGetValue(r.Id, out var signIn)
                ? new RealmView(r.Id, signIn.Name, signIn.Uri, true, signIn.CreatedAt, signIn.UpdatedAt)
                : new RealmView(r.Id, r.Name, r.Uri, true, clock.StartedAt, clock.StartedAt))
            .ToList());
    }
}
