using Mediator;

namespace Redwood.Director.Contracts;

/// <summary>Published by the Director after a new account was stored.</summary>
/// <param name="PlayerId">The new player's id.</param>
/// <param name="Username">The username as typed.</param>
public sealed record PlayerRegistered(string PlayerId, string Username) : INotification;

/// <summary>
/// Published by the Director when a player logged out (their session token is revoked). Every Realm replica ends
/// that player's Realm sessions, because the plugin logs out of both.
/// </summary>
/// <param name="PlayerId">The player.</param>
public sealed record PlayerLoggedOut(string PlayerId) : INotification;
