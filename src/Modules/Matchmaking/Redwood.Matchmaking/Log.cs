using Microsoft.Extensions.Logging;

namespace Redwood.Matchmaking;

/// <summary>Matchmaking log messages (event ids 3xxx).</summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Information, "Matchmaking processes realm tickets every {Interval} with {Profiles} profile(s): {ProfileIds}")]
    public static partial void Started(ILogger logger, TimeSpan interval, int profiles, string profileIds);

    [LoggerMessage(3001, LogLevel.Debug, "Matcher tick over {Tickets} ticket(s) in {Realms} realm(s) took {Milliseconds:F1} ms: {Matches} match(es), {Admitted} admitted")]
    public static partial void Tick(ILogger logger, int tickets, int realms, double milliseconds, int matches, int admitted);

    [LoggerMessage(3002, LogLevel.Information, "Match {MatchId} in realm {RealmId}: profile {ProfileId}, region {Region}, {Players} player(s)")]
    public static partial void MatchMade(ILogger logger, string matchId, string realmId, string profileId, string region, int players);

    [LoggerMessage(3003, LogLevel.Warning, "Match {MatchId} in realm {RealmId} got no ready game server ({Reason}); its {Tickets} ticket(s) go back to the pool")]
    public static partial void MatchReturned(ILogger logger, string matchId, string realmId, string reason, int tickets);

    [LoggerMessage(3004, LogLevel.Information, "Ticket {TicketId} of player {PlayerId} in realm {RealmId} ended: {Reason}")]
    public static partial void TicketEnded(ILogger logger, string ticketId, string playerId, string realmId, string reason);

    [LoggerMessage(3005, LogLevel.Information, "Player {PlayerId} admitted from the queue of proxy {ProxyId} to {ZoneName}:{ShardName} in realm {RealmId}")]
    public static partial void Admitted(ILogger logger, string playerId, string proxyId, string zoneName, string shardName, string realmId);

    [LoggerMessage(3006, LogLevel.Warning, "Queue of proxy {ProxyId} zone {ZoneName} in realm {RealmId} skipped this tick: the realm did not answer")]
    public static partial void ZoneLoadUnavailable(ILogger logger, string proxyId, string zoneName, string realmId, Exception exception);
}
