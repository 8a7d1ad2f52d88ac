using Microsoft.EntityFrameworkCore;
using Redwood.SharedKernel.Persistence;

namespace Redwood.Realm.Persistence;

/// <summary>
/// The instance a Sidecar's game server serves now (null when none, or when its container ended): the first read of
/// every save batch, every leave and every refused join token, so compiled once.
/// </summary>
internal static class SidecarInstances
{
    /// <summary>The same lookup as a subquery, for statements that find the instance themselves.</summary>
    public static IQueryable<string?> Served(RealmDbContext db, string sidecarId) =>
        db.Containers.Where(c => c.SidecarId == sidecarId && c.EndedAt == null).Select(c => c.InstanceId);

    public static readonly CompiledPerModel<Func<RealmDbContext, string, CancellationToken, Task<string?>>> Current = new(() =>
        EF.CompileAsyncQuery((RealmDbContext db, string sidecarId, CancellationToken _) =>
            db.Containers
                .Where(c => c.SidecarId == sidecarId && c.EndedAt == null)
                .Select(c => c.InstanceId)
                .FirstOrDefault()));
}
