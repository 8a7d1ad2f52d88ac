using System.Globalization;
using Microsoft.Extensions.Configuration;
using Redwood.Matchmaking.Domain;
using Redwood.SharedKernel.Games;
using Redwood.SharedKernel.Modules;

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

    private static TimeSpan Duration(IConfiguration configuration, string key, TimeSpan fallback) =>
        SettingValues.Duration(configuration, Prefix + key, fallback);

    private static double Number(IConfiguration configuration, string key, double fallback, double min, double max) =>
        SettingValues.Number(configuration, Prefix + key, fallback, min, max);
}
