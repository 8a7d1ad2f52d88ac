using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Redwood.LoadTest;

/// <summary>Latency of one step: how many samples and their percentiles in milliseconds.</summary>
internal sealed record StepLatency(string Step, int Count, double P50, double P95, double P99, double Max);

/// <summary>One error kind with its count and the first example seen.</summary>
internal sealed record ErrorKind(string Kind, int Count, string Example);

/// <summary>One second of the run: players by state, completions and the p99 of match found → validated in that second.</summary>
internal sealed record TimelinePoint(double At, int Started, int Connected, int Playing, int Completed, int Errors, double FlowsPerSecond, double MatchToValidatedP99);

/// <summary>Where the run came from.</summary>
internal sealed record MachineInfo(string Host, string Os, int Cores, string Runtime, string LoadAverageAtStart, string LoadAverageAtEnd);

/// <summary>The summary of CPU and memory of the server processes over the run.</summary>
internal sealed record ServerSummary(IReadOnlyList<int> Pids, double MeanCpuCores, double MaxCpuCores, double MaxRssMegabytes,
    double MeanGameServerCpuCores, double MaxGameServerRssMegabytes, int MaxGameServers, IReadOnlyList<ServerSample> Samples,
    double CpuSeconds = 0, double GameServerCpuSeconds = 0);

/// <summary>
/// CPU time per complete flow (ms): the server processes', their game servers' (null when not sampled) and this tool's.
/// On one machine the three share the cores, so their sum bounds the flows per second the machine can run.
/// </summary>
internal sealed record CpuPerFlow(double? HostMilliseconds, double? GameServersMilliseconds, double ToolMilliseconds);

/// <summary>The final report of a run, written as JSON and Markdown beside a PNG chart.</summary>
internal sealed record RunReport(
    string Command,
    DateTimeOffset StartedAt,
    double DurationSeconds,
    string StopReason,
    MachineInfo Machine,
    IReadOnlyList<KeyValuePair<string, string>> Settings,
    int PlayersStarted,
    int PlayersCompleted,
    int MaxConcurrentConnected,
    double FlowsPerSecond,
    double SustainedFlowsPerSecond,
    double PeakFlowsPerSecond,
    long Requests,
    IReadOnlyList<StepLatency> Steps,
    IReadOnlyList<ErrorKind> Errors,
    ServerSummary? Server,
    IReadOnlyList<TimelinePoint> Timeline,
    CpuPerFlow? CpuPerFlow = null)
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static RunReport Build(
        string command, LoadOptions options, RunStats stats, IReadOnlyList<TimelinePoint> timeline, IReadOnlyList<ServerSample> server,
        int started, string stopReason, string loadAtStart, double? toolCpuSeconds = null)
    {
        var samples = stats.Samples.ToArray();
        var steps = LoadTest.Steps.Ordered
            .Select(step => Latency(step, samples.Where(s => s.Step == step).Select(s => s.Milliseconds).ToArray()))
            .Where(s => s.Count > 0)
            .ToArray();
        var completions = stats.Completions.Order().ToArray();
        // Over the whole run (ramp-up and drain included), and sustained: the middle 80% of completions over their time span.
        var flowsPerSecond = completions.Length == 0 ? 0 : completions.Length / Math.Max(completions[^1], 0.001);
        var sustained = completions.Length < 10
            ? flowsPerSecond
            : (completions.Length * 0.8) / Math.Max(completions[(int)(completions.Length * 0.9) - 1] - completions[(int)(completions.Length * 0.1)], 0.001);
        var peak = completions.Length == 0 ? 0 : completions.GroupBy(c => Math.Floor(c)).Max(g => g.Count());
        var summary = options.ServerPids.Count == 0 ? null : Summarise(options.ServerPids, server);
        return new RunReport(
            command,
            stats.StartedAt,
            Math.Round(stats.Elapsed, 2),
            stopReason,
            new MachineInfo(Environment.MachineName, RuntimeInformation.OSDescription, Environment.ProcessorCount,
                RuntimeInformation.FrameworkDescription, loadAtStart, LoadAverage()),
            options.Describe(),
            started,
            stats.Completed,
            timeline.Count == 0 ? 0 : timeline.Max(t => t.Connected),
            Math.Round(flowsPerSecond, 1),
            Math.Round(sustained, 1),
            peak,
            stats.Requests,
            steps,
            stats.Errors.OrderByDescending(e => e.Value.Count).Select(e => new ErrorKind(e.Key, e.Value.Count, e.Value.Example)).ToArray(),
            summary,
            timeline,
            PerFlow(summary, stats.Completed, toolCpuSeconds ?? Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds));
    }

    private static CpuPerFlow? PerFlow(ServerSummary? server, int completed, double toolCpuSeconds)
    {
        if (completed == 0)
        {
            return null;
        }

        double Ms(double seconds) => Math.Round(seconds * 1000 / completed, 2);
        return new CpuPerFlow(server is null ? null : Ms(server.CpuSeconds), server is null ? null : Ms(server.GameServerCpuSeconds), Ms(toolCpuSeconds));
    }

    public static StepLatency Latency(string step, double[] milliseconds)
    {
        Array.Sort(milliseconds);
        return new StepLatency(step, milliseconds.Length, Percentile(milliseconds, 0.50), Percentile(milliseconds, 0.95),
            Percentile(milliseconds, 0.99), milliseconds.Length == 0 ? 0 : Math.Round(milliseconds[^1], 1));
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(double[] sorted, double fraction) =>
        sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)], 1);

    public static string LoadAverage() =>
        OperatingSystem.IsLinux() && File.Exists("/proc/loadavg")
            ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3))
            : "n/a";

    /// <summary>Writes <c>report.json</c> and <c>report.md</c> into <paramref name="directory"/>; returns their paths.</summary>
    public (string Json, string Markdown) Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, "report.json");
        var markdown = Path.Combine(directory, "report.md");
        File.WriteAllText(json, JsonSerializer.Serialize(this, JsonOptions));
        File.WriteAllText(markdown, ToMarkdown());
        return (json, markdown);
    }

    public string ToMarkdown()
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# Redwood load test").AppendLine();
        md.AppendLine(c, $"`{Command}`").AppendLine();
        md.AppendLine(c, $"Started {StartedAt:yyyy-MM-dd HH:mm:ss} UTC, ran {DurationSeconds:0.0} s, stopped because: {StopReason}.").AppendLine();
        md.AppendLine("## Result").AppendLine();
        md.AppendLine("| figure | value |").AppendLine("|---|---:|");
        md.AppendLine(c, $"| players started | {PlayersStarted:N0} |");
        md.AppendLine(c, $"| players that completed the flow | {PlayersCompleted:N0} |");
        md.AppendLine(c, $"| most players connected at once | {MaxConcurrentConnected:N0} |");
        md.AppendLine(c, $"| complete flows per second, whole run (completions ÷ time to the last one) | {FlowsPerSecond:N1} |");
        md.AppendLine(c, $"| complete flows per second, sustained (middle 80% of completions) | {SustainedFlowsPerSecond:N1} |");
        md.AppendLine(c, $"| peak complete flows in one second | {PeakFlowsPerSecond:N0} |");
        md.AppendLine(c, $"| requests sent | {Requests:N0} |");
        if (CpuPerFlow is { } cpu)
        {
            static string Ms(double? value) => value is { } v ? v.ToString("N1", CultureInfo.InvariantCulture) : "not sampled";
            md.AppendLine(c, $"| CPU per complete flow, ms: server / game servers / this tool | {Ms(cpu.HostMilliseconds)} / {Ms(cpu.GameServersMilliseconds)} / {Ms(cpu.ToolMilliseconds)} |");
        }

        md.AppendLine(c, $"| errors | {Errors.Sum(e => e.Count):N0} |").AppendLine();
        md.AppendLine("## Latency per step (ms)").AppendLine();
        md.AppendLine("| step | count | p50 | p95 | p99 | max |").AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var s in Steps)
        {
            md.AppendLine(c, $"| {s.Step} | {s.Count:N0} | {s.P50:N1} | {s.P95:N1} | {s.P99:N1} | {s.Max:N1} |");
        }

        md.AppendLine().AppendLine("## Errors").AppendLine();
        if (Errors.Count == 0)
        {
            md.AppendLine("None.");
        }
        else
        {
            md.AppendLine("| kind | count | example |").AppendLine("|---|---:|---|");
            foreach (var e in Errors)
            {
                md.AppendLine(c, $"| {Cell(e.Kind)} | {e.Count:N0} | {Cell(e.Example)} |");
            }
        }

        md.AppendLine().AppendLine("## Server processes").AppendLine();
        if (Server is null)
        {
            md.AppendLine("Not sampled (pass `--server-pid PID`).");
        }
        else
        {
            md.AppendLine(c, $"Sampled once a second from /proc: pid {string.Join(", ", Server.Pids)}, and separately their child processes (game servers).").AppendLine();
            md.AppendLine("| figure | value |").AppendLine("|---|---:|");
            md.AppendLine(c, $"| host CPU, mean / max (cores) | {Server.MeanCpuCores:N2} / {Server.MaxCpuCores:N2} |");
            md.AppendLine(c, $"| host resident memory, max (MB) | {Server.MaxRssMegabytes:N0} |");
            md.AppendLine(c, $"| game servers CPU, mean (cores) | {Server.MeanGameServerCpuCores:N2} |");
            md.AppendLine(c, $"| game servers, most at once / their memory, max (MB) | {Server.MaxGameServers:N0} / {Server.MaxGameServerRssMegabytes:N0} |");
        }

        md.AppendLine().AppendLine("## Settings").AppendLine();
        md.AppendLine("| setting | value |").AppendLine("|---|---|");
        foreach (var (key, value) in Settings)
        {
            md.AppendLine(c, $"| {key} | {Cell(value)} |");
        }

        md.AppendLine().AppendLine("## Machine").AppendLine();
        md.AppendLine(c, $"{Machine.Host}: {Machine.Os}, {Machine.Cores} cores, {Machine.Runtime}; load average {Machine.LoadAverageAtStart} at the start, {Machine.LoadAverageAtEnd} at the end (the load tool runs on the same machine).");
        md.AppendLine().AppendLine("![throughput and latency over time](chart.png)");
        return md.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private static ServerSummary Summarise(IReadOnlyList<int> pids, IReadOnlyList<ServerSample> samples) =>
        samples.Count == 0
            ? new ServerSummary(pids, 0, 0, 0, 0, 0, 0, samples)
            : new ServerSummary(pids, Math.Round(samples.Average(s => s.CpuCores), 2), Math.Round(samples.Max(s => s.CpuCores), 2),
                Math.Round(samples.Max(s => s.RssMegabytes), 1), Math.Round(samples.Average(s => s.ChildCpuCores), 2),
                Math.Round(samples.Max(s => s.ChildRssMegabytes), 1), samples.Max(s => s.Children), samples,
                Math.Round(samples[^1].CpuSeconds, 2), Math.Round(samples[^1].ChildCpuSeconds, 2));
}
