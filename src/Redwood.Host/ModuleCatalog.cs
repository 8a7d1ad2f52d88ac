using System.Reflection;
using Redwood.SharedKernel;
using Redwood.SharedKernel.Modules;

namespace Redwood.Host;

/// <summary>The modules this host knows and how each is switched on.</summary>
public static class ModuleCatalog
{
    /// <summary>
    /// Every module of the product, in start order: the one list to extend when a module is added (besides the host's
    /// project reference). The host, the generated mediator's coverage test and the architecture tests all read it.
    /// </summary>
    public static IReadOnlyList<ModuleDefinition> Known { get; } =
    [
        Define<Director.DirectorModule>(),
        Define<Realm.RealmModule>(),
        Define<Matchmaking.MatchmakingModule>(),
        Define<Sidecar.SidecarModule>(),
    ];

    /// <summary>Adds every module of <see cref="Known"/>.</summary>
    public static WebApplicationBuilder AddModules(this WebApplicationBuilder builder)
    {
        foreach (var module in Known)
        {
            builder.AddModule(module);
        }

        return builder;
    }

    /// <summary>
    /// Adds a module: its services always (the generated mediator registers every handler), its runtime only when
    /// <c>Redwood:Modules:&lt;Name&gt;:Enabled</c> is on.
    /// </summary>
    public static WebApplicationBuilder AddModule(this WebApplicationBuilder builder, ModuleDefinition module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var enabled = ModuleFlags.IsEnabled(builder.Configuration, module.Name);
        State(builder).Modules.Add(new ModuleInfo(module.Name, module.Implementation, module.Contracts, enabled));
        module.AddServices(builder.Services, builder.Configuration);
        if (enabled)
        {
            module.AddRuntime(builder.Services, builder.Configuration);
            EndpointMappersOf(builder).Add(module.MapEndpoints);
        }

        return builder;
    }

    /// <summary>The modules added to this builder, in order.</summary>
    public static IReadOnlyList<ModuleInfo> ModulesOf(IHostApplicationBuilder builder) => State(builder).Modules;

    /// <summary>The endpoint mappers of the enabled modules.</summary>
    internal static List<Action<IEndpointRouteBuilder>> EndpointMappersOf(IHostApplicationBuilder builder) => State(builder).Mappers;

    /// <summary>Describes a module from its <see cref="IModule"/> class; its contracts assembly is <c>&lt;assembly&gt;.Contracts</c>.</summary>
    public static ModuleDefinition Define<TModule>()
        where TModule : IModule
    {
        var implementation = typeof(TModule).Assembly;
        return new ModuleDefinition(
            TModule.Name, typeof(TModule), implementation, ContractsOf(implementation), TModule.AddServices, TModule.AddRuntime, TModule.MapEndpoints);
    }

    private static Assembly ContractsOf(Assembly implementation) =>
        Assembly.Load(new AssemblyName(implementation.GetName().Name + ".Contracts"));

    private static CatalogState State(IHostApplicationBuilder builder)
    {
        if (!builder.Properties.TryGetValue(typeof(CatalogState), out var state))
        {
            state = new CatalogState();
            builder.Properties[typeof(CatalogState)] = state;
        }

        return (CatalogState)state;
    }

    private sealed class CatalogState
    {
        public List<ModuleInfo> Modules { get; } = [];

        public List<Action<IEndpointRouteBuilder>> Mappers { get; } = [];
    }
}

/// <summary>A module of the product: its name, its class, its assemblies and its registration entry points.</summary>
/// <param name="Name">The module name; its flag is <c>Redwood:Modules:&lt;Name&gt;:Enabled</c>.</param>
/// <param name="ModuleType">The module's <see cref="IModule"/> class.</param>
/// <param name="Implementation">The module's implementation assembly.</param>
/// <param name="Contracts">The module's contracts assembly.</param>
/// <param name="AddServices">Always called (see <see cref="IModule.AddServices"/>).</param>
/// <param name="AddRuntime">Called when the module is enabled (see <see cref="IModule.AddRuntime"/>).</param>
/// <param name="MapEndpoints">Called when the module is enabled (see <see cref="IModule.MapEndpoints"/>).</param>
public sealed record ModuleDefinition(
    string Name,
    Type ModuleType,
    Assembly Implementation,
    Assembly Contracts,
    Action<IServiceCollection, IConfiguration> AddServices,
    Action<IServiceCollection, IConfiguration> AddRuntime,
    Action<IEndpointRouteBuilder> MapEndpoints);
