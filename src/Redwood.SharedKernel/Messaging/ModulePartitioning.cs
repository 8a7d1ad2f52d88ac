using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Redwood.SharedKernel.Messaging;

/// <summary>
/// Declares that a module is split into partitions across processes (each Realm process serves one realm): a contract
/// request the module answers, or a durable notification it consumes, that carries <see cref="Property"/> travels on
/// that partition's Redis queue or stream, which only processes serving the partition read. Without it a process of
/// realm A could answer (or take the work of) realm B.
/// </summary>
/// <param name="Module">The partitioned module.</param>
/// <param name="Property">The contract property naming the partition (<c>RealmId</c>).</param>
/// <param name="Served">The partition this process serves when the module is enabled here.</param>
public sealed record ModulePartitioning(string Module, string Property, string Served)
{
    private static readonly ConcurrentDictionary<(Type, string), PropertyInfo?> Properties = new();

    /// <summary>True when messages of <paramref name="type"/> carry the partition property.</summary>
    public bool Applies(Type type) => PropertyOf(type) is not null;

    /// <summary>The partition a message is for, or null when its type carries no partition property.</summary>
    public string? KeyOf(object message) => PropertyOf(message.GetType())?.GetValue(message) as string;

    private PropertyInfo? PropertyOf(Type type) =>
        Properties.GetOrAdd((type, Property), static key =>
            key.Item1.GetProperty(key.Item2, BindingFlags.Public | BindingFlags.Instance) is { PropertyType: var t } p && t == typeof(string) ? p : null);
}

/// <summary>Registration of <see cref="ModulePartitioning"/>.</summary>
public static class ModulePartitioningExtensions
{
    /// <summary>Declares the module's partitioning (registered whether or not the module runs in this process).</summary>
    public static IServiceCollection AddModulePartitioning(this IServiceCollection services, string module, string property, string served) =>
        services.AddSingleton(new ModulePartitioning(module, property, served));
}
