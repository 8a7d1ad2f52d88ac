using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace Redwood.Sidecar;

/// <summary>The <c>Redwood:Sidecar</c> settings.</summary>
/// <param name="MaxPayloadBytes">Socket.IO maximum message size (character batches can be large).</param>
/// <param name="HeartbeatInterval">How often an unchanged instance state is still relayed to the Realm.</param>
/// <param name="BindAddress">Where the sidecar listeners bind: loopback unless set (the link has no authentication).</param>
/// <param name="MaxConnectionsPerAddress">
/// Concurrent connections one address may hold on one sidecar listener (0 = no limit). A game server opens two
/// (sockets A and B); the default leaves room for one reconnect of each while the old socket is still closing.
/// </param>
internal sealed record SidecarSettings(int MaxPayloadBytes, TimeSpan HeartbeatInterval, IPAddress BindAddress, int MaxConnectionsPerAddress)
{
    public const int DefaultMaxConnectionsPerAddress = 4;

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

        var bind = IPAddress.Loopback;
        var rawBind = configuration["Redwood:Sidecar:BindAddress"];
        if (!string.IsNullOrWhiteSpace(rawBind) && !IPAddress.TryParse(rawBind, out bind))
        {
            throw new InvalidOperationException($"Setting 'Redwood:Sidecar:BindAddress' is not an IP address: '{rawBind}'.");
        }

        var connections = DefaultMaxConnectionsPerAddress;
        var rawConnections = configuration["Redwood:Sidecar:MaxConnectionsPerAddress"];
        if (!string.IsNullOrWhiteSpace(rawConnections)
            && (!int.TryParse(rawConnections, NumberStyles.Integer, CultureInfo.InvariantCulture, out connections) || connections < 0))
        {
            throw new InvalidOperationException(
                $"Setting 'Redwood:Sidecar:MaxConnectionsPerAddress' must be a whole number (0 = no limit), not '{rawConnections}'.");
        }

        return new SidecarSettings(max, heartbeat, bind!, connections);
    }
}
