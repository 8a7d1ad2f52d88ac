using Microsoft.EntityFrameworkCore;

namespace Redwood.Realm.Persistence;

/// <summary>
/// Serializes the transactions that count a player's rows against a quota and then insert one, so concurrent requests
/// of one player (several sockets, several Realm processes) cannot all pass the count before any insert.
/// </summary>
internal static class OwnerLock
{
    /// <summary>
    /// Takes the lock for (<paramref name="scope"/>, <paramref name="playerId"/>) until the current transaction ends.
    /// On PostgreSQL it is a transaction-scoped advisory lock (other players' creates do not wait). On SQLite the
    /// transaction itself is already the store's single writer (<c>BEGIN IMMEDIATE</c> behind the write gate), so there
    /// is nothing more to take.
    /// </summary>
    public static async Task TakeAsync(RealmDbContext db, string scope, string playerId, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("An owner lock needs a transaction to live in.");
        }

        if (db is PostgresRealmDbContext)
        {
            var key = "redwood:realm:" + scope + ":" + playerId;
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({key}, 0))", cancellationToken);
        }
    }
}
