using Mediator;
using Redwood.Matchmaking.Contracts;
using Redwood.Realm.Transport;

namespace Redwood.Realm.Integrations;

/// <summary>
/// Ticket news from the Matchmaking module: every Realm process receives it and pushes each message to the sockets it
/// holds for that player (none on other replicas), as <c>realm:ticketing:update</c> or, when the ticket ended,
/// <c>realm:ticketing:ticket-error</c>.
/// </summary>
internal sealed class TicketsUpdatedHandler(RealmSettings settings, RealmEndpoint endpoint) : INotificationHandler<TicketsUpdated>
{
    public async ValueTask Handle(TicketsUpdated notification, CancellationToken cancellationToken)
    {
        if (notification.RealmId != settings.Id)
        {
            return;
        }

        foreach (var message in notification.Messages)
        {
            if (message.IsError)
            {
                await endpoint.PushAsync(message.PlayerId, TicketingRoutes.ErrorPush, new TicketErrorPush(message.Message));
            }
            else
            {
                await endpoint.PushAsync(message.PlayerId, TicketingRoutes.UpdatePush, new TicketUpdatePush(message.Message));
            }
        }
    }

    private sealed record TicketUpdatePush(string Message);

    private sealed record TicketErrorPush(string Error);
}
