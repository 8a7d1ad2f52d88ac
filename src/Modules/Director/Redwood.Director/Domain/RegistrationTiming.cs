namespace Redwood.Director.Domain;

/// <summary>
/// Makes a refused registration ("name taken") answer as late as a successful one. Both pay the password hash; a new
/// account then also pays its insert, which is cheap on a quiet server and slow on a busy one. The median of the
/// last successful registrations' post-hash time is what a refusal waits for (without CPU), so the two answer
/// times cannot tell which names exist, however loaded the server.
/// </summary>
internal sealed class RegistrationTiming(TimeProvider time)
{
    private const int Window = 31;

    /// <summary>No refusal waits longer than this, whatever the inserts cost.</summary>
    private static readonly TimeSpan MaxPad = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private readonly double[] _recent = new double[Window];
    private int _count;
    private int _next;

    /// <summary>A timestamp taken once the password hash is done.</summary>
    public long Start() => time.GetTimestamp();

    /// <summary>Records how long a successful registration took after its hash.</summary>
    public void Succeeded(long started)
    {
        var milliseconds = time.GetElapsedTime(started).TotalMilliseconds;
        lock (_lock)
        {
            _recent[_next] = milliseconds;
            _next = (_next + 1) % Window;
            _count = Math.Min(_count + 1, Window);
        }
    }

    /// <summary>Waits until a refusal has taken as long, after its hash, as a typical successful registration.</summary>
    public Task PadAsync(long started, CancellationToken cancellationToken)
    {
        var wait = Typical() - time.GetElapsedTime(started);
        if (wait <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        // Timers count whole milliseconds: round up, or a wait under one would not wait at all.
        var milliseconds = Math.Ceiling(Math.Min(wait.TotalMilliseconds, MaxPad.TotalMilliseconds));
        return Task.Delay(TimeSpan.FromMilliseconds(milliseconds), time, cancellationToken);
    }

    /// <summary>The median post-hash time of the recent successful registrations (zero before the first).</summary>
    public TimeSpan Typical()
    {
        double[] sample;
        lock (_lock)
        {
            if (_count == 0)
            {
                return TimeSpan.Zero;
            }

            sample = _recent[.._count];
        }

        Array.Sort(sample);
        return TimeSpan.FromMilliseconds(sample[sample.Length / 2]);
    }
}
