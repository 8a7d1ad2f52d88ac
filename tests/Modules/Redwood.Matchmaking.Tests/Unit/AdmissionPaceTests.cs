using Microsoft.Extensions.Configuration;
using Redwood.Matchmaking.Features.Processing;

namespace Redwood.Matchmaking.Tests.Unit;

/// <summary>The optional admissions-per-second rate of a queue.</summary>
public sealed class AdmissionPaceTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Without_a_rate_a_queue_admits_without_bound()
    {
        var pace = Pace("0");

        Assert.Equal(double.MaxValue, pace.Available("q", Start));
    }

    [Fact]
    public void A_rate_admits_at_most_one_second_of_players_at_once_then_refills_over_time()
    {
        var pace = Pace("2");

        Assert.Equal(2, pace.Available("q", Start));
        pace.Spend("q", 0, Start);
        Assert.Equal(0, pace.Available("q", Start));
        Assert.Equal(1, pace.Available("q", Start.AddSeconds(0.5)), 6);
        Assert.Equal(2, pace.Available("q", Start.AddSeconds(10)));
        Assert.Equal(2, pace.Available("other", Start));
    }

    [Fact]
    public void A_slow_rate_admits_one_player_then_waits_for_the_next()
    {
        var pace = Pace("0.25");

        Assert.Equal(1, pace.Available("q", Start));
        pace.Spend("q", 0, Start);
        Assert.True(pace.Available("q", Start.AddSeconds(3.9)) < 1);
        Assert.True(pace.Available("q", Start.AddSeconds(4)) >= 1);
    }

    private static AdmissionPace Pace(string rate) =>
        new(MatchmakingSettings.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Redwood:Matchmaking:Queue:AdmissionsPerSecond"] = rate })
            .Build()));
}
