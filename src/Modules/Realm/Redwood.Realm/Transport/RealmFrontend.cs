using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Redwood.SharedKernel.Modules;
using Redwood.SocketIO;

namespace Redwood.Realm.Transport;

/// <summary>
/// The Realm Frontend: a Socket.IO server on <c>Redwood:Realm:Port</c> (with the ping echo endpoint on the same
/// port). Once bound it publishes the realm URI and regions through <see cref="RealmEndpoint"/>.
/// </summary>
internal sealed class RealmFrontend(
    RealmSettings settings,
    RealmEndpoint endpoint,
    BoundPorts ports,
    StartupFacts facts,
    RealmMetrics metrics,
    IConfiguration configuration,
    IServiceScopeFactory scopes,
    ILoggerFactory loggerFactory) : IHostedService
{
    public const string EndpointName = "realm";

    private readonly ILogger _logger = loggerFactory.CreateLogger<RealmFrontend>();
    private SocketIOListener? _listener;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var server = new SocketIOServer(
            new SocketIOServerOptions
            {
                MaxPayload = settings.MaxPayloadBytes,
                MaxConnectionsPerAddress = NetworkSettings.MaxConnectionsPerAddress(configuration),
                AllowedOrigins = NetworkSettings.AllowedOrigins(configuration),
                TrustedProxies = NetworkSettings.TrustedProxies(configuration),
            },
            loggerFactory);
        var ns = server.Of("/");
        new RealmRoutes(scopes, _logger, settings, endpoint).Map(ns);
        ns.Disconnected += (socket, _) => PlayerPresence.OnDisconnectedAsync(socket, settings, endpoint, scopes, _logger);

        _listener = await SocketIOListener.StartAsync(
            server,
            new IPEndPoint(NetworkSettings.BindAddress(configuration, "Redwood:Realm:BindAddress"), settings.Port),
            mapExtraEndpoints: endpoints => PingEchoEndpoint.Map(endpoints, _logger),
            loggerFactory,
            cancellationToken);
        ports.Add(EndpointName, _listener.Port);

        var uri = settings.Uri ?? $"ws://localhost:{_listener.Port}";
        var regions = settings.Regions
            .Select(r => new RegionView(r.Name, r.Ping ?? uri + PingEchoEndpoint.Path))
            .ToList();
        endpoint.Bound(ns, uri, regions);
        metrics.Frontend(server);
        Log.FrontendListening(_logger, settings.Id, _listener.Port, uri);
        facts.Add("realm", $"{settings.Id} \"{settings.Name}\", players connect to {uri}");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        endpoint.Unbound();
        metrics.Frontend(null);
        ports.Remove(EndpointName);
        if (_listener is not null)
        {
            await _listener.StopAsync(cancellationToken);
        }
    }
}
