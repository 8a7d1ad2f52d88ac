using Mediator;
using Microsoft.Extensions.Logging;
using Redwood.Matchmaking.Contracts;
using Redwood.Matchmaking.Domain;
using Redwood.Matchmaking.Features.Processing;
using Redwood.Matchmaking.Persistence;
using Redwood.Realm.Contracts;

namespace Redwood.Matchmaking.Integrations;

/// <summary>Every player of the match was sent to a ready server: its tickets are done.</summary>
internal sealed class MatchServedHandler(TicketStore store, RealmLocks locks, TicketNotices notices) : INotificationHandler<MatchServed>
{
    public async ValueTask Handle(MatchServed notification, CancellationToken cancellationToken)
    {
        using var _ = await locks.EnterAsync(notification.RealmId, cancellationToken);
        var match = await store.FindMatchAsync(notification.RealmId, notification.MatchId, cancellationToken);
        if (match is null)
        {
            return;
        }

        foreach (var id in match.TicketIds)
        {
            if (await store.FindAsync(notification.RealmId, id, cancellationToken) is { MatchId: var matchId } ticket && matchId == match.Id)
            {
                await ProcessTicketsHandler.EndAsync(store, ticket, cancellationToken);
                notices.Forget(id);
            }
        }

        await store.DeleteMatchAsync(notification.RealmId, match.Id, cancellationToken);
    }
}

/// <summary>The Realm gave up on the match's server: its tickets go back to the pool at once and the players hear why.</summary>
internal sealed class MatchFailedHandler(
    TicketStore store, RealmLocks locks, TicketNotices notices, IPublisher publisher, TimeProvider time, ILogger<MatchFailedHandler> logger)
    : INotificationHandler<MatchFailed>
{
    public async ValueTask Handle(MatchFailed notification, CancellationToken cancellationToken)
    {
        var messages = new List<TicketMessage>();
        using (await locks.EnterAsync(notification.RealmId, cancellationToken))
        {
            var match = await store.FindMatchAsync(notification.RealmId, notification.MatchId, cancellationToken);
            if (match is null)
            {
                return;
            }

            var now = time.GetUtcNow();
            foreach (var id in match.TicketIds)
            {
                if (await store.FindAsync(notification.RealmId, id, cancellationToken) is { State: TicketState.Placed } ticket && ticket.MatchId == match.Id)
                {
                    var back = ProcessTicketsHandler.BackToPool(ticket, now);
                    await store.SaveAsync(back, cancellationToken);
                    notices.Tell(messages, back, $"{notification.Reason}; searching again", now);
                }
            }

            await store.DeleteMatchAsync(notification.RealmId, match.Id, cancellationToken);
            Log.MatchReturned(logger, match.Id, notification.RealmId, notification.Reason, match.TicketIds.Count);
        }

        if (messages.Count > 0)
        {
            await publisher.Publish(new TicketsUpdated(notification.RealmId, messages), cancellationToken);
        }
    }
}

/// <summary>An admitted queue player was sent to the shard: the ticket is done.</summary>
internal sealed class QueueAdmissionServedHandler(TicketStore store, RealmLocks locks, TicketNotices notices)
    : INotificationHandler<QueueAdmissionServed>
{
    public async ValueTask Handle(QueueAdmissionServed notification, CancellationToken cancellationToken)
    {
        using var _ = await locks.EnterAsync(notification.RealmId, cancellationToken);
        if (await store.FindAsync(notification.RealmId, notification.TicketId, cancellationToken) is { } ticket)
        {
            await ProcessTicketsHandler.EndAsync(store, ticket, cancellationToken);
            notices.Forget(ticket.Id);
        }
    }
}

/// <summary>The Realm could not start the admitted shard: the ticket goes back to the queue at once (it keeps its place).</summary>
internal sealed class QueueAdmissionFailedHandler(
    TicketStore store, RealmLocks locks, TicketNotices notices, IPublisher publisher, TimeProvider time)
    : INotificationHandler<QueueAdmissionFailed>
{
    public async ValueTask Handle(QueueAdmissionFailed notification, CancellationToken cancellationToken)
    {
        var messages = new List<TicketMessage>();
        using (await locks.EnterAsync(notification.RealmId, cancellationToken))
        {
            if (await store.FindAsync(notification.RealmId, notification.TicketId, cancellationToken) is not { State: TicketState.Placed } ticket)
            {
                return;
            }

            var back = ProcessTicketsHandler.BackToPool(ticket, time.GetUtcNow());
            await store.SaveAsync(back, cancellationToken);
            notices.Tell(messages, back, $"{notification.Reason}; back in the queue", time.GetUtcNow());
        }

        await publisher.Publish(new TicketsUpdated(notification.RealmId, messages), cancellationToken);
    }
}
