using Mediator;
using Redwood.Director.Contracts;
using Redwood.Director.Transport;

namespace Redwood.Director.Integrations;

/// <summary>
/// A session family ended (logout, or token reuse): every Director socket of this process logged in with it is
/// logged out, so its next event gets "Not logged in". Every replica receives the notification and touches only its
/// own sockets, so running it twice is harmless.
/// </summary>
internal sealed class PlayerLoggedOutHandler(DirectorEndpoint endpoint) : INotificationHandler<PlayerLoggedOut>
{
    public ValueTask Handle(PlayerLoggedOut notification, CancellationToken cancellationToken)
    {
        if (notification.SessionFamily is { } family)
        {
            foreach (var socket in endpoint.SocketsOfFamily(family))
            {
                PlayerBinding.Unbind(socket);
            }
        }

        return ValueTask.CompletedTask;
    }
}
