using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Redwood.SharedKernel.Ephemeral;
using Redwood.SharedKernel.Modules;
using Redwood.SharedKernel.Persistence;

namespace Redwood.Host;

/// <summary>Logs, once everything started, which modules run here and which ports were bound.</summary>
internal sealed partial class StartupReport(
    IHostApplicationLifetime lifetime,
    IServer server,
    ModuleRegistry modules,
    BoundPorts ports,
    RedisSettings redis,
    IConfiguration configuration,
    StartedCheck started,
    ILogger<StartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var address in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            {
                if (Uri.TryCreate(address.Replace("0.0.0.0", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri))
                {
                    ports.Add("http", uri.Port);
                }
            }

            foreach (var (endpoint, port) in ports.Snapshot())
            {
                LogPort(logger, endpoint, port);
            }

            // Logged last: it tells a supervisor (and the split-deployment tests) that start-up is complete.
            var persistence = PersistenceSettings.Read(configuration);
            LogModules(logger, string.Join(", ", modules.Enabled.Select(m => m.Name)),
                string.Join(", ", modules.All.Where(m => !m.Enabled).Select(m => m.Name)),
                persistence.Provider, redis.Enabled ? "redis" : "in-process");

            started.MarkStarted();
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Information, "Redwood modules enabled: [{Enabled}]; disabled: [{Disabled}]; persistence {Provider}; bus {Bus}")]
    private static partial void LogModules(ILogger logger, string enabled, string disabled, PersistenceProvider provider, string bus);

    [LoggerMessage(2, LogLevel.Information, "Redwood endpoint {Endpoint} listening on port {Port}")]
    private static partial void LogPort(ILogger logger, string endpoint, int port);
}

/// <summary>Readiness: every hosted service (migrations, listeners) finished starting.</summary>
internal sealed class StartedCheck : IHealthCheck
{
    private volatile bool _started;

    public void MarkStarted() => _started = true;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_started ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("starting"));
}
