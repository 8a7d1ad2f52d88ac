using System.Text;
using Redwood.SharedKernel.Persistence;

namespace Redwood.Director.Domain;

/// <summary>
/// Username uniqueness: NFKC (so compatibility twins such as fullwidth <c>ｖｉｃ</c> or ligatures fold into their plain
/// form), then <see cref="NormalizedKey"/> (NFC, upper case). Accounts stored before the NFKC step keep their key, so
/// lookups try both; for ordinary names the two are the same string.
/// </summary>
internal static class UsernameKey
{
    public static string For(string username) => NormalizedKey.For(username.Normalize(NormalizationForm.FormKC));

    /// <summary>The key accounts registered before NFKC folding were stored under.</summary>
    public static string Legacy(string username) => NormalizedKey.For(username);
}

/// <summary>A player account (PlayerIdentity, §4.1): one per local username or per external provider subject.</summary>
internal sealed class PlayerIdentity
{
    /// <summary>Role of a system administrator.</summary>
    public const int AdminRole = 100;

    /// <summary>Role of an ordinary player.</summary>
    public const int PlayerRole = 0;

    /// <summary>A 32-character hex id: never contains <c>:</c> and is usable as an XMPP local part.</summary>
    public required string Id { get; init; }

    /// <summary>The username as typed at registration; null for identities of external providers.</summary>
    public string? Username { get; set; }

    /// <summary><see cref="Domain.UsernameKey"/> of <see cref="Username"/>; unique.</summary>
    public string? UsernameKey { get; set; }

    public required string Nickname { get; set; }

    public int Role { get; set; }

    /// <summary>The <c>data</c> object of PlayerData (§4.4) as JSON text.</summary>
    public string Data { get; set; } = "{}";

    /// <summary>Encoded PBKDF2 hash with its parameters (see <see cref="PasswordHasher"/>); null without a password.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>The provider that created the identity (<c>local</c>, <c>jwt</c>).</summary>
    public required string Provider { get; init; }

    /// <summary>The provider's id of the account (the JWT claim); null for local accounts. Unique per provider.</summary>
    public string? ProviderSubject { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; set; }

    public static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>A new account with a local username and password; the nickname starts as the username.</summary>
    public static PlayerIdentity NewLocal(string username, int role, string passwordHash, DateTime now) => new()
    {
        Id = NewId(),
        Username = username,
        UsernameKey = Domain.UsernameKey.For(username),
        Nickname = username,
        Role = role,
        PasswordHash = passwordHash,
        Provider = LoginProviders.Local,
        CreatedAt = now,
        UpdatedAt = now,
    };
}

/// <summary>
/// One session token. A login with a token rotates it: the successor joins the same family and the old token keeps
/// working for a short grace period (a reconnect may race a second request). Logout revokes the whole family.
/// </summary>
internal sealed class PlayerSession
{
    public required string Id { get; init; }

    public required string FamilyId { get; init; }

    public required string PlayerId { get; init; }

    /// <summary>SHA-256 of the token (hex); the token itself is never stored.</summary>
    public required string TokenHash { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime ExpiresAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}

/// <summary>A one-time token that lets a player connect to one realm (§3.9).</summary>
internal sealed class RealmHandoffToken
{
    /// <summary>SHA-256 of the token (hex).</summary>
    public required string TokenHash { get; init; }

    public required string PlayerId { get; init; }

    public required string RealmId { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime ExpiresAt { get; init; }

    public DateTime? ConsumedAt { get; set; }
}

/// <summary>What a realm reported when it signed in: the URI it really bound. Shared by Director replicas.</summary>
internal sealed class RealmSignIn
{
    public required string RealmId { get; init; }

    public required string Name { get; set; }

    public required string Uri { get; set; }

    /// <summary>The first sign-in (the realm's <c>createdAt</c>).</summary>
    public DateTime CreatedAt { get; init; }

    /// <summary>The latest sign-in (the realm's <c>updatedAt</c>).</summary>
    public DateTime UpdatedAt { get; set; }
}

/// <summary>One version of the Director's global data (§4.9); the latest non-archived one is served.</summary>
internal sealed class GlobalDataVersion
{
    public int Id { get; init; }

    /// <summary>The data object as JSON text.</summary>
    public required string Data { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime? ArchivedAt { get; set; }
}
