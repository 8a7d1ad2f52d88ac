using System.Collections.Concurrent;
using System.Globalization;
using Mediator;
using Microsoft.Extensions.Logging;
using Redwood.Matchmaking.Contracts;
using Redwood.Matchmaking.Domain;
using Redwood.Matchmaking.Persistence;
using Redwood.Realm.Contracts;
using Redwood.SharedKernel.Games;

namespace Redwood.Matchmaking.Features.Processing;

/// <summary>
/// FIFO queues per proxy and zone. Each tick asks the Realm how full the zone's shards are, then admits waiting
/// players oldest first: to the shard they asked for when it has room, otherwise to the least populated shard with
/// room, otherwise to a new shard while shard names remain. Admitted-but-not-yet-served players count against their
/// shard. An optional admissions-per-second rate paces each queue. Everyone still waiting hears their position.
/// </summary>
internal sealed class QueueAdmission(
    TicketStore store,
    TicketNotices notices,
    AdmissionPace pace,
    ISender sender,
    ILogger<QueueAdmission> logger)
{
    public async Task<IReadOnlyList<QueueAdmitted>> AdmitAsync(
        string realmId, IEnumerable<Ticket> queueTickets, List<TicketMessage> messages, DateTimeOffset now, CancellationToken ct)
    {
        var admitted = new List<QueueAdmitted>();
        foreach (var queue in queueTickets.GroupBy(t => t.QueueKey, StringComparer.Ordinal))
        {
            var tickets = queue.ToList();
            var waiting = tickets.Where(t => t.State == TicketState.Waiting).OrderBy(t => t.CreatedAt).ThenBy(t => t.Id, StringComparer.Ordinal).ToList();
            if (waiting.Count == 0)
            {
                continue;
            }

            var head = waiting[0];
            ZoneLoadReply load;
            try
            {
                load = await sender.Send(new GetZoneLoad(realmId, head.ProxyId!, head.ZoneName!), ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                Log.ZoneLoadUnavailable(logger, head.ProxyId!, head.ZoneName!, realmId, ex);
                continue;
            }

            if (!load.Live)
            {
                foreach (var ticket in tickets)
                {
                    await ProcessTicketsHandler.EndAsync(store, ticket, ct);
                    notices.Fail(messages, ticket, "The server you queued for is no longer available");
                    Log.TicketEnded(logger, ticket.Id, ticket.PlayerId, realmId, "the proxy ended");
                }

                continue;
            }

            var shards = load.Shards.ToDictionary(s => s.ShardName, s => s.Players, StringComparer.Ordinal);
            foreach (var placed in tickets.Where(t => t is { State: TicketState.Placed, AdmittedShard: not null }))
            {
                shards[placed.AdmittedShard!] = shards.GetValueOrDefault(placed.AdmittedShard!) + 1;
            }

            var budget = pace.Available(queue.Key, now);
            var stillWaiting = new List<Ticket>();
            foreach (var ticket in waiting)
            {
                var shard = budget >= 1 ? PickShard(ticket.ShardName, shards, load.MaxPlayersPerShard) : null;
                if (shard is null)
                {
                    stillWaiting.Add(ticket);
                    continue;
                }

                budget -= 1;
                shards[shard] = shards.GetValueOrDefault(shard) + 1;
                var placed = ticket with { State = TicketState.Placed, AdmittedShard = shard, PlacedAt = now };
                await store.SaveAsync(placed, ct);
                notices.Tell(messages, placed, $"Admitted to {placed.ZoneName} ({shard}), starting server", now);
                admitted.Add(new QueueAdmitted(realmId, placed.Id, placed.PlayerId, placed.CharacterId, placed.ProxyId!, placed.ZoneName!, shard));
                Log.Admitted(logger, placed.PlayerId, placed.ProxyId!, placed.ZoneName!, shard, realmId);
            }

            pace.Spend(queue.Key, budget, now);
            for (var i = 0; i < stillWaiting.Count; i++)
            {
                notices.Tell(messages, stillWaiting[i], string.Create(CultureInfo.InvariantCulture, $"Position {i + 1} in queue"), now);
            }
        }

        return admitted;
    }

    /// <summary>
    /// The requested shard when it has room (a requested shard that does not run yet is started); otherwise the least
    /// populated shard with room; otherwise the next free shard name. Null when the player must wait.
    /// </summary>
    public static string? PickShard(string? requested, IReadOnlyDictionary<string, int> shards, int maxPlayers)
    {
        if (requested is not null)
        {
            return shards.GetValueOrDefault(requested) < maxPlayers ? requested : null;
        }

        var least = shards.Where(s => s.Value < maxPlayers).OrderBy(s => s.Value).ThenBy(s => s.Key, StringComparer.Ordinal).FirstOrDefault();
        return least.Key ?? ShardNames.NextFree(shards.Keys);
    }
}

/// <summary>
/// The optional admissions-per-second rate of each queue (<c>Redwood:Matchmaking:Queue:AdmissionsPerSecond</c>, 0 =
/// unlimited): a token bucket per queue that refills at the rate and holds at most one second of admissions (at
/// least one). Lives for the process, across ticks.
/// </summary>
internal sealed class AdmissionPace(MatchmakingSettings settings)
{
    private readonly ConcurrentDictionary<string, (double Budget, DateTimeOffset At)> _buckets = new(StringComparer.Ordinal);

    /// <summary>Admissions the queue may make now (unbounded without a rate).</summary>
    public double Available(string queue, DateTimeOffset now)
    {
        var rate = settings.QueueAdmissionsPerSecond;
        if (rate <= 0)
        {
            return double.MaxValue;
        }

        var cap = Math.Max(1, rate);
        return _buckets.TryGetValue(queue, out var state)
            ? Math.Min(cap, state.Budget + ((now - state.At).TotalSeconds * rate))
            : cap;
    }

    /// <summary>Records what is left of <see cref="Available"/> after this tick's admissions.</summary>
    public void Spend(string queue, double remaining, DateTimeOffset now)
    {
        if (settings.QueueAdmissionsPerSecond > 0)
        {
            _buckets[queue] = (remaining, now);
        }
    }
}
