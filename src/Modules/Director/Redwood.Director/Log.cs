using Microsoft.Extensions.Logging;
using Redwood.Director.Contracts;
using Redwood.Director.Features.Sessions;

namespace Redwood.Director;

/// <summary>The Director's log messages (event ids 1xxx). Never log passwords, tokens or JWTs.</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Debug, "Director Frontend listening on {Address}:{Port}")]
    public static partial void FrontendListening(ILogger logger, string address, int port);

    [LoggerMessage(1001, LogLevel.Warning,
        "Realm {RealmId} uses the development secret with the Postgres provider; set Redwood:Director:Realms:N:Secret (and the Realm's Redwood:Realm:Secret)")]
    public static partial void DevRealmSecretInUse(ILogger logger, string realmId);

    [LoggerMessage(1002, LogLevel.Information, "Administrator account {PlayerId} ({Username}) created from configuration")]
    public static partial void AdminAccountCreated(ILogger logger, string playerId, string username);

    [LoggerMessage(1010, LogLevel.Information, "Player {PlayerId} registered as {Username}")]
    public static partial void PlayerRegistered(ILogger logger, string playerId, string username);

    [LoggerMessage(1011, LogLevel.Information, "Player {PlayerId} logged in with {Provider} ({Method}) from {Address}")]
    public static partial void PlayerLoggedIn(ILogger logger, string playerId, string provider, string method, string? address);

    [LoggerMessage(1012, LogLevel.Information, "Login with {Provider} failed ({Error}) from {Address}")]
    public static partial void LoginFailed(ILogger logger, string provider, LogInError error, string? address);

    [LoggerMessage(1013, LogLevel.Warning, "Login with {Provider} from {Address} refused: too many failed attempts ({Suppressed} more refusals from this address since the last such line)")]
    public static partial void LoginThrottled(ILogger logger, string provider, string? address, int suppressed);

    [LoggerMessage(1017, LogLevel.Warning, "Password hash queue full ({Limit} waiting): login or registration refused as busy ({Suppressed} more since the last such line)")]
    public static partial void HashQueueFull(ILogger logger, int limit, int suppressed);

    [LoggerMessage(1018, LogLevel.Warning, "Reuse of a rotated-out session token of player {PlayerId} from {Address}: session family revoked")]
    public static partial void TokenReuseDetected(ILogger logger, string playerId, string? address);

    [LoggerMessage(1019, LogLevel.Warning, "Registration from {Address} refused: too many registrations ({Suppressed} more refusals from this address since the last such line)")]
    public static partial void RegistrationThrottled(ILogger logger, string address, int suppressed);

    [LoggerMessage(1014, LogLevel.Information, "Password of player {PlayerId} rehashed with {Iterations} iterations")]
    public static partial void PasswordRehashed(ILogger logger, string playerId, int iterations);

    [LoggerMessage(1015, LogLevel.Information, "Player {PlayerId} logged out ({Revoked} session tokens revoked)")]
    public static partial void PlayerLoggedOut(ILogger logger, string playerId, int revoked);

    [LoggerMessage(1016, LogLevel.Information, "Logout on socket {SocketId} for {ClaimedPlayerId} ignored: not that socket's player")]
    public static partial void LogoutIgnored(ILogger logger, string socketId, string? claimedPlayerId);

    [LoggerMessage(1020, LogLevel.Information, "Realm {RealmId} signed in at {Uri}")]
    public static partial void RealmSignedIn(ILogger logger, string realmId, string uri);

    [LoggerMessage(1021, LogLevel.Warning, "Realm sign-in for {RealmId} refused: {Reason}")]
    public static partial void RealmSignInRefused(ILogger logger, string realmId, SignInRealmError reason);

    [LoggerMessage(1022, LogLevel.Debug, "Realm hand-off token minted for player {PlayerId} and realm {RealmId}")]
    public static partial void HandoffTokenMinted(ILogger logger, string playerId, string realmId);

    [LoggerMessage(1023, LogLevel.Debug, "Realm hand-off token of player {PlayerId} consumed by realm {RealmId}")]
    public static partial void HandoffTokenConsumed(ILogger logger, string playerId, string realmId);

    [LoggerMessage(1024, LogLevel.Information, "Realm hand-off token for player {PlayerId} refused by realm {RealmId}: {Reason}")]
    public static partial void HandoffTokenRefused(ILogger logger, string playerId, string realmId, HandoffTokenError reason);

    [LoggerMessage(1025, LogLevel.Information, "Purged {Sessions} expired or revoked session token(s) and {Handoffs} expired hand-off token(s)")]
    public static partial void TokensPurged(ILogger logger, int sessions, int handoffs);
}
