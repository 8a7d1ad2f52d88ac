using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Redwood.SocketIO.Diagnostics;
using Redwood.SocketIO.Engine;
using Redwood.SocketIO.Protocol;

namespace Redwood.SocketIO;

/// <summary>
/// An Engine.IO v4 / Socket.IO v5 server. Serve it with <see cref="SocketIOEndpointRouteBuilderExtensions.MapSocketIO"/>
/// or a standalone <see cref="SocketIOListener"/>.
/// </summary>
public sealed class SocketIOServer : IAsyncDisposable
{
    private const string WebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private readonly ConcurrentDictionary<string, EngineSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SocketIONamespace> _namespaces = new(StringComparer.Ordinal);
    private readonly Lock _dynamicGate = new();
    private readonly ConcurrentDictionary<Task, byte> _transports = new();
    private readonly ConcurrentDictionary<string, string> _eventNames = new(StringComparer.Ordinal);
    private readonly ITimer _timer;
    private readonly LogThrottle _malformedLog;
    private readonly LogThrottle _refusalLog;
    private readonly ConcurrentDictionary<string, int> _perAddress = new(StringComparer.Ordinal);
    private (Func<string, bool> Predicate, Action<SocketIONamespace> Configure)[] _dynamic = [];
    private int _connectionCount;
    private int _ticking;
    private volatile bool _shuttingDown;

    /// <summary>Creates a server; nothing listens until a request is routed to <see cref="HandleRequestAsync"/>.</summary>
    public SocketIOServer(SocketIOServerOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PingInterval, TimeSpan.FromMilliseconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PingTimeout, TimeSpan.FromMilliseconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxPayload, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxOutboundQueue, 1);
        ArgumentNullException.ThrowIfNull(options.SerializerOptions);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.MalformedPacketLogWindow, TimeSpan.Zero);
        Options = options;
        Logger = loggerFactory.CreateLogger<SocketIOServer>();
        Time = options.TimeProvider;
        BinaryOptions = BinaryAttachments.CreateOptions(options.SerializerOptions);
        PingIntervalTicks = ToTicks(options.PingInterval);
        PingTimeoutTicks = ToTicks(options.PingTimeout);
        ConnectTimeoutTicks = ToTicks(options.ConnectTimeout);
        _malformedLog = new LogThrottle(options.MalformedPacketLogWindow, time: Time);
        _refusalLog = new LogThrottle(options.MalformedPacketLogWindow, time: Time);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxConnectionsPerAddress);
        ArgumentNullException.ThrowIfNull(options.AllowedOrigins);
        Of("/");

        var smallest = options.PingInterval < options.PingTimeout ? options.PingInterval : options.PingTimeout;
        var period = TimeSpan.FromTicks(Math.Clamp(smallest.Ticks / 8, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
        _timer = Time.CreateTimer(static state => ((SocketIOServer)state!).OnTimer(), this, period, period);
    }

    /// <summary>The options the server was created with.</summary>
    public SocketIOServerOptions Options { get; }

    /// <summary>Open Engine.IO sessions (client connections).</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    internal ILogger Logger { get; }

    internal TimeProvider Time { get; }

    internal JsonSerializerOptions BinaryOptions { get; }

    internal long PingIntervalTicks { get; }

    internal long PingTimeoutTicks { get; }

    internal long ConnectTimeoutTicks { get; }

    /// <summary>Gets or creates a fixed namespace ("/" is the main one; a missing leading slash is added).</summary>
    public SocketIONamespace Of(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        name = Normalize(name);
        return _namespaces.GetOrAdd(name, static (n, server) => new SocketIONamespace(server, n), this);
    }

    /// <summary>Accepts namespaces matching <paramref name="predicate"/>; each is created and configured on first use.</summary>
    public void AllowNamespaces(Func<string, bool> predicate, Action<SocketIONamespace> configure)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentNullException.ThrowIfNull(configure);
        lock (_dynamicGate)
        {
            _dynamic = [.. _dynamic, (predicate, configure)];
        }
    }

    /// <summary>Serves the Engine.IO endpoint: polling GET/POST and WebSocket upgrades.</summary>
    public async Task HandleRequestAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var query = request.Query;
        var transport = query["transport"];
        var isPolling = transport == "polling";
        if (!isPolling && transport != "websocket")
        {
            await RejectAsync(context, 0, "Transport unknown").ConfigureAwait(false);
            return;
        }

        if (_shuttingDown)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var isUpgrade = IsWebSocketRequest(context);
        var sid = query["sid"];
        if (!StringValues.IsNullOrEmpty(sid))
        {
            if (!_sessions.TryGetValue(sid.ToString(), out var session))
            {
                await RejectAsync(context, 1, "Session ID unknown").ConfigureAwait(false);
                return;
            }

            await HandleExistingSessionAsync(context, session, isPolling, isUpgrade).ConfigureAwait(false);
            return;
        }

        if (!HttpMethods.IsGet(request.Method))
        {
            await RejectAsync(context, 2, "Bad handshake method").ConfigureAwait(false);
            return;
        }

        if (!isPolling && !isUpgrade)
        {
            await RejectAsync(context, 3, "Bad request").ConfigureAwait(false);
            return;
        }

        if (Options.AllowRequest is { } allow && !await allow(context).ConfigureAwait(false))
        {
            await RejectAsync(context, 4, "Forbidden", StatusCodes.Status403Forbidden).ConfigureAwait(false);
            return;
        }

        if (query["EIO"] != "4")
        {
            await RejectAsync(context, 5, "Unsupported protocol version").ConfigureAwait(false);
            return;
        }

        if (!IsOriginAllowed(request.Headers.Origin))
        {
            await RejectAsync(context, 4, "Origin not allowed", StatusCodes.Status403Forbidden).ConfigureAwait(false);
            return;
        }

        var remote = ClientEndPointOf(context)?.Address;
        if (!TryAcquireAddress(remote))
        {
            OnAddressRefused(remote);
            await RejectAsync(context, 4, "Too many connections from this address", StatusCodes.Status429TooManyRequests).ConfigureAwait(false);
            return;
        }

        var holdsSlot = Options.MaxConnectionsPerAddress > 0;
        if (isPolling)
        {
            var session = Register(new EngineSession(this, SocketIOConnection.NewId(), TransportKind.Polling, context) { HoldsAddressSlot = holdsSlot });
            session.Send(OutboundPacket.FromText(EngineSession.BuildOpenPacket(session.Id, upgradable: true, Options)));
            await session.HandlePollGetAsync(context).ConfigureAwait(false);
            return;
        }

        WebSocket? socket;
        try
        {
            socket = await AcceptWebSocketAsync(context).ConfigureAwait(false);
        }
        catch
        {
            ReleaseAddress(remote, holdsSlot);
            throw;
        }

        if (socket is null)
        {
            ReleaseAddress(remote, holdsSlot);
            return;
        }

        var direct = new EngineSession(this, SocketIOConnection.NewId(), TransportKind.WebSocket, context) { HoldsAddressSlot = holdsSlot };
        await RunDirectWebSocketAsync(direct, socket, context).ConfigureAwait(false);
    }

    /// <summary>
    /// Graceful shutdown like Node's <c>io.close()</c>: every socket leaves with "server shutting down" (no DISCONNECT
    /// packet, so clients reconnect), then every connection is closed (WebSockets with a normal close frame).
    /// </summary>
    public async Task ShutdownAsync(CancellationToken ct)
    {
        _shuttingDown = true;
        foreach (var ns in _namespaces.Values)
        {
            foreach (var socket in ns.Sockets)
            {
                socket.OnClosed(DisconnectReasons.ServerShuttingDown);
            }
        }

        foreach (var session in _sessions.Values)
        {
            session.Close(DisconnectReasons.ServerShuttingDown);
        }

        var pending = _transports.Keys.ToArray();
        try
        {
            await Task.WhenAll(pending).WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            var left = _sessions.Values.ToArray();
            Log.ShutdownAborted(Logger, left.Length);
            foreach (var session in left)
            {
                session.Close(DisconnectReasons.ServerShuttingDown, graceful: false);
            }

            throw;
        }
    }

    /// <summary>Shuts down (waiting up to 5 seconds) and stops the heartbeat timer.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await ShutdownAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Remaining connections were aborted by ShutdownAsync.
            }
        }

        await _timer.DisposeAsync().ConfigureAwait(false);
    }

    internal SocketIONamespace? ResolveNamespace(string name)
    {
        if (_namespaces.TryGetValue(name, out var ns))
        {
            return ns;
        }

        foreach (var (predicate, configure) in Volatile.Read(ref _dynamic))
        {
            if (!predicate(name))
            {
                continue;
            }

            var created = false;
            ns = _namespaces.GetOrAdd(name, n =>
            {
                created = true;
                return new SocketIONamespace(this, n);
            });
            if (created)
            {
                configure(ns);
            }

            return ns;
        }

        return null;
    }

    internal bool IsShuttingDown => _shuttingDown;

    /// <summary>Runs a session whose WebSocket was opened without a handshake packet exchange (no <c>sid</c> in the request).</summary>
    internal Task RunDirectWebSocketAsync(EngineSession session, WebSocket socket, object owner)
    {
        session.AttachWebSocket(socket, owner);
        Register(session);
        session.Send(OutboundPacket.FromText(EngineSession.BuildOpenPacket(session.Id, upgradable: false, Options)));
        return TrackAsync(session.RunWebSocketAsync(socket));
    }

    /// <summary>Remembers a handled event name so incoming events of that name reuse one string.</summary>
    internal void AddEventName(string name) => _eventNames.TryAdd(name, name);

    /// <summary>The event name of a JSON string element, without allocating when it names a registered handler.</summary>
    internal string EventNameOf(JsonElement element)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (raw.Length is > 2 and <= 66 && raw[1..^1].IndexOf((byte)'\\') < 0)
        {
            Span<char> chars = stackalloc char[64];
            if (Encoding.UTF8.TryGetChars(raw[1..^1], chars, out var written)
                && _eventNames.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars[..written], out var known))
            {
                return known;
            }
        }

        return element.GetString()!;
    }

    /// <summary>Logs a malformed packet at most once per client address per window, with the count held back.</summary>
    internal void OnMalformedPacket(EngineSession session, string detail)
    {
        var address = ClientAddress.KeyOf(session.RemoteEndPoint?.Address);
        if (_malformedLog.ShouldLog(address, out var suppressed))
        {
            Log.MalformedPacket(Logger, session.Id, address, detail, suppressed);
        }
    }

    internal EngineSession? FindSession(string sid) => _sessions.TryGetValue(sid, out var session) ? session : null;

    internal void OnSessionClosed(EngineSession session)
    {
        if (_sessions.TryRemove(new KeyValuePair<string, EngineSession>(session.Id, session)))
        {
            Interlocked.Decrement(ref _connectionCount);
            ReleaseAddress(session.RemoteEndPoint?.Address, session.HoldsAddressSlot);
        }
    }

    /// <summary>True when <paramref name="address"/> is one of <see cref="SocketIOServerOptions.TrustedProxies"/>.</summary>
    internal bool IsTrustedProxy(System.Net.IPAddress? address)
    {
        if (address is null || Options.TrustedProxies.Count == 0)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in Options.TrustedProxies)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The client's address: the socket's own, or behind a trusted proxy the right-most <c>X-Forwarded-For</c> entry
    /// that is not a trusted proxy (entries further left are whatever the client chose to send).
    /// </summary>
    internal System.Net.IPEndPoint? ClientEndPointOf(HttpContext context)
    {
        var connection = context.Connection;
        if (connection.RemoteIpAddress is not { } remote)
        {
            return null;
        }

        var own = new System.Net.IPEndPoint(remote, connection.RemotePort);
        if (!IsTrustedProxy(remote))
        {
            return own;
        }

        var entries = context.Request.Headers["X-Forwarded-For"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = entries.Length - 1; i >= 0; i--)
        {
            if (!System.Net.IPAddress.TryParse(entries[i], out var forwarded))
            {
                return own;
            }

            if (!IsTrustedProxy(forwarded))
            {
                return new System.Net.IPEndPoint(forwarded, 0);
            }
        }

        return own;
    }

    /// <summary>Takes one connection slot of the client's address; false when its limit is reached.</summary>
    internal bool TryAcquireAddress(System.Net.IPAddress? address)
    {
        var limit = Options.MaxConnectionsPerAddress;
        if (limit <= 0)
        {
            return true;
        }

        var key = ClientAddress.KeyOf(address);
        while (true)
        {
            var current = _perAddress.GetValueOrDefault(key);
            if (current >= limit)
            {
                return false;
            }

            if (current == 0 ? _perAddress.TryAdd(key, 1) : _perAddress.TryUpdate(key, current + 1, current))
            {
                return true;
            }
        }
    }

    /// <summary>Logs a refused handshake at most once per address per window.</summary>
    internal void OnAddressRefused(System.Net.IPAddress? address)
    {
        var key = ClientAddress.KeyOf(address);
        if (_refusalLog.ShouldLog(key, out var suppressed))
        {
            Log.TooManyConnections(Logger, key, Options.MaxConnectionsPerAddress, suppressed);
        }
    }

    private void ReleaseAddress(System.Net.IPAddress? address, bool holdsSlot)
    {
        if (!holdsSlot)
        {
            return;
        }

        var key = ClientAddress.KeyOf(address);
        while (_perAddress.TryGetValue(key, out var current))
        {
            if (current <= 1 ? _perAddress.TryRemove(new KeyValuePair<string, int>(key, current)) : _perAddress.TryUpdate(key, current - 1, current))
            {
                return;
            }
        }
    }

    private bool IsOriginAllowed(StringValues origin)
    {
        if (Options.AllowedOrigins.Count == 0 || StringValues.IsNullOrEmpty(origin))
        {
            return true;
        }

        var value = origin.ToString();
        foreach (var allowed in Options.AllowedOrigins)
        {
            if (string.Equals(allowed.TrimEnd('/'), value.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static string Normalize(string name) => name.StartsWith('/') ? name : "/" + name;

    private static bool IsWebSocketRequest(HttpContext context)
    {
        if (context.Features.Get<IHttpWebSocketFeature>() is { } feature)
        {
            return feature.IsWebSocketRequest;
        }

        return context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
            && HttpMethods.IsGet(context.Request.Method)
            && string.Equals(context.Request.Headers.Upgrade, "websocket", StringComparison.OrdinalIgnoreCase);
    }

    private async Task RejectAsync(HttpContext context, int code, string message, int status = StatusCodes.Status400BadRequest)
    {
        Log.RequestRejected(Logger, LogText.Clip(context.Request.Path.Value) ?? string.Empty, code, message);
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        var body = Encoding.UTF8.GetBytes($"{{\"code\":{code},\"message\":{JsonSerializer.Serialize(message)}}}");
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private long ToTicks(TimeSpan value) => (long)(value.TotalSeconds * Time.TimestampFrequency);

    private async Task HandleExistingSessionAsync(HttpContext context, EngineSession session, bool isPolling, bool isUpgrade)
    {
        if (isUpgrade && !isPolling)
        {
            if (!session.IsUpgradable)
            {
                await RejectAsync(context, 3, "Bad request").ConfigureAwait(false);
                return;
            }

            var socket = await AcceptWebSocketAsync(context).ConfigureAwait(false);
            if (socket is not null)
            {
                await TrackAsync(session.RunUpgradeAsync(socket, context)).ConfigureAwait(false);
            }

            return;
        }

        if (!isPolling || session.Transport != TransportKind.Polling)
        {
            await RejectAsync(context, 3, "Bad request").ConfigureAwait(false);
            return;
        }

        if (HttpMethods.IsGet(context.Request.Method))
        {
            await session.HandlePollGetAsync(context).ConfigureAwait(false);
        }
        else if (HttpMethods.IsPost(context.Request.Method))
        {
            await session.HandlePollPostAsync(context).ConfigureAwait(false);
        }
        else
        {
            // Node's polling transport answers other methods with a bare 500.
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        }
    }

    private EngineSession Register(EngineSession session)
    {
        _sessions[session.Id] = session;
        Interlocked.Increment(ref _connectionCount);
        Log.SessionOpened(Logger, session.Id, session.Transport == TransportKind.Polling ? "polling" : "websocket", session.RemoteEndPoint?.ToString());
        return session;
    }

    private async Task TrackAsync(Task transport)
    {
        _transports.TryAdd(transport, 0);
        try
        {
            await transport.ConfigureAwait(false);
        }
        finally
        {
            _transports.TryRemove(transport, out _);
        }
    }

    private async Task<WebSocket?> AcceptWebSocketAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpWebSocketFeature>() is { IsWebSocketRequest: true })
        {
            return await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.Zero }).ConfigureAwait(false);
        }

        // Without UseWebSockets() the upgrade is done here, so MapSocketIO works in any pipeline.
        var headers = context.Request.Headers;
        var key = headers.SecWebSocketKey.ToString();
        if (headers.SecWebSocketVersion != "13" || !IsValidKey(key) || context.Features.Get<IHttpUpgradeFeature>() is not { } upgrade)
        {
            await RejectAsync(context, 3, "Bad request").ConfigureAwait(false);
            return null;
        }

        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + WebSocketGuid)));
        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers.SecWebSocketAccept = accept;
        var stream = await upgrade.UpgradeAsync().ConfigureAwait(false);
        return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });

        static bool IsValidKey(string key)
        {
            Span<byte> decoded = stackalloc byte[32];
            return Convert.TryFromBase64String(key, decoded, out var written) && written == 16;
        }
    }

    private void OnTimer()
    {
        if (Interlocked.Exchange(ref _ticking, 1) == 1)
        {
            return;
        }

        try
        {
            var now = Time.GetTimestamp();
            foreach (var pair in _sessions)
            {
                pair.Value.OnTimer(now);
            }
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }
}
