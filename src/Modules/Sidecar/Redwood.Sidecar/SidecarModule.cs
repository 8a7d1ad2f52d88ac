using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Redwood.SharedKernel;
using Redwood.Sidecar.Transport;

namespace Redwood.Sidecar;

/// <summary>
/// The Sidecar module: the Socket.IO server each game server talks to (§2.3), one listener per local game server on its
/// sidecar port. It keeps no data: lifecycle, join tokens and saves go to the Realm through contracts, so it can run in
/// another process.
/// </summary>
public sealed class SidecarModule : IModule
{
    /// <inheritdoc />
    public static string Name => "Sidecar";

    /// <inheritdoc />
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(SidecarSettings.Read(configuration));
        services.AddSingleton<SidecarServers>();
        services.AddSingleton<SidecarMetrics>();
    }

    /// <inheritdoc />
    public static void AddRuntime(IServiceCollection services, IConfiguration configuration) =>
        services.AddHostedService(sp =>
        {
            // The meter observes the listeners from the start, only where the module runs.
            sp.GetRequiredService<SidecarMetrics>();
            return sp.GetRequiredService<SidecarServers>();
        });

    /// <inheritdoc />
    public static void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }
}
