using System.Collections.Concurrent;
using Redwood.SocketIO.Diagnostics;

namespace Redwood.SocketIO;

/// <summary>A Socket.IO namespace: its event handlers, connection middleware, sockets and rooms.</summary>
public sealed class SocketIONamespace
{
    private readonly ConcurrentDictionary<string, SocketIOEventHandler> _handlers = new(StringComparer.Ordinal);
    // Copy-on-write: events are registered at start-up and looked up on every event (a ConcurrentDictionary's
    // IsEmpty takes all its locks when it is empty, which every event of a namespace without unordered events paid).
    private readonly Lock _unorderedGate = new();
    private volatile HashSet<string> _unordered = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SocketIOSocket> _sockets = new(StringComparer.Ordinal);
    private readonly Lock _roomsGate = new();
    private readonly Dictionary<string, HashSet<SocketIOSocket>> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<SocketIOSocket, HashSet<string>> _membership = [];
    private Func<SocketIOSocket, CancellationToken, ValueTask<string?>>[] _middlewares = [];
    private SocketIOEventHandler? _any;

    internal SocketIONamespace(SocketIOServer server, string name)
    {
        Server = server;
        Name = name;
    }

    /// <summary>Raised (on the socket's dispatch order) after a socket joined.</summary>
    public event Func<SocketIOSocket, ValueTask>? Connected;

    /// <summary>Raised once per socket after it left, with a Node-style reason (see <see cref="DisconnectReasons"/>).</summary>
    public event Func<SocketIOSocket, string, ValueTask>? Disconnected;

    /// <summary>Namespace name, starting with "/".</summary>
    public string Name { get; }

    /// <summary>Connected sockets (a snapshot).</summary>
    public IReadOnlyCollection<SocketIOSocket> Sockets => [.. _sockets.Values];

    internal SocketIOServer Server { get; }

    internal bool HasMiddleware => Volatile.Read(ref _middlewares).Length > 0;

    internal Func<SocketIOSocket, CancellationToken, ValueTask<string?>>[] Middlewares => Volatile.Read(ref _middlewares);

    /// <summary>Registers the handler of an event (replacing any previous one).</summary>
    public void On(string eventName, SocketIOEventHandler handler)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        _handlers[eventName] = handler;
        Server.AddEventName(eventName);
    }

    /// <summary>
    /// Registers the handler of an event whose occurrences need no order: each one starts on the thread pool as it
    /// arrives, beside the socket's ordered events and its other unordered ones, and is acknowledged when it completes
    /// (acks may leave in any order; Socket.IO matches them by id). For requests a client pipelines on one socket when
    /// each is independent of the others. At most <see cref="SocketIOServerOptions.MaxOutboundQueue"/> run at once per
    /// socket; one more closes the connection, as a full inbound queue does.
    /// </summary>
    public void OnUnordered(string eventName, SocketIOEventHandler handler)
    {
        On(eventName, handler);
        lock (_unorderedGate)
        {
            _unordered = new HashSet<string>(_unordered, StringComparer.Ordinal) { eventName };
        }
    }

    /// <summary>Registers the handler of events that have no specific handler.</summary>
    public void OnAny(SocketIOEventHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Volatile.Write(ref _any, handler);
    }

    /// <summary>Adds connection middleware; returning null accepts, a string refuses with CONNECT_ERROR <c>{"message": …}</c>.</summary>
    public void Use(Func<SocketIOSocket, CancellationToken, ValueTask<string?>> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        lock (_roomsGate)
        {
            _middlewares = [.. _middlewares, middleware];
        }
    }

    /// <summary>Broadcasts an event to every socket of the namespace.</summary>
    public ValueTask EmitAsync(string eventName, params object?[] args) => new SocketIOBroadcast(this, [], []).EmitAsync(eventName, args);

    /// <summary>The sockets in <paramref name="room"/> now (a snapshot; a lookup, not a scan of every socket).</summary>
    public IReadOnlyList<SocketIOSocket> SocketsIn(string room)
    {
        ArgumentNullException.ThrowIfNull(room);
        return Select([room], []);
    }

    /// <summary>Starts a broadcast to the sockets of a room.</summary>
    public SocketIOBroadcast To(string room) => new(this, [room], []);

    /// <summary>Starts a broadcast to every socket except those of a room.</summary>
    public SocketIOBroadcast Except(string room) => new(this, [], [room]);

    /// <summary>Finds a connected socket by id.</summary>
    public SocketIOSocket? GetSocket(string id) => _sockets.TryGetValue(id, out var socket) ? socket : null;

    internal bool IsUnordered(string eventName) => _unordered.Contains(eventName);

    internal SocketIOEventHandler? FindHandler(string eventName)
        => _handlers.TryGetValue(eventName, out var handler) ? handler : Volatile.Read(ref _any);

    internal void Add(SocketIOSocket socket)
    {
        _sockets[socket.Id] = socket;
        Join(socket, socket.Id);
    }

    internal void Remove(SocketIOSocket socket)
    {
        _sockets.TryRemove(new KeyValuePair<string, SocketIOSocket>(socket.Id, socket));
        lock (_roomsGate)
        {
            if (!_membership.Remove(socket, out var rooms))
            {
                return;
            }

            foreach (var room in rooms)
            {
                RemoveFromRoom(socket, room);
            }
        }
    }

    internal void Join(SocketIOSocket socket, string room)
    {
        lock (_roomsGate)
        {
            if (!_rooms.TryGetValue(room, out var members))
            {
                members = [];
                _rooms[room] = members;
            }

            members.Add(socket);
            if (!_membership.TryGetValue(socket, out var rooms))
            {
                rooms = new HashSet<string>(StringComparer.Ordinal);
                _membership[socket] = rooms;
            }

            rooms.Add(room);
        }
    }

    internal void Leave(SocketIOSocket socket, string room)
    {
        lock (_roomsGate)
        {
            if (_membership.TryGetValue(socket, out var rooms) && rooms.Remove(room))
            {
                RemoveFromRoom(socket, room);
            }
        }
    }

    internal IReadOnlyCollection<string> RoomsOf(SocketIOSocket socket)
    {
        lock (_roomsGate)
        {
            return _membership.TryGetValue(socket, out var rooms) ? [.. rooms] : [];
        }
    }

    internal List<SocketIOSocket> Select(string[] rooms, string[] except)
    {
        var result = new List<SocketIOSocket>();
        lock (_roomsGate)
        {
            HashSet<SocketIOSocket>? excluded = null;
            foreach (var room in except)
            {
                if (_rooms.TryGetValue(room, out var members))
                {
                    excluded ??= [];
                    excluded.UnionWith(members);
                }
            }

            if (rooms.Length == 0)
            {
                foreach (var socket in _membership.Keys)
                {
                    if (excluded is null || !excluded.Contains(socket))
                    {
                        result.Add(socket);
                    }
                }

                return result;
            }

            HashSet<SocketIOSocket>? seen = rooms.Length > 1 ? [] : null;
            foreach (var room in rooms)
            {
                if (!_rooms.TryGetValue(room, out var members))
                {
                    continue;
                }

                foreach (var socket in members)
                {
                    if ((excluded is null || !excluded.Contains(socket)) && (seen is null || seen.Add(socket)))
                    {
                        result.Add(socket);
                    }
                }
            }
        }

        return result;
    }

    internal async ValueTask RaiseConnectedAsync(SocketIOSocket socket)
    {
        var handlers = Connected;
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in Delegate.EnumerateInvocationList(handlers))
        {
            try
            {
                await handler(socket).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.LifecycleHandlerFailed(Server.Logger, ex, nameof(Connected), LogText.Clip(Name)!, socket.Id);
            }
        }
    }

    internal async ValueTask RaiseDisconnectedAsync(SocketIOSocket socket, string reason)
    {
        var handlers = Disconnected;
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in Delegate.EnumerateInvocationList(handlers))
        {
            try
            {
                await handler(socket, reason).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.LifecycleHandlerFailed(Server.Logger, ex, nameof(Disconnected), LogText.Clip(Name)!, socket.Id);
            }
        }
    }

    private void RemoveFromRoom(SocketIOSocket socket, string room)
    {
        if (_rooms.TryGetValue(room, out var members) && members.Remove(socket) && members.Count == 0)
        {
            _rooms.Remove(room);
        }
    }
}
