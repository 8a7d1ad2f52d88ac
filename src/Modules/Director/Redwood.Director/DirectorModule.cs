using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Redwood.SharedKernel;

namespace Redwood.Director;

/// <summary>The Director module entry.</summary>
public sealed class DirectorModule : IModule
{
    /// <inheritdoc />
    public static string Name => "Director";

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
