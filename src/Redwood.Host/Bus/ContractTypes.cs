using Mediator;
using Redwood.SharedKernel.Modules;

namespace Redwood.Host.Bus;

/// <summary>Every contract message type, by the name it travels under.</summary>
internal sealed class ContractTypes(ModuleRegistry modules)
{
    private readonly Dictionary<string, (Type Type, ModuleInfo Owner)> _byName = modules.All
        .SelectMany(m => m.Contracts.GetExportedTypes()
            .Where(t => t is { IsAbstract: false, IsGenericTypeDefinition: false } && typeof(IMessage).IsAssignableFrom(t)
                || typeof(INotification).IsAssignableFrom(t))
            .Where(t => !t.IsAbstract)
            .Select(t => (t, m)))
        .ToDictionary(p => NameOf(p.t), p => (p.t, p.m), StringComparer.Ordinal);

    public static string NameOf(Type type) => type.FullName ?? type.Name;

    public bool TryResolve(string name, out Type type, out ModuleInfo owner)
    {
        var found = _byName.TryGetValue(name, out var entry);
        (type, owner) = entry;
        return found;
    }

    /// <summary>Contract requests owned by the enabled modules (this process answers them for the others).</summary>
    public IEnumerable<(Type Type, ModuleInfo Owner)> RequestsAnsweredHere() => _byName.Values
        .Where(e => e.Owner.Enabled && IsRequest(e.Type));

    public static bool IsRequest(Type type) =>
        type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IRequest<>));
}
