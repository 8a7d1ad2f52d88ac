using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Redwood.SharedKernel.Modules;
using Redwood.SocketIO;

namespace Redwood.Director.Transport;

/// <summary>The Director Frontend: the Socket.IO endpoint player clients connect to (default port 3001).</summary>
internal sealed class DirectorFrontend(
    IConfiguration configuration,
    IServiceScopeFactory scopes,
    BoundPorts ports,
    DirectorEndpoint endpoint,
    DirectorMetrics metrics,
    TimeProvider time,
    ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    public const string Endpoint = "director";

    private readonly ILogger _logger = loggerFactory.CreateLogger<DirectorFrontend>();
    private SocketIOServer? _server;
    private SocketIOListener? _listener;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var port = NetworkSettings.Port(configuration, "Redwood:Director:Port", 3001);
        var address = NetworkSettings.BindAddress(configuration, "Redwood:Director:BindAddress");
        _server = new SocketIOServer(
            new SocketIOServerOptions
            {
                TimeProvider = time,
                MaxConnectionsPerAddress = NetworkSettings.MaxConnectionsPerAddress(configuration),
                AllowedOrigins = NetworkSettings.AllowedOrigins(configuration),
                TrustedProxies = NetworkSettings.TrustedProxies(configuration),
            },
            loggerFactory);
        DirectorRoutes.Map(_server.Of("/"), scopes, _logger);
        endpoint.Bound(_server.Of("/"));
        metrics.Frontend(_server);
        _listener = await SocketIOListener.StartAsync(_server, new IPEndPoint(address, port), null, loggerFactory, cancellationToken);
        ports.Add(Endpoint, _listener.Port);
        Log.FrontendListening(_logger, address.ToString(), _listener.Port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listener is not null)
        {
            ports.Remove(Endpoint);
            endpoint.Unbound();
            metrics.Frontend(null);
            await _listener.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_listener is not null)
        {
            await _listener.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
