using Mediator;

namespace Redwood.Director.Contracts;

/// <summary>
/// Sent by a Realm process at start-up (and retried until answered) so the Director lists it with the URI it really
/// bound. Answered by the Director module; a wrong secret is refused and logged.
/// </summary>
/// <param name="RealmId">The realm id (<c>Redwood:Realm:Id</c>).</param>
/// <param name="Secret">The shared secret configured for that realm on both sides.</param>
/// <param name="Name">Display name.</param>
/// <param name="Uri">The Realm Frontend URI players connect to.</param>
public sealed record SignInRealm(string RealmId, string Secret, string Name, string Uri) : IRequest<SignInRealmReply>;

/// <summary>Why a realm sign-in was refused.</summary>
public enum SignInRealmError
{
    /// <summary>Signed in.</summary>
    None,

    /// <summary>The Director does not know this realm id.</summary>
    UnknownRealm,

    /// <summary>The secret does not match.</summary>
    WrongSecret,
}

/// <summary>The Director's answer to <see cref="SignInRealm"/>.</summary>
/// <param name="Error">None on success.</param>
public sealed record SignInRealmReply(SignInRealmError Error);

/// <summary>
/// Sent by a Realm when a player presents a hand-off token. Answered by the Director module, which checks that the
/// token was minted for this player and realm, has not expired, and consumes it: a token succeeds exactly once.
/// </summary>
/// <param name="PlayerId">The player the token claims to be for.</param>
/// <param name="RealmId">The realm asking.</param>
/// <param name="Token">The token the player presented.</param>
public sealed record ConsumeRealmHandoffToken(string PlayerId, string RealmId, string Token) : IRequest<ConsumeRealmHandoffTokenReply>;

/// <summary>Why a hand-off token was refused.</summary>
public enum HandoffTokenError
{
    /// <summary>Accepted and consumed.</summary>
    None,

    /// <summary>Unknown, already used, or minted for another player.</summary>
    InvalidToken,

    /// <summary>Minted for another realm.</summary>
    WrongRealm,

    /// <summary>Past its expiry.</summary>
    Expired,
}

/// <summary>The Director's answer to <see cref="ConsumeRealmHandoffToken"/>; player details only on success.</summary>
/// <param name="Error">None on success.</param>
/// <param name="Nickname">The player's nickname.</param>
/// <param name="Role">The player's role (100 = admin).</param>
/// <param name="PlayerData">The player's <c>data</c> object as JSON text.</param>
public sealed record ConsumeRealmHandoffTokenReply(HandoffTokenError Error, string? Nickname, int Role, string? PlayerData);

/// <summary>Published by the Director after a realm signed in; carries the URI the Director now lists.</summary>
/// <param name="RealmId">The realm id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Uri">The signed-in URI.</param>
public sealed record RealmSignedIn(string RealmId, string Name, string Uri) : INotification;
