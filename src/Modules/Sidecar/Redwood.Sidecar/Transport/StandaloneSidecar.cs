using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Redwood.SharedKernel.Modules;

namespace Redwood.Sidecar.Transport;

/// <summary>
/// <c>Redwood:Sidecar:Mode=standalone</c>: this process is the Sidecar of one game server beside it (the Agones sidecar
/// container). At start-up it takes the server's identity (the setting, else the GameServer name from the Agones SDK) and
/// opens the one listener; the Realm, in another process, knows the server by that identity. On Agones it marks the
/// GameServer Ready once the game server reported its state, sends health pings while the game server is connected, and
/// asks Agones to shut it down when the Realm stops it.
/// </summary>
internal sealed class StandaloneSidecar(
    SidecarSettings settings, SidecarServers servers, BoundPorts ports, StartupFacts facts, IHostApplicationLifetime lifetime,
    ILogger<StandaloneSidecar> logger)
    : IHostedService, IDisposable
{
    private static readonly TimeSpan IdentityWait = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stopping = new();
    private AgonesSdk? _sdk;
    private Task _agones = Task.CompletedTask;
    private volatile string? _serverId;
    private volatile bool _ready;
    private int _shutdown;

    /// <summary>The game server this process serves; null before start-up or in embedded mode.</summary>
    public string? ServerId => _serverId;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var standalone = settings.Standalone
            ?? throw new InvalidOperationException("The standalone Sidecar runs only with 'Redwood:Sidecar:Mode=standalone'.");
        _sdk = standalone.AgonesSdk is { } address ? new AgonesSdk(address) : null;
        var serverId = standalone.ServerId ?? await IdentityFromAgonesAsync(_sdk!, cancellationToken);
        var port = await servers.OpenAsync(standalone.RealmId, serverId, standalone.Port, cancellationToken);
        _serverId = serverId;
        ports.Add("sidecar", port);
        facts.Add("sidecar", $"standalone for game server {serverId} of realm {standalone.RealmId}"
            + (_sdk is null ? ", no Agones SDK" : $", Agones SDK at {_sdk.Address}"));
        if (_sdk is not null)
        {
            _agones = Task.Run(() => AgonesLoopAsync(_sdk, serverId, standalone.HealthInterval, _stopping.Token), CancellationToken.None);
        }

        if (standalone.ExitWhenInputCloses && Console.IsInputRedirected)
        {
            _ = Task.Run(async () =>
            {
                // The host that started this process holds the other end: end of input means it is gone.
                var input = Console.OpenStandardInput();
                var buffer = new byte[256];
                while (await input.ReadAsync(buffer, _stopping.Token) > 0)
                {
                }

                lifetime.StopApplication();
            }, CancellationToken.None);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _agones.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>The Realm stopped this server: Agones shuts the GameServer down (without Agones the game server keeps running).</summary>
    public async Task ShutdownAsync(string serverId, string reason, CancellationToken cancellationToken)
    {
        if (_serverId is null || serverId != _serverId)
        {
            return;
        }

        servers.Find(serverId)?.Players.Clear();
        if (_sdk is null)
        {
            Log.ShutdownWithoutAgones(logger, serverId, reason);
            return;
        }

        if (Interlocked.Exchange(ref _shutdown, 1) == 1)
        {
            // The Realm may end a server twice (its instance, then the server row); Agones needs one call.
            return;
        }

        try
        {
            await _sdk.ShutdownAsync(cancellationToken);
            Log.AgonesShutdown(logger, serverId, reason);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Volatile.Write(ref _shutdown, 0);
            Log.AgonesCallFailed(logger, serverId, "shutdown", ex);
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _sdk?.Dispose();
    }

    /// <summary>The SDK server may start after this container: ask until it answers.</summary>
    private async Task<string> IdentityFromAgonesAsync(AgonesSdk sdk, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + IdentityWait;
        while (true)
        {
            try
            {
                return await sdk.GetGameServerNameAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException(
                        $"The Agones SDK at {sdk.Address} did not tell this game server's name within {IdentityWait.TotalSeconds:0} s " +
                        "(set 'Redwood:Sidecar:ServerId' when not on Agones)",
                        ex);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Ready once the game server has connected and reported its state (it has loaded and can take a load-map); a
    /// health ping every interval while its socket A is connected, so a game server that died is marked Unhealthy.
    /// </summary>
    private async Task AgonesLoopAsync(AgonesSdk sdk, string serverId, TimeSpan interval, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                if (servers.Find(serverId) is not { SocketA.IsConnected: true } link || link.LastReport.At == default)
                {
                    continue;
                }

                try
                {
                    if (!_ready)
                    {
                        await sdk.ReadyAsync(stopping);
                        _ready = true;
                        Log.AgonesReady(logger, serverId);
                    }

                    await sdk.HealthAsync(stopping);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stopping.IsCancellationRequested)
                {
                    Log.AgonesCallFailed(logger, serverId, _ready ? "health" : "ready", ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Host stopping.
        }
    }
}
