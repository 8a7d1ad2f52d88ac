using Redwood.Realm.Features.Ticketing;
using Redwood.SharedKernel.Transport;
using Redwood.SocketIO;

namespace Redwood.Realm.Transport;

/// <summary>
/// Ticketing (§2.2.6): joins hand a ticket to the Matchmaking module through its contracts (in this process or over
/// the bus); the join ack's <c>error</c> is the plugin's <c>JoinResponse</c>. Updates arrive later as pushes.
/// </summary>
internal static class TicketingRoutes
{
    public const string JoinMatchmaking = "realm:ticketing:join:matchmaking";
    public const string JoinQueue = "realm:ticketing:join:queue";
    public const string JoinCustom = "realm:ticketing:join:custom";
    public const string Leave = "realm:ticketing:leave";
    public const string UpdatePush = "realm:ticketing:update";
    public const string ErrorPush = "realm:ticketing:ticket-error";

    public const string CustomNotSupported =
        "Custom ticketing (join:custom) is not supported by this server; use join:matchmaking or join:queue";

    public static void Map(SocketIONamespace ns, RealmRoutes routes)
    {
        ns.OnRequest(JoinMatchmaking, routes.Scopes, routes.Logger, async (request, ct) =>
        {
            var p = request.Payload<MatchmakingPayload>();
            var session = RealmSession.Require(request, p.PlayerId, routes.Logger);
            var result = await RealmRoutes.SendAsync(request, new JoinMatchmakingCommand(
                session.PlayerId, p.CharacterId, p.Data?.ProfileId, p.Data?.Regions?.Select(r => new RequestedRegion(r?.Name, r?.Ping)).ToList()), ct);
            return Ack(result, routes);
        });

        ns.OnRequest(JoinQueue, routes.Scopes, routes.Logger, async (request, ct) =>
        {
            var p = request.Payload<QueuePayload>();
            var session = RealmSession.Require(request, p.PlayerId, routes.Logger);
            var result = await RealmRoutes.SendAsync(request, new JoinQueueCommand(
                session.PlayerId, p.CharacterId, p.Data?.ProxyId, p.Data?.ZoneName, p.Data?.ShardName), ct);
            return Ack(result, routes);
        });

        ns.OnRequest(JoinCustom, routes.Scopes, routes.Logger, (request, _) =>
        {
            RealmSession.Require(request, null, routes.Logger);
            return ValueTask.FromResult(SocketRouteExtensions.ErrorOnly(CustomNotSupported));
        });

        ns.OnRequest(Leave, routes.Scopes, routes.Logger, async (request, ct) =>
        {
            var p = request.Message.Args.Count > 0 && request.Message.Args[0].ValueKind == System.Text.Json.JsonValueKind.Object
                ? request.Payload<PlayerPayload>()
                : null;
            var session = RealmSession.Require(request, p?.PlayerId, routes.Logger);
            await RealmRoutes.SendAsync(request, new LeaveTicketingCommand(session.PlayerId), ct);
            return SocketRouteExtensions.ErrorOnly(string.Empty);
        });
    }

    private static object Ack(JoinTicketingResult result, RealmRoutes routes) => SocketRouteExtensions.ErrorOnly(result.Error switch
    {
        JoinTicketingError.None => string.Empty,
        JoinTicketingError.CharacterNotFound => "characterId is not one of your active characters",
        JoinTicketingError.UnknownRegion =>
            $"Unknown region '{result.Detail}' (this realm serves: {string.Join(", ", routes.Settings.Regions.Select(r => r.Name))})",
        JoinTicketingError.UnknownProfile => $"Unknown matchmaking profile '{result.Detail}'",
        JoinTicketingError.NoRegionWithinPing => "None of your regions is within the maximum ping for matchmaking",
        JoinTicketingError.TicketAlreadyOpen => "You already have an open ticket; leave it (realm:ticketing:leave) before joining again",
        JoinTicketingError.ProxyNotFound => "That proxy does not exist or has ended",
        JoinTicketingError.UnknownZone => $"Unknown zone '{result.Detail}' for this proxy",
        JoinTicketingError.PasswordProtected => "That proxy has a password; join it with realm:servers:join-proxy",
        _ => "Ticket refused",
    });

    private sealed record RegionPayload(string? Name, double? Ping);

    private sealed record MatchmakingData(string? ProfileId, RegionPayload?[]? Regions);

    private sealed record MatchmakingPayload(string? PlayerId, string? CharacterId, MatchmakingData? Data);

    private sealed record QueueData(string? ProxyId, string? ZoneName, bool? TransferWholeParty, string? PriorZoneName, string? ShardName);

    private sealed record QueuePayload(string? PlayerId, string? CharacterId, QueueData? Data);
}
