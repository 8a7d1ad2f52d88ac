using System.Diagnostics;
using System.Numerics;

namespace Redwood.Benchmarks.SocketIO;

/// <summary>
/// Log-linear histogram of durations in nanoseconds, preallocated so recording is a few instructions:
/// exact below 64 ns, then 64 buckets per power of two (at most 1.6 % error), covering up to 2^62 ns.
/// One instance per client loop; merged after the phase, so recording needs no synchronisation.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBuckets = 64;
    private const int SubBucketBits = 6;
    private const int BucketCount = (63 - SubBucketBits + 1) * SubBuckets;

    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    private readonly long[] _counts = new long[BucketCount];

    public long Count { get; private set; }

    public void RecordTicks(long stopwatchTicks) => Record((long)(stopwatchTicks * NanosecondsPerTick));

    public void Record(long nanoseconds)
    {
        _counts[IndexOf(Math.Max(0, nanoseconds))]++;
        Count++;
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
    }

    /// <summary>The value at quantile <paramref name="q"/> (0..1), in nanoseconds, or NaN when empty.</summary>
    public double ValueAtQuantile(double q)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(q * Count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return MidpointOf(i);
            }
        }

        return MidpointOf(_counts.Length - 1);
    }

    internal static int IndexOf(long value)
    {
        if (value < SubBuckets)
        {
            return (int)value;
        }

        var shift = (63 - BitOperations.LeadingZeroCount((ulong)value)) - SubBucketBits;
        return (shift * SubBuckets) + (int)(value >> shift);
    }

    internal static double MidpointOf(int index)
    {
        if (index < SubBuckets)
        {
            return index;
        }

        var shift = (index / SubBuckets) - 1;
        var subBucket = index - (shift * SubBuckets);
        var lower = (long)subBucket << shift;
        return lower + ((1L << shift) / 2.0);
    }
}
