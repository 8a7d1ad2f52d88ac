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
