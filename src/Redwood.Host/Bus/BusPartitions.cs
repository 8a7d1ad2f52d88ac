using Redwood.SharedKernel.Messaging;

namespace Redwood.Host.Bus;

/// <summary>
/// Names the Redis queue or stream a contract travels on when its consuming module is partitioned
/// (<see cref="ModulePartitioning"/>): the contract's name plus <c>:&lt;partition&gt;</c>.
/// </summary>
internal sealed class BusPartitions(IEnumerable<ModulePartitioning> partitionings)
{
    private readonly Dictionary<string, ModulePartitioning> _byModule = partitionings.ToDictionary(p => p.Module, StringComparer.Ordinal);

    /// <summary>Where a message consumed by <paramref name="module"/> is sent.</summary>
    public string RouteOf(object message, string module)
    {
        var name = ContractTypes.NameOf(message.GetType());
        return _byModule.TryGetValue(module, out var partitioning) && partitioning.KeyOf(message) is { } key ? name + ":" + key : name;
    }

    /// <summary>Where this process reads messages of <paramref name="type"/> consumed by its <paramref name="module"/>.</summary>
    public string ServedRouteOf(Type type, string module)
    {
        var name = ContractTypes.NameOf(type);
        return _byModule.TryGetValue(module, out var partitioning) && partitioning.Applies(type) ? name + ":" + partitioning.Served : name;
    }
}
