using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Redwood.SharedKernel;

namespace Redwood.Matchmaking;

/// <summary>
/// The Matchmaking module entry. It owns no features yet: the module slot, its flag and its contracts assembly exist so
/// deployments and architecture rules already cover it.
/// </summary>
public sealed class MatchmakingModule : IModule
{
    /// <inheritdoc />
    public static string Name => "Matchmaking";

    /// <inheritdoc />
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    /// <inheritdoc />
    public static void AddRuntime(IServiceCollection services, IConfiguration configuration)
    {
    }

    /// <inheritdoc />
    public static void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }
}
