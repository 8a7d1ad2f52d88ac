using Redwood.Matchmaking.Contracts;
using Redwood.Matchmaking.Domain;

namespace Redwood.Matchmaking.Tests.Unit;

/// <summary>The matcher on fixed inputs.</summary>
public sealed class MatcherTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly MatcherOptions Options = new(MaxPing: 0.3, ShallowAfter: TimeSpan.FromSeconds(15), AgeHorizon: TimeSpan.FromMinutes(1));

    private static readonly Dictionary<string, MatcherProfile> Profiles = new()
    {
        ["duo"] = new MatcherProfile("duo", 2, 2),
        ["squad"] = new MatcherProfile("squad", 2, 4),
    };

    [Fact]
    public void Two_tickets_of_a_two_player_profile_in_one_region_make_a_full_match()
    {
        var matches = Matcher.Match([Ticket("a", "duo", 5, ("eu", 0.02)), Ticket("b", "duo", 3, ("eu", 0.05))], Profiles, Now, Options);

        var match = Assert.Single(matches);
        Assert.True(match.Full);
        Assert.Equal("eu", match.Region);
        Assert.Equal(["a", "b"], match.Tickets.Select(t => t.Id));
    }

    [Fact]
    public void Tickets_of_different_profiles_or_regions_are_never_matched_together()
    {
        var matches = Matcher.Match(
            [Ticket("a", "duo", 5, ("eu", 0.02)), Ticket("b", "duo", 5, ("us", 0.02)), Ticket("c", "squad", 5, ("eu", 0.02))],
            Profiles, Now, Options);

        Assert.Empty(matches);
    }

    [Fact]
    public void A_region_above_the_maximum_ping_is_not_used()
    {
        var matches = Matcher.Match([Ticket("a", "duo", 5, ("eu", 0.02)), Ticket("b", "duo", 5, ("eu", 0.31))], Profiles, Now, Options);

        Assert.Empty(matches);
    }

    [Fact]
    public void Players_meet_in_a_second_choice_region_when_their_best_ones_differ()
    {
        var matches = Matcher.Match(
            [Ticket("a", "duo", 5, ("eu", 0.01), ("us", 0.12)), Ticket("b", "duo", 5, ("us", 0.02), ("asia", 0.2))], Profiles, Now, Options);

        var match = Assert.Single(matches);
        Assert.Equal("us", match.Region);
    }

    [Fact]
    public void The_oldest_tickets_are_matched_first()
    {
        var matches = Matcher.Match(
            [Ticket("new", "duo", 1, ("eu", 0.01)), Ticket("old", "duo", 50, ("eu", 0.01)), Ticket("older", "duo", 55, ("eu", 0.01))],
            Profiles, Now, Options);

        Assert.Equal(["older", "old"], Assert.Single(matches).Tickets.Select(t => t.Id));
    }

    [Fact]
    public void A_shallow_match_waits_until_the_oldest_ticket_waited_long_enough()
    {
        ReadOnlySpan<(double Age, int Expected)> cases = [(14.9, 0), (15, 1)];
        foreach (var (age, expected) in cases)
        {
            var matches = Matcher.Match(
                [Ticket("a", "squad", age, ("eu", 0.01)), Ticket("b", "squad", 2, ("eu", 0.01)), Ticket("c", "squad", 1, ("eu", 0.01))],
                Profiles, Now, Options);

            Assert.Equal(expected, matches.Count);
            if (expected == 1)
            {
                Assert.False(matches[0].Full);
                Assert.Equal(3, matches[0].Tickets.Count);
            }
        }
    }

    [Fact]
    public void A_shallow_match_needs_the_profiles_minimum()
    {
        var matches = Matcher.Match([Ticket("a", "squad", 60, ("eu", 0.01))], Profiles, Now, Options);

        Assert.Empty(matches);
    }

    [Fact]
    public void Full_matches_come_before_shallow_ones()
    {
        // Four old tickets could make two shallow pairs; one full match of four is preferred.
        var matches = Matcher.Match(
            [Ticket("a", "squad", 40, ("eu", 0.01)), Ticket("b", "squad", 40, ("eu", 0.01)), Ticket("c", "squad", 40, ("eu", 0.01)), Ticket("d", "squad", 40, ("eu", 0.01))],
            Profiles, Now, Options);

        var match = Assert.Single(matches);
        Assert.True(match.Full);
    }

    [Fact]
    public void Scores_rise_with_age_and_players_and_fall_with_ping()
    {
        var profile = Profiles["squad"];
        var young = Matcher.Score(profile, "eu", [Ticket("a", "squad", 1, ("eu", 0.05)), Ticket("b", "squad", 1, ("eu", 0.05))], Now, Options);
        var old = Matcher.Score(profile, "eu", [Ticket("a", "squad", 30, ("eu", 0.05)), Ticket("b", "squad", 30, ("eu", 0.05))], Now, Options);
        var far = Matcher.Score(profile, "eu", [Ticket("a", "squad", 1, ("eu", 0.25)), Ticket("b", "squad", 1, ("eu", 0.25))], Now, Options);
        var more = Matcher.Score(profile, "eu", [Ticket("a", "squad", 1, ("eu", 0.05)), Ticket("b", "squad", 1, ("eu", 0.05)), Ticket("c", "squad", 1, ("eu", 0.05))], Now, Options);

        Assert.True(old > young);
        Assert.True(far < young);
        Assert.True(more > young);
    }

    [Fact]
    public void The_evaluator_keeps_the_best_of_overlapping_proposals()
    {
        var a = Ticket("a", "duo", 1, ("eu", 0.01));
        var b = Ticket("b", "duo", 1, ("eu", 0.01));
        var c = Ticket("c", "duo", 1, ("eu", 0.01));
        var accepted = Matcher.Evaluate(
        [
            new MatchProposal("duo", "eu", [a, b], Full: true, Score: 1.0),
            new MatchProposal("duo", "eu", [b, c], Full: true, Score: 2.0),
        ]);

        Assert.Equal(["b", "c"], Assert.Single(accepted).Tickets.Select(t => t.Id));
    }

    internal static MatcherTicket Ticket(string id, string profile, double ageSeconds, params (string Name, double Ping)[] regions) =>
        new(id, profile, Now - TimeSpan.FromSeconds(ageSeconds), [.. regions.Select(r => new RegionPing(r.Name, r.Ping)).OrderBy(r => r.Ping)]);
}
