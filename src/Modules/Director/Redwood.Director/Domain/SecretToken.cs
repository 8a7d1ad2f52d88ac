using System.Security.Cryptography;
using System.Text;

namespace Redwood.Director.Domain;

/// <summary>Random bearer tokens (session and hand-off) and the hash under which they are stored.</summary>
internal static class SecretToken
{
    /// <summary>256 random bits, base64url (43 characters).</summary>
    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>SHA-256 of the token text, lower-case hex: a fast hash is enough for 256-bit random values.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>
    /// True when <paramref name="secret"/> could be a token from <see cref="New"/> (43 base64url characters): anything
    /// else is a password, and the token lookup can be skipped.
    /// </summary>
    public static bool IsWellFormed(string secret) =>
        secret.Length == 43 && secret.AsSpan().IndexOfAnyExcept(TokenAlphabet) < 0;

    /// <summary>Compares two secrets in constant time.</summary>
    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static readonly System.Buffers.SearchValues<char> TokenAlphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
