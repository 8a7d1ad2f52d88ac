using Mediator;
using Redwood.Matchmaking.Features.Processing;
using Redwood.Matchmaking.Persistence;
using Redwood.Realm.Contracts;

namespace Redwood.Matchmaking.Integrations;

/// <summary>
/// The player's last realm socket closed: their ticket ends unless they sign in again within the grace period
/// (the tick ends it; see <c>Redwood:Matchmaking:DisconnectGrace</c>).
/// </summary>
internal sealed class PlayerDisconnectedFromRealmHandler(TicketStore store, RealmLocks locks, TimeProvider time)
    : INotificationHandler<PlayerDisconnectedFromRealm>
{
    public async ValueTask Handle(PlayerDisconnectedFromRealm notification, CancellationToken cancellationToken)
    {
        using var _ = await locks.EnterAsync(notification.RealmId, cancellationToken);
        if (await store.TicketOfPlayerAsync(notification.RealmId, notification.PlayerId, cancellationToken) is { } id
            && await store.FindAsync(notification.RealmId, id, cancellationToken) is { DisconnectedAt: null } ticket)
        {
            await store.SaveAsync(ticket with { DisconnectedAt = time.GetUtcNow() }, cancellationToken);
        }
    }
}

/// <summary>The player is back on the realm: their ticket carries on.</summary>
internal sealed class PlayerSignedInToRealmHandler(TicketStore store, RealmLocks locks) : INotificationHandler<PlayerSignedInToRealm>
{
    public async ValueTask Handle(PlayerSignedInToRealm notification, CancellationToken cancellationToken)
    {
        if (await store.TicketOfPlayerAsync(notification.RealmId, notification.PlayerId, cancellationToken) is not { } id)
        {
            return;
        }

        using var _ = await locks.EnterAsync(notification.RealmId, cancellationToken);
        if (await store.FindAsync(notification.RealmId, id, cancellationToken) is { DisconnectedAt: not null } ticket)
        {
            await store.SaveAsync(ticket with { DisconnectedAt = null }, cancellationToken);
        }
    }
}
