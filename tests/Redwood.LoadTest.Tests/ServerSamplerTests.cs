using System.Diagnostics;

namespace Redwood.LoadTest.Tests;

/// <summary>The game servers' CPU counts every child whole, including one that lives between two readings.</summary>
[Collection(ChildProcesses.Name)]
public sealed class ServerSamplerTests
{
    [Fact]
    public async Task Counts_a_child_that_starts_and_ends_between_two_readings()
    {
        var sampler = new ServerSampler([Environment.ProcessId], new RunStats());
        using var stop = new CancellationTokenSource();
        var sampling = sampler.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromMilliseconds(1200));

        // A short CPU-bound child, started after the first reading and gone (reaped) well before the next.
        var cpu = Stopwatch.StartNew();
        using (var child = Process.Start(new ProcessStartInfo("sh", ["-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"]))!)
        {
            await child.WaitForExitAsync();
            cpu.Stop();
        }

        await Task.Delay(TimeSpan.FromMilliseconds(1500));
        await stop.CancelAsync();
        await sampling;

        var samples = sampler.Samples;
        Assert.True(samples.Count >= 2, $"{samples.Count} readings");
        Assert.True(samples[^1].ChildCpuSeconds >= 0.05,
            $"the child ran {cpu.Elapsed.TotalSeconds:0.00} s, but the game servers' CPU reads {samples[^1].ChildCpuSeconds:0.00} s");
        Assert.True(samples.Sum(s => s.ChildCpuCores) >= 0.05, "the per-second readings miss the child");
    }
}

/// <summary>Tests that start child processes of the test process run one at a time: the sampler counts every child.</summary>
[CollectionDefinition(Name)]
public sealed class ChildProcesses
{
    public const string Name = "child processes";
}
