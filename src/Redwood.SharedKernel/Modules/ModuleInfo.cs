using System.Reflection;

namespace Redwood.SharedKernel.Modules;

/// <summary>One module as the host knows it: its name, its assemblies and whether it runs in this process.</summary>
/// <param name="Name">The module name (<c>Director</c>, <c>Realm</c>, ...).</param>
/// <param name="Implementation">The module's implementation assembly.</param>
/// <param name="Contracts">The module's contracts assembly.</param>
/// <param name="Enabled">Whether the module runs in this process.</param>
public sealed record ModuleInfo(string Name, Assembly Implementation, Assembly Contracts, bool Enabled);

/// <summary>The modules of this process, in the order the host lists them.</summary>
public sealed class ModuleRegistry(IReadOnlyList<ModuleInfo> modules)
{
    private readonly Dictionary<Assembly, ModuleInfo> _byAssembly = modules
        .SelectMany(m => new[] { (m.Implementation, m), (m.Contracts, m) })
        .ToDictionary(p => p.Item1, p => p.Item2);

    /// <summary>Every module the host knows, enabled or not.</summary>
    public IReadOnlyList<ModuleInfo> All { get; } = modules;

    /// <summary>The modules running in this process.</summary>
    public IEnumerable<ModuleInfo> Enabled => All.Where(m => m.Enabled);

    /// <summary>The module owning a type (implementation or contract), or null for host and library types.</summary>
    public ModuleInfo? OwnerOf(Type type) => _byAssembly.GetValueOrDefault(type.Assembly);

    /// <summary>True when the type is declared in a module's contracts assembly.</summary>
    public bool IsContract(Type type) => _byAssembly.TryGetValue(type.Assembly, out var m) && m.Contracts == type.Assembly;

    /// <summary>True when the named module runs in this process.</summary>
    public bool IsEnabled(string name) => All.Any(m => m.Enabled && m.Name == name);
}
