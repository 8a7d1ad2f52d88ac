using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Redwood.SharedKernel;

namespace Redwood.Realm;

/// <summary>The Realm module entry.</summary>
public sealed class RealmModule : IModule
{
    /// <inheritdoc />
    public static string Name => "Realm";

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
