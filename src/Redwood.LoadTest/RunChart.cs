using ScottPlot;

namespace Redwood.LoadTest;

/// <summary>The PNG chart of a run: complete flows and players connected per second, and the p99 from match found to validated.</summary>
internal static class RunChart
{
    public static string Write(RunReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "chart.png");
        var timeline = report.Timeline;
        double[] at = [.. timeline.Select(t => t.At)];
        var plot = new Plot();
        plot.Title("Redwood load test: throughput and latency over time");
        plot.XLabel("seconds since start");
        plot.YLabel("complete flows/s, players connected ÷ 10");

        if (at.Length > 0)
        {
            var flows = plot.Add.Scatter(at, timeline.Select(t => t.FlowsPerSecond).ToArray());
            flows.LegendText = "complete flows/s";
            flows.MarkerSize = 0;
            var connected = plot.Add.Scatter(at, timeline.Select(t => t.Connected / 10.0).ToArray());
            connected.LegendText = "players connected ÷ 10";
            connected.MarkerSize = 0;
            var latency = plot.Add.Scatter(at, timeline.Select(t => t.MatchToValidatedP99).ToArray());
            latency.LegendText = "p99 match found → validated (ms, right axis)";
            latency.MarkerSize = 0;
            latency.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "milliseconds";
            plot.ShowLegend(Alignment.UpperLeft);
        }

        plot.SavePng(path, 1200, 600);
        return path;
    }
}
