using System.Diagnostics;
using System.Diagnostics.Metrics;
using Redwood.SharedKernel.Diagnostics;

namespace Redwood.Host.Bus;

/// <summary>
/// The <c>redwood.bus</c> meter: how long contract requests to other processes take (answered, failed or timed out)
/// and how many timed out, by contract and owning module.
/// </summary>
internal sealed class BusMetrics
{
    public const string Answered = "answered";
    public const string Failed = "failed";
    public const string TimedOut = "timeout";

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _timeouts;

    public BusMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(RedwoodTelemetry.BusMeterName);
        _duration = meter.CreateHistogram<double>(
            "redwood.bus.request.duration",
            unit: "s",
            description: "Contract requests sent to another process, until answered, failed or timed out",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _timeouts = meter.CreateCounter<long>(
            "redwood.bus.request.timeouts", description: "Contract requests to another process that got no answer in time");
    }

    public void RequestCompleted(Type contract, string module, string outcome, TimeSpan elapsed)
    {
        var tags = new TagList
        {
            { "contract", contract.Name },
            { "module", module },
        };
        if (outcome == TimedOut)
        {
            _timeouts.Add(1, tags);
        }

        tags.Add("outcome", outcome);
        _duration.Record(elapsed.TotalSeconds, tags);
    }
}
