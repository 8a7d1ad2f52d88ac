using System.Globalization;
using System.Text;

namespace Redwood.Benchmarks.SocketIO;

/// <summary>Per-round lines and the final Markdown table of medians with ours/node ratios and targets.</summary>
internal static class BenchmarkReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string RoundLine(int round, string server, RoundResult result)
    {
        var line = new StringBuilder();
        line.Append(Invariant, $"round {round} {server,-4} | ");
        foreach (var phase in new[] { result.Single, result.Concurrent })
        {
            line.Append(Invariant,
                $"{phase.Clients} client(s): {phase.AcksPerSecond:0} acks/s, p50 {phase.P50Microseconds:0} µs, p99 {phase.P99Microseconds:0} µs, "
                + $"server {phase.ServerCpuPerAck:0.0} µs/ack (client {phase.ClientCpuPerAck:0.0} µs, {phase.ClientBytesPerAck:0} B/ack; other CPU {phase.OtherCores:0.00} cores) | ");
        }

        if (result.Idle is { } idle)
        {
            line.Append(Invariant,
                $"idle {idle.Connections}: {idle.ConnectsPerSecond:0} conn/s, server {idle.ServerCpuPerConnect:0} µs/conn, "
                + $"{idle.BytesPerConnection / 1024:0.0} KB/conn (RSS {idle.RssBeforeBytes / 1048576.0:0} -> {idle.RssAfterBytes / 1048576.0:0} MB), "
                + $"connect p50 {idle.ConnectP50Microseconds / 1000:0.0} ms p99 {idle.ConnectP99Microseconds / 1000:0.0} ms, dropped {idle.Dropped}, other CPU {idle.OtherCores:0.00} cores");
        }

        return line.ToString();
    }

    public static string Table(SocketIOOptions options, IReadOnlyDictionary<string, List<RoundResult>> results)
    {
        var rows = new List<Row>
        {
            new("1 client: acks/s", r => r.Single.AcksPerSecond, "0", ">= 1.0x", ratio => ratio >= 1.0),
            new("1 client: p50 latency (µs)", r => r.Single.P50Microseconds, "0", null, null),
            new("1 client: p99 latency (µs)", r => r.Single.P99Microseconds, "0", null, null),
            new("1 client: server CPU µs/ack", r => r.Single.ServerCpuPerAck, "0.0", "<= 0.75x", ratio => ratio <= 0.75),
            new($"{options.Clients} clients: acks/s", r => r.Concurrent.AcksPerSecond, "0", ">= 1.0x", ratio => ratio >= 1.0),
            new($"{options.Clients} clients: p50 latency (µs)", r => r.Concurrent.P50Microseconds, "0", null, null),
            new($"{options.Clients} clients: p99 latency (µs)", r => r.Concurrent.P99Microseconds, "0", null, null),
            new($"{options.Clients} clients: server CPU µs/ack", r => r.Concurrent.ServerCpuPerAck, "0.0", "<= 0.75x", ratio => ratio <= 0.75),
        };
        if (options.IdleConnections > 0)
        {
            rows.AddRange(
            [
                new($"{options.IdleConnections} idle: connects/s", r => r.Idle?.ConnectsPerSecond, "0", ">= 1.0x", ratio => ratio >= 1.0),
                new($"{options.IdleConnections} idle: server CPU µs/connect", r => r.Idle?.ServerCpuPerConnect, "0", "<= 0.5x", ratio => ratio <= 0.5),
                new($"{options.IdleConnections} idle: memory KB/connection", r => r.Idle?.BytesPerConnection / 1024, "0.0", "<= 1.0x", ratio => ratio <= 1.0),
                new($"{options.IdleConnections} idle: server RSS before (MB)", r => r.Idle?.RssBeforeBytes / 1048576.0, "0", null, null),
            ]);
        }

        var servers = results.Keys.ToList();
        var compare = results.ContainsKey("ours") && results.ContainsKey("node");
        var table = new StringBuilder();
        table.AppendLine(Invariant, $"Medians of {options.Rounds} round(s); server CPU = utime+stime of the server process from /proc/<pid>/stat.");
        var noise = Median(results.Values.SelectMany(r => r).Select(r => (double?)r.Concurrent.OtherCores));
        table.AppendLine(Invariant, $"Other CPU (other processes and interrupt time, not charged to either process): median {noise:0.00} cores during the {options.Clients}-client phases; well above the quiet-machine level means a noisy run.");
        table.Append("| figure | ").Append(string.Join(" | ", servers)).Append(compare ? " | ours/node | target | met |" : " |").AppendLine();
        table.Append("|---|").Append(string.Concat(servers.Select(_ => "---:|"))).Append(compare ? "---:|---|---|" : string.Empty).AppendLine();
        foreach (var row in rows)
        {
            var medians = servers.ToDictionary(s => s, s => Median(results[s].Select(row.Value)));
            table.Append(Invariant, $"| {row.Label} | ");
            table.Append(string.Join(" | ", servers.Select(s => Format(medians[s], row.Format))));
            if (compare)
            {
                var ratio = medians["ours"] / medians["node"];
                var met = row.Met is null || double.IsNaN(ratio) ? string.Empty : row.Met(ratio) ? "yes" : "**no**";
                table.Append(Invariant, $" | {Format(ratio, "0.00")}x | {row.Target} | {met}");
            }

            table.AppendLine(" |");
        }

        return table.ToString();
    }

    private static double Median(IEnumerable<double?> values)
    {
        var sorted = values.Where(v => v.HasValue).Select(v => v!.Value).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static string Format(double value, string format) =>
        double.IsNaN(value) ? "n/a" : value.ToString(format, Invariant);

    private sealed record Row(string Label, Func<RoundResult, double?> Value, string Format, string? Target, Func<double, bool>? Met);
}
