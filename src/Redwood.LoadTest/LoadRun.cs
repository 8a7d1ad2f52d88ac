using System.Globalization;
using Spectre.Console;

namespace Redwood.LoadTest;

/// <summary>One run: starts players at the ramp rate, samples the timeline and the server, and writes the report.</summary>
internal sealed class LoadRun(LoadOptions options, string command)
{
    private readonly RunStats _stats = new();
    private readonly List<TimelinePoint> _timeline = [];
    private int _started;
    private string _stopReason = "every player finished";

    public RunStats Stats => _stats;

    /// <summary>Runs until every player finished, the duration bound, or <paramref name="stop"/> (Ctrl+C); then writes the report.</summary>
    public async Task<RunReport> RunAsync(CancellationToken stop)
    {
        var loadAtStart = RunReport.LoadAverage();
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stop);
        run.CancelAfter(options.Duration);
        using var sampling = new CancellationTokenSource();
        var sampler = new ServerSampler(options.ServerPids, _stats);
        var sampled = sampler.RunAsync(sampling.Token);
        var timeline = SampleTimelineAsync(sampling.Token);
        var players = StartPlayersAsync(run.Token);

        if (options.Live && !Console.IsOutputRedirected)
        {
            await AnsiConsole.Live(View()).AutoClear(false).StartAsync(async context =>
            {
                while (!players.IsCompleted)
                {
                    await Task.WhenAny(players, Task.Delay(500, CancellationToken.None));
                    context.UpdateTarget(View());
                }
            });
        }
        else
        {
            while (!players.IsCompleted)
            {
                await Task.WhenAny(players, Task.Delay(5000, CancellationToken.None));
                Console.WriteLine(ProgressLine());
            }
        }

        await players;
        if (stop.IsCancellationRequested)
        {
            _stopReason = "stopped by Ctrl+C";
        }
        else if (run.IsCancellationRequested)
        {
            _stopReason = $"duration bound of {options.Duration.TotalSeconds:0} s";
        }

        await sampling.CancelAsync();
        await Task.WhenAll(sampled, timeline);
        AddTimelinePoint();
        var report = RunReport.Build(command, options, _stats, Timeline(), sampler.Samples, _started, _stopReason, loadAtStart);
        report.Write(options.OutputDirectory);
        RunChart.Write(report, options.OutputDirectory);
        return report;
    }

    private async Task StartPlayersAsync(CancellationToken cancellationToken)
    {
        var running = new List<Task>(options.Players);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < options.Players && !cancellationToken.IsCancellationRequested; i++)
        {
            if (_stats.Requests >= options.MaxRequests)
            {
                _stopReason = $"max requests ({options.MaxRequests:N0}) reached; players already started finished";
                break;
            }

            var due = TimeSpan.FromSeconds(i / options.RampPerSecond) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(due, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var player = new SimulatedPlayer(options, _stats, i);
            Interlocked.Increment(ref _started);
            running.Add(Task.Run(() => player.RunAsync(cancellationToken), CancellationToken.None));
        }

        await Task.WhenAll(running);
    }

    private async Task SampleTimelineAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                AddTimelinePoint();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void AddTimelinePoint()
    {
        var now = _stats.Elapsed;
        lock (_timeline)
        {
            var previous = _timeline.Count == 0 ? 0 : _timeline[^1].At;
            var span = Math.Max(now - previous, 0.001);
            var completed = _stats.Completed;
            var flows = (completed - (_timeline.Count == 0 ? 0 : _timeline[^1].Completed)) / span;
            var latencies = _stats.Samples.Where(s => s.Step == Steps.MatchToValidated && s.At > previous && s.At <= now).Select(s => s.Milliseconds).ToArray();
            _timeline.Add(new TimelinePoint(Math.Round(now, 2), Volatile.Read(ref _started), Connected(), _stats.InStage(Stage.Playing), completed,
                _stats.ErrorCount, Math.Round(flows, 1), RunReport.Latency(Steps.MatchToValidated, latencies).P99));
        }
    }

    private TimelinePoint[] Timeline()
    {
        lock (_timeline)
        {
            return [.. _timeline];
        }
    }

    private int Connected() =>
        _stats.InStage(Stage.LoggingIn) + _stats.InStage(Stage.HandingOff) + _stats.InStage(Stage.Character)
        + _stats.InStage(Stage.Matchmaking) + _stats.InStage(Stage.Joining) + _stats.InStage(Stage.Playing);

    private string ProgressLine()
    {
        var c = CultureInfo.InvariantCulture;
        var last = Timeline().LastOrDefault();
        return string.Create(c, $"{_stats.Elapsed,6:0.0}s started {Volatile.Read(ref _started)} connected {Connected()} playing {_stats.InStage(Stage.Playing)} " +
            $"done {_stats.Completed} failed {_stats.InStage(Stage.Failed)} flows/s {last?.FlowsPerSecond ?? 0:0.0} errors {_stats.ErrorCount}");
    }

    private Table View()
    {
        var last = Timeline().LastOrDefault();
        var table = new Table().Border(TableBorder.Rounded).Title($"Redwood load test · {_stats.Elapsed:0}s · {options.Director}");
        table.AddColumn("stage").AddColumn(new TableColumn("players").RightAligned());
        foreach (var stage in Enum.GetValues<Stage>())
        {
            table.AddRow(stage.ToString(), _stats.InStage(stage).ToString("N0", CultureInfo.InvariantCulture));
        }

        table.AddEmptyRow();
        table.AddRow("started", Volatile.Read(ref _started).ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("complete flows/s (last second)", (last?.FlowsPerSecond ?? 0).ToString("N1", CultureInfo.InvariantCulture));
        table.AddRow("p99 match found → validated (last second, ms)", (last?.MatchToValidatedP99 ?? 0).ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("requests", _stats.Requests.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow(_stats.ErrorCount == 0 ? "errors" : "[red]errors[/]", _stats.ErrorCount.ToString("N0", CultureInfo.InvariantCulture));
        foreach (var (kind, tally) in _stats.Errors.OrderByDescending(e => e.Value.Count).Take(5))
        {
            table.AddRow("  " + Markup.Escape(kind), tally.Count.ToString("N0", CultureInfo.InvariantCulture));
        }

        return table;
    }
}
