using System.Collections.Concurrent;

namespace Redwood.SocketIO.Diagnostics;

/// <summary>
/// Lets at most one log line per key (an address, an account) through per window and counts the ones held back,
/// so a flood of refusals or malformed frames costs one line per window instead of one per attempt. Memory is
/// bounded: expired keys are swept, and once <c>maxKeys</c> live keys exist further keys share one overflow slot.
/// </summary>
public sealed class LogThrottle
{
    private const string OverflowKey = "*";

    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly long _windowTicks;
    private readonly int _maxKeys;
    private long _nextSweep;

    /// <summary>Creates a throttle with the given window and key bound.</summary>
    public LogThrottle(TimeSpan window, int maxKeys = 10_000, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKeys, 1);
        _time = time ?? TimeProvider.System;
        _windowTicks = (long)(window.TotalSeconds * _time.TimestampFrequency);
        _maxKeys = maxKeys;
    }

    /// <summary>Keys currently tracked (for tests and metrics).</summary>
    public int Count => _slots.Count;

    /// <summary>
    /// True when a line for <paramref name="key"/> may be written now; <paramref name="suppressed"/> is then the
    /// number of lines for that key held back since the previous one.
    /// </summary>
    public bool ShouldLog(string key, out int suppressed)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = _time.GetTimestamp();
        if (now >= Volatile.Read(ref _nextSweep))
        {
            Sweep(now);
        }

        if (!_slots.TryGetValue(key, out var slot))
        {
            if (_slots.Count >= _maxKeys)
            {
                Sweep(now);
                key = _slots.Count >= _maxKeys ? OverflowKey : key;
            }

            slot = _slots.GetOrAdd(key, static (_, start) => new Slot(start), now - _windowTicks);
        }

        lock (slot)
        {
            if (now - slot.Start >= _windowTicks)
            {
                suppressed = slot.Suppressed;
                slot.Start = now;
                slot.Suppressed = 0;
                return true;
            }

            slot.Suppressed++;
            suppressed = 0;
            return false;
        }
    }

    private void Sweep(long now)
    {
        Volatile.Write(ref _nextSweep, now + _windowTicks);
        foreach (var pair in _slots)
        {
            bool expired;
            lock (pair.Value)
            {
                expired = now - pair.Value.Start >= _windowTicks && pair.Value.Suppressed == 0;
            }

            if (expired)
            {
                _slots.TryRemove(pair);
            }
        }
    }

    private sealed class Slot(long start)
    {
        public long Start { get; set; } = start;

        public int Suppressed { get; set; }
    }
}
