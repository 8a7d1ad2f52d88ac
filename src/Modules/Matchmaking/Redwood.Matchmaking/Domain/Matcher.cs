using Redwood.Matchmaking.Contracts;

namespace Redwood.Matchmaking.Domain;

/// <summary>A waiting ticket as the matcher sees it.</summary>
/// <param name="Id">Ticket id.</param>
/// <param name="ProfileId">The game profile it waits for.</param>
/// <param name="WaitingSince">When it entered the pool (age counts from here).</param>
/// <param name="Regions">Its regions within the maximum ping, lowest ping first (at least one).</param>
internal sealed record MatcherTicket(string Id, string ProfileId, DateTimeOffset WaitingSince, IReadOnlyList<RegionPing> Regions);

/// <summary>The rules of one profile the matcher needs.</summary>
/// <param name="Id">Profile id.</param>
/// <param name="MinPlayers">Fewest players in a shallow match.</param>
/// <param name="MaxPlayers">Players in a full match.</param>
internal sealed record MatcherProfile(string Id, int MinPlayers, int MaxPlayers);

/// <summary>How the matcher weighs proposals and when it accepts shallow ones.</summary>
/// <param name="MaxPing">Highest ping (seconds) a player may have to the match's region.</param>
/// <param name="ShallowAfter">A shallow match is made once its oldest ticket waited this long.</param>
/// <param name="AgeHorizon">The wait at which the age score is full (the stale time).</param>
/// <param name="AgeWeight">Weight of the mean wait.</param>
/// <param name="PingWeight">Weight of the (inverted) mean ping.</param>
/// <param name="PlayersWeight">Weight of the fill ratio.</param>
internal sealed record MatcherOptions(
    double MaxPing, TimeSpan ShallowAfter, TimeSpan AgeHorizon, double AgeWeight = 1, double PingWeight = 1, double PlayersWeight = 1);

/// <summary>A match the matcher made.</summary>
/// <param name="ProfileId">The profile.</param>
/// <param name="Region">The region every ticket pinged below the maximum.</param>
/// <param name="Tickets">The tickets, oldest first.</param>
/// <param name="Full">True when it has the profile's maximum players.</param>
/// <param name="Score">Its score (age, ping and players, weighted).</param>
internal sealed record MatchProposal(string ProfileId, string Region, IReadOnlyList<MatcherTicket> Tickets, bool Full, double Score);

/// <summary>
/// Pure matchmaking over one realm's pool, in the manner of Open Match's default match function and evaluator:
/// tickets are grouped by profile and region, proposals are cut from each group oldest first, scored by age, ping and
/// player count, and non-overlapping proposals are kept best first. Full matches come before shallow ones; a shallow
/// match needs at least the profile's minimum and an oldest ticket older than <see cref="MatcherOptions.ShallowAfter"/>.
/// Cost is O(n log n) in the pool: each ticket first goes to its lowest-ping region only (disjoint groups), and only
/// the few left over there (fewer than a match per group) are offered to their other regions.
/// </summary>
internal static class Matcher
{
    public static IReadOnlyList<MatchProposal> Match(
        IReadOnlyList<MatcherTicket> pool, IReadOnlyDictionary<string, MatcherProfile> profiles, DateTimeOffset now, MatcherOptions options)
    {
        var matches = new List<MatchProposal>();
        var leftovers = new List<MatcherTicket>();

        // Pass 1: every ticket in its best region; groups are disjoint, so every full cut is accepted.
        foreach (var group in GroupBy(pool, profiles, bestRegionOnly: true, options))
        {
            var profile = profiles[group.Key.Profile];
            var tickets = group.Value;
            SortOldestFirst(tickets);
            var full = tickets.Count / profile.MaxPlayers * profile.MaxPlayers;
            for (var i = 0; i < full; i += profile.MaxPlayers)
            {
                var cut = tickets.GetRange(i, profile.MaxPlayers);
                matches.Add(Propose(profile, group.Key.Region, cut, now, options));
            }

            leftovers.AddRange(tickets.Skip(full));
        }

        // Pass 2: the leftovers in every region they may play in; full proposals first, then shallow ones.
        var remaining = leftovers;
        foreach (var shallow in new[] { false, true })
        {
            while (remaining.Count > 0)
            {
                var proposals = new List<MatchProposal>();
                foreach (var group in GroupBy(remaining, profiles, bestRegionOnly: false, options))
                {
                    var profile = profiles[group.Key.Profile];
                    var tickets = group.Value;
                    SortOldestFirst(tickets);
                    if (!shallow)
                    {
                        for (var i = 0; i + profile.MaxPlayers <= tickets.Count; i += profile.MaxPlayers)
                        {
                            proposals.Add(Propose(profile, group.Key.Region, tickets.GetRange(i, profile.MaxPlayers), now, options));
                        }
                    }
                    else if (tickets.Count >= profile.MinPlayers && now - tickets[0].WaitingSince >= options.ShallowAfter)
                    {
                        proposals.Add(Propose(profile, group.Key.Region, tickets.GetRange(0, Math.Min(tickets.Count, profile.MaxPlayers)), now, options));
                    }
                }

                var accepted = Evaluate(proposals);
                if (accepted.Count == 0)
                {
                    break;
                }

                matches.AddRange(accepted);
                var taken = accepted.SelectMany(m => m.Tickets).Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
                remaining = [.. remaining.Where(t => !taken.Contains(t.Id))];
            }
        }

        return matches;
    }

    /// <summary>Open Match's evaluator: best score first, a proposal overlapping an accepted one is dropped.</summary>
    public static List<MatchProposal> Evaluate(IEnumerable<MatchProposal> proposals)
    {
        var accepted = new List<MatchProposal>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var proposal in proposals.OrderByDescending(p => p.Full).ThenByDescending(p => p.Score))
        {
            if (proposal.Tickets.Any(t => taken.Contains(t.Id)))
            {
                continue;
            }

            foreach (var ticket in proposal.Tickets)
            {
                taken.Add(ticket.Id);
            }

            accepted.Add(proposal);
        }

        return accepted;
    }

    /// <summary>The score of a proposal: weighted mean wait (up to the horizon), inverted mean ping and fill ratio.</summary>
    public static double Score(MatcherProfile profile, string region, IReadOnlyList<MatcherTicket> tickets, DateTimeOffset now, MatcherOptions options)
    {
        double age = 0, ping = 0;
        foreach (var ticket in tickets)
        {
            age += Math.Clamp((now - ticket.WaitingSince) / options.AgeHorizon, 0, 1);
            ping += PingTo(ticket, region);
        }

        age /= tickets.Count;
        ping /= tickets.Count;
        var pingScore = options.MaxPing > 0 ? 1 - Math.Clamp(ping / options.MaxPing, 0, 1) : 1;
        var players = (double)tickets.Count / profile.MaxPlayers;
        return (options.AgeWeight * age) + (options.PingWeight * pingScore) + (options.PlayersWeight * players);
    }

    private static MatchProposal Propose(
        MatcherProfile profile, string region, List<MatcherTicket> tickets, DateTimeOffset now, MatcherOptions options) =>
        new(profile.Id, region, tickets, tickets.Count == profile.MaxPlayers, Score(profile, region, tickets, now, options));

    private static double PingTo(MatcherTicket ticket, string region)
    {
        foreach (var r in ticket.Regions)
        {
            if (string.Equals(r.Name, region, StringComparison.Ordinal))
            {
                return r.Ping;
            }
        }

        return double.MaxValue;
    }

    private static Dictionary<(string Profile, string Region), List<MatcherTicket>> GroupBy(
        IEnumerable<MatcherTicket> tickets, IReadOnlyDictionary<string, MatcherProfile> profiles, bool bestRegionOnly, MatcherOptions options)
    {
        var groups = new Dictionary<(string, string), List<MatcherTicket>>();
        foreach (var ticket in tickets)
        {
            if (!profiles.ContainsKey(ticket.ProfileId))
            {
                continue;
            }

            foreach (var region in ticket.Regions)
            {
                if (region.Ping > options.MaxPing)
                {
                    continue;
                }

                var key = (ticket.ProfileId, region.Name);
                if (!groups.TryGetValue(key, out var list))
                {
                    groups[key] = list = [];
                }

                list.Add(ticket);
                if (bestRegionOnly)
                {
                    break;
                }
            }
        }

        return groups;
    }

    private static void SortOldestFirst(List<MatcherTicket> tickets) =>
        tickets.Sort(static (a, b) =>
        {
            var byAge = a.WaitingSince.CompareTo(b.WaitingSince);
            return byAge != 0 ? byAge : string.CompareOrdinal(a.Id, b.Id);
        });
}
