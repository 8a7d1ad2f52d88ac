using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Redwood.Director.Domain;

/// <summary>The outcome of checking a password against a stored hash.</summary>
internal enum PasswordCheck
{
    Failed,
    Success,

    /// <summary>Correct, but hashed with weaker parameters than configured now: store a new hash.</summary>
    SuccessRehashNeeded,
}

/// <summary>
/// PBKDF2-HMAC-SHA512 with a per-user random salt, encoded as <c>pbkdf2-sha512$iterations$salt$hash</c> so the
/// parameters travel with the hash and raising them rehashes on the next login. Hashing is CPU-bound by design, so at
/// most <see cref="AuthSettings.HashConcurrency"/> hashes run at once: a flood of logins queues here instead of
/// starving every other request of thread-pool threads.
/// </summary>
internal sealed class PasswordHasher(AuthSettings settings) : IDisposable
{
    private const string Scheme = "pbkdf2-sha512";
    private const int SaltLength = 16;
    private readonly SemaphoreSlim _slots = new(settings.HashConcurrency, settings.HashConcurrency);
    private readonly Lazy<string> _dummy = new(() => Encode(settings.Pbkdf2Iterations, RandomNumberGenerator.GetBytes(SaltLength),
        RandomNumberGenerator.GetBytes(settings.Pbkdf2HashLength)));

    public async Task<string> HashAsync(string password, CancellationToken cancellationToken)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        var hash = await DeriveAsync(password, salt, settings.Pbkdf2Iterations, settings.Pbkdf2HashLength, cancellationToken);
        return Encode(settings.Pbkdf2Iterations, salt, hash);
    }

    public async Task<PasswordCheck> VerifyAsync(string password, string encoded, CancellationToken cancellationToken)
    {
        if (!TryDecode(encoded, out var iterations, out var salt, out var expected))
        {
            return PasswordCheck.Failed;
        }

        var actual = await DeriveAsync(password, salt, iterations, expected.Length, cancellationToken);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            return PasswordCheck.Failed;
        }

        return iterations < settings.Pbkdf2Iterations || expected.Length != settings.Pbkdf2HashLength
            ? PasswordCheck.SuccessRehashNeeded
            : PasswordCheck.Success;
    }

    /// <summary>Spends the same work as a real check, so an unknown username answers as slowly as a known one.</summary>
    public async Task VerifyNothingAsync(string password, CancellationToken cancellationToken) =>
        await VerifyAsync(password, _dummy.Value, cancellationToken);

    public void Dispose() => _slots.Dispose();

    public static bool TryDecode(string encoded, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = encoded.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations < 1)
        {
            return false;
        }

        try
        {
            salt = Convert.FromBase64String(parts[2]);
            hash = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        return salt.Length > 0 && hash.Length > 0;
    }

    private static string Encode(int iterations, byte[] salt, byte[] hash) =>
        string.Create(CultureInfo.InvariantCulture, $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");

    private async Task<byte[]> DeriveAsync(string password, byte[] salt, int iterations, int length, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            return Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, length);
        }
        finally
        {
            _slots.Release();
        }
    }
}
