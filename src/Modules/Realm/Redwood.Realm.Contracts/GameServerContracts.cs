using Mediator;

namespace Redwood.Realm.Contracts;

/// <summary>
/// Published by the Realm when a player must join a game server: every Realm process receives it and the one holding
/// the player's realm socket pushes <c>realm:servers:connect-to-instance {connection, token, shouldStitch:false}</c>.
/// </summary>
/// <param name="RealmId">The realm.</param>
/// <param name="PlayerId">The player.</param>
/// <param name="Connection">The server's <c>host:port</c>.</param>
/// <param name="Token">The one-time join token (short-lived; bound to the player, character and instance).</param>
public sealed record PlayerSentToGameServer(string RealmId, string PlayerId, string Connection, string Token) : INotification;

/// <summary>
/// Published by the Realm when it allocated a game server to a zone shard: the Sidecar serving <paramref name="ServerId"/>
/// pushes <c>realm:servers:session:load-map</c> on the server's socket A. Every Sidecar receives it; others ignore it.
/// </summary>
/// <param name="RealmId">The realm.</param>
/// <param name="ServerId">
/// The id the Sidecar knows the server by: the container id for a listener the Realm asked for
/// (<c>OpenSidecarListener</c>), the configured or Agones identity for a standalone Sidecar process.
/// </param>
/// <param name="Map">The load-map payload.</param>
public sealed record GameServerLoadMapOrdered(string RealmId, string ServerId, LoadMapOrder Map) : INotification;

/// <summary>
/// Published by the Realm when it stops a game server whose Sidecar runs as a process of its own beside it (provider
/// <c>agones</c>): that Sidecar asks its local Agones SDK server to shut the game server down (<c>POST /shutdown</c>), and
/// Agones deletes the GameServer and its pod. Every Sidecar receives it; others ignore it.
/// </summary>
/// <param name="RealmId">The realm.</param>
/// <param name="ServerId">The id the Sidecar knows the server by (the GameServer name).</param>
/// <param name="Reason">Why, for the Sidecar's log.</param>
public sealed record GameServerShutdownOrdered(string RealmId, string ServerId, string Reason) : INotification;

/// <summary>The §2.3.1 <c>load-map</c> payload.</summary>
/// <param name="RequestId">Allocation id, echoed back as <c>id</c> in the instance state once loaded.</param>
/// <param name="RealmName">The realm's display name.</param>
/// <param name="ProxyId">The proxy.</param>
/// <param name="InstanceId">The instance.</param>
/// <param name="Name">The proxy name.</param>
/// <param name="MapId">The map.</param>
/// <param name="ModeId">The game mode (profile id).</param>
/// <param name="ContinuousPlay">The proxy's continuous-play flag.</param>
/// <param name="MaxPlayers">Hard cap of players on this shard.</param>
/// <param name="OwnerPlayerId">The proxy owner, if any.</param>
/// <param name="Channel"><c>zone:shard</c>.</param>
/// <param name="ShortCode">The proxy's short code, if any.</param>
/// <param name="Data">String entries appended to the map URL (profile data, <c>redwoodExpectedCharacterIds</c>).</param>
public sealed record LoadMapOrder(
    string RequestId,
    string RealmName,
    string ProxyId,
    string InstanceId,
    string Name,
    string MapId,
    string ModeId,
    bool ContinuousPlay,
    int MaxPlayers,
    string? OwnerPlayerId,
    string Channel,
    string? ShortCode,
    IReadOnlyDictionary<string, string> Data);

/// <summary>
/// Published by the Realm when a player's <c>PlayerData</c> changed (a new hand-off brought other data); the Sidecar of
/// every server the player is on pushes <c>realm:players:data-changed</c>.
/// </summary>
/// <param name="RealmId">The realm.</param>
/// <param name="PlayerId">The player.</param>
/// <param name="PlayerData">The whole §4.4 PlayerData object as JSON text.</param>
public sealed record PlayerDataChanged(string RealmId, string PlayerId, string PlayerData) : INotification;

/// <summary>
/// Sent by a Sidecar for a game server's <c>update-instance-state</c> (when something changed, and as a heartbeat);
/// answered by the Realm, which marks the instance loaded once <paramref name="RequestId"/> is its load request in
/// <c>WaitingForPlayers</c> or <c>Started</c>.
/// </summary>
/// <param name="RealmId">The realm.</param>
/// <param name="ServerId">The game server.</param>
/// <param name="State">The reported state; null when the game server left it out.</param>
/// <param name="NumPlayers">Players on the server.</param>
/// <param name="RequestId">The loaded load-map's request id (<c>""</c> before any).</param>
/// <param name="MapId">The loaded map.</param>
/// <param name="ModeId">The loaded mode.</param>
public sealed record ReportGameServerState(
    string RealmId, string ServerId, string? State, int NumPlayers, string RequestId, string MapId, string ModeId)
    : IRequest<GameServerReportReply>;

/// <summary>Sent by a Sidecar when a game server answered a load-map with an error; answered by the Realm (retries elsewhere).</summary>
/// <param name="RealmId">The realm.</param>
/// <param name="ServerId">The game server.</param>
/// <param name="RequestId">The load-map it answered (the last one sent).</param>
/// <param name="Error">The game server's error.</param>
public sealed record ReportMapLoadFailed(string RealmId, string ServerId, string RequestId, string Error) : IRequest<GameServerReportReply>;

/// <summary>Sent by a Sidecar when a player left its game server (<c>player-left</c>); answered by the Realm.</summary>
/// <param name="RealmId">The realm.</param>
/// <param name="ServerId">The game server.</param>
/// <param name="PlayerId">The player.</param>
/// <param name="CharacterId">The character.</param>
public sealed record ReportPlayerLeft(string RealmId, string ServerId, string PlayerId, string CharacterId) : IRequest<GameServerReportReply>;

/// <summary>The Realm's answer to a game-server report.</summary>
/// <param name="Known">False when the Realm does not know the server (or it ended): the Sidecar logs it.</param>
public sealed record GameServerReportReply(bool Known);

/// <summary>Why a join token was refused.</summary>
public enum JoinTokenError
{
    /// <summary>Valid and now consumed.</summary>
    None,

    /// <summary>Unknown, already used, or bound to another player, character or instance.</summary>
    Invalid,

    /// <summary>Past its expiry.</summary>
    Expired,

    /// <summary>This game server serves no live instance.</summary>
    NoInstance,
}

/// <summary>
/// Sent by a Sidecar for <c>player-auth:game-server-to-sidecar</c>; answered by the Realm, which checks in one
/// conditional update that the token exists, is unused, unexpired and bound to this player, character and the instance
/// the server serves, and marks it used: of two concurrent uses exactly one succeeds.
/// </summary>
/// <param name="RealmId">The realm.</param>
/// <param name="ServerId">The game server asking.</param>
/// <param name="PlayerId">The player (from the <c>open</c> options).</param>
/// <param name="CharacterId">The character.</param>
/// <param name="Token">The token.</param>
public sealed record ValidateJoinToken(string RealmId, string ServerId, string PlayerId, string CharacterId, string Token)
    : IRequest<ValidateJoinTokenReply>;

/// <summary>The answer to <see cref="ValidateJoinToken"/>: on success the §4.2 character and §4.4 PlayerData as JSON text.</summary>
/// <param name="Error">None on success.</param>
/// <param name="Character">The whole character with <c>redwoodData</c> (latest save).</param>
/// <param name="Player">The PlayerData object.</param>
public sealed record ValidateJoinTokenReply(JoinTokenError Error, string? Character, string? Player);

/// <summary>One character of a <c>realm:characters:set:server</c> batch; each field is JSON text, null when not sent.</summary>
/// <param name="PlayerId">The owner.</param>
/// <param name="CharacterId">The character.</param>
/// <param name="LastLocation">Top-level <c>lastLocation</c>; stored as <c>redwoodData.lastLocation</c>.</param>
/// <param name="CharacterCreatorData">Replaces the field when present.</param>
/// <param name="Metadata">Replaces the field when present.</param>
/// <param name="EquippedInventory">Replaces the field when present.</param>
/// <param name="NonequippedInventory">Replaces the field when present.</param>
/// <param name="Progress">Replaces the field when present.</param>
/// <param name="Data">Replaces the field when present.</param>
/// <param name="AbilitySystem">Replaces the field when present.</param>
public sealed record CharacterSave(
    string PlayerId,
    string CharacterId,
    string? LastLocation,
    string? CharacterCreatorData,
    string? Metadata,
    string? EquippedInventory,
    string? NonequippedInventory,
    string? Progress,
    string? Data,
    string? AbilitySystem);

/// <summary>
/// Sent by a Sidecar for a <c>realm:characters:set:server</c> batch; answered by the Realm, which saves the whole batch in
/// one transaction (characters of players not on that server are skipped).
/// </summary>
/// <param name="RealmId">The realm.</param>
/// <param name="ServerId">The game server.</param>
/// <param name="Characters">The saves.</param>
public sealed record SaveCharacters(string RealmId, string ServerId, IReadOnlyList<CharacterSave> Characters) : IRequest<SaveCharactersReply>;

/// <summary>The answer to <see cref="SaveCharacters"/>.</summary>
/// <param name="Saved">Characters saved.</param>
/// <param name="Error">Empty on success.</param>
public sealed record SaveCharactersReply(int Saved, string Error);

/// <summary>Sent by a Sidecar for <c>persistence:initial-load</c>; answered by the Realm with the world and zone data.</summary>
/// <param name="RealmId">The realm.</param>
/// <param name="ServerId">The game server.</param>
public sealed record LoadZoneData(string RealmId, string ServerId) : IRequest<LoadZoneDataReply>;

/// <summary>The answer to <see cref="LoadZoneData"/>; JSON text.</summary>
/// <param name="Error">Empty on success.</param>
/// <param name="Data">Proxy (world) data object.</param>
/// <param name="ZoneData">This zone's data object.</param>
/// <param name="Items">Persisted sync items (a JSON array).</param>
public sealed record LoadZoneDataReply(string Error, string? Data, string? ZoneData, string Items);

/// <summary>Sent by a Sidecar for <c>persistence:update-zone</c>; answered by the Realm, which stores what was sent.</summary>
/// <param name="RealmId">The realm.</param>
/// <param name="ServerId">The game server.</param>
/// <param name="Data">Proxy (world) data, JSON text, or null.</param>
/// <param name="ZoneData">Zone data, JSON text, or null.</param>
/// <param name="PersistentItems">The persistent items, a JSON array, or null.</param>
public sealed record SaveZoneData(string RealmId, string ServerId, string? Data, string? ZoneData, string? PersistentItems)
    : IRequest<GameServerReportReply>;

/// <summary>
/// Published by the Realm when it could not send an admitted queue ticket's player to the shard. Matchmaking ends or
/// re-queues the ticket and tells the player.
/// </summary>
/// <param name="RealmId">The realm.</param>
/// <param name="TicketId">The ticket (from <c>QueueAdmitted</c>).</param>
/// <param name="Reason">Why, for the player.</param>
public sealed record QueueAdmissionFailed(string RealmId, string TicketId, string Reason) : INotification;
