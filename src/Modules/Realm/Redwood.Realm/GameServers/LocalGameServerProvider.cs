using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Redwood.Sidecar.Contracts;

namespace Redwood.Realm.GameServers;

/// <summary>
/// Launches game servers as child processes of this host:
/// <c>&lt;Executable&gt; &lt;Arguments…&gt; -server -port=&lt;game&gt; -SidecarPort=&lt;sidecar&gt;</c>, each writing to its own
/// log file. Every child is killed with its whole process tree when its server is stopped and when the host stops.
/// </summary>
internal sealed class LocalGameServerProvider(
    GameServerSettings settings,
    RealmSettings realm,
    IServiceScopeFactory scopes,
    IHostEnvironment environment,
    ILogger<LocalGameServerProvider> logger) : IGameServerProvider, IHostedService, IAsyncDisposable
{
    private const int SidecarPortStep = 10;
    private const int PortProbeLimit = 1000;

    private readonly ConcurrentDictionary<string, Child> _children = new(StringComparer.Ordinal);
    private readonly Lock _portLock = new();
    private int _launches;

    public string Name => "local";

    public async Task<LaunchedServer> LaunchAsync(string serverId, CancellationToken cancellationToken)
    {
        var local = settings.Local;
        int gamePort;
        int sidecarPort;
        lock (_portLock)
        {
            var index = _launches++;
            gamePort = FreePort(local.GamePortBase, 1, index);
            sidecarPort = local.SidecarBasePort == 0 ? 0 : FreePort(local.SidecarBasePort, SidecarPortStep, index);
        }

        var logDirectory = Path.GetFullPath(local.LogDirectory, environment.ContentRootPath);
        Directory.CreateDirectory(logDirectory);
        Process? sidecar = null;
        OpenSidecarListenerReply opened;
        if (local.SidecarProcess)
        {
            sidecarPort = sidecarPort == 0 ? FreePort(0, 1, 0) : sidecarPort;
            sidecar = await StartSidecarProcessAsync(serverId, sidecarPort, logDirectory, cancellationToken);
            opened = new OpenSidecarListenerReply(sidecarPort, string.Empty);
        }
        else
        {
            await using var scope = scopes.CreateAsyncScope();
            opened = await scope.ServiceProvider.GetRequiredService<ISender>()
                .Send(new OpenSidecarListener(realm.Id, serverId, sidecarPort), cancellationToken);
        }

        if (opened.Port == 0)
        {
            throw new InvalidOperationException($"The Sidecar could not listen for server {serverId}: {opened.Error}");
        }

        var (fileName, prefix) = Program();
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = environment.ContentRootPath,
        };
        foreach (var argument in prefix.Concat(local.Arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("-server");
        start.ArgumentList.Add($"-port={gamePort}");
        start.ArgumentList.Add($"-SidecarPort={opened.Port}");
        if (local.Executable is null)
        {
            // The bundled dev server: dozens start on one machine during a load run. Its code stays at the quick first
            // tier instead of being compiled again once warm, which cost 40% of each start-up's CPU (0.53 -> 0.33 s)
            // and gains nothing this light a process notices. An operator's own setting is kept.
            start.Environment.TryAdd("DOTNET_TC_CallCounting", "0");
        }

        var logPath = Path.Combine(logDirectory, $"game-server-{serverId}.log");
        var log = new StreamWriter(new FileStream(logPath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            await log.DisposeAsync();
            process.Dispose();
            if (sidecar is not null)
            {
                await KillAsync(serverId, new Child(sidecar, null));
            }
            else
            {
                await CloseSidecarAsync(serverId, CancellationToken.None);
            }

            throw new InvalidOperationException($"Could not start game server '{fileName}': {ex.Message}", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _children[serverId] = new Child(process, log, sidecar);
        Log.GameServerLaunched(logger, serverId, process.Id, gamePort, opened.Port, logPath);
        return new LaunchedServer(process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{local.PublicHost}:{gamePort}", opened.Port);
    }

    public async Task StopAsync(string serverId, CancellationToken cancellationToken)
    {
        if (_children.TryRemove(serverId, out var child))
        {
            await KillAsync(serverId, child);
            if (child.Sidecar is not null)
            {
                return;
            }
        }

        await CloseSidecarAsync(serverId, cancellationToken);
    }

    public bool? IsRunning(string serverId) =>
        _children.TryGetValue(serverId, out var child) ? !child.Process.HasExited : null;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Host shutdown: no child outlives the host.</summary>
    async Task IHostedService.StopAsync(CancellationToken cancellationToken) => await KillAllAsync();

    public async ValueTask DisposeAsync() => await KillAllAsync();

    private async Task KillAllAsync()
    {
        foreach (var serverId in _children.Keys.ToList())
        {
            if (_children.TryRemove(serverId, out var child))
            {
                await KillAsync(serverId, child);
            }
        }
    }

    private async Task KillAsync(string serverId, Child child)
    {
        try
        {
            if (!child.Process.HasExited)
            {
                child.Process.Kill(entireProcessTree: true);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await child.Process.WaitForExitAsync(wait.Token);
            }

            Log.GameServerStopped(logger, serverId, child.Process.Id);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or OperationCanceledException)
        {
            Log.GameServerKillFailed(logger, serverId, ex);
        }
        finally
        {
            child.Process.Dispose();
            if (child.Log is not null)
            {
                await child.Log.DisposeAsync();
            }
        }

        if (child.Sidecar is not null)
        {
            await KillAsync(serverId + " (sidecar)", new Child(child.Sidecar, null));
        }
    }

    /// <summary>
    /// Starts this host binary as the standalone Sidecar of one server, with this process's configuration (same working
    /// directory and environment) and the Sidecar module alone; it exits when this process's pipe to it closes (the
    /// host died). Returns once it accepts connections on <paramref name="port"/>.
    /// </summary>
    private async Task<Process> StartSidecarProcessAsync(string serverId, int port, string logDirectory, CancellationToken cancellationToken)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(self)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Environment.CurrentDirectory,
        };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(System.Reflection.Assembly.GetEntryAssembly()!.Location);
        }

        foreach (var module in new[] { "Director", "Realm", "Matchmaking" })
        {
            start.Environment[$"Redwood__Modules__{module}__Enabled"] = "false";
        }

        start.Environment["Redwood__Modules__Sidecar__Enabled"] = "true";
        start.Environment["Redwood__Sidecar__Mode"] = "standalone";
        start.Environment["Redwood__Sidecar__ServerId"] = serverId;
        start.Environment["Redwood__Sidecar__RealmId"] = realm.Id;
        start.Environment["Redwood__Sidecar__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Redwood__Sidecar__ExitWhenInputCloses"] = "true";
        start.Environment["Redwood__Http__Port"] = "0";
        var log = new StreamWriter(new FileStream(Path.Combine(logDirectory, $"sidecar-{serverId}.log"), FileMode.Create, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.Exited += (_, _) => log.Dispose();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + settings.ReadyTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The Sidecar process of server {serverId} exited at start-up (exit code {process.ExitCode}); see sidecar-{serverId}.log.");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return process;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (SocketException)
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
                throw new InvalidOperationException($"The Sidecar process of server {serverId} did not listen on port {port} within {settings.ReadyTimeout}.");
            }
        }
    }

    private async Task CloseSidecarAsync(string serverId, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ISender>().Send(new CloseSidecarListener(serverId), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.GameServerKillFailed(logger, serverId, ex);
        }
    }

    /// <summary>The program to run and the arguments that come before the configured ones.</summary>
    private (string FileName, IReadOnlyList<string> Prefix) Program()
    {
        var executable = settings.Local.Executable
            ?? Path.Combine(AppContext.BaseDirectory, "Redwood.DevGameServer.dll");
        if (executable.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            var dotnet = Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
            return (dotnet, [Path.GetFullPath(executable, environment.ContentRootPath)]);
        }

        return (executable.Contains('/') || executable.Contains('\\') ? Path.GetFullPath(executable, environment.ContentRootPath) : executable, []);
    }

    private static int FreePort(int basePort, int step, int index)
    {
        if (basePort == 0)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        for (var attempt = 0; attempt < PortProbeLimit; attempt++)
        {
            var port = basePort + ((index + attempt) * step);
            if (port > IPEndPoint.MaxPort)
            {
                break;
            }

            try
            {
                using var probe = new TcpListener(IPAddress.Any, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use (a server of another host, or one not yet released): try the next slot.
            }
        }

        throw new InvalidOperationException($"No free port from {basePort} in steps of {step}.");
    }

    private static void Append(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The server is being stopped.
            }
        }
    }

    private sealed record Child(Process Process, StreamWriter? Log, Process? Sidecar = null);
}
