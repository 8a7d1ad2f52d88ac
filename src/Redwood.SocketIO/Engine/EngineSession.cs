using System.Buffers;
using System.Buffers.Text;
using System.Net;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Redwood.SocketIO.Protocol;

namespace Redwood.SocketIO.Engine;

internal enum TransportKind
{
    Polling,
    WebSocket,
}

/// <summary>
/// One Engine.IO v4 session: owns the transport (long-polling or WebSocket), the bounded outbound queue and the
/// heartbeat state. The server's timer drives heartbeats, so an idle session holds no task, timer or buffer.
/// </summary>
internal sealed class EngineSession
{
    private const byte RecordSeparator = 0x1e;
    private const int InitialReceiveBuffer = 4096;

    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    private readonly SocketIOServer _server;
    private readonly Lock _gate = new();
    private Queue<OutboundPacket>? _queue;
    private WebSocket? _webSocket;
    private WebSocket? _upgradingSocket;
    private object? _webSocketOwner;
    private HttpContext? _upgradeContext;
    private PollWaiter? _pendingGet;
    private TaskCompletionSource? _writerDone;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private bool _writing;
    private bool _postActive;
    private bool _upgrading;
    private bool _closed;

    private long _nextPingAt;
    private long _pongDeadline;
    private long _connectDeadline;
    private bool _awaitingPong;
    private int _pongReceived;

    public EngineSession(SocketIOServer server, string id, TransportKind transport, HttpContext context)
        : this(server, id, transport, server.ClientEndPointOf(context), LocalOf(context.Connection))
    {
    }

    public EngineSession(SocketIOServer server, string id, TransportKind transport, IPEndPoint? remoteEndPoint, IPEndPoint? localEndPoint)
    {
        _server = server;
        Id = id;
        Transport = transport;
        RemoteEndPoint = remoteEndPoint;
        LocalEndPoint = localEndPoint;
        var now = server.Time.GetTimestamp();
        _nextPingAt = now + server.PingIntervalTicks;
        _connectDeadline = now + server.ConnectTimeoutTicks;
        Client = new SocketIOConnection(server, this);
    }

    private enum PollSignal
    {
        Data,
        Noop,
        Close,
    }

    private enum FrameKind
    {
        Text,
        Binary,
        Close,
        TooLarge,
    }

    public string Id { get; }

    public TransportKind Transport { get; private set; }

    public IPEndPoint? RemoteEndPoint { get; }

    public IPEndPoint? LocalEndPoint { get; }

    public SocketIOConnection Client { get; }

    /// <summary>True when the session counts against its address's connection limit (released when it closes).</summary>
    public bool HoldsAddressSlot { get; set; }

    public bool IsClosed => Volatile.Read(ref _closed);

    public bool HasPendingPoll
    {
        get
        {
            lock (_gate)
            {
                return _pendingGet is not null;
            }
        }
    }

    public bool IsUpgradable
    {
        get
        {
            lock (_gate)
            {
                return !_closed && Transport == TransportKind.Polling && !_upgrading && _upgradingSocket is null;
            }
        }
    }

    public static string BuildOpenPacket(string sid, bool upgradable, SocketIOServerOptions options)
        => $"0{{\"sid\":\"{sid}\",\"upgrades\":{(upgradable ? "[\"websocket\"]" : "[]")},\"pingInterval\":{(long)options.PingInterval.TotalMilliseconds},\"pingTimeout\":{(long)options.PingTimeout.TotalMilliseconds},\"maxPayload\":{options.MaxPayload}}}";

    /// <summary>Queues a packet for the client. Returns false (and releases the packet) when the session is gone or overflowed.</summary>
    public bool Send(OutboundPacket packet)
    {
        PollWaiter? waiter = null;
        WebSocket? startWriterOn = null;
        var overflow = false;
        lock (_gate)
        {
            if (_closed)
            {
                packet.Release();
                return false;
            }

            _queue ??= new Queue<OutboundPacket>();
            if (_queue.Count >= _server.Options.MaxOutboundQueue)
            {
                overflow = true;
            }
            else
            {
                _queue.Enqueue(packet);
                if (Transport == TransportKind.WebSocket)
                {
                    if (!_writing)
                    {
                        _writing = true;
                        startWriterOn = _webSocket;
                    }
                }
                else if (_pendingGet is not null)
                {
                    waiter = _pendingGet;
                    _pendingGet = null;
                }
            }
        }

        if (overflow)
        {
            packet.Release();
            Log.OutboundQueueFull(_server.Logger, Id, _server.Options.MaxOutboundQueue);
            Close(DisconnectReasons.TransportError, graceful: false);
            return false;
        }

        waiter?.TrySetResult(PollSignal.Data);
        if (startWriterOn is not null)
        {
            StartWriter(startWriterOn);
        }

        return true;
    }

    /// <summary>Closes the session once; graceful closes flush the queue first and end WebSockets with a normal close.</summary>
    public void Close(string reason, bool graceful = true, WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure)
    {
        PollWaiter? waiter;
        WebSocket? abort = null;
        WebSocket? startWriterOn = null;
        List<OutboundPacket>? dropped = null;
        WebSocket? upgrading;
        HttpContext? upgradeContext;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            waiter = _pendingGet;
            _pendingGet = null;
            upgrading = _upgradingSocket;
            upgradeContext = _upgradeContext;
            _upgradingSocket = null;
            if (Transport == TransportKind.WebSocket && _webSocket is { } socket)
            {
                if (graceful && socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    _closeStatus = status;
                    (_queue ??= new Queue<OutboundPacket>()).Enqueue(OutboundPacket.CloseTransport);
                    if (!_writing)
                    {
                        _writing = true;
                        startWriterOn = socket;
                    }
                }
                else
                {
                    abort = socket;
                    dropped = TakeQueued();
                }
            }
            else if (waiter is null || !graceful)
            {
                dropped = TakeQueued();
            }
        }

        ReleaseAll(dropped);
        if (upgrading is not null)
        {
            upgrading.Abort();
            upgradeContext?.Abort();
        }

        if (abort is not null)
        {
            AbortWebSocket(abort);
            _writerDone?.TrySetResult();
        }

        if (startWriterOn is not null)
        {
            StartWriter(startWriterOn);
        }

        waiter?.TrySetResult(PollSignal.Close);
        _server.OnSessionClosed(this);
        Log.SessionClosed(_server.Logger, Id, reason);
        Client.OnEngineClosed(reason);
    }

    /// <summary>Heartbeat and connect-timeout bookkeeping, called from the server's single timer.</summary>
    public void OnTimer(long now)
    {
        if (IsClosed)
        {
            return;
        }

        if (_awaitingPong)
        {
            if (Interlocked.Exchange(ref _pongReceived, 0) == 1)
            {
                _awaitingPong = false;
                _nextPingAt = now + _server.PingIntervalTicks;
            }
            else if (now >= _pongDeadline)
            {
                Close(DisconnectReasons.PingTimeout);
                return;
            }
        }
        else if (now >= _nextPingAt)
        {
            Volatile.Write(ref _pongReceived, 0);
            _awaitingPong = true;
            _pongDeadline = now + _server.PingTimeoutTicks;
            Send(OutboundPacket.Ping);
        }

        if (_connectDeadline != 0 && now >= _connectDeadline)
        {
            _connectDeadline = 0;
            if (!Client.HasNamespaces)
            {
                Close(DisconnectReasons.ForcedClose);
            }
        }
    }

    /// <summary>Handles one Engine.IO packet from either transport.</summary>
    public void OnPacket(ReadOnlySpan<byte> data, bool isBinary)
    {
        if (isBinary)
        {
            Client.OnBinary(data);
            return;
        }

        if (data.IsEmpty)
        {
            throw new MalformedPacketException("empty packet");
        }

        switch (data[0])
        {
            case (byte)'4':
                Client.OnText(data[1..]);
                break;
            case (byte)'3':
                Volatile.Write(ref _pongReceived, 1);
                break;
            case (byte)'1':
                Close(DisconnectReasons.TransportClose);
                break;
            case (byte)'2':
                throw new MalformedPacketException("invalid heartbeat direction");
            case (byte)'0' or (byte)'5' or (byte)'6':
                break;
            default:
                throw new MalformedPacketException("unknown Engine.IO packet type");
        }
    }

    /// <summary>
    /// Binds a directly opened WebSocket; call before the session becomes visible to the timer. The owner (the
    /// <see cref="HttpContext"/> or the Kestrel <see cref="ConnectionContext"/>) is aborted with the socket.
    /// </summary>
    public void AttachWebSocket(WebSocket socket, object owner)
    {
        lock (_gate)
        {
            _webSocket = socket;
            _webSocketOwner = owner;
            _writerDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public Task RunWebSocketAsync(WebSocket socket) => ReadLoopAsync(socket);

    /// <summary>Polling-to-WebSocket upgrade: <c>2probe</c>/<c>3probe</c>, noop to release the pending GET, then <c>5</c>.</summary>
    public async Task RunUpgradeAsync(WebSocket socket, HttpContext context)
    {
        lock (_gate)
        {
            if (_closed || _upgradingSocket is not null)
            {
                socket.Abort();
                return;
            }

            _upgradingSocket = socket;
            _upgradeContext = context;
        }

        string? failure = null;
        using (var timeout = new CancellationTokenSource(_server.Options.UpgradeTimeout, _server.Time))
        {
            try
            {
                if (!await ReceiveExactAsync(socket, "2probe"u8.ToArray(), timeout.Token).ConfigureAwait(false))
                {
                    failure = "expected 2probe";
                }
                else
                {
                    await socket.SendAsync("3probe"u8.ToArray(), WebSocketMessageType.Text, true, timeout.Token).ConfigureAwait(false);
                    BeginUpgrade();
                    if (!await ReceiveExactAsync(socket, "5"u8.ToArray(), timeout.Token).ConfigureAwait(false))
                    {
                        failure = "expected upgrade packet";
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
            {
                failure = ex is OperationCanceledException ? "upgrade timeout" : "transport error";
            }
        }

        if (failure is null && CompleteUpgrade(socket))
        {
            Log.Upgraded(_server.Logger, Id);
            await ReadLoopAsync(socket).ConfigureAwait(false);
            return;
        }

        lock (_gate)
        {
            _upgrading = false;
            _upgradeContext = null;
            if (_upgradingSocket == socket)
            {
                _upgradingSocket = null;
            }
        }

        Log.UpgradeFailed(_server.Logger, Id, failure ?? "session closed");
        socket.Abort();
    }

    public async Task HandlePollGetAsync(HttpContext context)
    {
        PollWaiter? waiter = null;
        List<OutboundPacket>? batch = null;
        var overlap = false;
        var close = false;
        var noop = false;
        lock (_gate)
        {
            if (_closed)
            {
                close = true;
            }
            else if (_pendingGet is not null)
            {
                overlap = true;
            }
            else if (_queue is { Count: > 0 })
            {
                batch = TakeQueued();
            }
            else if (_upgrading || Transport != TransportKind.Polling)
            {
                noop = true;
            }
            else
            {
                waiter = new PollWaiter();
                _pendingGet = waiter;
            }
        }

        if (overlap)
        {
            // Node's engine.io treats a second concurrent GET as a client error and closes the session.
            Close(DisconnectReasons.TransportError);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (waiter is not null)
        {
            PollSignal signal;
            try
            {
                signal = await waiter.Task.WaitAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                lock (_gate)
                {
                    if (_pendingGet == waiter)
                    {
                        _pendingGet = null;
                    }
                }

                Close(DisconnectReasons.TransportError, graceful: false);
                return;
            }

            lock (_gate)
            {
                batch = TakeQueued();
            }

            close = signal == PollSignal.Close;
            noop = batch is null && !close;
        }

        await WritePollResponseAsync(context, batch, noop, close).ConfigureAwait(false);
    }

    public async Task HandlePollPostAsync(HttpContext context)
    {
        lock (_gate)
        {
            if (_postActive)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                _postActive = false;
                Close(DisconnectReasons.TransportError);
                return;
            }

            _postActive = true;
        }

        var max = _server.Options.MaxPayload;
        byte[]? buffer = null;
        try
        {
            if (context.Request.ContentLength > max)
            {
                await RejectTooLargeAsync(context).ConfigureAwait(false);
                return;
            }

            buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(max + 1L, context.Request.ContentLength ?? InitialReceiveBuffer));
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > max)
                    {
                        await RejectTooLargeAsync(context).ConfigureAwait(false);
                        return;
                    }

                    buffer = Grow(buffer, length, max + 1);
                }

                var read = await context.Request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            if (length > max)
            {
                await RejectTooLargeAsync(context).ConfigureAwait(false);
                return;
            }

            try
            {
                DecodePayload(buffer.AsSpan(0, length));
            }
            catch (MalformedPacketException ex)
            {
                _server.OnMalformedPacket(this, ex.Message);
                Close(DisconnectReasons.ParseError);
            }

            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "text/html";
            context.Response.ContentLength = 2;
            await context.Response.Body.WriteAsync("ok"u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
        {
            Log.TransportFailed(_server.Logger, ex, Id);
            Close(DisconnectReasons.TransportError, graceful: false);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            lock (_gate)
            {
                _postActive = false;
            }
        }
    }

    private static IPEndPoint? LocalOf(ConnectionInfo connection)
        => connection.LocalIpAddress is { } local ? new IPEndPoint(local, connection.LocalPort) : null;

    private static byte[] Grow(byte[] buffer, int length, int limit)
    {
        var next = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit));
        buffer.AsSpan(0, length).CopyTo(next);
        ArrayPool<byte>.Shared.Return(buffer);
        return next;
    }

    private static void ReleaseAll(List<OutboundPacket>? packets)
    {
        if (packets is null)
        {
            return;
        }

        foreach (var packet in packets)
        {
            packet.Release();
        }
    }

    private static async ValueTask<bool> ReceiveExactAsync(WebSocket socket, byte[] expected, CancellationToken ct)
    {
        var buffer = new byte[16];
        var length = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
            if (result.MessageType != WebSocketMessageType.Text)
            {
                return false;
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return buffer.AsSpan(0, length).SequenceEqual(expected);
            }

            if (length == buffer.Length)
            {
                return false;
            }
        }
    }

    private async Task RejectTooLargeAsync(HttpContext context)
    {
        Log.PayloadTooLarge(_server.Logger, Id, _server.Options.MaxPayload);
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        Close(DisconnectReasons.TransportError);
        await context.Response.CompleteAsync().ConfigureAwait(false);
    }

    private void DecodePayload(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            throw new MalformedPacketException("empty payload");
        }

        while (!IsClosed)
        {
            var end = payload.IndexOf(RecordSeparator);
            var record = end < 0 ? payload : payload[..end];
            if (!record.IsEmpty && record[0] == (byte)'b')
            {
                var encoded = record[1..];
                var rented = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(encoded.Length));
                try
                {
                    if (Base64.DecodeFromUtf8(encoded, rented, out _, out var written) != OperationStatus.Done)
                    {
                        throw new MalformedPacketException("invalid base64 record");
                    }

                    OnPacket(rented.AsSpan(0, written), isBinary: true);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
            else
            {
                OnPacket(record, isBinary: false);
            }

            if (end < 0)
            {
                return;
            }

            payload = payload[(end + 1)..];
        }
    }

    private async Task WritePollResponseAsync(HttpContext context, List<OutboundPacket>? batch, bool noop, bool close)
    {
        var writer = new PooledBufferWriter();
        writer.Start(256, 0);
        try
        {
            var first = true;
            if (batch is not null)
            {
                foreach (var packet in batch)
                {
                    if (packet.IsCloseMarker)
                    {
                        continue;
                    }

                    Separate(writer, ref first);
                    writer.Write(packet.Text.Span);
                    if (packet.Attachments is { } attachments)
                    {
                        foreach (var attachment in attachments)
                        {
                            writer.Write(RecordSeparator);
                            writer.Write((byte)'b');
                            var span = writer.GetSpan(Base64.GetMaxEncodedToUtf8Length(attachment.Length));
                            Base64.EncodeToUtf8(attachment.Span, span, out _, out var written);
                            writer.Advance(written);
                        }
                    }
                }
            }

            if (noop || (first && !close))
            {
                Separate(writer, ref first);
                writer.Write((byte)'6');
            }

            if (close)
            {
                Separate(writer, ref first);
                writer.Write((byte)'1');
            }

            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "text/plain; charset=UTF-8";
            response.ContentLength = writer.WrittenCount;
            await response.Body.WriteAsync(writer.Buffer.AsMemory(0, writer.WrittenCount), context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            Log.TransportFailed(_server.Logger, ex, Id);
            Close(DisconnectReasons.TransportError, graceful: false);
        }
        finally
        {
            writer.Abandon();
            ReleaseAll(batch);
        }

        static void Separate(PooledBufferWriter writer, ref bool first)
        {
            if (!first)
            {
                writer.Write(RecordSeparator);
            }

            first = false;
        }
    }

    private void BeginUpgrade()
    {
        PollWaiter? waiter;
        lock (_gate)
        {
            _upgrading = true;
            waiter = _pendingGet;
            _pendingGet = null;
        }

        waiter?.TrySetResult(PollSignal.Noop);
    }

    private bool CompleteUpgrade(WebSocket socket)
    {
        PollWaiter? waiter;
        var startWriter = false;
        lock (_gate)
        {
            if (_closed || _upgradingSocket != socket)
            {
                return false;
            }

            _upgradingSocket = null;
            _upgrading = false;
            Transport = TransportKind.WebSocket;
            _webSocket = socket;
            _webSocketOwner = _upgradeContext;
            _upgradeContext = null;
            _writerDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiter = _pendingGet;
            _pendingGet = null;
            if (_queue is { Count: > 0 } && !_writing)
            {
                _writing = true;
                startWriter = true;
            }
        }

        waiter?.TrySetResult(PollSignal.Noop);
        if (startWriter)
        {
            StartWriter(socket);
        }

        return true;
    }

    private List<OutboundPacket>? TakeQueued()
    {
        if (_queue is not { Count: > 0 } queue)
        {
            return null;
        }

        var taken = new List<OutboundPacket>(queue.Count);
        while (queue.TryDequeue(out var packet))
        {
            taken.Add(packet);
        }

        if (taken.Count > 32)
        {
            queue.TrimExcess();
        }

        return taken;
    }

    /// <summary>
    /// Runs the write loop on the caller: sends into the connection's pipe normally complete synchronously, and one
    /// that has to wait (a full pipe) continues on the pool, so the caller is never blocked.
    /// </summary>
    private void StartWriter(WebSocket socket) => _ = WriteLoopAsync(socket);

    private async Task WriteLoopAsync(WebSocket socket)
    {
        var sent = 0;
        try
        {
            while (true)
            {
                OutboundPacket packet;
                lock (_gate)
                {
                    if (_queue is null || !_queue.TryDequeue(out packet!))
                    {
                        _writing = false;
                        if (sent > 32)
                        {
                            _queue?.TrimExcess();
                        }

                        return;
                    }
                }

                sent++;
                try
                {
                    if (packet.IsCloseMarker)
                    {
                        _ = AbortAfterCloseTimeoutAsync(socket);
                        await socket.CloseOutputAsync(_closeStatus, null, CancellationToken.None).ConfigureAwait(false);
                        lock (_gate)
                        {
                            _writing = false;
                        }

                        _writerDone?.TrySetResult();
                        return;
                    }

                    await socket.SendAsync(packet.Text, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
                    if (packet.Attachments is { } attachments)
                    {
                        foreach (var attachment in attachments)
                        {
                            await socket.SendAsync(attachment, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
                        }
                    }
                }
                finally
                {
                    packet.Release();
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            Log.TransportFailed(_server.Logger, ex, Id);
            List<OutboundPacket>? dropped;
            lock (_gate)
            {
                _writing = false;
                dropped = TakeQueued();
            }

            ReleaseAll(dropped);
            _writerDone?.TrySetResult();
            Close(DisconnectReasons.TransportError, graceful: false);
        }
    }

    private async Task AbortAfterCloseTimeoutAsync(WebSocket socket)
    {
        await Task.Delay(CloseHandshakeTimeout, _server.Time).ConfigureAwait(false);
        if (socket.State != WebSocketState.Closed)
        {
            AbortWebSocket(socket);
        }
    }

    /// <summary>
    /// Aborting the WebSocket alone does not complete a read pending on Kestrel's upgraded stream, so the HTTP
    /// connection is aborted too (only while its request is still running).
    /// </summary>
    private void AbortWebSocket(WebSocket socket)
    {
        socket.Abort();
        object? owner;
        lock (_gate)
        {
            owner = _webSocket == socket ? _webSocketOwner : null;
        }

        switch (owner)
        {
            case HttpContext context:
                context.Abort();
                break;
            case ConnectionContext connection:
                connection.Abort();
                break;
        }
    }

    private async Task ReadLoopAsync(WebSocket socket)
    {
        var reason = DisconnectReasons.TransportClose;
        var status = WebSocketCloseStatus.NormalClosure;
        try
        {
            while (!IsClosed)
            {
                var (kind, buffer, length) = await ReceiveFrameAsync(socket).ConfigureAwait(false);
                if (kind == FrameKind.Close)
                {
                    break;
                }

                if (kind == FrameKind.TooLarge)
                {
                    Log.PayloadTooLarge(_server.Logger, Id, _server.Options.MaxPayload);
                    reason = DisconnectReasons.TransportError;
                    status = WebSocketCloseStatus.MessageTooBig;
                    break;
                }

                try
                {
                    OnPacket(buffer.AsSpan(0, length), kind == FrameKind.Binary);
                }
                catch (MalformedPacketException ex)
                {
                    _server.OnMalformedPacket(this, ex.Message);
                    reason = DisconnectReasons.ParseError;
                    status = WebSocketCloseStatus.ProtocolError;
                    break;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer!);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            Log.TransportFailed(_server.Logger, ex, Id);
            reason = DisconnectReasons.TransportError;
        }

        Close(reason, graceful: true, status);
        var done = _writerDone?.Task ?? Task.CompletedTask;
        try
        {
            await done.WaitAsync(CloseHandshakeTimeout, _server.Time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            AbortWebSocket(socket);
        }

        lock (_gate)
        {
            _webSocketOwner = null;
        }
    }

    /// <summary>
    /// Waits with a zero-byte read so an idle connection holds no receive buffer, then rents one only for the message.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(FrameKind Kind, byte[]? Buffer, int Length)> ReceiveFrameAsync(WebSocket socket)
    {
        var first = await socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
        if (first.MessageType == WebSocketMessageType.Close)
        {
            return (FrameKind.Close, null, 0);
        }

        var kind = first.MessageType == WebSocketMessageType.Binary ? FrameKind.Binary : FrameKind.Text;
        var max = _server.Options.MaxPayload;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialReceiveBuffer, max + 1));
        var length = 0;
        var endOfMessage = first.EndOfMessage;
        try
        {
            while (!endOfMessage)
            {
                if (length == buffer.Length)
                {
                    if (length > max)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        return (FrameKind.TooLarge, null, 0);
                    }

                    buffer = Grow(buffer, length, max + 1);
                }

                var result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (FrameKind.Close, null, 0);
                }

                length += result.Count;
                endOfMessage = result.EndOfMessage;
                if (length > max)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (FrameKind.TooLarge, null, 0);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        return (kind, buffer, length);
    }

    private sealed class PollWaiter() : TaskCompletionSource<PollSignal>(TaskCreationOptions.RunContinuationsAsynchronously);
}
