using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Redwood.SocketIO.Tests.Support;

/// <summary>
/// Runs <c>node scenarios.mjs &lt;scenario&gt; &lt;url&gt;</c> from tests/Redwood.SocketIO.Tests/node. The directory comes
/// from the NodeTestDirectory assembly metadata (set at build time), overridable with REDWOOD_SOCKETIO_NODE_DIR;
/// the executable is NODE_BINARY or the first <c>node</c> on PATH.
/// </summary>
internal static class NodeRunner
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(60);

    public static string ScriptDirectory
    {
        get
        {
            var overridden = Environment.GetEnvironmentVariable("REDWOOD_SOCKETIO_NODE_DIR");
            if (!string.IsNullOrEmpty(overridden))
            {
                return overridden;
            }

            return typeof(NodeRunner).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "NodeTestDirectory").Value!;
        }
    }

    public static async Task RunAsync(string scenario, string url)
    {
        var node = FindNode();
        var directory = ScriptDirectory;
        var client = Path.Combine(directory, "node_modules", "socket.io-client", "package.json");
        if (!File.Exists(client))
        {
            Assert.Fail($"socket.io-client is not installed: {client} is missing. Run `npm ci` in {directory}.");
        }

        var start = new ProcessStartInfo(node)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(directory, "scenarios.mjs"));
        start.ArgumentList.Add(scenario);
        start.ArgumentList.Add(url);

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(ScenarioTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"node scenario {scenario} did not finish within {ScenarioTimeout}. Output:\n{output}");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Assert.Fail($"node scenario {scenario} exited with {process.ExitCode}. Output:\n{output}");
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string FindNode()
    {
        var configured = Environment.GetEnvironmentVariable("NODE_BINARY");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured : throw new InvalidOperationException($"NODE_BINARY={configured} does not exist.");
        }

        var names = OperatingSystem.IsWindows() ? new[] { "node.exe", "node.cmd" } : ["node"];
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in names)
            {
                var candidate = Path.Combine(folder, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        Assert.Fail("Node.js (`node`) was not found on PATH; install Node.js 18+ or set NODE_BINARY. The Socket.IO JS-client conformance tests need it.");
        return "";
    }
}
