using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Redwood.Testing;

/// <summary>
/// The real host binary as a separate operating-system process (for split deployments). Settings are passed as
/// environment variables (<c>Redwood__Modules__Realm__Enabled</c>); the bound ports are read from its start-up report.
/// </summary>
public sealed partial class RedwoodProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Dictionary<string, int> _ports = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    /// <summary>
    /// The realm secret every host process starts with: the process runs in Production, which refuses the shipped
    /// development secret, so the Director's default realm and the Realm share this one unless a test sets its own.
    /// </summary>
    public const string RealmSecret = "test-process-realm-secret-0123456789abcdef";

    private RedwoodProcess(Process process) => _process = process;

    /// <summary>Everything the process wrote so far.</summary>
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

    /// <summary>
    /// Starts the host with the given settings (keys as in appsettings.json) and waits until it is up. It runs in the
    /// directory of its binary unless <paramref name="workingDirectory"/> says otherwise.
    /// </summary>
    public static async Task<RedwoodProcess> StartAsync(IDictionary<string, string?> settings, string? workingDirectory = null)
    {
        var start = StartInfo(settings);
        start.WorkingDirectory = workingDirectory ?? start.WorkingDirectory;
        var process = new RedwoodProcess(Process.Start(start)!);
        process._process.OutputDataReceived += (_, e) => process.OnLine(e.Data);
        process._process.ErrorDataReceived += (_, e) => process.OnLine(e.Data);
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        process._process.EnableRaisingEvents = true;
        process._process.Exited += (_, _) => process._started.TrySetException(
            new InvalidOperationException("The host exited during start-up:\n" + process.Output));
        try
        {
            await process._started.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            await process.DisposeAsync();
            throw new TimeoutException("The host did not start within 60 s:\n" + process.Output);
        }

        return process;
    }

    /// <summary>Runs the host expecting it to stop by itself (bad configuration); returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IDictionary<string, string?> settings)
    {
        var process = new RedwoodProcess(Process.Start(StartInfo(settings))!);
        process._process.OutputDataReceived += (_, e) => process.OnLine(e.Data);
        process._process.ErrorDataReceived += (_, e) => process.OnLine(e.Data);
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process._process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await process.DisposeAsync();
            throw new TimeoutException("The host kept running:\n" + process.Output);
        }

        process._process.WaitForExit();
        var result = (process._process.ExitCode, process.Output);
        await process.DisposeAsync();
        return result;
    }

    private static ProcessStartInfo StartInfo(IDictionary<string, string?> settings)
    {
        var hostDll = HostBinary();
        var start = new ProcessStartInfo("dotnet", [hostDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(hostDll)!,
        };
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        var defaults = TestEnvironment.HostDefaults();
        defaults["Redwood:Realm:Secret"] = RealmSecret;
        defaults["Redwood:Director:Realms:0:Id"] = "default";
        defaults["Redwood:Director:Realms:0:Name"] = "Default";
        defaults["Redwood:Director:Realms:0:Uri"] = "ws://localhost:3011";
        defaults["Redwood:Director:Realms:0:Secret"] = RealmSecret;
        foreach (var (key, value) in settings)
        {
            defaults[key] = value;
        }

        foreach (var (key, value) in defaults)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? string.Empty;
        }

        return start;
    }

    /// <summary>True once the process ended (or was killed by <see cref="DisposeAsync"/>).</summary>
    public bool HasExited => Volatile.Read(ref _disposed) != 0 || _process.HasExited;

    /// <summary>The port an endpoint bound (<c>http</c>, <c>director</c>, <c>realm</c>, ...).</summary>
    /// <summary>The host's process id.</summary>
    public int ProcessId => _process.Id;

    public int Port(string endpoint)
    {
        lock (_ports)
        {
            return _ports.TryGetValue(endpoint, out var port)
                ? port
                : throw new InvalidOperationException($"Endpoint '{endpoint}' is not listening:\n{Output}");
        }
    }

    /// <summary>The <c>ws://127.0.0.1:port</c> of an endpoint.</summary>
    public Uri Uri(string endpoint) => new($"ws://127.0.0.1:{Port(endpoint)}");

    /// <summary>Kills the process and everything it started at once (SIGKILL: no shutdown, as when a machine dies).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string HostBinary() => BuildOutputs.Host();

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        // The start-up report is one entry; the single-line console format puts it on one line.
        foreach (Match port in PortLine().Matches(line))
        {
            lock (_ports)
            {
                _ports[port.Groups[1].Value] = int.Parse(port.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        if (line.Contains("Redwood started", StringComparison.Ordinal))
        {
            _started.TrySetResult();
        }
    }

    [GeneratedRegex("listening +(\\S+) \\w+://\\S+:(\\d+)")]
    private static partial Regex PortLine();
}
