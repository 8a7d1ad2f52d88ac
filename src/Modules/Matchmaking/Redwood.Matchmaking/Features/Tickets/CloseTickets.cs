using Mediator;
using Microsoft.Extensions.Logging;
using Redwood.Matchmaking.Contracts;
using Redwood.Matchmaking.Features.Processing;
using Redwood.Matchmaking.Persistence;

namespace Redwood.Matchmaking.Features.Tickets;

/// <summary>
/// Ends every ticket of the player in the realm: the one their slot points at and any other the last tick saw for
/// them (a ticket whose slot was lost), then frees the slot. Holds the realm lock so the tick cannot match them after.
/// </summary>
internal sealed class CloseTicketsHandler(
    TicketStore store, RealmLocks locks, TicketNotices notices, ILogger<CloseTicketsHandler> logger)
    : IRequestHandler<CloseTickets, CloseTicketsReply>
{
    public async ValueTask<CloseTicketsReply> Handle(CloseTickets request, CancellationToken cancellationToken)
    {
        using var _ = await locks.EnterAsync(request.RealmId, cancellationToken);
        var ids = new HashSet<string>(notices.IndexedTicketsOf(request.RealmId, request.PlayerId), StringComparer.Ordinal);
        if (await store.TicketOfPlayerAsync(request.RealmId, request.PlayerId, cancellationToken) is { } slot)
        {
            ids.Add(slot);
        }

        var closed = 0;
        foreach (var id in ids)
        {
            var ticket = await store.FindAsync(request.RealmId, id, cancellationToken);
            if (ticket is null || ticket.PlayerId != request.PlayerId)
            {
                continue;
            }

            if (await store.DeleteAsync(request.RealmId, id, cancellationToken))
            {
                closed++;
                notices.Forget(id);
                Log.TicketEnded(logger, id, request.PlayerId, request.RealmId, "left by the player");
            }
        }

        await store.ReleasePlayerAsync(request.RealmId, request.PlayerId, cancellationToken);
        return new CloseTicketsReply(closed);
    }
}
