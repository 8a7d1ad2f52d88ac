using CsCheck;
using Redwood.Matchmaking.Contracts;
using Redwood.Matchmaking.Domain;

namespace Redwood.Matchmaking.Tests.Unit;

/// <summary>What holds for every pool: no ticket twice, every match within its profile's bounds and inside one region.</summary>
public sealed class MatcherPropertyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly string[] RegionNames = ["eu", "us", "asia", "sa", "oce"];

    private static readonly Dictionary<string, MatcherProfile> Profiles = new()
    {
        ["one"] = new MatcherProfile("one", 1, 1),
        ["duo"] = new MatcherProfile("duo", 2, 2),
        ["squad"] = new MatcherProfile("squad", 2, 4),
        ["raid"] = new MatcherProfile("raid", 5, 10),
    };

    private static readonly Gen<MatcherOptions> OptionsGen =
        Gen.Select(Gen.Double[0.05, 0.5], Gen.Int[0, 30], (maxPing, shallow) =>
            new MatcherOptions(maxPing, TimeSpan.FromSeconds(shallow), TimeSpan.FromMinutes(1)));

    private static readonly Gen<MatcherTicket[]> PoolGen =
        Gen.Select(
                Gen.Int[0, Profiles.Count].Select(i => i == Profiles.Count ? "unknown" : Profiles.Keys.ElementAt(i)),
                Gen.Double[0, 60],
                Gen.Select(Gen.Int[0, RegionNames.Length - 1].Select(i => RegionNames[i]), Gen.Double[0, 0.6]).Array[1, 4])
            .Array[0, 300]
            .Select(rows => rows.Select((row, i) => new MatcherTicket(
                "t" + i,
                row.Item1,
                Now - TimeSpan.FromSeconds(row.Item2),
                [.. row.Item3.GroupBy(r => r.Item1).Select(g => new RegionPing(g.Key, g.Min(r => r.Item2))).OrderBy(r => r.Ping)])).ToArray());

    [Fact]
    public void No_ticket_is_in_two_matches_and_every_match_keeps_its_profiles_bounds_and_region()
    {
        Gen.Select(PoolGen, OptionsGen).Sample((pool, options) =>
        {
            var matches = Matcher.Match(pool, Profiles, Now, options);
            var seen = new HashSet<string>();
            foreach (var match in matches)
            {
                var profile = Profiles[match.ProfileId];
                Assert.InRange(match.Tickets.Count, profile.MinPlayers, profile.MaxPlayers);
                Assert.Equal(match.Tickets.Count == profile.MaxPlayers, match.Full);
                foreach (var ticket in match.Tickets)
                {
                    Assert.True(seen.Add(ticket.Id), $"ticket {ticket.Id} is in two matches");
                    Assert.Equal(match.ProfileId, ticket.ProfileId);
                    Assert.Contains(ticket.Regions, r => r.Name == match.Region && r.Ping <= options.MaxPing);
                }

                if (!match.Full)
                {
                    Assert.True(match.Tickets.Max(t => Now - t.WaitingSince) >= options.ShallowAfter, "a shallow match before the wait");
                }
            }
        }, iter: 300);
    }

    [Fact]
    public void Every_possible_full_match_in_a_single_region_pool_is_made()
    {
        // With one region and one profile nothing conflicts: floor(n / max) full matches, nobody left who could fill one.
        Gen.Int[0, 200].Sample(count =>
        {
            var pool = Enumerable.Range(0, count)
                .Select(i => new MatcherTicket("t" + i, "squad", Now - TimeSpan.FromSeconds(i % 7), [new RegionPing("eu", 0.01)]))
                .ToArray();
            var options = new MatcherOptions(0.3, TimeSpan.FromHours(1), TimeSpan.FromMinutes(1));

            var matches = Matcher.Match(pool, Profiles, Now, options);

            Assert.Equal(count / 4, matches.Count);
            Assert.All(matches, m => Assert.True(m.Full));
        }, iter: 100);
    }
}
