using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Redwood.Realm.Contracts;
using Redwood.SocketIO;

namespace Redwood.Realm.Transport;

/// <summary>Tells other modules when a player's last realm socket in this process closed.</summary>
internal static class PlayerPresence
{
    public static async ValueTask OnDisconnectedAsync(
        SocketIOSocket socket, RealmSettings settings, RealmEndpoint endpoint, IServiceScopeFactory scopes, ILogger logger)
    {
        if (RealmSession.LastPlayerOf(socket) is not { } playerId || endpoint.SocketsOf(playerId).Any(s => s.Id != socket.Id))
        {
            return;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IPublisher>().Publish(new PlayerDisconnectedFromRealm(settings.Id, playerId));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.DisconnectNoticeFailed(logger, playerId, ex);
        }
    }
}
