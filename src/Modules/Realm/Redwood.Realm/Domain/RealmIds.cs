using System.Security.Cryptography;

namespace Redwood.Realm.Domain;

/// <summary>Identifiers: cuid-like ids for rows, short codes for private proxies.</summary>
internal static class RealmIds
{
    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    // No 0/O, 1/I/L: short codes are read aloud and typed by players.
    private const string ShortCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    /// <summary>A 25-character lower-case id starting with a letter (usable as an XMPP JID local part).</summary>
    public static string NewId() => "c" + RandomNumberGenerator.GetString(IdAlphabet, 24);

    /// <summary>A 6-character short code.</summary>
    public static string NewShortCode() => RandomNumberGenerator.GetString(ShortCodeAlphabet, 6);
}
