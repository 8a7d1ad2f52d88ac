using Mediator;

namespace Redwood.Director.Contracts;

/// <summary>Published by the Director after a new account was stored.</summary>
/// <param name="PlayerId">The new player's id.</param>
/// <param name="Username">The username as typed.</param>
public sealed record PlayerRegistered(string PlayerId, string Username) : INotification;

/// <summary>
/// Published by the Director when a player logged out (their session token is revoked), or when a session family was
/// revoked because a rotated-out token was reused. Every Realm replica ends that player's Realm sessions, because the
/// plugin logs out of both; every Director replica logs out its sockets of <see cref="SessionFamily"/>.
/// </summary>
/// <param name="PlayerId">The player.</param>
public sealed record PlayerLoggedOut(string PlayerId) : INotification
{
    /// <summary>The revoked session family (null from publishers that predate it).</summary>
    public string? SessionFamily { get; init; }
}

/// <summary>
/// Published by the Director after a player's nickname or <c>data</c> (the parts of PlayerData it owns) changed, for
/// example when a JWT login carries a new <c>name</c>. Every Realm that knows the player stores the new values and tells
/// the game servers the player is on (<c>realm:players:data-changed</c>); handling it twice is harmless.
/// </summary>
/// <param name="PlayerId">The player.</param>
/// <param name="Nickname">The nickname now.</param>
/// <param name="Data">The player's <c>data</c> object now, as JSON text.</param>
public sealed record PlayerProfileChanged(string PlayerId, string Nickname, string Data) : INotification;
