using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Redwood.SocketIO.Engine;

namespace Redwood.SocketIO;

/// <summary>A standalone Kestrel server on one endpoint serving one <see cref="SocketIOServer"/> (plus optional extra endpoints).</summary>
public sealed class SocketIOListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SocketIOServer _server;
    private int _stopped;

    private SocketIOListener(WebApplication app, SocketIOServer server, int port)
    {
        _app = app;
        _server = server;
        Port = port;
    }

    /// <summary>The bound port (the chosen one when the endpoint asked for port 0).</summary>
    public int Port { get; }

    /// <summary>The Socket.IO server this listener serves.</summary>
    public SocketIOServer Server => _server;

    /// <summary>Starts Kestrel on <paramref name="endpoint"/> and maps the server's path.</summary>
    public static async Task<SocketIOListener> StartAsync(
        SocketIOServer server,
        IPEndPoint endpoint,
        Action<IEndpointRouteBuilder>? mapExtraEndpoints,
        ILoggerFactory loggerFactory,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(loggerFactory);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddRoutingCore();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            // WebSocket handshakes are taken before the HTTP layer (ADR 0004); everything else reaches the routes below.
            options.Listen(endpoint, listen => listen.Use(new WebSocketFastPath(server).Build));
        });

        var app = builder.Build();
        app.UseRouting();
        mapExtraEndpoints?.Invoke(app);
        app.MapSocketIO(server);
        await app.StartAsync(ct).ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SocketIOListener(app, server, new Uri(address).Port);
    }

    /// <summary>Shuts the Socket.IO server down gracefully, then stops Kestrel.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        try
        {
            await _server.ShutdownAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            await _app.StopAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Stops (waiting up to 5 seconds) and releases Kestrel.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Kestrel aborts whatever is left when disposed below.
            }
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
