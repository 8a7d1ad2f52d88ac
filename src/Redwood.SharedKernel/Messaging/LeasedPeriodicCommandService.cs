using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Redwood.SharedKernel.Ephemeral;

namespace Redwood.SharedKernel.Messaging;

/// <summary>
/// A <see cref="PeriodicCommandService"/> for work that must run on one process at a time across replicas (the
/// matcher tick, allocation sweeps): before each run the process takes or renews a lease in the key/value store
/// (Redis in distributed mode). The holder keeps it from run to run; when it dies, its lease expires after
/// <see cref="LeaseTime"/> and the next replica to tick takes over.
/// </summary>
public abstract partial class LeasedPeriodicCommandService(
    IServiceScopeFactory scopes, IEphemeralStore store, TimeProvider time, ILogger logger)
    : PeriodicCommandService(scopes, time, logger)
{
    private readonly ILogger _logger = logger;
    private bool _holding;

    /// <summary>This process's identity as a lease owner.</summary>
    public static string Owner { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>The lease key (prefixed by the module, like every key).</summary>
    protected abstract string LeaseKey { get; }

    /// <summary>How long the lease outlives its last renewal: the interval plus five seconds.</summary>
    protected TimeSpan LeaseTime => Interval + TimeSpan.FromSeconds(5);

    /// <summary>True while this process holds the lease.</summary>
    public bool IsLeaseHolder => _holding;

    /// <inheritdoc />
    protected override async Task<bool> ShouldRunAsync(CancellationToken cancellationToken)
    {
        var holding = await store.TryHoldLeaseAsync(LeaseKey, Owner, LeaseTime, cancellationToken);
        if (holding != _holding)
        {
            _holding = holding;
            LogLease(_logger, LeaseKey, holding ? "took" : "does not hold");
        }

        return holding;
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_holding)
        {
            // Hand over at once instead of after the lease time.
            await store.ReleaseLeaseAsync(LeaseKey, Owner, cancellationToken);
        }
    }

    [LoggerMessage(96, LogLevel.Information, "This process {State} the lease {Lease}")]
    private static partial void LogLease(ILogger logger, string lease, string state);
}
