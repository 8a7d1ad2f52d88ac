using Mediator;

namespace Redwood.Realm.Contracts;

/// <summary>Published by a Realm once a player's socket is authenticated on it.</summary>
/// <param name="RealmId">The realm.</param>
/// <param name="PlayerId">The player.</param>
public sealed record PlayerSignedInToRealm(string RealmId, string PlayerId) : INotification;

/// <summary>Published by a Realm after a character was created.</summary>
/// <param name="RealmId">The realm.</param>
/// <param name="PlayerId">The owner.</param>
/// <param name="CharacterId">The new character's id.</param>
/// <param name="Name">The character name.</param>
public sealed record CharacterCreated(string RealmId, string PlayerId, string CharacterId, string Name) : INotification;

/// <summary>
/// Published by a Realm process when the last realm socket it held for a player closed (the player may be reconnecting,
/// or on another replica). Matchmaking ends that player's tickets if no sign-in follows within its grace period.
/// </summary>
/// <param name="RealmId">The realm.</param>
/// <param name="PlayerId">The player.</param>
public sealed record PlayerDisconnectedFromRealm(string RealmId, string PlayerId) : INotification;

/// <summary>
/// Published by the Realm once every player of a match was sent to a ready game server (<c>connect-to-instance</c>
/// pushed). Matchmaking then ends the match's tickets.
/// </summary>
/// <param name="RealmId">The realm.</param>
/// <param name="MatchId">The match (from <c>MatchFound</c>).</param>
public sealed record MatchServed(string RealmId, string MatchId) : INotification;

/// <summary>
/// Published by the Realm when it gave up allocating a server for a match. Matchmaking puts the tickets back in the
/// pool at once (otherwise <c>MaxMatchAge</c> does).
/// </summary>
/// <param name="RealmId">The realm.</param>
/// <param name="MatchId">The match.</param>
/// <param name="Reason">Why, for the players.</param>
public sealed record MatchFailed(string RealmId, string MatchId, string Reason) : INotification;

/// <summary>
/// Published by the Realm once an admitted queue ticket's player was sent to the shard (<c>connect-to-instance</c>
/// pushed, join token outstanding, so the shard's load counts them). Matchmaking ends the ticket.
/// </summary>
/// <param name="RealmId">The realm.</param>
/// <param name="TicketId">The ticket (from <c>QueueAdmitted</c>).</param>
public sealed record QueueAdmissionServed(string RealmId, string TicketId) : INotification;

/// <summary>Players on one live shard of a zone.</summary>
/// <param name="ShardName">The shard name (the part after <c>:</c> in the channel).</param>
/// <param name="Players">Players on it plus players sent there whose join token is still outstanding.</param>
public sealed record ShardLoad(string ShardName, int Players);

/// <summary>
/// Asks the Realm how full a proxy's zone is, for queue admission. Answered by the Realm module.
/// </summary>
/// <param name="RealmId">The realm.</param>
/// <param name="ProxyId">The proxy.</param>
/// <param name="ZoneName">The zone.</param>
public sealed record GetZoneLoad(string RealmId, string ProxyId, string ZoneName) : IRequest<ZoneLoadReply>;

/// <summary>The answer to <see cref="GetZoneLoad"/>.</summary>
/// <param name="Live">False when the proxy is gone or ended (its queue is dropped).</param>
/// <param name="MaxPlayersPerShard">The proxy's hard cap per shard.</param>
/// <param name="Shards">The zone's live shards.</param>
public sealed record ZoneLoadReply(bool Live, int MaxPlayersPerShard, IReadOnlyList<ShardLoad> Shards);
