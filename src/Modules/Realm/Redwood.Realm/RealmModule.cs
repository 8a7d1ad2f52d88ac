using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Redwood.Realm.Features.Characters;
using Redwood.Realm.GameServers;
using Redwood.Realm.Integrations;
using Redwood.Realm.Persistence;
using Redwood.Realm.Transport;
using Redwood.Matchmaking.Contracts;
using Redwood.SharedKernel;
using Redwood.SharedKernel.Messaging;
using Redwood.SharedKernel.Games;
using Redwood.SharedKernel.Persistence;

namespace Redwood.Realm;

/// <summary>
/// The Realm module: the Realm Frontend players connect to after the Director hand-off (characters, regions,
/// proxies, global data), this realm's store (<c>realm_&lt;id&gt;</c>) and its sign-in to the Director.
/// </summary>
public sealed class RealmModule : IModule
{
    /// <inheritdoc />
    public static string Name => "Realm";

    /// <inheritdoc />
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var settings = RealmSettings.Read(configuration);
        services.AddSingleton(settings);
        services.TryAddSingleton(_ => GameProfiles.Read(configuration));
        services.AddSingleton<RealmEndpoint>();
        services.AddSingleton<RealmMetrics>();
        services.AddModuleDbContext<RealmDbContext, SqliteRealmDbContext, PostgresRealmDbContext>(configuration, settings.StoreName);
        services.AddModuleValidators<RealmModule>();

        // Matches and queue admissions start game servers: that work must not be lost between processes.
        services.AddDurableNotification<MatchFound>(Name);
        services.AddDurableNotification<QueueAdmitted>(Name);

        // Over Redis, what is for one realm (requests carrying RealmId, its matches) reaches only that realm's processes.
        services.AddModulePartitioning(Name, "RealmId", settings.Id);
        services.TryAddSingleton(TimeProvider.System);
        var gameServers = GameServerSettings.Read(configuration);
        services.AddSingleton(gameServers);
        services.AddSingleton<LocalGameServerProvider>();
        if (gameServers.Provider == "agones")
        {
            services.AddSingleton<AgonesGameServerProvider>();
            services.AddSingleton<IGameServerProvider>(sp => sp.GetRequiredService<AgonesGameServerProvider>());
        }
        else
        {
            services.AddSingleton<IGameServerProvider>(sp => sp.GetRequiredService<LocalGameServerProvider>());
        }

        services.AddSingleton<AllocationJobs>();
        services.AddSingleton<AllocationClaims>();
        services.AddSingleton<JoinTokenConsumer>();
        services.AddSingleton<GameServerAllocator>();
        services.AddSingleton<GameServerLifecycle>();
    }

    /// <inheritdoc />
    public static void AddRuntime(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDatabaseRuntime<RealmDbContext>();
        services.AddHostedService<RealmFrontend>();
        services.AddHostedService<DirectorSignInService>();
        services.AddHostedService<ArchivedCharacterPurger>();

        // Registered after the frontend: stopped before it, so allocations end and every game server is killed first.
        services.AddHostedService(sp => sp.GetRequiredService<LocalGameServerProvider>());
        services.AddHostedService(sp => sp.GetRequiredService<AllocationJobs>());
        services.AddHostedService<GameServerMonitor>();
    }

    /// <inheritdoc />
    public static void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }
}
