using Mediator;
using Microsoft.Extensions.Logging;
using Redwood.Director.Contracts;
using Redwood.Realm.Transport;

namespace Redwood.Realm.Integrations;

/// <summary>
/// A player logged out of the Director: end their realm sessions held by this process. Every replica receives the
/// notification and closes only its own sockets, so running it twice is harmless.
/// </summary>
internal sealed class PlayerLoggedOutHandler(RealmEndpoint endpoint, ILogger<PlayerLoggedOutHandler> logger)
    : INotificationHandler<PlayerLoggedOut>
{
    public async ValueTask Handle(PlayerLoggedOut notification, CancellationToken cancellationToken)
    {
        var sockets = endpoint.SocketsOf(notification.PlayerId);
        foreach (var socket in sockets)
        {
            RealmSession.Unbind(socket);
            await socket.DisconnectAsync();
        }

        if (sockets.Count > 0)
        {
            Log.DirectorLogoutClosedSockets(logger, notification.PlayerId, sockets.Count);
        }
    }
}
