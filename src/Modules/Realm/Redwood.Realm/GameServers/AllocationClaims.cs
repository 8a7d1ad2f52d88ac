using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Redwood.Realm.Domain;
using Redwood.Realm.Persistence;

namespace Redwood.Realm.GameServers;

/// <summary>Once-only allocation: the unique claim row decides which replica (or which duplicate delivery) acts.</summary>
internal sealed class AllocationClaims(IServiceScopeFactory scopes, TimeProvider time)
{
    /// <summary>
    /// Claims the work; with <paramref name="takeOver"/> (the delivery that claimed it died mid-work) an unfinished
    /// claim is taken over. Finished work is never claimed again.
    /// </summary>
    public async Task<bool> TryClaimAsync(string key, bool takeOver, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
        if (takeOver)
        {
            var now = time.GetUtcNow().UtcDateTime;
            if (await db.AllocationClaims.Where(c => c.Key == key && c.CompletedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.CreatedAt, now), cancellationToken) == 1)
            {
                return true;
            }
        }

        if (await db.AllocationClaims.AnyAsync(c => c.Key == key, cancellationToken))
        {
            return false;
        }

        db.AllocationClaims.Add(new AllocationClaim { Key = key, CreatedAt = time.GetUtcNow().UtcDateTime });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
    }

    public async Task CompleteAsync(string key, string outcome, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var text = outcome.Length > 512 ? outcome[..512] : outcome;
        await db.AllocationClaims.Where(c => c.Key == key)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.CompletedAt, now).SetProperty(c => c.Outcome, text), cancellationToken);
    }
}
