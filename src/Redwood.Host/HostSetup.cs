using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using Redwood.Host.Bus;
using Redwood.SharedKernel.Diagnostics;
using Redwood.SharedKernel.Ephemeral;
using Redwood.SharedKernel.Modules;
using Redwood.SharedKernel.Persistence;

namespace Redwood.Host;

/// <summary>Host-wide wiring: configuration, the bus, health endpoints and start-up checks.</summary>
internal static partial class HostSetup
{
    /// <summary>
    /// appsettings.json lives at the repository root, where <c>dotnet run</c> starts; a published binary carries a copy
    /// next to it, used when the working directory has none. Environment variables override it.
    /// </summary>
    public static void AddRedwoodConfiguration(this WebApplicationBuilder builder)
    {
        if (!File.Exists(Path.Combine(builder.Environment.ContentRootPath, "appsettings.json")))
        {
            // The file provider must be set before the source is inserted: the configuration builds it right away.
            builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
            {
                FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(AppContext.BaseDirectory),
                Path = "appsettings.json",
                Optional = true,
                ReloadOnChange = false,
            });
        }
    }

    /// <summary>Registers the module registry, the ephemeral store, the bus and the HTTP port.</summary>
    public static void AddRedwoodHost(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var modules = ModuleCatalog.ModulesOf(builder);
        var redis = RedisSettings.Read(configuration);
        PersistenceSettings.Read(configuration);
        var allowIsolated = configuration.GetValue("Redwood:Modules:AllowIsolated", false);
        var disabled = modules.Where(m => !m.Enabled).Select(m => m.Name).ToList();
        if (disabled.Count > 0 && !redis.Enabled && !allowIsolated)
        {
            throw new InvalidOperationException(
                $"Module(s) {string.Join(", ", disabled)} are disabled (Redwood:Modules:<Name>:Enabled=false) but " +
                "'Redwood:Redis:Configuration' is empty: the other processes could not be reached. Configure Redis or enable the modules.");
        }

        builder.Services.AddSingleton(new ModuleRegistry(modules));
        builder.Services.AddSingleton(new ModuleEndpoints([.. ModuleCatalog.EndpointMappersOf(builder)]));
        builder.Services.AddSingleton<BoundPorts>();
        builder.Services.AddSingleton<StartupFacts>();
        builder.Services.AddSingleton<ContractTypes>();
        builder.Services.AddSingleton<BusMetrics>();
        builder.AddRedwoodTelemetry(modules);
        builder.Services.AddEphemeralStore(configuration);
        if (redis.Enabled)
        {
            builder.Services.AddSingleton<BusPartitions>();
            builder.Services.AddSingleton<RedisBus>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<RedisBus>());
            builder.Services.AddSingleton<WorkStreams>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<WorkStreams>());
        }

        builder.Services.AddSingleton<StartedCheck>();
        builder.Services.AddHealthChecks().AddCheck<StartedCheck>("started", tags: ["ready"]);
        builder.Services.AddHostedService<StartupReport>();

        // Every Kestrel instance (the HTTP port and each Socket.IO listener shares this logger factory) would print its
        // own "Application started / Hosting environment / Content root path / Now listening on" lines; the start-up
        // report says all of it once. An explicit level in configuration brings them back.
        if (configuration["Logging:LogLevel:Microsoft.Hosting.Lifetime"] is null)
        {
            builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        }

        var port = NetworkSettings.Port(configuration, "Redwood:Http:Port", 3000);
        var address = NetworkSettings.BindAddress(configuration, "Redwood:Http:BindAddress");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, port));
    }

    /// <summary>
    /// Metrics: one meter per module (<c>redwood.&lt;module&gt;</c>) and the bus's (<c>redwood.bus</c>), exported for
    /// Prometheus on the HTTP port's <c>/metrics</c>. Logs: every entry carries the current correlation id (the trace
    /// id of the socket event or bus delivery it belongs to) in its scope.
    /// </summary>
    private static void AddRedwoodTelemetry(this WebApplicationBuilder builder, IReadOnlyList<ModuleInfo> modules)
    {
        RedwoodTelemetry.EnsureCorrelation();
        builder.Logging.Configure(options => options.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter([.. modules.Select(m => RedwoodTelemetry.MeterName(m.Name)), RedwoodTelemetry.BusMeterName]);
            metrics.AddPrometheusExporter();
        });
    }

    /// <summary>Maps <c>/health</c>, <c>/ready</c>, <c>/metrics</c> and the enabled modules' endpoints.</summary>
    public static void MapRedwoodEndpoints(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapHealthChecks("/health", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = WriteReadiness,
        });
        foreach (var map in app.Services.GetRequiredService<ModuleEndpoints>().Mappers)
        {
            map(app);
        }
    }

    private sealed record ModuleEndpoints(IReadOnlyList<Action<IEndpointRouteBuilder>> Mappers);

    private static Task WriteReadiness(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            ports = context.RequestServices.GetRequiredService<BoundPorts>().Snapshot(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }));
    }
}
