using Microsoft.Extensions.Logging;

namespace Redwood.Realm;

/// <summary>Realm log messages (event ids 2xxx).</summary>
internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Debug, "Realm {RealmId} frontend listening on port {Port}; players connect to {Uri}")]
    public static partial void FrontendListening(ILogger logger, string realmId, int port, string uri);

    [LoggerMessage(2002, LogLevel.Information, "Realm {RealmId} signed in to the Director as {Uri}")]
    public static partial void SignedInToDirector(ILogger logger, string realmId, string uri);

    [LoggerMessage(2003, LogLevel.Error, "The Director refused the sign-in of realm {RealmId}: {Error}; check Redwood:Realm:Id/Secret against the Director's realm list. Retrying in {Delay}")]
    public static partial void DirectorSignInRefused(ILogger logger, string realmId, string error, TimeSpan delay);

    [LoggerMessage(2004, LogLevel.Warning, "Realm {RealmId} could not reach the Director to sign in; retrying in {Delay}")]
    public static partial void DirectorSignInFailed(ILogger logger, string realmId, TimeSpan delay, Exception exception);

    [LoggerMessage(2005, LogLevel.Information, "Player {PlayerId} signed in to realm {RealmId} on socket {SocketId}")]
    public static partial void PlayerSignedIn(ILogger logger, string playerId, string realmId, string socketId);

    [LoggerMessage(2006, LogLevel.Information, "Realm sign-in of player {PlayerId} refused: {Reason}")]
    public static partial void PlayerSignInRefused(ILogger logger, string playerId, string reason);

    [LoggerMessage(2007, LogLevel.Information, "Player {PlayerId} logged out of the realm (socket {SocketId})")]
    public static partial void PlayerLoggedOut(ILogger logger, string playerId, string socketId);

    [LoggerMessage(2008, LogLevel.Information, "Player {PlayerId} logged out of the Director; closed {Count} realm socket(s)")]
    public static partial void DirectorLogoutClosedSockets(ILogger logger, string playerId, int count);

    [LoggerMessage(2009, LogLevel.Information, "Character {CharacterId} created for player {PlayerId}")]
    public static partial void CharacterCreated(ILogger logger, string characterId, string playerId);

    [LoggerMessage(2010, LogLevel.Information, "Purged {Count} archived character(s)")]
    public static partial void CharactersPurged(ILogger logger, int count);

    [LoggerMessage(2012, LogLevel.Information, "Proxy {ProxyId} created by player {PlayerId} (public: {Public})")]
    public static partial void ProxyCreated(ILogger logger, string proxyId, string playerId, bool @public);

    [LoggerMessage(2013, LogLevel.Warning, "Socket {SocketId} of player {PlayerId} sent {Event} for player {ClaimedPlayerId}; refused")]
    public static partial void PlayerIdMismatch(ILogger logger, string socketId, string playerId, string @event, string claimedPlayerId);

    [LoggerMessage(2014, LogLevel.Information, "Character {CharacterId} archived: {Archived}")]
    public static partial void CharacterArchived(ILogger logger, string characterId, bool archived);

    [LoggerMessage(2015, LogLevel.Debug, "Ping echo connection ended")]
    public static partial void PingEchoEnded(ILogger logger, Exception exception);

    [LoggerMessage(2100, LogLevel.Warning, "Could not tell other modules that player {PlayerId} left the realm")]
    public static partial void DisconnectNoticeFailed(ILogger logger, string playerId, Exception exception);
    [LoggerMessage(2016, LogLevel.Information, "Proxy {ProxyId} stopped by player {PlayerId}")]
    public static partial void ProxyStopped(ILogger logger, string proxyId, string playerId);

    [LoggerMessage(2020, LogLevel.Information, "Game server {ServerId} launched: pid {Pid}, game port {GamePort}, sidecar port {SidecarPort}, log {LogPath}")]
    public static partial void GameServerLaunched(ILogger logger, string serverId, int pid, int gamePort, int sidecarPort, string logPath);

    [LoggerMessage(2021, LogLevel.Information, "Game server {ServerId} (pid {Pid}) stopped")]
    public static partial void GameServerStopped(ILogger logger, string serverId, int pid);

    [LoggerMessage(2022, LogLevel.Warning, "Stopping game server {ServerId} failed")]
    public static partial void GameServerKillFailed(ILogger logger, string serverId, Exception exception);

    [LoggerMessage(2023, LogLevel.Error, "Launching game server {ServerId} failed")]
    public static partial void LaunchFailed(ILogger logger, string serverId, Exception exception);

    [LoggerMessage(2024, LogLevel.Information, "Sent load-map {RequestId} for instance {InstanceId} ({Channel}) to game server {ServerId}")]
    public static partial void LoadMapSent(ILogger logger, string instanceId, string serverId, string channel, string requestId);

    [LoggerMessage(2025, LogLevel.Information, "Instance {InstanceId} ({Channel}) ready at {Connection}")]
    public static partial void InstanceReady(ILogger logger, string instanceId, string channel, string connection);

    [LoggerMessage(2026, LogLevel.Warning, "Instance {InstanceId} could not load on game server {ServerId} (attempt {Attempt}): {Error}")]
    public static partial void LoadAttemptFailed(ILogger logger, string instanceId, string serverId, int attempt, string error);

    [LoggerMessage(2027, LogLevel.Information, "Instance {InstanceId} ({Channel}) ended: {Reason}")]
    public static partial void InstanceEnded(ILogger logger, string instanceId, string channel, string reason);

    [LoggerMessage(2028, LogLevel.Information, "Game server {ServerId} ended: {Reason}")]
    public static partial void ServerEnded(ILogger logger, string serverId, string reason);

    [LoggerMessage(2029, LogLevel.Information, "Collection {CollectionId} of proxy {ProxyId} ended: {Reason}")]
    public static partial void CollectionEnded(ILogger logger, string collectionId, string proxyId, string reason);

    [LoggerMessage(2030, LogLevel.Warning, "Game server {ServerId} refused load-map {RequestId}: {Error}")]
    public static partial void MapLoadRefused(ILogger logger, string serverId, string requestId, string error);

    [LoggerMessage(2031, LogLevel.Information, "Join token accepted for player {PlayerId}, character {CharacterId} on game server {ServerId}")]
    public static partial void JoinTokenAccepted(ILogger logger, string playerId, string characterId, string serverId);

    [LoggerMessage(2032, LogLevel.Information, "Join token refused for player {PlayerId}, character {CharacterId} on game server {ServerId}: {Error}")]
    public static partial void JoinTokenRefused(ILogger logger, string playerId, string characterId, string serverId, Contracts.JoinTokenError error);

    [LoggerMessage(2033, LogLevel.Warning, "Save of character {CharacterId} from game server {ServerId} skipped: its player did not join that server")]
    public static partial void CharacterSaveSkipped(ILogger logger, string characterId, string serverId);

    [LoggerMessage(2034, LogLevel.Warning, "Save of character {CharacterId} refused: larger than {MaxBytes} bytes")]
    public static partial void CharacterSaveTooLarge(ILogger logger, string characterId, int maxBytes);

    [LoggerMessage(2035, LogLevel.Information, "Allocating a server for match {MatchId} (profile {ProfileId}, {Players} players)")]
    public static partial void MatchAllocating(ILogger logger, string matchId, string profileId, int players);

    [LoggerMessage(2036, LogLevel.Information, "Match {MatchId} served on instance {InstanceId}")]
    public static partial void MatchServed(ILogger logger, string matchId, string instanceId);

    [LoggerMessage(2037, LogLevel.Warning, "Match {MatchId} failed: {Reason}")]
    public static partial void MatchFailed(ILogger logger, string matchId, string reason);

    [LoggerMessage(2038, LogLevel.Warning, "Queue ticket {TicketId} could not be served: {Reason}")]
    public static partial void QueueAdmissionFailed(ILogger logger, string ticketId, string reason);

    [LoggerMessage(2039, LogLevel.Error, "Allocation job {What} failed")]
    public static partial void AllocationJobFailed(ILogger logger, string what, Exception exception);

    [LoggerMessage(2040, LogLevel.Error, "Game-server lifecycle pass failed; retrying at the next interval")]
    public static partial void MonitorFailed(ILogger logger, Exception exception);

    [LoggerMessage(2041, LogLevel.Warning, "Start-on-boot proxy {ProxyId} could not start: {Error}")]
    public static partial void StartOnBootFailed(ILogger logger, string proxyId, string error);

    [LoggerMessage(2060, LogLevel.Information, "Game server {ServerId}: Agones allocated GameServer {GameServerName} at {Connection} (namespace {Namespace}, {Selector})")]
    public static partial void AgonesAllocated(ILogger logger, string serverId, string gameServerName, string connection, string @namespace, string selector);

    [LoggerMessage(2061, LogLevel.Information, "Game server {ServerId}: Agones answered {State} (namespace {Namespace}, {Selector}); asking again")]
    public static partial void AgonesNotAllocated(ILogger logger, string serverId, string state, string @namespace, string selector);

    [LoggerMessage(2062, LogLevel.Information, "Game server {ServerId}: asked its Sidecar ({SidecarId}) to shut it down through Agones")]
    public static partial void AgonesShutdownOrdered(ILogger logger, string serverId, string sidecarId);
}
