using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Redwood.SharedKernel.Ephemeral;
using Redwood.SharedKernel.Modules;
using Redwood.SharedKernel.Persistence;

namespace Redwood.Host;

/// <summary>
/// Logs one block once everything started: the modules, persistence and where the data lives, the bus, every bound
/// port with its URI, and what the modules recorded in <see cref="StartupFacts"/> (the realms). It replaces the
/// lifetime block each Kestrel instance would print (see <see cref="HostSetup.AddRedwoodHost"/>).
/// </summary>
internal sealed partial class StartupReport(
    IHostApplicationLifetime lifetime,
    IHostEnvironment environment,
    IServer server,
    ModuleRegistry modules,
    BoundPorts ports,
    StartupFacts facts,
    RedisSettings redis,
    IConfiguration configuration,
    StartedCheck started,
    ILogger<StartupReport> logger) : IHostedService
{
    public const string HttpEndpoint = "http";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var address in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            {
                if (Uri.TryCreate(address.Replace("0.0.0.0", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri))
                {
                    ports.Add(HttpEndpoint, uri.Port);
                }
            }

            // Logged last: it tells a supervisor (and the split-deployment tests) that start-up is complete.
            var persistence = PersistenceSettings.Read(configuration);
            LogStarted(
                logger,
                environment.EnvironmentName,
                environment.ContentRootPath,
                Join(modules.Enabled.Select(m => m.Name)),
                Join(modules.All.Where(m => !m.Enabled).Select(m => m.Name)),
                DescribePersistence(persistence),
                redis.Configuration is { } redisOptions ? "Redis " + Join(redisOptions.EndPoints.Select(EndPointText)) : "in-process",
                Details());

            started.MarkStarted();
        });
        lifetime.ApplicationStopping.Register(() => LogStopping(logger));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private string Details()
    {
        var bind = NetworkSettings.BindAddress(configuration);
        var everyInterface = bind.Equals(IPAddress.Any) || bind.Equals(IPAddress.IPv6Any);
        var host = everyInterface ? "localhost" : bind.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{bind}]" : bind.ToString();
        var text = new StringBuilder();
        Line(text, "network", everyInterface ? $"listening on {bind} (every interface)" : $"listening on {bind}");
        foreach (var (endpoint, port) in ports.Snapshot().OrderBy(p => p.Key != HttpEndpoint))
        {
            Line(text, "listening", endpoint == HttpEndpoint
                ? $"{endpoint} http://{host}:{port} (/health, /ready)"
                : $"{endpoint} ws://{host}:{port}");
        }

        foreach (var (topic, fact) in facts.Snapshot().GroupBy(f => f.Topic).SelectMany(g => g))
        {
            Line(text, topic, fact);
        }

        return text.ToString().TrimEnd();
    }

    private static void Line(StringBuilder text, string topic, string value) =>
        text.Append("  ").Append(topic.PadRight(14)).Append(' ').AppendLine(value);

    private static string DescribePersistence(PersistenceSettings persistence)
    {
        if (persistence.Provider == PersistenceProvider.Sqlite)
        {
            return $"SQLite files in {persistence.DataDirectory}";
        }

        var connection = new NpgsqlConnectionStringBuilder(persistence.ConnectionString);
        return $"PostgreSQL {connection.Host}:{connection.Port}/{connection.Database} as {connection.Username}, one schema per store";
    }

    private static string EndPointText(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endPoint.ToString() ?? string.Empty,
    };

    private static string Join(IEnumerable<string> names)
    {
        var list = string.Join(", ", names);
        return list.Length == 0 ? "none" : list;
    }

    [LoggerMessage(1, LogLevel.Information,
        "Redwood started ({Environment} environment, content root {ContentRoot})\n" +
        "  modules        {Enabled}; disabled: {Disabled}\n" +
        "  persistence    {Persistence}\n" +
        "  bus            {Bus}\n" +
        "{Details}")]
    private static partial void LogStarted(
        ILogger logger, string environment, string contentRoot, string enabled, string disabled, string persistence, string bus, string details);

    [LoggerMessage(3, LogLevel.Information, "Redwood stopping")]
    private static partial void LogStopping(ILogger logger);
}

/// <summary>Readiness: every hosted service (migrations, listeners) finished starting.</summary>
internal sealed class StartedCheck : IHealthCheck
{
    private volatile bool _started;

    public void MarkStarted() => _started = true;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_started ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("starting"));
}
