using Mediator;
using Microsoft.EntityFrameworkCore;
using Redwood.Director.Domain;
using Redwood.Director.Persistence;
using Redwood.SharedKernel.Persistence;

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
    // Every sign-in (one row per realm that ever signed in): no list parameter, so one SQL text, compiled once.
    private static readonly CompiledPerModel<Func<DirectorDbContext, IAsyncEnumerable<RealmSignIn>>> SignIns = new(() =>
        EF.CompileAsyncQuery((DirectorDbContext db) => db.RealmSignIns.AsNoTracking()));

    public async ValueTask<ListRealmsResult> Handle(ListRealmsQuery query, CancellationToken cancellationToken)
    {
        var listed = settings.Realms.Where(r => r.Listed).ToList();
        var signIns = new Dictionary<string, RealmSignIn>(StringComparer.Ordinal);
        await foreach (var signIn in SignIns.For(db)(db).WithCancellation(cancellationToken))
        {
            signIns[signIn.RealmId] = signIn;
        }

        return new ListRealmsResult(listed
            .Select(r => signIns.TryGetValue(r.Id, out var signIn)
                ? new RealmView(r.Id, signIn.Name, signIn.Uri, true, signIn.CreatedAt, signIn.UpdatedAt)
                : new RealmView(r.Id, r.Name, r.Uri, true, clock.StartedAt, clock.StartedAt))
            .ToList());
    }
}
