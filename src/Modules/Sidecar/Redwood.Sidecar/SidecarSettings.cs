using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Redwood.Sidecar;

/// <summary>The <c>Redwood:Sidecar</c> settings.</summary>
/// <param name="MaxPayloadBytes">Socket.IO maximum message size (character batches can be large).</param>
/// <param name="HeartbeatInterval">How often an unchanged instance state is still relayed to the Realm.</param>
internal sealed record SidecarSettings(int MaxPayloadBytes, TimeSpan HeartbeatInterval)
{
    public static SidecarSettings Read(IConfiguration configuration)
    {
        var raw = configuration["Redwood:Sidecar:MaxPayloadBytes"];
        var max = 16 * 1024 * 1024;
        if (!string.IsNullOrWhiteSpace(raw)
            && (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out max) || max < 1024))
        {
            throw new InvalidOperationException($"Setting 'Redwood:Sidecar:MaxPayloadBytes' must be an integer of at least 1024, not '{raw}'.");
        }

        var heartbeat = TimeSpan.FromSeconds(2);
        var rawHeartbeat = configuration["Redwood:Sidecar:HeartbeatInterval"];
        if (!string.IsNullOrWhiteSpace(rawHeartbeat)
            && (!TimeSpan.TryParse(rawHeartbeat, CultureInfo.InvariantCulture, out heartbeat) || heartbeat <= TimeSpan.Zero))
        {
            throw new InvalidOperationException($"Setting 'Redwood:Sidecar:HeartbeatInterval' must be a positive duration, not '{rawHeartbeat}'.");
        }

        return new SidecarSettings(max, heartbeat);
    }
}
