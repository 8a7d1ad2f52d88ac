using System.Diagnostics.Metrics;
using Redwood.Realm.Contracts;
using Redwood.SharedKernel.Diagnostics;
using Redwood.SocketIO;

namespace Redwood.Realm;

/// <summary>
/// The <c>redwood.realm</c> meter: Realm Frontend connections, game-server allocations (by result) and their duration,
/// and join-token checks by result.
/// </summary>
internal sealed class RealmMetrics
{
    private readonly Counter<long> _allocations;
    private readonly Histogram<double> _allocationDuration;
    private readonly Counter<long> _joinTokenChecks;
    private volatile SocketIOServer? _frontend;

    public RealmMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(RedwoodTelemetry.MeterName(RealmModule.Name));
        meter.CreateObservableGauge("redwood.realm.connections", ObserveConnections, description: "Open Realm Frontend connections");
        _allocations = meter.CreateCounter<long>("redwood.realm.allocations", description: "Game-server allocations, by result");
        _allocationDuration = meter.CreateHistogram<double>(
            "redwood.realm.allocation.duration",
            unit: "s",
            description: "Time from an allocation request to a ready game server with join tokens minted (or the failure)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120] });
        _joinTokenChecks = meter.CreateCounter<long>("redwood.realm.join_token.checks", description: "Join tokens checked for game servers, by result");
    }

    /// <summary>The listening frontend (null once stopped); its connections are observed at each collection.</summary>
    public void Frontend(SocketIOServer? server) => _frontend = server;

    public void Allocated(bool ready, TimeSpan elapsed)
    {
        var result = new KeyValuePair<string, object?>("result", ready ? "ready" : "failed");
        _allocations.Add(1, result);
        _allocationDuration.Record(elapsed.TotalSeconds, result);
    }

    public void JoinTokenChecked(JoinTokenError error) =>
        _joinTokenChecks.Add(1, new KeyValuePair<string, object?>("result", error switch
        {
            JoinTokenError.None => "accepted",
            JoinTokenError.Invalid => "invalid",
            JoinTokenError.Expired => "expired",
            JoinTokenError.NoInstance => "no_instance",
            _ => "other",
        }));

    private IEnumerable<Measurement<int>> ObserveConnections() =>
        _frontend is { } server ? [new Measurement<int>(server.ConnectionCount)] : [];
}
