using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using static Redwood.SharedKernel.Modules.SettingValues;

namespace Redwood.Sidecar;

/// <summary>The <c>Redwood:Sidecar</c> settings.</summary>
/// <param name="MaxPayloadBytes">Socket.IO maximum message size (character batches can be large).</param>
/// <param name="HeartbeatInterval">How often an unchanged instance state is still relayed to the Realm.</param>
/// <param name="BindAddress">Where the sidecar listeners bind: loopback unless set (the link has no authentication).</param>
/// <param name="MaxConnectionsPerAddress">
/// Concurrent connections one address may hold on one sidecar listener (0 = no limit). A game server opens two
/// (sockets A and B); the default leaves room for one reconnect of each while the old socket is still closing.
/// </param>
/// <param name="Standalone">Set in <c>standalone</c> mode (one process beside one game server); null in <c>embedded</c> mode.</param>
internal sealed record SidecarSettings(
    int MaxPayloadBytes, TimeSpan HeartbeatInterval, IPAddress BindAddress, int MaxConnectionsPerAddress, StandaloneSidecarSettings? Standalone = null)
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

        var mode = Text(configuration, "Redwood:Sidecar:Mode", "embedded").ToLowerInvariant();
        return mode switch
        {
            "embedded" => new SidecarSettings(max, heartbeat, bind!, connections),
            "standalone" => new SidecarSettings(max, heartbeat, bind!, connections, StandaloneSidecarSettings.Read(configuration)),
            _ => throw new InvalidOperationException($"Setting 'Redwood:Sidecar:Mode' must be 'embedded' or 'standalone', not '{mode}'."),
        };
    }
}

/// <summary>
/// A Sidecar process of its own beside one game server (the Agones sidecar container): it listens once, at start-up,
/// for that server, known to the Realm as <paramref name="ServerId"/>.
/// </summary>
/// <param name="ServerId">
/// <c>Redwood:Sidecar:ServerId</c>; null = the GameServer name the Agones SDK reports (<c>GET /gameserver</c>).
/// </param>
/// <param name="RealmId"><c>Redwood:Sidecar:RealmId</c>, else <c>Redwood:Realm:Id</c>, else <c>default</c>.</param>
/// <param name="Port"><c>Redwood:Sidecar:Port</c>: the port the game server's <c>-SidecarPort</c> names (0 = a free one).</param>
/// <param name="AgonesSdk">
/// The Agones SDK server's REST address: <c>Redwood:Sidecar:Agones:SdkUrl</c>, else <c>http://localhost:$AGONES_SDK_HTTP_PORT</c>
/// when Agones set that variable; null = not on Agones.
/// </param>
/// <param name="HealthInterval">How often the Sidecar sends the Agones health ping while the game server is connected.</param>
/// <param name="ExitWhenInputCloses">
/// <c>Redwood:Sidecar:ExitWhenInputCloses</c>: stop when standard input ends (the local provider that started this
/// process holds a pipe to it, so the Sidecar never outlives that host).
/// </param>
internal sealed record StandaloneSidecarSettings(
    string? ServerId, string RealmId, int Port, Uri? AgonesSdk, TimeSpan HealthInterval, bool ExitWhenInputCloses = false)
{
    public static StandaloneSidecarSettings Read(IConfiguration configuration)
    {
        var serverId = configuration["Redwood:Sidecar:ServerId"];
        var realmId = Text(configuration, "Redwood:Sidecar:RealmId", Text(configuration, "Redwood:Realm:Id", "default"));
        var port = Integer(configuration, "Redwood:Sidecar:Port", 3020, 0, 65_535);
        Uri? sdk = null;
        var rawSdk = configuration["Redwood:Sidecar:Agones:SdkUrl"];
        if (!string.IsNullOrWhiteSpace(rawSdk))
        {
            sdk = Uri.TryCreate(rawSdk.Trim(), UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
                ? parsed
                : throw new InvalidOperationException($"Setting 'Redwood:Sidecar:Agones:SdkUrl' must be an http URL such as 'http://localhost:9358', not '{rawSdk}'.");
        }
        else if (configuration["AGONES_SDK_HTTP_PORT"] is { Length: > 0 } agonesPort)
        {
            sdk = int.TryParse(agonesPort, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 65_535
                ? new Uri($"http://localhost:{p}")
                : throw new InvalidOperationException($"The environment variable AGONES_SDK_HTTP_PORT must be a port number, not '{agonesPort}'.");
        }

        if (string.IsNullOrWhiteSpace(serverId) && sdk is null)
        {
            throw new InvalidOperationException(
                "Setting 'Redwood:Sidecar:ServerId' is required with 'Redwood:Sidecar:Mode=standalone' when the Agones SDK is not " +
                "available (neither 'Redwood:Sidecar:Agones:SdkUrl' nor AGONES_SDK_HTTP_PORT is set).");
        }

        return new StandaloneSidecarSettings(
            string.IsNullOrWhiteSpace(serverId) ? null : serverId.Trim(),
            realmId,
            port,
            sdk,
            Duration(configuration, "Redwood:Sidecar:Agones:HealthInterval", TimeSpan.FromSeconds(2)),
            configuration.GetValue("Redwood:Sidecar:ExitWhenInputCloses", false));
    }
}
