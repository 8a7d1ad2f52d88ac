using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Redwood.SocketIO;

/// <summary>Settings of a <see cref="SocketIOServer"/>. Defaults match Node's socket.io 4.</summary>
public sealed class SocketIOServerOptions
{
    /// <summary>Request path of the Engine.IO endpoint.</summary>
    public string Path { get; set; } = "/socket.io/";

    /// <summary>Delay between server pings; sent to clients in the OPEN packet.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>How long the server waits for the pong after a ping before closing the connection.</summary>
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Largest accepted WebSocket message or polling POST body, in bytes.</summary>
    public int MaxPayload { get; set; } = 1_000_000;

    /// <summary>Queued outbound packets per connection before the connection is closed (slow reader protection).</summary>
    public int MaxOutboundQueue { get; set; } = 1024;

    /// <summary>How long a connection may stay open without joining any namespace.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>How long the server waits for the client to finish a polling-to-WebSocket upgrade.</summary>
    public TimeSpan UpgradeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most binary attachments accepted in one incoming packet (Node's socket.io-parser default is 10).</summary>
    public int MaxAttachments { get; set; } = 10;

    /// <summary>Serializer used for emitted and acked values and for <see cref="SocketIOMessage.Bind{T}"/>.</summary>
    public JsonSerializerOptions SerializerOptions { get; set; } = SocketIOJson.Options;

    /// <summary>Optional handshake filter; returning false answers HTTP 403 <c>{"code":4,"message":"Forbidden"}</c>.</summary>
    public Func<HttpContext, ValueTask<bool>>? AllowRequest { get; set; }

    /// <summary>
    /// Malformed packets close their connection; the Warning saying so is written at most once per client address
    /// (IPv6 by /64) per this window, with the number held back.
    /// </summary>
    public TimeSpan MalformedPacketLogWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Most concurrent connections from one client address (IPv6 by /64); a handshake beyond it is refused with HTTP
    /// 429 <c>{"code":4,"message":"Too many connections from this address"}</c>. 0 = no limit.
    /// </summary>
    public int MaxConnectionsPerAddress { get; set; }

    /// <summary>
    /// Browser origins allowed to open a connection (e.g. <c>https://game.example</c>); a handshake with another
    /// <c>Origin</c> header is refused with HTTP 403. Requests without <c>Origin</c> (native clients such as the
    /// Unreal plugin) are always allowed. Empty = any origin.
    /// </summary>
    public IReadOnlyCollection<string> AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Load balancers or reverse proxies (addresses or CIDR ranges) whose <c>X-Forwarded-For</c> header is believed:
    /// for a connection from one of them, the client address is the right-most forwarded address that is not itself a
    /// trusted proxy. From anyone else the header is ignored. Empty = the socket's own address, always.
    /// </summary>
    public IReadOnlyCollection<System.Net.IPNetwork> TrustedProxies { get; set; } = [];

    /// <summary>Clock used for heartbeats and timeouts.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
