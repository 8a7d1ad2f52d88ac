using System.Text.Json;
using Redwood.LoadTest;

namespace Redwood.LoadTest.Tests;

public sealed class RunReportTests
{
    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        var latency = RunReport.Latency("login", [.. Enumerable.Range(1, 100).Select(i => (double)(101 - i))]);

        Assert.Equal(100, latency.Count);
        Assert.Equal(50, latency.P50);
        Assert.Equal(95, latency.P95);
        Assert.Equal(99, latency.P99);
        Assert.Equal(100, latency.Max);
        Assert.Equal(0, RunReport.Latency("none", []).P99);
    }

    [Fact]
    public void Writes_markdown_json_and_a_png_chart_that_read_back()
    {
        var stats = new RunStats();
        stats.Record(Steps.Login, TimeSpan.FromMilliseconds(12));
        stats.Record(Steps.MatchToValidated, TimeSpan.FromMilliseconds(800));
        stats.Complete();
        stats.Fail("login: refused: player:login:username", Steps.Login, "Invalid | username");
        stats.Fail("login: refused: player:login:username", Steps.Login, "second example is not kept");
        var options = LoadOptions.Parse(["--players", "2", "--server-pid", "1"]);
        TimelinePoint[] timeline = [new(1, 2, 2, 0, 0, 0, 0, 0), new(2, 2, 1, 1, 1, 1, 1, 800)];
        ServerSample[] server = [new(1, 0.5, 100, 0.1, 50, 1, 0.5, 0.1), new(2, 1.5, 120, 0.2, 60, 2, 2.0, 0.3)];
        var report = RunReport.Build("loadtest --players 2", options, stats, timeline, server, started: 2, "every player finished", "1.00 1.00 1.00",
            toolCpuSeconds: 0.25);
        var directory = Path.Combine(Path.GetTempPath(), "redwood-loadtest-" + Guid.NewGuid().ToString("N"));

        var (json, markdown) = report.Write(directory);
        var chart = RunChart.Write(report, directory);

        var read = JsonSerializer.Deserialize<RunReport>(File.ReadAllText(json), RunReport.JsonOptions)!;
        Assert.Equal("loadtest --players 2", read.Command);
        Assert.Equal(1, read.PlayersCompleted);
        Assert.Equal(2, read.MaxConcurrentConnected);
        var error = Assert.Single(read.Errors);
        Assert.Equal(2, error.Count);
        Assert.Equal("login: Invalid | username", error.Example);
        Assert.Equal(800, read.Steps.Single(s => s.Step == Steps.MatchToValidated).P99);
        Assert.Equal(1.0, read.Server!.MeanCpuCores);
        Assert.Equal(2, read.Server.MaxGameServers);
        Assert.Equal(new CpuPerFlow(2000, 300, 250), read.CpuPerFlow);
        Assert.Contains("2", read.Settings.Single(s => s.Key == "players").Value, StringComparison.Ordinal);

        var text = File.ReadAllText(markdown);
        Assert.Contains("| login | 1 | 12.0 | 12.0 | 12.0 | 12.0 |", text, StringComparison.Ordinal);
        Assert.Contains("Invalid \\| username", text, StringComparison.Ordinal);
        Assert.Contains("`loadtest --players 2`", text, StringComparison.Ordinal);
        Assert.Contains("host CPU, mean / max (cores) | 1.00 / 1.50", text, StringComparison.Ordinal);
        Assert.Contains("| CPU per complete flow, ms: server / game servers / this tool | 2,000.0 / 300.0 / 250.0 |", text, StringComparison.Ordinal);

        AssertPng(chart);
        Directory.Delete(directory, recursive: true);
    }

    internal static void AssertPng(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 1000, $"{path} is only {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
    }
}
