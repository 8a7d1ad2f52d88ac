using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Redwood.SharedKernel;
using Redwood.Sidecar.Transport;

namespace Redwood.Sidecar;

/// <summary>
/// The Sidecar module: the Socket.IO server each game server talks to (§2.3). Embedded (the default), one listener per
/// local game server, opened on the Realm's request; standalone (<c>Redwood:Sidecar:Mode=standalone</c>), one process
/// beside one game server (the Agones sidecar container) listening for it from start-up. It keeps no data: lifecycle,
/// join tokens and saves go to the Realm through contracts, so it runs in any process.
/// </summary>
public sealed class SidecarModule : IModule
{
    /// <inheritdoc />
    public static string Name => "Sidecar";

    /// <inheritdoc />
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var settings = SidecarSettings.Read(configuration);
        services.AddSingleton(settings);
        services.AddSingleton<SidecarServers>();
        services.AddSingleton<SidecarMetrics>();
        services.AddSingleton<CharacterSaveMetrics>();
        services.AddSingleton<StandaloneSidecar>();
    }

    /// <inheritdoc />
    public static void AddRuntime(IServiceCollection services, IConfiguration configuration)
    {
        services.AddHostedService(sp =>
        {
            // The meter observes the listeners from the start, only where the module runs.
            sp.GetRequiredService<SidecarMetrics>();
            return sp.GetRequiredService<SidecarServers>();
        });
        if (SidecarSettings.Read(configuration).Standalone is not null)
        {
            services.AddHostedService(sp => sp.GetRequiredService<StandaloneSidecar>());
        }
    }

    /// <inheritdoc />
    public static void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }
}
