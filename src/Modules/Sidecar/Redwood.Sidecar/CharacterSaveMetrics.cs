using System.Diagnostics.Metrics;
using Redwood.SharedKernel.Diagnostics;

namespace Redwood.Sidecar;

/// <summary>
/// <c>redwood.sidecar.character_saves</c> on the <c>redwood.sidecar</c> meter: character saves from game servers, by
/// <c>outcome</c>: <c>forwarded</c> to the Realm, or <c>unchanged</c> (the location already stored, answered here).
/// </summary>
internal sealed class CharacterSaveMetrics
{
    private static readonly KeyValuePair<string, object?> Forwarded = new("outcome", "forwarded");
    private static readonly KeyValuePair<string, object?> Unchanged = new("outcome", "unchanged");

    private readonly Counter<long> _saves;

    public CharacterSaveMetrics(IMeterFactory meters) =>
        _saves = meters.Create(RedwoodTelemetry.MeterName(SidecarModule.Name)).CreateCounter<long>(
            "redwood.sidecar.character_saves",
            description: "Character saves from game servers, by outcome: forwarded to the Realm, or unchanged (answered by the Sidecar)");

    public void Add(int forwarded, int unchanged)
    {
        if (forwarded > 0)
        {
            _saves.Add(forwarded, Forwarded);
        }

        if (unchanged > 0)
        {
            _saves.Add(unchanged, Unchanged);
        }
    }
}
