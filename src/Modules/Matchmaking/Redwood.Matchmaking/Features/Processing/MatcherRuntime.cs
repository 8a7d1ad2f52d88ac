using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Redwood.Matchmaking.Contracts;
using Redwood.Matchmaking.Domain;
using Redwood.SharedKernel.Diagnostics;

namespace Redwood.Matchmaking.Features.Processing;

/// <summary>
/// One async lock per realm: the tick and the handlers that end or place tickets never interleave in this process,
/// so a ticket left by its player is never matched afterwards. Opening a ticket needs no lock (its slot is claimed
/// atomically in the store and the tick sees it next time).
/// </summary>
internal sealed class RealmLocks
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async Task<IDisposable> EnterAsync(string realmId, CancellationToken ct)
    {
        var gate = _locks.GetOrAdd(realmId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}

/// <summary>
/// What each player was last told about each ticket, so a repeated text is not pushed again and "Searching" updates
/// go out at most once per update interval. Lost on restart, which only costs one repeated update.
/// </summary>
internal sealed class TicketNotices
{
    private readonly ConcurrentDictionary<string, (string Message, DateTimeOffset At)> _last = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HashSet<string>> _ticketsByPlayer = new(StringComparer.Ordinal);

    /// <summary>Adds the message to <paramref name="messages"/> unless it repeats the last one or comes too soon after it.</summary>
    public void Tell(List<TicketMessage> messages, Ticket ticket, string message, DateTimeOffset now, TimeSpan? minInterval = null)
    {
        if (_last.TryGetValue(ticket.Id, out var last)
            && (last.Message == message || (minInterval is { } interval && now - last.At < interval)))
        {
            return;
        }

        _last[ticket.Id] = (message, now);
        messages.Add(new TicketMessage(ticket.PlayerId, ticket.Id, message, IsError: false));
    }

    /// <summary>Adds the terminal error and forgets the ticket.</summary>
    public void Fail(List<TicketMessage> messages, Ticket ticket, string error)
    {
        Forget(ticket.Id);
        messages.Add(new TicketMessage(ticket.PlayerId, ticket.Id, error, IsError: true));
    }

    public void Forget(string ticketId) => _last.TryRemove(ticketId, out _);

    /// <summary>Remembers the tickets each player had at the last tick (to end tickets whose bookkeeping was lost).</summary>
    public void Index(string realmId, IEnumerable<Ticket> tickets)
    {
        var index = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var ticket in tickets)
        {
            var key = realmId + "\n" + ticket.PlayerId;
            if (!index.TryGetValue(key, out var ids))
            {
                index[key] = ids = new HashSet<string>(StringComparer.Ordinal);
            }

            ids.Add(ticket.Id);
        }

        foreach (var key in _ticketsByPlayer.Keys.Where(k => k.StartsWith(realmId + "\n", StringComparison.Ordinal) && !index.ContainsKey(k)))
        {
            _ticketsByPlayer.TryRemove(key, out _);
        }

        foreach (var (key, ids) in index)
        {
            _ticketsByPlayer[key] = ids;
        }
    }

    public IReadOnlyCollection<string> IndexedTicketsOf(string realmId, string playerId) =>
        _ticketsByPlayer.TryGetValue(realmId + "\n" + playerId, out var ids) ? ids : [];
}

/// <summary>
/// The matcher's last tick, for <c>/ready</c>, the debug log and the <c>redwood.matchmaking</c> meter (which also
/// counts the tickets opened in this process).
/// </summary>
internal sealed class MatcherStatus
{
    private readonly Counter<long> _ticketsCreated;
    private readonly Counter<long> _ticks;
    private readonly Counter<long> _matches;
    private readonly Counter<long> _admissions;
    private readonly Histogram<double> _tickDuration;
    private long _poolSize;
    private long _lastTickTicks;

    public MatcherStatus(IMeterFactory meters)
    {
        var meter = meters.Create(RedwoodTelemetry.MeterName(MatchmakingModule.Name));
        _ticketsCreated = meter.CreateCounter<long>("redwood.matchmaking.tickets.created", description: "Tickets opened, by kind (matchmaking, queue)");
        _ticks = meter.CreateCounter<long>("redwood.matchmaking.ticks", description: "Matcher ticks run");
        _matches = meter.CreateCounter<long>("redwood.matchmaking.matches", description: "Matches made");
        _admissions = meter.CreateCounter<long>("redwood.matchmaking.queue.admissions", description: "Players admitted from queues");
        _tickDuration = meter.CreateHistogram<double>("redwood.matchmaking.tick.duration", unit: "ms", description: "Matcher tick duration");
        meter.CreateObservableGauge(
            "redwood.matchmaking.tickets.active",
            () => LastTick is null ? [] : new[] { new Measurement<long>(Interlocked.Read(ref _poolSize)) },
            description: "Open tickets of every realm at this process's last matcher tick (reported once it has ticked)");
    }

    public DateTimeOffset? LastTick => Interlocked.Read(ref _lastTickTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    public double LastDurationMs { get; private set; }

    public long PoolSize => Interlocked.Read(ref _poolSize);

    public void Record(DateTimeOffset at, double milliseconds, int tickets, int matches, int admitted)
    {
        LastDurationMs = milliseconds;
        Interlocked.Exchange(ref _poolSize, tickets);
        Interlocked.Exchange(ref _lastTickTicks, at.UtcTicks);
        _ticks.Add(1);
        _matches.Add(matches);
        _admissions.Add(admitted);
        _tickDuration.Record(milliseconds);
    }

    public void TicketCreated(TicketKind kind) =>
        _ticketsCreated.Add(1, new KeyValuePair<string, object?>("kind", kind == TicketKind.Queue ? "queue" : "matchmaking"));
}

/// <summary>Ready once the matcher ticked recently (within ten process intervals, or 30 s at the least).</summary>
internal sealed class MatcherHealthCheck(MatcherStatus status, MatchmakingSettings settings, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var limit = TimeSpan.FromTicks(Math.Max(settings.ProcessInterval.Ticks * 10, TimeSpan.FromSeconds(30).Ticks));
        if (status.LastTick is not { } last)
        {
            return Task.FromResult(HealthCheckResult.Degraded("The matcher has not ticked yet"));
        }

        var description = $"Last tick {last:O} took {status.LastDurationMs:F1} ms over {status.PoolSize} ticket(s)";
        return Task.FromResult(time.GetUtcNow() - last <= limit
            ? HealthCheckResult.Healthy(description)
            : HealthCheckResult.Unhealthy("Matcher stalled. " + description));
    }
}
