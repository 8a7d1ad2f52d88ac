using Microsoft.Extensions.Logging;
using Redwood.SharedKernel.Diagnostics;
using Redwood.SharedKernel.Transport;
using Redwood.SocketIO;
using Redwood.SocketIO.Diagnostics;

namespace Redwood.Realm.Transport;

/// <summary>
/// The player a realm socket is signed in as, with what the Director's hand-off reply told us. Identity always
/// comes from here, never from a payload (the plugin's <c>playerId</c> fields are informational).
/// </summary>
internal sealed record RealmSession(string PlayerId, string? Nickname, int Role, string? PlayerData)
{
    public const string NotSignedIn = "Not signed in to this realm";

    public const string WrongPlayer = "playerId does not match the player signed in on this connection";

    private const string ItemKey = "realm.session";

    private const string LastPlayerKey = "realm.last-player";

    public static RealmSession? Of(SocketIOSocket socket) =>
        socket.Items.TryGetValue(ItemKey, out var value) ? value as RealmSession : null;

    /// <summary>The room holding every socket of a player (pushes address players through it).</summary>
    public static string Room(string playerId) => "player:" + playerId;

    public static void Bind(SocketIOSocket socket, RealmSession session)
    {
        if (Of(socket) is { } previous && previous.PlayerId != session.PlayerId)
        {
            socket.Leave(Room(previous.PlayerId));
        }

        // The room first: a disconnect of the player's other socket meanwhile counts this one as signed in.
        socket.Join(Room(session.PlayerId));
        socket.Items[ItemKey] = session;
        socket.Items[LastPlayerKey] = session.PlayerId;
        socket.Items[RedwoodTelemetry.PlayerItem] = session.PlayerId;
    }

    /// <summary>The last player this socket was signed in as (kept after logout, for the disconnect notice).</summary>
    public static string? LastPlayerOf(SocketIOSocket socket) =>
        socket.Items.TryGetValue(LastPlayerKey, out var value) ? value as string : null;

    public static void Unbind(SocketIOSocket socket)
    {
        socket.Items.TryRemove(RedwoodTelemetry.PlayerItem, out _);
        if (socket.Items.TryRemove(ItemKey, out var value) && value is RealmSession session)
        {
            socket.Leave(Room(session.PlayerId));
        }
    }

    /// <summary>
    /// The socket's session; refuses the request when the socket is not signed in, or when the payload names a
    /// different caller (<paramref name="claimedPlayerId"/>, absent = not claimed).
    /// </summary>
    public static RealmSession Require(SocketRequest request, string? claimedPlayerId, ILogger logger)
    {
        var session = Of(request.Socket) ?? throw new RequestRefusedException(NotSignedIn);
        if (!string.IsNullOrEmpty(claimedPlayerId) && !string.Equals(claimedPlayerId, session.PlayerId, StringComparison.Ordinal))
        {
            Log.PlayerIdMismatch(logger, request.Socket.Id, session.PlayerId, LogText.Clip(request.Message.Event)!, LogText.Clip(claimedPlayerId)!);
            throw new RequestRefusedException(WrongPlayer);
        }

        return session;
    }
}
