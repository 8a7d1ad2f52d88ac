using Mediator;
using Redwood.Realm.Contracts;
using Redwood.Realm.Transport;

namespace Redwood.Realm.Integrations;

/// <summary>
/// Pushes <c>realm:servers:connect-to-instance</c> to the player's sockets held by this process (other replicas hold
/// none of them and do nothing).
/// </summary>
internal sealed class PlayerSentToGameServerHandler(RealmSettings settings, RealmEndpoint endpoint) : INotificationHandler<PlayerSentToGameServer>
{
    public const string ConnectToInstance = "realm:servers:connect-to-instance";

    public async ValueTask Handle(PlayerSentToGameServer notification, CancellationToken cancellationToken)
    {
        if (notification.RealmId == settings.Id)
        {
            await endpoint.PushAsync(notification.PlayerId, ConnectToInstance, new ConnectToInstancePush(notification.Connection, notification.Token, false));
        }
    }
}
