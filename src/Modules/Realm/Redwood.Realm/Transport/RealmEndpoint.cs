using Redwood.SocketIO;

namespace Redwood.Realm.Transport;

/// <summary>A region as pushed in <c>realm:regions</c>.</summary>
internal sealed record RegionView(string Name, string Ping);

/// <summary>
/// What the running frontend exposes to the rest of the module: the URI players use, the regions with their
/// resolved ping targets and the socket namespace (for reactions such as a Director logout). Registered always, so
/// handlers resolve when the module is off; it stays unbound then.
/// </summary>
internal sealed class RealmEndpoint
{
    private readonly TaskCompletionSource<string> _uri = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile SocketIONamespace? _namespace;
    private IReadOnlyList<RegionView> _regions = [];

    /// <summary>Completes with the realm URI once the frontend has bound its port.</summary>
    public Task<string> Uri => _uri.Task;

    public IReadOnlyList<RegionView> Regions => Volatile.Read(ref _regions);

    public void Bound(SocketIONamespace ns, string uri, IReadOnlyList<RegionView> regions)
    {
        Volatile.Write(ref _regions, regions);
        _namespace = ns;
        _uri.TrySetResult(uri);
    }

    public void Unbound() => _namespace = null;

    /// <summary>Pushes an event to every socket of <paramref name="playerId"/> held by this process.</summary>
    public ValueTask PushAsync(string playerId, string eventName, object payload) =>
        _namespace is { } ns ? ns.To(RealmSession.Room(playerId)).EmitAsync(eventName, payload) : ValueTask.CompletedTask;

    /// <summary>
    /// The sockets of this process currently signed in as <paramref name="playerId"/>: the player's room, so a
    /// disconnect looks up its player's sockets instead of scanning every connected one.
    /// </summary>
    public IReadOnlyList<SocketIOSocket> SocketsOf(string playerId) =>
        _namespace is { } ns ? ns.SocketsIn(RealmSession.Room(playerId)) : [];
}
