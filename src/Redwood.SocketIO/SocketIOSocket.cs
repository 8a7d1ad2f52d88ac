using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Redwood.SocketIO.Protocol;
using Redwood.SocketIO.Diagnostics;

namespace Redwood.SocketIO;

/// <summary>
/// One client connected to one namespace. Events from the client are handled one at a time, in arrival order,
/// on the thread pool (except events registered with <see cref="SocketIONamespace.OnUnordered"/>); emitting is safe
/// from any thread.
/// </summary>
public sealed class SocketIOSocket
{
    private const int Pending = 0;
    private const int Connected = 1;
    private const int Disconnected = 2;

    private readonly SocketIOConnection _connection;
    private readonly Lock _gate = new();
    private readonly Dispatcher _dispatcher;
    private Queue<Work>? _work;
    private Dictionary<long, TaskCompletionSource<SocketIOMessage>>? _acks;
    private CancellationTokenSource? _disconnect;
    private ConcurrentDictionary<string, object?>? _items;
    private long _nextAckId = -1;
    private int _unordered;
    private int _state;
    private bool _running;

    internal SocketIOSocket(SocketIONamespace ns, SocketIOConnection connection, JsonElement auth, string id)
    {
        Namespace = ns;
        _connection = connection;
        Auth = auth;
        Id = id;
        _dispatcher = new Dispatcher(this);
    }

    private enum WorkKind : byte
    {
        Connected,
        Event,
        Disconnected,
    }

    /// <summary>Socket id, sent to the client in the CONNECT reply and joined as a room.</summary>
    public string Id { get; }

    /// <summary>The namespace this socket belongs to.</summary>
    public SocketIONamespace Namespace { get; }

    /// <summary>The auth object of the CONNECT packet; an empty object when none was sent.</summary>
    public JsonElement Auth { get; }

    /// <summary>Client address of the underlying HTTP connection.</summary>
    public IPEndPoint? RemoteEndPoint => _connection.Engine.RemoteEndPoint;

    /// <summary>Server address of the underlying HTTP connection.</summary>
    public IPEndPoint? LocalEndPoint => _connection.Engine.LocalEndPoint;

    /// <summary>Engine.IO session id shared by all namespaces of this client connection.</summary>
    public string ConnectionId => _connection.Engine.Id;

    /// <summary>Application data attached to this socket.</summary>
    public ConcurrentDictionary<string, object?> Items
    {
        get
        {
            if (_items is null)
            {
                Interlocked.CompareExchange(ref _items, new ConcurrentDictionary<string, object?>(StringComparer.Ordinal), null);
            }

            return _items;
        }
    }

    /// <summary>True until the socket leaves the namespace.</summary>
    public bool IsConnected => Volatile.Read(ref _state) == Connected;

    /// <summary>Cancelled when the socket disconnects; also passed to handlers.</summary>
    public CancellationToken DisconnectToken
    {
        get
        {
            lock (_gate)
            {
                if (_state == Disconnected)
                {
                    return new CancellationToken(canceled: true);
                }

                return (_disconnect ??= new CancellationTokenSource()).Token;
            }
        }
    }

    /// <summary>Rooms this socket is in (including its own id while connected).</summary>
    public IReadOnlyCollection<string> Rooms => Namespace.RoomsOf(this);

    /// <summary>Adds the socket to a room of its namespace.</summary>
    public void Join(string room)
    {
        ArgumentNullException.ThrowIfNull(room);
        if (IsConnected)
        {
            Namespace.Join(this, room);
        }
    }

    /// <summary>Removes the socket from a room.</summary>
    public void Leave(string room)
    {
        ArgumentNullException.ThrowIfNull(room);
        Namespace.Leave(this, room);
    }

    /// <summary>Sends an event to this client; dropped silently when the socket is disconnected.</summary>
    public ValueTask EmitAsync(string eventName, params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        if (IsConnected)
        {
            _connection.Send(PacketEncoder.EncodeMessage(PacketType.Event, Namespace.Name, -1, eventName, args, Namespace.Server.BinaryOptions));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Sends an event and waits for the client's ack arguments.</summary>
    /// <exception cref="TimeoutException">No ack within <paramref name="timeout"/>.</exception>
    /// <exception cref="SocketIODisconnectedException">The socket disconnected first.</exception>
    public async Task<IReadOnlyList<JsonElement>> EmitWithAckAsync(string eventName, TimeSpan timeout, CancellationToken ct, params object?[] args)
        => (await EmitWithAckMessageAsync(eventName, timeout, ct, args).ConfigureAwait(false)).Args;

    /// <summary>Like <see cref="EmitWithAckAsync"/>, but returns the whole ack so binary attachments can be resolved.</summary>
    public async Task<SocketIOMessage> EmitWithAckMessageAsync(string eventName, TimeSpan timeout, CancellationToken ct, params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        var id = Interlocked.Increment(ref _nextAckId);
        var completion = new TaskCompletionSource<SocketIOMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_state != Connected)
            {
                throw new SocketIODisconnectedException();
            }

            (_acks ??= [])[id] = completion;
        }

        _connection.Send(PacketEncoder.EncodeMessage(PacketType.Event, Namespace.Name, id, eventName, args, Namespace.Server.BinaryOptions));
        try
        {
            return await completion.Task.WaitAsync(timeout, Namespace.Server.Time, ct).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _acks?.Remove(id);
            }
        }
    }

    /// <summary>
    /// Leaves the namespace (the client gets a DISCONNECT packet). With <paramref name="closeTransport"/>, every
    /// namespace of the client connection is disconnected and the underlying connection is closed.
    /// </summary>
    public ValueTask DisconnectAsync(bool closeTransport = false)
    {
        if (closeTransport)
        {
            _connection.DisconnectAll();
        }
        else
        {
            DisconnectFromServer();
        }

        return ValueTask.CompletedTask;
    }

    internal void SendShared(Protocol.OutboundPacket packet)
    {
        if (IsConnected)
        {
            _connection.Send(packet);
        }
        else
        {
            packet.Release();
        }
    }

    internal void MarkConnected() => Volatile.Write(ref _state, Connected);

    internal void DisconnectFromServer()
    {
        if (IsConnected)
        {
            _connection.Send(PacketEncoder.EncodeRaw(PacketType.Disconnect, Namespace.Name, default));
            OnClosed(DisconnectReasons.ServerNamespaceDisconnect);
        }
    }

    internal void OnClientDisconnect() => OnClosed(DisconnectReasons.ClientNamespaceDisconnect);

    /// <summary>Leaves the namespace once: cancels the token, fails pending acks, and queues the Disconnected callback.</summary>
    internal void OnClosed(string reason)
    {
        List<TaskCompletionSource<SocketIOMessage>>? acks;
        CancellationTokenSource? disconnect;
        lock (_gate)
        {
            if (_state != Connected)
            {
                return;
            }

            _state = Disconnected;
            acks = _acks?.Values.ToList();
            _acks = null;
            disconnect = _disconnect;
        }

        _connection.Remove(this);
        Namespace.Remove(this);
        Log.SocketDisconnected(Namespace.Server.Logger, Id, Namespace.Name, reason);
        Cancel(disconnect);
        if (acks is not null)
        {
            foreach (var ack in acks)
            {
                ack.TrySetException(new SocketIODisconnectedException());
            }
        }

        Schedule(new Work(WorkKind.Disconnected, null, -1, reason), force: true);
    }

    /// <summary>The connection closed while middleware was still deciding; the socket never joined.</summary>
    internal void Abandon()
    {
        CancellationTokenSource? disconnect;
        lock (_gate)
        {
            _state = Disconnected;
            disconnect = _disconnect;
        }

        Cancel(disconnect);
    }

    internal void OnConnected() => Schedule(new Work(WorkKind.Connected, null, -1, null), force: true);

    internal void OnEvent(SocketIOMessage message, long ackId)
    {
        if (Namespace.IsUnordered(message.Event))
        {
            StartUnordered(message, ackId);
            return;
        }

        Schedule(new Work(WorkKind.Event, message, ackId, null), force: false);
    }

    internal void OnAck(long id, SocketIOMessage message)
    {
        TaskCompletionSource<SocketIOMessage>? completion = null;
        lock (_gate)
        {
            _acks?.Remove(id, out completion);
        }

        completion?.TrySetResult(message);
    }

    private static void Cancel(CancellationTokenSource? source)
    {
        if (source is null)
        {
            return;
        }

        try
        {
            source.Cancel();
        }
        catch (AggregateException)
        {
            // Exceptions thrown by application callbacks registered on DisconnectToken must not break the disconnect.
        }
    }

    /// <summary>
    /// Queues work in arrival order. An event that finds nothing queued or running starts on the caller (the
    /// transport's reader) and stays there only while its handler completes synchronously; once it awaits, the rest of
    /// it and any work queued meanwhile continue on the thread pool, so a slow handler never stalls the reader.
    /// Lifecycle callbacks always go to the pool: they may be raised from the server's shared heartbeat timer.
    /// </summary>
    private void Schedule(Work work, bool force)
    {
        lock (_gate)
        {
            if (!force && _work is not null && _work.Count >= Namespace.Server.Options.MaxOutboundQueue)
            {
                Log.InboundQueueFull(Namespace.Server.Logger, ConnectionId, Namespace.Server.Options.MaxOutboundQueue);
                ThreadPool.UnsafeQueueUserWorkItem(static connection => connection.Engine.Close(DisconnectReasons.TransportError, graceful: false), _connection, preferLocal: false);
                return;
            }

            var inline = !_running && work.Kind == WorkKind.Event;
            if (!inline)
            {
                (_work ??= new Queue<Work>()).Enqueue(work);
                if (_running)
                {
                    return;
                }
            }

            _running = true;
            if (!inline)
            {
                work = default;
            }
        }

        if (work.Message is null)
        {
            ThreadPool.UnsafeQueueUserWorkItem(_dispatcher, preferLocal: false);
            return;
        }

        var pending = ExecuteAsync(work);
        if (!pending.IsCompletedSuccessfully)
        {
            _ = ContinueAsync(pending);
            return;
        }

        lock (_gate)
        {
            if (_work is not { Count: > 0 })
            {
                _running = false;
                return;
            }
        }

        ThreadPool.UnsafeQueueUserWorkItem(_dispatcher, preferLocal: false);
    }

    private void StartUnordered(SocketIOMessage message, long ackId)
    {
        if (Interlocked.Increment(ref _unordered) > Namespace.Server.Options.MaxOutboundQueue)
        {
            Interlocked.Decrement(ref _unordered);
            Log.InboundQueueFull(Namespace.Server.Logger, ConnectionId, Namespace.Server.Options.MaxOutboundQueue);
            ThreadPool.UnsafeQueueUserWorkItem(static connection => connection.Engine.Close(DisconnectReasons.TransportError, graceful: false), _connection, preferLocal: false);
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Socket.RunUnorderedAsync(state.Message, state.AckId), (Socket: this, Message: message, AckId: ackId), preferLocal: false);
    }

    private async Task RunUnorderedAsync(SocketIOMessage message, long ackId)
    {
        try
        {
            await HandleEventAsync(message, ackId).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _unordered);
        }
    }

    private async Task ContinueAsync(ValueTask pending)
    {
        await pending.ConfigureAwait(false);
        await RunAsync().ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        while (true)
        {
            Work work;
            lock (_gate)
            {
                if (_work is null || !_work.TryDequeue(out work))
                {
                    _running = false;
                    return;
                }
            }

            var pending = ExecuteAsync(work);
            if (!pending.IsCompletedSuccessfully)
            {
                await pending.ConfigureAwait(false);
            }
        }
    }

    private async ValueTask ExecuteAsync(Work work)
    {
        switch (work.Kind)
        {
            case WorkKind.Event:
                await HandleEventAsync(work.Message!, work.AckId).ConfigureAwait(false);
                break;
            case WorkKind.Connected:
                await Namespace.RaiseConnectedAsync(this).ConfigureAwait(false);
                break;
            case WorkKind.Disconnected:
                await Namespace.RaiseDisconnectedAsync(this, work.Reason!).ConfigureAwait(false);
                lock (_gate)
                {
                    _disconnect?.Dispose();
                    _disconnect = null;
                }

                break;
        }
    }

    private async ValueTask HandleEventAsync(SocketIOMessage message, long ackId)
    {
        var handler = Namespace.FindHandler(message.Event);
        if (handler is null)
        {
            return;
        }

        object? result;
        try
        {
            var pending = handler(this, message, DisconnectToken);
            result = pending.IsCompletedSuccessfully ? pending.Result : await pending.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (DisconnectToken.IsCancellationRequested)
        {
            // The client left while its request ran: nobody is waiting for the answer, and nothing failed.
            Log.HandlerAbandoned(Namespace.Server.Logger, LogText.Clip(message.Event)!, Id);
            return;
        }
        catch (Exception ex)
        {
            Log.HandlerFailed(Namespace.Server.Logger, ex, LogText.Clip(message.Event)!, LogText.Clip(Namespace.Name)!, Id);
            return;
        }

        if (ackId >= 0 && IsConnected)
        {
            var args = result is SocketIOArgs many ? many.Values : [result];
            try
            {
                _connection.Send(PacketEncoder.EncodeMessage(PacketType.Ack, Namespace.Name, ackId, null, args, Namespace.Server.BinaryOptions));
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
            {
                // An unserializable ack result must not stop this socket's dispatcher.
                Log.HandlerFailed(Namespace.Server.Logger, ex, LogText.Clip(message.Event)!, LogText.Clip(Namespace.Name)!, Id);
            }
        }

        if (message.AfterAckCallbacks is not { } callbacks)
        {
            return;
        }

        foreach (var callback in callbacks)
        {
            try
            {
                await callback().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.HandlerFailed(Namespace.Server.Logger, ex, LogText.Clip(message.Event)!, LogText.Clip(Namespace.Name)!, Id);
            }
        }
    }

    private readonly record struct Work(WorkKind Kind, SocketIOMessage? Message, long AckId, string? Reason);

    private sealed class Dispatcher(SocketIOSocket socket) : IThreadPoolWorkItem
    {
        public void Execute() => _ = socket.RunAsync();
    }
}

/// <summary>Thrown by ack waits when the socket disconnects before the ack arrives.</summary>
public sealed class SocketIODisconnectedException : Exception
{
    /// <summary>Creates the exception with the default message.</summary>
    public SocketIODisconnectedException()
        : base("The Socket.IO socket disconnected.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SocketIODisconnectedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public SocketIODisconnectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
