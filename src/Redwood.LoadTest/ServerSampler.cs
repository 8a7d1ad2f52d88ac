using System.Globalization;

namespace Redwood.LoadTest;

/// <summary>
/// One reading of the server processes: CPU used since the previous reading (in cores), resident memory, and CPU used
/// since sampling started (seconds); the same for their child processes, the game servers.
/// </summary>
internal sealed record ServerSample(
    double At, double CpuCores, double RssMegabytes, double ChildCpuCores, double ChildRssMegabytes, int Children,
    double CpuSeconds = 0, double ChildCpuSeconds = 0);

/// <summary>
/// Samples CPU and memory of the given server processes from <c>/proc</c> once a second, and separately of their child
/// processes (the game servers the local provider launched). The children's CPU counts every child whole: a child started
/// since the last reading with all its CPU (its start-up is most of it), and a child that ended with the CPU the server
/// collected from it when it ended (the server's <c>cutime</c> and <c>cstime</c>).
/// </summary>
internal sealed class ServerSampler(IReadOnlyList<int> pids, RunStats stats)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux
    private readonly List<ServerSample> _samples = [];

    public IReadOnlyList<ServerSample> Samples
    {
        get
        {
            lock (_samples)
            {
                return _samples.ToArray();
            }
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (pids.Count == 0 || !OperatingSystem.IsLinux())
        {
            return;
        }

        var firstTicks = ReadTicks(pids);
        var previousTicks = firstTicks;
        var previousAt = stats.Elapsed;
        var firstChildTicks = ChildTicks(Children());
        var previousChildTicks = firstChildTicks;
        var previousChildAt = stats.Elapsed;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                // Read the clock with each figure: scanning /proc for children can take long on a loaded machine.
                var ticks = ReadTicks(pids);
                var at = stats.Elapsed;
                var children = Children();
                var childTicks = ChildTicks(children);
                var childAt = stats.Elapsed;
                var cores = (ticks - previousTicks) / TicksPerSecond / Math.Max(at - previousAt, 0.001);
                var childCores = Math.Max(0, childTicks - previousChildTicks) / TicksPerSecond / Math.Max(childAt - previousChildAt, 0.001);
                lock (_samples)
                {
                    _samples.Add(new ServerSample(at, cores, ReadRssMegabytes(pids), childCores, ReadRssMegabytes(children), children.Count,
                        (ticks - firstTicks) / TicksPerSecond, Math.Max(0, childTicks - firstChildTicks) / TicksPerSecond));
                }

                (previousTicks, previousChildTicks, previousAt, previousChildAt) = (ticks, childTicks, at, childAt);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>utime + stime of each process (fields 14 and 15 of <c>/proc/PID/stat</c>).</summary>
    private static long ReadTicks(IEnumerable<int> processes) => SumTicks(processes, 11);

    /// <summary>Two adjacent tick fields of each process's stat, from <paramref name="index"/> (see <see cref="Stat"/>).</summary>
    private static long SumTicks(IEnumerable<int> processes, int index)
    {
        long total = 0;
        foreach (var pid in processes)
        {
            total += Stat(pid) is { } fields
                ? long.Parse(fields[index], CultureInfo.InvariantCulture) + long.Parse(fields[index + 1], CultureInfo.InvariantCulture)
                : 0;
        }

        return total;
    }

    /// <summary>
    /// CPU of every child so far: the live children's own, plus what the server processes collected from ended ones
    /// (<c>cutime</c> + <c>cstime</c>, fields 16 and 17). A child moves from the first sum to the second when it ends.
    /// </summary>
    private long ChildTicks(IEnumerable<int> children) => ReadTicks(children) + SumTicks(pids, 13);

    /// <summary>Live processes whose parent is one of the server processes.</summary>
    private List<int> Children()
    {
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && Stat(pid) is { } fields
                && int.TryParse(fields[1], CultureInfo.InvariantCulture, out var parent) && pids.Contains(parent))
            {
                children.Add(pid);
            }
        }

        return children;
    }

    /// <summary>The fields of <c>/proc/PID/stat</c> after the command name (so index 0 is the state, field 3).</summary>
    private static string[]? Stat(int pid)
    {
        var stat = TryRead($"/proc/{pid}/stat");
        return stat is null ? null : stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    private static double ReadRssMegabytes(IEnumerable<int> processes)
    {
        double kilobytes = 0;
        foreach (var pid in processes)
        {
            var line = TryRead($"/proc/{pid}/status")?.Split('\n').FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            if (line is not null)
            {
                kilobytes += double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }

        return kilobytes / 1024;
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
