using System.Diagnostics.Metrics;
using Redwood.SharedKernel.Diagnostics;
using Redwood.Sidecar.Transport;

namespace Redwood.Sidecar;

/// <summary>The <c>redwood.sidecar</c> meter: open game-server connections on this process's Sidecar listeners.</summary>
internal sealed class SidecarMetrics
{
    public SidecarMetrics(IMeterFactory meters, SidecarServers servers)
    {
        var meter = meters.Create(RedwoodTelemetry.MeterName(SidecarModule.Name));
        meter.CreateObservableGauge(
            "redwood.sidecar.connections",
            () => servers.ConnectionCount,
            description: "Open game-server connections on the Sidecar listeners");
    }
}
