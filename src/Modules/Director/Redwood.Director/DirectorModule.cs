using System.Reflection;
using FluentValidation;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Redwood.Director.Domain;
using Redwood.Director.Features.Realms;
using Redwood.Director.Features.Sessions;
using Redwood.Director.Persistence;
using Redwood.Director.Transport;
using Redwood.SharedKernel;
using Redwood.SharedKernel.Messaging;
using Redwood.SharedKernel.Persistence;

namespace Redwood.Director;

/// <summary>
/// The Director module: player accounts, sessions, the realm registry and realm hand-off tokens, served to player
/// clients on the Director Frontend (Socket.IO, <c>Redwood:Director:Port</c>, default 3001).
/// </summary>
public sealed class DirectorModule : IModule
{
    /// <inheritdoc />
    public static string Name => "Director";

    /// <inheritdoc />
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        // Settings are read lazily: this runs even where the Director is disabled, and must not fail there.
        services.AddSingleton(_ => DirectorSettings.Read(configuration));
        services.AddSingleton(sp => sp.GetRequiredService<DirectorSettings>().Auth);
        services.AddSingleton(sp => sp.GetRequiredService<DirectorSettings>().Auth.Jwt);
        services.AddSingleton<DirectorClock>();
        services.AddSingleton<DirectorEndpoint>();
        services.AddSingleton<DirectorMetrics>();

        // Domain services (password hasher, JWT reader) are the Domain classes that take dependencies; entities and
        // value records beside them are not services.
        services.Scan(scan => scan.FromAssemblyOf<DirectorModule>()
            .AddClasses(c => c.InExactNamespaceOf<PasswordHasher>().Where(IsDomainService), publicOnly: false)
            .AsSelf()
            .WithSingletonLifetime());
        services.AddModuleDbContext<DirectorDbContext, SqliteDirectorDbContext, PostgresDirectorDbContext>(configuration, "director");
        // The username and password rule sets are parts of other validators, not validators of a message.
        services.AddModuleValidators<DirectorModule>(scan => scan.InterfaceType != typeof(IValidator<string>));
    }

    private static bool IsDomainService(Type type) =>
        type.GetProperty("EqualityContract", BindingFlags.NonPublic | BindingFlags.Instance) is null
        && type.GetConstructors().Any(c => c.GetParameters().Length > 0);

    /// <inheritdoc />
    public static void AddRuntime(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDatabaseRuntime<DirectorDbContext>();
        services.AddHostedService<DirectorStartup>();
        services.AddHostedService<DirectorFrontend>();
        services.AddHostedService<SessionPurger>();
    }

    /// <inheritdoc />
    public static void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }
}
