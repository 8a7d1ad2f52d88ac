using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Redwood.Matchmaking.Contracts;
using Redwood.Realm.Contracts;
using Redwood.Realm.Domain;
using Redwood.Realm.GameServers;
using Redwood.Realm.Persistence;
using Redwood.SharedKernel.Games;
using Redwood.SharedKernel.Messaging;

namespace Redwood.Realm.Integrations;

/// <summary>
/// A match was made: start a private proxy of the profile (ending with its collection, as Redwood does), allocate its
/// matchmaking zone and send every player there, then report <see cref="MatchServed"/> (or <see cref="MatchFailed"/>).
/// The <c>match:&lt;id&gt;</c> claim row makes one replica allocate, once; a redelivered match (the replica that
/// claimed it died mid-work) is taken over.
/// </summary>
internal sealed class MatchFoundHandler(
    RealmSettings settings, AllocationClaims claims, AllocationJobs jobs, IServiceScopeFactory scopes, ILogger<MatchFoundHandler> logger)
    : INotificationHandler<MatchFound>
{
    public async ValueTask Handle(MatchFound notification, CancellationToken cancellationToken)
    {
        if (notification.RealmId != settings.Id || !await claims.TryClaimAsync("match:" + notification.MatchId, WorkDelivery.IsRedelivery, cancellationToken))
        {
            return;
        }

        Log.MatchAllocating(logger, notification.MatchId, notification.ProfileId, notification.Tickets.Count);
        await jobs.RunAsync("match " + notification.MatchId, ct => ServeAsync(notification, ct));
    }

    private async Task ServeAsync(MatchFound match, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var publisher = services.GetRequiredService<IPublisher>();
        var profile = services.GetRequiredService<GameProfiles>().Find(match.ProfileId);
        if (profile is null)
        {
            await FailAsync(publisher, match, $"Unknown game profile '{match.ProfileId}'", cancellationToken);
            return;
        }

        var db = services.GetRequiredService<RealmDbContext>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var proxy = new GameServerProxy
        {
            Id = RealmIds.NewId(),
            CreatedAt = now,
            UpdatedAt = now,
            Name = "Match " + match.MatchId,
            ModeId = profile.Id,
            Region = match.Region,
            Zones = profile.ZoneList,
            MaxPlayersPerShard = profile.MaxPlayersPerShard,
            NumPlayersToAddShard = profile.NumPlayersToAddShard,
            NumMinutesToDestroyEmptyShard = profile.NumMinutesToDestroyEmptyShard,
            Public = false,
            ProxyEndsWhenCollectionEnds = true,
        };
        db.Proxies.Add(proxy);
        await db.SaveChangesAsync(cancellationToken);

        var allocator = services.GetRequiredService<GameServerAllocator>();
        var players = match.Tickets.Select(t => new AllocationPlayer(t.PlayerId, t.CharacterId)).ToList();
        var result = await allocator.AllocateAsync(proxy.Id, match.ZoneName, null, players, cancellationToken);
        if (result.Error is not null)
        {
            proxy.EndedAt = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(CancellationToken.None);
            await FailAsync(publisher, match, result.Error, cancellationToken);
            return;
        }

        await allocator.SendPlayersAsync(result, cancellationToken);
        await claims.CompleteAsync("match:" + match.MatchId, "served " + result.InstanceId, cancellationToken);
        await publisher.Publish(new MatchServed(settings.Id, match.MatchId), cancellationToken);
        Log.MatchServed(logger, match.MatchId, result.InstanceId!);
    }

    private async Task FailAsync(IPublisher publisher, MatchFound match, string reason, CancellationToken cancellationToken)
    {
        Log.MatchFailed(logger, match.MatchId, reason);
        await claims.CompleteAsync("match:" + match.MatchId, "failed: " + reason, cancellationToken);
        await publisher.Publish(new MatchFailed(settings.Id, match.MatchId, reason), cancellationToken);
    }
}

/// <summary>
/// A queued player was admitted to a proxy's zone shard: start or find the shard, send the player there and report
/// <see cref="QueueAdmissionServed"/> (or <see cref="QueueAdmissionFailed"/>). The <c>ticket:&lt;id&gt;</c> claim makes
/// one replica act.
/// </summary>
internal sealed class QueueAdmittedHandler(
    RealmSettings settings, AllocationClaims claims, AllocationJobs jobs, IServiceScopeFactory scopes, ILogger<QueueAdmittedHandler> logger)
    : INotificationHandler<QueueAdmitted>
{
    public async ValueTask Handle(QueueAdmitted notification, CancellationToken cancellationToken)
    {
        if (notification.RealmId != settings.Id || !await claims.TryClaimAsync("ticket:" + notification.TicketId, WorkDelivery.IsRedelivery, cancellationToken))
        {
            return;
        }

        await jobs.RunAsync("queue ticket " + notification.TicketId, ct => ServeAsync(notification, ct));
    }

    private async Task ServeAsync(QueueAdmitted admitted, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var publisher = scope.ServiceProvider.GetRequiredService<IPublisher>();
        var allocator = scope.ServiceProvider.GetRequiredService<GameServerAllocator>();
        var result = await allocator.AllocateAsync(
            admitted.ProxyId, admitted.ZoneName, admitted.ShardName, [new AllocationPlayer(admitted.PlayerId, admitted.CharacterId)], cancellationToken);
        if (result.Error is not null)
        {
            Log.QueueAdmissionFailed(logger, admitted.TicketId, result.Error);
            await claims.CompleteAsync("ticket:" + admitted.TicketId, "failed: " + result.Error, cancellationToken);
            await publisher.Publish(new QueueAdmissionFailed(settings.Id, admitted.TicketId, result.Error), cancellationToken);
            return;
        }

        await allocator.SendPlayersAsync(result, cancellationToken);
        await claims.CompleteAsync("ticket:" + admitted.TicketId, "served " + result.InstanceId, cancellationToken);
        await publisher.Publish(new QueueAdmissionServed(settings.Id, admitted.TicketId), cancellationToken);
    }
}
