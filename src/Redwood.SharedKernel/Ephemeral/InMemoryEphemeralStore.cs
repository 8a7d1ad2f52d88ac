using System.Collections.Concurrent;

namespace Redwood.SharedKernel.Ephemeral;

/// <summary>
/// The single-process store: everything lives in this process's memory. Expired keys are swept at least once a minute
/// (and whenever more than <see cref="SweepThreshold"/> keys exist), so counters keyed by hostile input do not pile up.
/// </summary>
public sealed class InMemoryEphemeralStore(TimeProvider time) : IEphemeralStore
{
    /// <summary>Above this many keys, every write sweeps expired ones (at most once a second).</summary>
    public const int SweepThreshold = 100_000;

    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Entry> _values = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ImmutableHandlers> _channels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MemoryStream> _streams = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, string>> _hashes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private DateTimeOffset _lastSweep = time.GetUtcNow();

    /// <summary>Keys held now, expired ones not yet swept included.</summary>
    public int Count => _values.Count;

    /// <inheritdoc />
    public Task<string?> GetAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(TryRead(key, out var value) ? value : null);

    /// <inheritdoc />
    public Task SetAsync(string key, string value, TimeSpan? expiry, CancellationToken cancellationToken)
    {
        SweepIfDue();
        _values[key] = new Entry(value, ExpiresAt(expiry));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> SetIfAbsentAsync(string key, string value, TimeSpan? expiry, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (TryRead(key, out _))
            {
                return Task.FromResult(false);
            }

            _values[key] = new Entry(value, ExpiresAt(expiry));
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<string?> TakeAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var found = TryRead(key, out var value);
            _values.TryRemove(key, out _);
            return Task.FromResult(found ? value : null);
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var found = TryRead(key, out _);
            _values.TryRemove(key, out _);
            return Task.FromResult(found);
        }
    }

    /// <inheritdoc />
    public Task<long> IncrementAsync(string key, TimeSpan window, CancellationToken cancellationToken)
    {
        SweepIfDue();
        lock (_gate)
        {
            var next = TryRead(key, out var value) && _values.TryGetValue(key, out var entry)
                ? entry with { Value = (long.Parse(value!, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) }
                : new Entry("1", ExpiresAt(window));
            _values[key] = next;
            return Task.FromResult(long.Parse(next.Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <inheritdoc />
    public Task<bool> TryReserveAsync(string key, long limit, TimeSpan window, CancellationToken cancellationToken)
    {
        SweepIfDue();
        lock (_gate)
        {
            var count = TryRead(key, out var value) ? long.Parse(value!, System.Globalization.CultureInfo.InvariantCulture) : 0;
            if (count >= limit)
            {
                return Task.FromResult(false);
            }

            _values[key] = count == 0
                ? new Entry("1", ExpiresAt(window))
                : _values[key] with { Value = (count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) };
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task ReleaseAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (TryRead(key, out var value) && _values.TryGetValue(key, out var entry))
            {
                var count = long.Parse(value!, System.Globalization.CultureInfo.InvariantCulture) - 1;
                if (count <= 0)
                {
                    _values.TryRemove(key, out _);
                }
                else
                {
                    _values[key] = entry with { Value = count.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Removes every expired key now.</summary>
    public void Sweep()
    {
        var now = time.GetUtcNow();
        _lastSweep = now;
        foreach (var pair in _values)
        {
            if (pair.Value.ExpiresAt is { } expires && expires <= now)
            {
                _values.TryRemove(pair);
            }
        }
    }

    /// <inheritdoc />
    public Task HashSetAsync(string key, string field, string value, CancellationToken cancellationToken)
    {
        _hashes.GetOrAdd(key, _ => new ConcurrentDictionary<string, string>(StringComparer.Ordinal))[field] = value;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task HashSetManyAsync(IReadOnlyList<HashWrite> writes, CancellationToken cancellationToken)
    {
        foreach (var write in writes)
        {
            _hashes.GetOrAdd(write.Key, _ => new ConcurrentDictionary<string, string>(StringComparer.Ordinal))[write.Field] = write.Value;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<string?> HashGetAsync(string key, string field, CancellationToken cancellationToken) =>
        Task.FromResult(_hashes.TryGetValue(key, out var hash) && hash.TryGetValue(field, out var value) ? value : null);

    /// <inheritdoc />
    public Task<bool> HashDeleteAsync(string key, string field, CancellationToken cancellationToken) =>
        Task.FromResult(_hashes.TryGetValue(key, out var hash) && hash.TryRemove(field, out _));

    /// <inheritdoc />
    public Task<IReadOnlyList<KeyValuePair<string, string>>> HashGetAllAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<KeyValuePair<string, string>>>(_hashes.TryGetValue(key, out var hash) ? [.. hash] : []);

    /// <inheritdoc />
    public Task<bool> TryHoldLeaseAsync(string key, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (TryRead(key, out var holder) && holder != owner)
            {
                return Task.FromResult(false);
            }

            _values[key] = new Entry(owner, ExpiresAt(ttl));
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task ReleaseLeaseAsync(string key, string owner, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (TryRead(key, out var holder) && holder == owner)
            {
                _values.TryRemove(key, out _);
            }

            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public async Task PublishAsync(string channel, string message, CancellationToken cancellationToken)
    {
        if (_channels.TryGetValue(channel, out var handlers))
        {
            foreach (var handler in handlers.Items)
            {
                await handler(message);
            }
        }
    }

    /// <inheritdoc />
    public Task<IAsyncDisposable> SubscribeAsync(string channel, Func<string, Task> handler, CancellationToken cancellationToken)
    {
        _channels.AddOrUpdate(channel, _ => new ImmutableHandlers([handler]), (_, h) => new ImmutableHandlers([.. h.Items, handler]));
        return Task.FromResult<IAsyncDisposable>(new Subscription(() =>
            _channels.AddOrUpdate(channel, _ => new ImmutableHandlers([]), (_, h) => new ImmutableHandlers([.. h.Items.Where(x => x != handler)]))));
    }

    /// <inheritdoc />
    public Task<string> StreamAddAsync(string stream, string payload, CancellationToken cancellationToken)
    {
        var s = _streams.GetOrAdd(stream, _ => new MemoryStream());
        lock (s)
        {
            var id = $"{time.GetUtcNow().ToUnixTimeMilliseconds()}-{s.Entries.Count}";
            s.Entries.Add(new StreamEntry(id, payload));
            return Task.FromResult(id);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StreamEntry>> StreamReadGroupAsync(
        string stream, string group, string consumer, int count, CancellationToken cancellationToken)
    {
        var s = _streams.GetOrAdd(stream, _ => new MemoryStream());
        lock (s)
        {
            // A new group starts at the end, like XGROUP CREATE ... $ MKSTREAM.
            var cursor = s.Groups.TryGetValue(group, out var c) ? c : s.Groups[group] = s.Entries.Count;
            var taken = s.Entries.Skip(cursor).Take(count).ToList();
            s.Groups[group] = cursor + taken.Count;
            return Task.FromResult<IReadOnlyList<StreamEntry>>(taken);
        }
    }

    /// <inheritdoc />
    public Task StreamAcknowledgeAsync(string stream, string group, string id, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <inheritdoc />
    public Task<TimeSpan> PingAsync(CancellationToken cancellationToken) => Task.FromResult(TimeSpan.Zero);

    private bool TryRead(string key, out string? value)
    {
        if (_values.TryGetValue(key, out var entry))
        {
            if (entry.ExpiresAt is null || entry.ExpiresAt > time.GetUtcNow())
            {
                value = entry.Value;
                return true;
            }

            _values.TryRemove(KeyValuePair.Create(key, entry));
        }

        value = null;
        return false;
    }

    private void SweepIfDue()
    {
        // The clock first: ConcurrentDictionary.Count takes every lock of the dictionary, so it is read at most once a
        // second, not on every reservation.
        var elapsed = time.GetUtcNow() - _lastSweep;
        var due = elapsed >= SweepInterval || (elapsed >= TimeSpan.FromSeconds(1) && _values.Count > SweepThreshold);
        if (due && _gate.TryEnter())
        {
            try
            {
                Sweep();
            }
            finally
            {
                _gate.Exit();
            }
        }
    }

    private DateTimeOffset? ExpiresAt(TimeSpan? expiry) => expiry is { } e ? time.GetUtcNow() + e : null;

    private sealed record Entry(string Value, DateTimeOffset? ExpiresAt);

    private sealed record ImmutableHandlers(Func<string, Task>[] Items);

    private sealed class MemoryStream
    {
        public List<StreamEntry> Entries { get; } = [];

        public Dictionary<string, int> Groups { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Subscription(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }
}
