using Mediator;
using Redwood.Realm.Contracts;
using Redwood.Sidecar.Transport;

namespace Redwood.Sidecar.Integrations;

/// <summary>The Realm allocated a server: the Sidecar holding it pushes <c>load-map</c> on its socket A (others ignore it).</summary>
internal sealed class GameServerLoadMapOrderedHandler(SidecarServers servers) : INotificationHandler<GameServerLoadMapOrdered>
{
    public async ValueTask Handle(GameServerLoadMapOrdered notification, CancellationToken cancellationToken) =>
        await servers.SendLoadMapAsync(notification.ServerId, notification.Map);
}

/// <summary>A player's PlayerData changed: every game server they are on gets <c>realm:players:data-changed</c>.</summary>
internal sealed class PlayerDataChangedHandler(SidecarServers servers) : INotificationHandler<PlayerDataChanged>
{
    public async ValueTask Handle(PlayerDataChanged notification, CancellationToken cancellationToken) =>
        await servers.PushPlayerDataAsync(notification.PlayerId, notification.PlayerData);
}

/// <summary>The Realm stopped a server: a standalone Sidecar serving it asks Agones to shut it down (others ignore it).</summary>
internal sealed class GameServerShutdownOrderedHandler(StandaloneSidecar standalone) : INotificationHandler<GameServerShutdownOrdered>
{
    public async ValueTask Handle(GameServerShutdownOrdered notification, CancellationToken cancellationToken) =>
        await standalone.ShutdownAsync(notification.ServerId, notification.Reason, cancellationToken);
}
