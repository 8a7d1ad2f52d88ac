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
}
