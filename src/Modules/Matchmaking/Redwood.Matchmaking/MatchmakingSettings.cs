using System.Globalization;
using Microsoft.Extensions.Configuration;
using Redwood.Matchmaking.Domain;
using Redwood.SharedKernel.Games;

namespace Redwood.Matchmaking;

/// <summary>The validated <c>Redwood:Matchmaking</c> settings.</summary>
internal sealed record MatchmakingSettings(
    TimeSpan ProcessInterval,
    TimeSpan TicketStaleTime,
    TimeSpan MaxWaitUntilShallowMatch,
    TimeSpan MaxMatchAge,
    TimeSpan DisconnectGrace,
    TimeSpan UpdateInterval,
    double MaxPing,
    double AgeWeight,
    double PingWeight,
    double PlayersWeight,
    double QueueAdmissionsPerSecond,
    GameProfiles Profiles)
{
    private const string Prefix = "Redwood:Matchmaking:";

    public MatcherOptions MatcherOptions => new(MaxPing, MaxWaitUntilShallowMatch, TicketStaleTime, AgeWeight, PingWeight, PlayersWeight);

    /// <summary>Reads and validates the settings; a bad value throws a message that names the setting.</summary>
    public static MatchmakingSettings Read(IConfiguration configuration) => new(
        Duration(configuration, "ProcessInterval", TimeSpan.FromSeconds(1)),
        Duration(configuration, "TicketStaleTime", TimeSpan.FromMinutes(1)),
        Duration(configuration, "MaxWaitUntilShallowMatch", TimeSpan.FromSeconds(15)),
        Duration(configuration, "MaxMatchAge", TimeSpan.FromMinutes(2)),
        Duration(configuration, "DisconnectGrace", TimeSpan.FromSeconds(30)),
        Duration(configuration, "UpdateInterval", TimeSpan.FromSeconds(5)),
        Number(configuration, "MaxPing", 0.5, 0.001, 60),
        Number(configuration, "ScoringWeights:Age", 1, 0, 1000),
        Number(configuration, "ScoringWeights:Ping", 1, 0, 1000),
        Number(configuration, "ScoringWeights:Players", 1, 0, 1000),
        Number(configuration, "Queue:AdmissionsPerSecond", 0, 0, 1_000_000),
        GameProfiles.Read(configuration));

    private static TimeSpan Duration(IConfiguration configuration, string key, TimeSpan fallback)
    {
        var raw = configuration[Prefix + key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        return TimeSpan.TryParse(raw, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero
            ? value
            : throw new InvalidOperationException($"Setting '{Prefix}{key}' must be a positive duration such as '00:00:01', not '{raw}'.");
    }

    private static double Number(IConfiguration configuration, string key, double fallback, double min, double max)
    {
        var raw = configuration[Prefix + key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new InvalidOperationException($"Setting '{Prefix}{key}' must be a number between {min} and {max}, not '{raw}'.");
    }
}
