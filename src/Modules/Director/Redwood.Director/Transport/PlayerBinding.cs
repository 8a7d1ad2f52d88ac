using Redwood.SharedKernel.Diagnostics;
using Redwood.SharedKernel.Transport;
using Redwood.SocketIO;
using Redwood.SocketIO.Diagnostics;

namespace Redwood.Director.Transport;

/// <summary>
/// Which player a Director socket logged in as. Payload <c>playerId</c>s are never trusted (Appendix A 5): they must
/// match the socket's player, and every reconnect starts unauthenticated (§1.6).
/// </summary>
internal static class PlayerBinding
{
    private const string PlayerKey = "director:player-id";
    private const string FamilyKey = "director:session-family";

    public const string NotLoggedIn = "Not logged in";
    public const string WrongPlayer = "playerId does not match the logged-in player";

    public static void Bind(SocketIOSocket socket, string playerId, string sessionFamily)
    {
        socket.Items[PlayerKey] = playerId;
        socket.Items[FamilyKey] = sessionFamily;
        socket.Items[RedwoodTelemetry.PlayerItem] = playerId;
    }

    public static void Unbind(SocketIOSocket socket)
    {
        socket.Items.TryRemove(PlayerKey, out _);
        socket.Items.TryRemove(FamilyKey, out _);
        socket.Items.TryRemove(RedwoodTelemetry.PlayerItem, out _);
    }

    public static string? PlayerOf(SocketIOSocket socket) =>
        socket.Items.TryGetValue(PlayerKey, out var value) ? value as string : null;

    public static string? SessionFamilyOf(SocketIOSocket socket) =>
        socket.Items.TryGetValue(FamilyKey, out var value) ? value as string : null;

    /// <summary>The socket's player; refuses when not logged in or when <paramref name="claimed"/> names someone else.</summary>
    public static string RequirePlayer(SocketRequest request, string? claimed)
    {
        var player = PlayerOf(request.Socket) ?? throw new RequestRefusedException(NotLoggedIn);
        if (!string.IsNullOrEmpty(claimed) && claimed != player)
        {
            throw new RequestRefusedException(WrongPlayer);
        }

        return player;
    }

    /// <summary>
    /// The key per-address limits count the client under: IPv4-mapped addresses as IPv4, so both forms count as one
    /// client, and IPv6 by its /64, which one subscriber usually owns whole.
    /// </summary>
    public static string? AddressOf(SocketIOSocket socket) =>
        socket.RemoteEndPoint?.Address is { } address ? ClientAddress.KeyOf(address) : null;
}
