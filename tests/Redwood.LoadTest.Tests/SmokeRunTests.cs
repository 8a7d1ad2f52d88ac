using System.Globalization;
using System.Text.Json;
using Redwood.LoadTest;
using Redwood.Testing;

namespace Redwood.LoadTest.Tests;

/// <summary>A few players through the whole flow against the real host, which launches dev game servers itself.</summary>
[Collection(ChildProcesses.Name)]
public sealed class SmokeRunTests
{
    [Fact]
    public async Task Every_player_completes_the_flow_and_the_report_files_parse()
    {
        await using var host = await StartHostAsync();
        await RunFourPlayersAsync(host);
    }

    /// <summary>The README's load runs launch the dev game server published natively (AOT): it must play the same flow.</summary>
    [Fact]
    public async Task A_natively_published_dev_game_server_serves_the_same_flow()
    {
        var native = await BuildOutputs.PublishNativeDevGameServerAsync(Path.Combine(Path.GetTempPath(), "redwood-native-gs-" + Guid.NewGuid().ToString("N")));
        await using var host = await StartHostAsync(native);

        await RunFourPlayersAsync(host);

        var children = ChildExecutables(host.ProcessId);
        Assert.True(children.Count(c => c == native) >= 2, $"expected the warm servers to run {native}; children: {string.Join(", ", children)}");
        Directory.Delete(Path.GetDirectoryName(native)!, recursive: true);
    }

    private static Task<RedwoodProcess> StartHostAsync(string? executable = null) => RedwoodProcess.StartAsync(new Dictionary<string, string?>
    {
        ["Redwood:Director:Auth:Pbkdf2Iterations"] = "1",
        ["Redwood:GameServers:Local:GamePortBase"] = "0",
        ["Redwood:GameServers:Local:LogDirectory"] = Path.Combine(Path.GetTempPath(), "redwood-loadtest-logs"),
        ["Redwood:GameServers:Local:Executable"] = executable,
        // Two matches of the default two-player profile: both start on a warm server.
        ["Redwood:GameServers:WarmPoolSize"] = "2",
    });

    /// <summary>The programs the process's live children run (<c>/proc/&lt;pid&gt;/exe</c>).</summary>
    private static List<string> ChildExecutables(int parent) =>
        [.. Directory.EnumerateDirectories($"/proc/{parent}/task")
            .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pid => new FileInfo($"/proc/{pid}/exe").LinkTarget)
            .OfType<string>()];

    private static async Task RunFourPlayersAsync(RedwoodProcess host)
    {
        var output = Path.Combine(Path.GetTempPath(), "redwood-loadtest-" + Guid.NewGuid().ToString("N"));
        var options = LoadOptions.Parse([
            "--director", host.Uri("director").ToString(), "--players", "4", "--ramp", "20", "--duration", "60", "--stay", "0.5",
            "--mix", "--timeout", "30", "--out", output, "--no-live", "--server-pid", host.ProcessId.ToString(CultureInfo.InvariantCulture),
        ]);

        var report = await new LoadRun(options, "smoke").RunAsync(CancellationToken.None);

        Assert.True(report.Errors.Count == 0, string.Join("\n", report.Errors.Select(e => $"{e.Kind}: {e.Example}")) + "\n" + host.Output);
        Assert.Equal(4, report.PlayersStarted);
        Assert.Equal(4, report.PlayersCompleted);
        foreach (var step in new[] { Steps.Login, Steps.Handoff, Steps.Character, Steps.MatchFound, Steps.Validated, Steps.TokenLogin, Steps.CharacterEdit })
        {
            Assert.Equal(4, report.Steps.Single(s => s.Step == step).Count);
        }

        var json = JsonSerializer.Deserialize<RunReport>(File.ReadAllText(Path.Combine(output, "report.json")), RunReport.JsonOptions)!;
        Assert.Equal(4, json.PlayersCompleted);
        Assert.True(json.CpuPerFlow is { HostMilliseconds: > 0, GameServersMilliseconds: not null, ToolMilliseconds: > 0 }, $"{json.CpuPerFlow}");
        Assert.Contains("| validated on game server | 4 |", File.ReadAllText(Path.Combine(output, "report.md")), StringComparison.Ordinal);
        RunReportTests.AssertPng(Path.Combine(output, "chart.png"));
        Directory.Delete(output, recursive: true);
    }
}
