using System.Diagnostics;
using System.Globalization;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Redwood.Matchmaking.Contracts;
using Redwood.Matchmaking.Domain;
using Redwood.Matchmaking.Persistence;
using Redwood.Realm.Contracts;
using Redwood.SharedKernel.Ephemeral;
using Redwood.SharedKernel.Messaging;

namespace Redwood.Matchmaking.Features.Processing;

/// <summary>One matcher tick over every realm with tickets.</summary>
internal sealed record ProcessTicketsCommand : ICommand<ProcessTicketsResult>;

/// <summary>What a tick did.</summary>
internal sealed record ProcessTicketsResult(int Tickets, int Matches, int Admitted);

/// <summary>
/// The tick, per realm under the realm lock: ends tickets that went stale or whose player left, returns matches that
/// got no server within <c>MaxMatchAge</c> to the pool, runs the <see cref="Matcher"/>, admits queued players by
/// shard capacity, then publishes the matches, the admissions and one batch of messages for the players. A match
/// and its placed tickets are written in one step and marked handed on once published; a matcher that dies between
/// the two leaves matches and admissions nobody will serve, which the next tick (on whichever process then holds the
/// matcher lease) returns to the pool after <see cref="HandOnGrace"/> rather than after <c>MaxMatchAge</c>.
/// </summary>
internal sealed class ProcessTicketsHandler(
    TicketStore store,
    RealmLocks locks,
    TicketNotices notices,
    MatcherStatus status,
    QueueAdmission queues,
    MatchmakingSettings settings,
    IPublisher publisher,
    TimeProvider time,
    ILogger<ProcessTicketsHandler> logger) : ICommandHandler<ProcessTicketsCommand, ProcessTicketsResult>
{
    public const string MatchFoundMessage = "Match found, starting server";

    public async ValueTask<ProcessTicketsResult> Handle(ProcessTicketsCommand command, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var realms = await store.RealmsAsync(cancellationToken);
        int tickets = 0, matches = 0, admitted = 0;
        foreach (var realmId in realms)
        {
            var result = await ProcessRealmAsync(realmId, cancellationToken);
            tickets += result.Tickets;
            matches += result.Matches;
            admitted += result.Admitted;
        }

        var elapsed = watch.Elapsed.TotalMilliseconds;
        status.Record(time.GetUtcNow(), elapsed, tickets, matches, admitted);
        Log.Tick(logger, tickets, realms.Count, elapsed, matches, admitted);
        return new ProcessTicketsResult(tickets, matches, admitted);
    }

    private async Task<ProcessTicketsResult> ProcessRealmAsync(string realmId, CancellationToken ct)
    {
        var messages = new List<TicketMessage>();
        var found = new List<MatchFound>();
        var admissions = new List<QueueAdmitted>();
        int open;
        using (await locks.EnterAsync(realmId, ct))
        {
            var now = time.GetUtcNow();
            var all = await store.AllAsync(realmId, ct);
            var byId = all.ToDictionary(t => t.Id, StringComparer.Ordinal);
            await ReturnStaleMatchesAsync(realmId, byId, messages, now, ct);
            var live = new List<Ticket>(all.Count);
            foreach (var ticket in byId.Values)
            {
                if (await EndIfDueAsync(ticket, messages, now, ct))
                {
                    continue;
                }

                live.Add(ticket);
            }

            notices.Index(realmId, live);
            open = live.Count;
            await MatchAsync(realmId, live, messages, found, now, ct);
            admissions.AddRange(await queues.AdmitAsync(realmId, live.Where(t => t.Kind == TicketKind.Queue), messages, now, ct));
        }

        foreach (var match in found)
        {
            await publisher.Publish(match, ct);
            await store.MarkHandedOnAsync(realmId, match.MatchId, ct);
        }

        foreach (var admission in admissions)
        {
            await publisher.Publish(admission, ct);
            await store.MarkHandedOnAsync(realmId, admission.TicketId, ct);
        }

        if (messages.Count > 0)
        {
            await publisher.Publish(new TicketsUpdated(realmId, messages), ct);
        }

        return new ProcessTicketsResult(open, found.Count, admissions.Count);
    }

    /// <summary>Ends a ticket that went stale or whose player's socket has been gone past the grace period.</summary>
    private async Task<bool> EndIfDueAsync(Ticket ticket, List<TicketMessage> messages, DateTimeOffset now, CancellationToken ct)
    {
        string? reason = null;
        if (ticket.DisconnectedAt is { } gone && now - gone >= settings.DisconnectGrace)
        {
            reason = "You left the realm, so your ticket ended";
        }
        else if (ticket is { Kind: TicketKind.Matchmaking, State: TicketState.Waiting } && now - ticket.WaitingSince >= settings.TicketStaleTime)
        {
            reason = $"Ticket went stale: no match found within {Seconds(settings.TicketStaleTime)}; please try again";
        }

        if (reason is null)
        {
            return false;
        }

        await EndAsync(ticket, ct);
        notices.Fail(messages, ticket, reason);
        Log.TicketEnded(logger, ticket.Id, ticket.PlayerId, ticket.RealmId, reason);
        return true;
    }

    /// <summary>Removes a ticket and frees its player's slot when the slot still points at it.</summary>
    public static async Task EndAsync(TicketStore store, Ticket ticket, CancellationToken ct)
    {
        await store.DeleteAsync(ticket.RealmId, ticket.Id, ct);
        if (await store.TicketOfPlayerAsync(ticket.RealmId, ticket.PlayerId, ct) == ticket.Id)
        {
            await store.ReleasePlayerAsync(ticket.RealmId, ticket.PlayerId, ct);
        }
    }

    private Task EndAsync(Ticket ticket, CancellationToken ct) => EndAsync(store, ticket, ct);

    /// <summary>
    /// How long a match or admission may wait to be handed on before the tick deems its matcher dead: as long as the
    /// matcher lease outlives its holder, so a new holder returns what the dead one left on its first tick.
    /// </summary>
    private TimeSpan HandOnGrace => settings.ProcessInterval + TimeSpan.FromSeconds(5);

    /// <summary>
    /// Matches older than <c>MaxMatchAge</c> (no server came up) go back to the pool, as do placed tickets whose match
    /// record is gone, queue admissions that were never served, and matches and admissions never handed on.
    /// </summary>
    private async Task ReturnStaleMatchesAsync(
        string realmId, Dictionary<string, Ticket> tickets, List<TicketMessage> messages, DateTimeOffset now, CancellationToken ct)
    {
        var pending = await store.MatchesAsync(realmId, ct);
        var handedOn = await store.HandedOnAsync(realmId, ct);
        var liveMatches = new HashSet<string>(StringComparer.Ordinal);
        foreach (var match in pending)
        {
            var age = now - match.CreatedAt;
            var reason = age >= settings.MaxMatchAge ? "max match age reached"
                : !handedOn.Contains(match.Id) && age >= HandOnGrace ? "the matcher that made it stopped before handing it on"
                : null;
            if (reason is null)
            {
                liveMatches.Add(match.Id);
                continue;
            }

            await store.DeleteMatchAsync(realmId, match.Id, ct);
            Log.MatchReturned(logger, match.Id, realmId, reason, match.TicketIds.Count);
        }

        var stillPlaced = new HashSet<string>(liveMatches, StringComparer.Ordinal);
        foreach (var ticket in tickets.Values.ToList())
        {
            if (ticket.State != TicketState.Placed)
            {
                continue;
            }

            var placedFor = now - (ticket.PlacedAt ?? now);
            var expired = ticket.Kind == TicketKind.Matchmaking
                ? ticket.MatchId is null || !liveMatches.Contains(ticket.MatchId)
                : placedFor >= settings.MaxMatchAge || (!handedOn.Contains(ticket.Id) && placedFor >= HandOnGrace);
            if (!expired)
            {
                stillPlaced.Add(ticket.Id);
                continue;
            }

            var back = BackToPool(ticket, now);
            await store.SaveAsync(back, ct);
            tickets[ticket.Id] = back;
            notices.Tell(messages, back, ticket.Kind == TicketKind.Matchmaking
                ? "Match expired: no game server became ready in time; searching again"
                : "The server did not become ready in time; back in the queue", now);
        }

        // Marks of matches and admissions that are over (served, failed or returned) are dropped.
        foreach (var id in handedOn.Where(id => !stillPlaced.Contains(id)))
        {
            await store.ForgetHandedOnAsync(realmId, id, ct);
        }
    }

    /// <summary>A placed ticket back in the pool: it waits afresh for staleness but keeps its place by age.</summary>
    public static Ticket BackToPool(Ticket ticket, DateTimeOffset now) =>
        ticket with { State = TicketState.Waiting, MatchId = null, AdmittedShard = null, PlacedAt = null, WaitingSince = now };

    private async Task MatchAsync(
        string realmId, List<Ticket> live, List<TicketMessage> messages, List<MatchFound> found, DateTimeOffset now, CancellationToken ct)
    {
        var waiting = live.Where(t => t is { Kind: TicketKind.Matchmaking, State: TicketState.Waiting, ProfileId: not null }).ToList();
        if (waiting.Count == 0)
        {
            return;
        }

        var pool = waiting.Select(t => new MatcherTicket(t.Id, t.ProfileId!, t.CreatedAt, t.Regions)).ToList();
        var proposals = Matcher.Match(pool, MatcherProfiles, now, settings.MatcherOptions);
        var byId = waiting.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var matched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var proposal in proposals)
        {
            var profile = settings.Profiles.Find(proposal.ProfileId)!;
            var match = new PendingMatch(Guid.NewGuid().ToString("N"), realmId, [.. proposal.Tickets.Select(t => t.Id)], now);
            var placed = proposal.Tickets.Select(c => byId[c.Id] with { State = TicketState.Placed, MatchId = match.Id, PlacedAt = now }).ToList();
            await store.PlaceMatchAsync(match, placed, ct);
            var tickets = new List<MatchedTicket>(placed.Count);
            foreach (var ticket in placed)
            {
                matched.Add(ticket.Id);
                tickets.Add(new MatchedTicket(ticket.Id, ticket.PlayerId, ticket.CharacterId));
                notices.Tell(messages, ticket, MatchFoundMessage, now);
            }

            found.Add(new MatchFound(realmId, match.Id, profile.Id, proposal.Region, profile.MatchmakingZoneName!, tickets));
            Log.MatchMade(logger, match.Id, realmId, profile.Id, proposal.Region, tickets.Count);
        }

        var inPool = waiting.Where(t => !matched.Contains(t.Id)).ToList();
        var perProfile = inPool.GroupBy(t => t.ProfileId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var ticket in inPool)
        {
            var count = perProfile[ticket.ProfileId!];
            notices.Tell(
                messages,
                ticket,
                string.Create(CultureInfo.InvariantCulture, $"Searching: {count} player{(count == 1 ? string.Empty : "s")} in pool"),
                now,
                settings.UpdateInterval);
        }
    }

    private IReadOnlyDictionary<string, MatcherProfile> MatcherProfiles =>
        settings.Profiles.All
            .Where(p => p.MatchmakingZoneName is not null)
            .ToDictionary(p => p.Id, p => new MatcherProfile(p.Id, p.MinPlayersForMatchmaking, p.MaxPlayersPerShard), StringComparer.Ordinal);

    private static string Seconds(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#} s");
}

/// <summary>
/// Runs the matcher tick every <c>Redwood:Matchmaking:ProcessInterval</c>, on one Matchmaking process at a time: the
/// one holding the <c>matchmaking:matcher</c> lease.
/// </summary>
internal sealed class MatcherService(
    IServiceScopeFactory scopes, IEphemeralStore store, MatchmakingSettings settings, TimeProvider time, ILogger<MatcherService> logger)
    : LeasedPeriodicCommandService(scopes, store, time, logger)
{
    protected override TimeSpan Interval => settings.ProcessInterval;

    protected override string LeaseKey => "matchmaking:matcher";

    protected override object CreateCommand() => new ProcessTicketsCommand();

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Log.Started(logger, settings.ProcessInterval, settings.Profiles.All.Count, string.Join(", ", settings.Profiles.All.Select(p => p.Id)));
        return base.StartAsync(cancellationToken);
    }
}
