using System.Globalization;

namespace Redwood.LoadTest;

/// <summary>One reading of the server processes: CPU used since the previous reading (in cores) and resident memory.</summary>
internal sealed record ServerSample(double At, double CpuCores, double RssMegabytes, double ChildCpuCores, double ChildRssMegabytes, int Children);

/// <summary>
/// Samples CPU and memory of the given server processes from <c>/proc</c> once a second, and separately of their live child
/// processes (the game servers the local provider launched).
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

        var previousTicks = ReadTicks(pids);
        var previousAt = stats.Elapsed;
        var previousChildren = ChildTicks(Children());
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
                var childCores = childTicks.Where(c => previousChildren.ContainsKey(c.Key)).Sum(c => Math.Max(0, c.Value - previousChildren[c.Key]))
                    / TicksPerSecond / Math.Max(childAt - previousChildAt, 0.001);
                lock (_samples)
                {
                    _samples.Add(new ServerSample(at, cores, ReadRssMegabytes(pids), childCores, ReadRssMegabytes(children), children.Count));
                }

                (previousTicks, previousChildren, previousAt, previousChildAt) = (ticks, childTicks, at, childAt);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>utime + stime of each process (fields 14 and 15 of <c>/proc/PID/stat</c>).</summary>
    private static long ReadTicks(IEnumerable<int> processes)
    {
        long total = 0;
        foreach (var pid in processes)
        {
            total += Stat(pid) is { } fields ? long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture) : 0;
        }

        return total;
    }

    private static Dictionary<int, long> ChildTicks(IEnumerable<int> children) => children.ToDictionary(c => c, c => ReadTicks([c]));

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
