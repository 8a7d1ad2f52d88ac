using Redwood.LoadTest;

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C ends the run cleanly and still writes the report; a second one kills the tool.
    e.Cancel = !stop.IsCancellationRequested;
    stop.Cancel();
};

var command = "dotnet run -c Release --project src/Redwood.LoadTest -- " + string.Join(' ', args);
var report = await new LoadRun(options, command).RunAsync(stop.Token);
Console.WriteLine();
Console.WriteLine($"{report.PlayersCompleted}/{report.PlayersStarted} players completed; {report.FlowsPerSecond:N1} complete flows/s; " +
    $"{report.Errors.Sum(e => e.Count)} errors ({report.StopReason}).");
Console.WriteLine($"Report: {Path.GetFullPath(Path.Combine(options.OutputDirectory, "report.md"))} (and report.json, chart.png)");
return report.Errors.Count == 0 && report.PlayersCompleted == report.PlayersStarted ? 0 : 1;
