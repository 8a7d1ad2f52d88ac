using System.Diagnostics;
using System.Text;

namespace Redwood.SocketIO.Tests.Support;

/// <summary>Runs the real conformance server console app (copied next to the tests) on a free port.</summary>
internal sealed class ConformanceServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private ConformanceServerProcess(Process process, StringBuilder output, string url)
    {
        _process = process;
        _output = output;
        Url = url;
    }

    public string Url { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<ConformanceServerProcess> StartAsync(params string[] extraArguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Redwood.SocketIO.ConformanceServer.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing (the test project references the conformance server).");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[dll, "--urls", "http://127.0.0.1:0", .. extraArguments])
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("The conformance server exited early."));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            var url = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return new ConformanceServerProcess(process, output, url);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            Kill(process);
            process.Dispose();
            lock (output)
            {
                Assert.Fail($"The conformance server did not report its address: {ex.Message}\n{output}");
            }

            throw;
        }

        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            const string prefix = "Now listening on: ";
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                listening.TrySetResult(line[prefix.Length..].Trim());
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill(_process);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static void Kill(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
    }
}
