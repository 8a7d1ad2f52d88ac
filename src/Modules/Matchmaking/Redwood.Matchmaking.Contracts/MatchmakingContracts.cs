using Mediator;

namespace Redwood.Matchmaking.Contracts;

/// <summary>A region the player asked for, with the round trip the client measured to it, in seconds.</summary>
/// <param name="Name">Region name, as pushed in <c>realm:regions</c>.</param>
/// <param name="Ping">Round trip in seconds (e.g. <c>0.023</c>).</param>
public sealed record RegionPing(string Name, double Ping);

/// <summary>Why a ticket was not opened.</summary>
public enum OpenTicketError
{
    /// <summary>The ticket is open.</summary>
    None,

    /// <summary>The player already has an open ticket.</summary>
    TicketAlreadyOpen,

    /// <summary>No game profile has that id, or it is not matchmade.</summary>
    UnknownProfile,

    /// <summary>None of the requested regions is within the maximum ping.</summary>
    NoRegionWithinPing,

    /// <summary>The zone is not one of the proxy's zones.</summary>
    UnknownZone,
}

/// <summary>The answer to an open-ticket request.</summary>
/// <param name="TicketId">The new ticket's id; null when refused.</param>
/// <param name="Error">Why it was refused.</param>
public sealed record OpenTicketReply(string? TicketId, OpenTicketError Error);

/// <summary>
/// Sent by the Realm Frontend when a player joins matchmaking (<c>realm:ticketing:join:matchmaking</c>); answered by the
/// Matchmaking module. The Realm has already checked the character belongs to the player and that every region is one
/// the realm serves. Opens at most one ticket per player and realm.
/// </summary>
/// <param name="RealmId">The realm.</param>
/// <param name="PlayerId">The player.</param>
/// <param name="CharacterId">The player's character.</param>
/// <param name="ProfileId">The game profile to match on.</param>
/// <param name="Regions">The regions with the client's pings.</param>
public sealed record OpenMatchmakingTicket(
    string RealmId, string PlayerId, string CharacterId, string ProfileId, IReadOnlyList<RegionPing> Regions) : IRequest<OpenTicketReply>;

/// <summary>
/// Sent by the Realm Frontend when a player joins a proxy's queue (<c>realm:ticketing:join:queue</c>); answered by the
/// Matchmaking module. The Realm has already checked the character and that the proxy is live and has the zone.
/// </summary>
/// <param name="RealmId">The realm.</param>
/// <param name="PlayerId">The player.</param>
/// <param name="CharacterId">The player's character.</param>
/// <param name="ProxyId">The proxy.</param>
/// <param name="ZoneName">The zone to enter.</param>
/// <param name="ShardName">A shard the player asked for; null = the least populated one.</param>
/// <param name="MaxPlayersPerShard">The proxy's hard cap per shard.</param>
public sealed record OpenQueueTicket(
    string RealmId, string PlayerId, string CharacterId, string ProxyId, string ZoneName, string? ShardName, int MaxPlayersPerShard)
    : IRequest<OpenQueueTicketReply>;

/// <summary>The answer to <see cref="OpenQueueTicket"/>.</summary>
/// <param name="TicketId">The new ticket's id; null when refused.</param>
/// <param name="Error">Why it was refused.</param>
public sealed record OpenQueueTicketReply(string? TicketId, OpenTicketError Error);

/// <summary>
/// Sent by the Realm Frontend on <c>realm:ticketing:leave</c>; answered by the Matchmaking module, which ends every
/// ticket of the player in that realm (including one whose bookkeeping was lost).
/// </summary>
/// <param name="RealmId">The realm.</param>
/// <param name="PlayerId">The player.</param>
public sealed record CloseTickets(string RealmId, string PlayerId) : IRequest<CloseTicketsReply>;

/// <summary>The answer to <see cref="CloseTickets"/>.</summary>
/// <param name="Closed">How many tickets were ended.</param>
public sealed record CloseTicketsReply(int Closed);

/// <summary>One message for one player about one ticket.</summary>
/// <param name="PlayerId">The player.</param>
/// <param name="TicketId">The ticket.</param>
/// <param name="Message">Human-readable text (an update, or the error when <paramref name="IsError"/>).</param>
/// <param name="IsError">True when the ticket ended with this error (<c>realm:ticketing:ticket-error</c>).</param>
public sealed record TicketMessage(string PlayerId, string TicketId, string Message, bool IsError);

/// <summary>
/// Published by the Matchmaking module (at most once per tick per realm, and on single changes) with what players must
/// be told about their tickets. Every Realm process receives it; the one holding a player's socket pushes
/// <c>realm:ticketing:update</c> or <c>realm:ticketing:ticket-error</c>.
/// </summary>
/// <param name="RealmId">The realm.</param>
/// <param name="Messages">The messages, in order.</param>
public sealed record TicketsUpdated(string RealmId, IReadOnlyList<TicketMessage> Messages) : INotification;

/// <summary>A ticket taken into a match.</summary>
/// <param name="TicketId">The ticket.</param>
/// <param name="PlayerId">The player.</param>
/// <param name="CharacterId">The player's character.</param>
public sealed record MatchedTicket(string TicketId, string PlayerId, string CharacterId);

/// <summary>
/// Published by the Matchmaking module when it made a match. The Realm's game-server allocation starts a private proxy
/// of the profile in the region and zone and sends the players there; until it reports <c>MatchServed</c> the tickets
/// stay in the match, and past <c>MaxMatchAge</c> they go back to the pool.
/// </summary>
/// <param name="RealmId">The realm.</param>
/// <param name="MatchId">The match.</param>
/// <param name="ProfileId">The game profile.</param>
/// <param name="Region">The region every player pinged below the maximum.</param>
/// <param name="ZoneName">The profile's matchmaking zone.</param>
/// <param name="Tickets">The matched tickets with their players and characters.</param>
public sealed record MatchFound(
    string RealmId, string MatchId, string ProfileId, string Region, string ZoneName, IReadOnlyList<MatchedTicket> Tickets) : INotification;

/// <summary>
/// Published by the Matchmaking module when a queued player is admitted to a proxy's zone shard. The Realm's game-server
/// allocation starts or finds the shard and sends the player there, then reports <c>QueueAdmissionServed</c>.
/// </summary>
/// <param name="RealmId">The realm.</param>
/// <param name="TicketId">The queue ticket.</param>
/// <param name="PlayerId">The player.</param>
/// <param name="CharacterId">The player's character.</param>
/// <param name="ProxyId">The proxy.</param>
/// <param name="ZoneName">The zone.</param>
/// <param name="ShardName">The shard the player is admitted to.</param>
public sealed record QueueAdmitted(
    string RealmId, string TicketId, string PlayerId, string CharacterId, string ProxyId, string ZoneName, string ShardName) : INotification;
