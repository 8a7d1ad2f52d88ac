using Mediator;
using Microsoft.EntityFrameworkCore;
using Redwood.Director.Contracts;
using Redwood.Realm.Contracts;
using Redwood.Realm.Persistence;
using Redwood.Realm.Transport;

namespace Redwood.Realm.Integrations;

/// <summary>
/// The Director changed a player's nickname or data: a realm that knows the player stores the new PlayerData and, when it
/// differs from what it held, tells the game servers the player is on (<see cref="PlayerDataChanged"/>, pushed by
/// their Sidecar as <c>realm:players:data-changed</c>). Replicas that find it already stored publish nothing.
/// </summary>
internal sealed class PlayerProfileChangedHandler(RealmDbContext db, RealmSettings settings, TimeProvider time, IPublisher publisher)
    : INotificationHandler<PlayerProfileChanged>
{
    public async ValueTask Handle(PlayerProfileChanged notification, CancellationToken cancellationToken)
    {
        var player = await db.Players.FirstOrDefaultAsync(p => p.Id == notification.PlayerId, cancellationToken);
        if (player is null || (player.Nickname == notification.Nickname && player.Data == notification.Data))
        {
            return;
        }

        player.Nickname = notification.Nickname;
        player.Data = notification.Data;
        player.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        await publisher.Publish(
            new PlayerDataChanged(settings.Id, notification.PlayerId, PlayerDataWire.Json(notification.PlayerId, notification.Nickname, notification.Data)),
            cancellationToken);
    }
}
