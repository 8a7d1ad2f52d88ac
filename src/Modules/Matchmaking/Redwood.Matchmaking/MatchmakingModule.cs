using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Redwood.Matchmaking.Features.Processing;
using Redwood.Matchmaking.Persistence;
using Redwood.SharedKernel;
using Redwood.SharedKernel.Messaging;

namespace Redwood.Matchmaking;

/// <summary>
/// The Matchmaking module: matchmaking tickets and proxy queues, kept in the key/value store (Redis in distributed
/// mode), a matcher that ticks every <c>Redwood:Matchmaking:ProcessInterval</c>, and the notifications that tell the
/// Realm about matches, admissions and what each player should hear.
/// </summary>
public sealed class MatchmakingModule : IModule
{
    /// <inheritdoc />
    public static string Name => "Matchmaking";

    /// <inheritdoc />
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(MatchmakingSettings.Read(configuration));
        services.AddSingleton<TicketStore>();
        services.AddSingleton<RealmLocks>();
        services.AddSingleton<TicketNotices>();
        services.AddSingleton<MatcherStatus>();
        services.AddSingleton<AdmissionPace>();
        services.AddScoped<QueueAdmission>();
        services.AddModuleValidators<MatchmakingModule>();
    }

    /// <inheritdoc />
    public static void AddRuntime(IServiceCollection services, IConfiguration configuration)
    {
        services.AddHostedService<MatcherService>();
        services.AddHealthChecks().AddCheck<MatcherHealthCheck>("matchmaking", tags: ["ready"]);
    }

    /// <inheritdoc />
    public static void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }
}
