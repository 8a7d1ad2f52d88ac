using System.Reflection;
using Redwood.SharedKernel;
using Redwood.SharedKernel.Modules;

namespace Redwood.Host;

/// <summary>The modules this host knows and how each is switched on.</summary>
public static class ModuleCatalog
{
    private static readonly List<ModuleInfo> Added = [];

    /// <summary>
    /// Adds a module: its services always (the generated mediator registers every handler), its runtime only when
    /// <c>Redwood:Modules:&lt;Name&gt;:Enabled</c> is on.
    /// </summary>
    public static WebApplicationBuilder AddModule<TModule>(this WebApplicationBuilder builder)
        where TModule : IModule
    {
        var implementation = typeof(TModule).Assembly;
        var enabled = ModuleFlags.IsEnabled(builder.Configuration, TModule.Name);
        var info = new ModuleInfo(TModule.Name, implementation, ContractsOf(implementation), enabled);
        State(builder).Modules.Add(info);
        TModule.AddServices(builder.Services, builder.Configuration);
        if (enabled)
        {
            TModule.AddRuntime(builder.Services, builder.Configuration);
            EndpointMappersOf(builder).Add(TModule.MapEndpoints);
        }

        return builder;
    }

    /// <summary>The modules added to this builder, in order.</summary>
    public static IReadOnlyList<ModuleInfo> ModulesOf(IHostApplicationBuilder builder) => State(builder).Modules;

    /// <summary>The endpoint mappers of the enabled modules.</summary>
    internal static List<Action<IEndpointRouteBuilder>> EndpointMappersOf(IHostApplicationBuilder builder) => State(builder).Mappers;

    /// <summary>Every module of the product, for tests that must cover each one.</summary>
    public static IReadOnlyList<ModuleInfo> Known { get; } =
    [
        Describe<Director.DirectorModule>(),
        Describe<Realm.RealmModule>(),
        Describe<Matchmaking.MatchmakingModule>(),
        Describe<Sidecar.SidecarModule>(),
    ];

    private static ModuleInfo Describe<TModule>()
        where TModule : IModule =>
        new(TModule.Name, typeof(TModule).Assembly, ContractsOf(typeof(TModule).Assembly), Enabled: true);

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
