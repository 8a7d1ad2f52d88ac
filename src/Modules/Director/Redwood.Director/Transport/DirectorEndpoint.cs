using Redwood.SocketIO;

namespace Redwood.Director.Transport;

/// <summary>
/// The running frontend's socket namespace, for reactions such as a logout of a whole session family. Registered
/// always, so handlers resolve when the module is off; it stays unbound then.
/// </summary>
internal sealed class DirectorEndpoint
{
    private volatile SocketIONamespace? _namespace;

    public void Bound(SocketIONamespace ns) => _namespace = ns;

    public void Unbound() => _namespace = null;

    /// <summary>The sockets of this process logged in with a token of <paramref name="family"/>.</summary>
    public IReadOnlyList<SocketIOSocket> SocketsOfFamily(string family) =>
        _namespace is { } ns
            ? [.. ns.Sockets.Where(s => PlayerBinding.SessionFamilyOf(s) == family)]
            : [];
}
