using System.Security.Cryptography;
using System.Text;

namespace Redwood.Realm.GameServers;

/// <summary>One-time join tokens: 256 random bits, sent once to the player, stored only as a SHA-256 hash.</summary>
internal static class JoinTokens
{
    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
