using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Redwood.Benchmarks.SocketIO;

/// <summary>A server under test running as a child process, with its CPU time and RSS read from /proc.</summary>
internal sealed class ServerProcess : IDisposable
{
    // USER_HZ is 100 on every Linux architecture .NET runs on; /proc reports CPU time in these ticks.
    private const double MicrosecondsPerClockTick = 1_000_000.0 / 100;

    private readonly Process _process;
    private readonly Queue<string> _recentOutput = new();
    private readonly List<string> _errorLines = [];
    private int _errorLineCount;
    private bool _stopped;

    private ServerProcess(string name, Process process, int port)
    {
        Name = name;
        _process = process;
        Port = port;
    }

    public string Name { get; }

    public int Port { get; }

    public int Pid => _process.Id;

    /// <summary>Error- and critical-level log lines the server wrote so far (console format <c>fail:</c> / <c>crit:</c>).</summary>
    public int ErrorLineCount => Volatile.Read(ref _errorLineCount);

    /// <summary>The first error-level lines (at most 20).</summary>
    public IReadOnlyList<string> ErrorLines
    {
        get
        {
            lock (_errorLines)
            {
                return [.. _errorLines];
            }
        }
    }

    public Uri SocketUri => new($"ws://127.0.0.1:{Port}{SocketIOFraming.EnginePath}");

    public static async Task<ServerProcess> StartAsync(
        string name,
        ProcessStartInfo startInfo,
        int port,
        CancellationToken cancellationToken)
    {
        startInfo.UseShellExecute = false;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.RedirectStandardInput = true;
        // The load generator's own socket tuning must not leak into the server under test.
        startInfo.Environment.Remove(SocketIOBenchmark.InlineCompletionsVariable);
        startInfo.Environment.Remove("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit");
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {startInfo.FileName}");
        var server = new ServerProcess(name, process, port);
        process.OutputDataReceived += (_, e) => server.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => server.Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await server.WaitUntilListeningAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
    }

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>User plus system CPU time of the whole process (all threads), in microseconds.</summary>
    public double CpuMicroseconds()
    {
        EnsureRunning();
        return CpuMicrosecondsOf(Pid);
    }

    public static double CpuMicrosecondsOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) may contain spaces, so count fields from the closing parenthesis.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (utime + stime) * MicrosecondsPerClockTick;
    }

    /// <summary>Busy CPU time of the whole machine (every core, every process), in microseconds.</summary>
    public static double MachineBusyMicroseconds()
    {
        using var reader = new StreamReader("/proc/stat");
        var fields = reader.ReadLine()!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long busy = 0;
        // user nice system idle iowait irq softirq steal: everything but idle and iowait.
        foreach (var index in new[] { 1, 2, 3, 6, 7, 8 })
        {
            busy += long.Parse(fields[index], CultureInfo.InvariantCulture);
        }

        return busy * MicrosecondsPerClockTick;
    }

    public long RssBytes()
    {
        EnsureRunning();
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kilobytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"no VmRSS in /proc/{Pid}/status");
    }

    public void EnsureRunning()
    {
        if (_stopped || _process.HasExited)
        {
            throw new InvalidOperationException(
                $"{Name} server exited{(_stopped ? " (stopped by the benchmark)" : $" with code {_process.ExitCode}")}. Last output:{Environment.NewLine}{RecentOutput()}");
        }
    }

    public string RecentOutput()
    {
        lock (_recentOutput)
        {
            return string.Join(Environment.NewLine, _recentOutput);
        }
    }

    /// <summary>Kills the server; idempotent, and called before its clients close so it spends nothing on their goodbyes.</summary>
    public void Stop()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _errorLineCount);
            lock (_errorLines)
            {
                if (_errorLines.Count < 20)
                {
                    _errorLines.Add(line);
                }
            }
        }

        lock (_recentOutput)
        {
            _recentOutput.Enqueue(line);
            if (_recentOutput.Count > 40)
            {
                _recentOutput.Dequeue();
            }
        }
    }

    private async Task WaitUntilListeningAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            EnsureRunning();
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
                return;
            }
            catch (SocketException) when (Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (SocketException ex)
            {
                throw new InvalidOperationException(
                    $"{Name} server did not listen on 127.0.0.1:{Port} within {timeout.TotalSeconds:0} s ({ex.SocketErrorCode}). Last output:{Environment.NewLine}{RecentOutput()}");
            }
        }
    }
}
