using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Redwood.SharedKernel.Transport;
using Redwood.SocketIO.Diagnostics;

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
/// starving every other request of thread-pool threads. The queue is bounded (<see cref="QueueLimit"/>): beyond it a
/// request is refused at once with <see cref="BusyMessage"/> rather than waiting longer than a client would, and a
/// request whose client has gone is dropped before its hash starts.
/// </summary>
internal sealed class PasswordHasher : IDisposable
{
    /// <summary>What a login or registration beyond the queue gets (an ack <c>error</c>).</summary>
    public const string BusyMessage = "Server busy, try again";

    /// <summary>The default queue holds about this much hashing work.</summary>
    public static readonly TimeSpan DefaultQueueWork = TimeSpan.FromSeconds(2);

    private const string Scheme = "pbkdf2-sha512";
    private const int SaltLength = 16;
    private readonly AuthSettings _settings;
    private readonly SemaphoreSlim _slots;
    private readonly Lazy<string> _dummy;
    private readonly Lazy<int> _queueLimit;
    private readonly ILogger _logger;
    private readonly LogThrottle _busyLog = new(TimeSpan.FromMinutes(1));
    private int _pending;
    private int _running;
    private long _computed;

    public PasswordHasher(AuthSettings settings, ILogger<PasswordHasher>? logger = null)
    {
        _settings = settings;
        _logger = logger ?? NullLogger<PasswordHasher>.Instance;
        _slots = new SemaphoreSlim(settings.HashConcurrency, settings.HashConcurrency);
        _dummy = new(() => Encode(settings.Pbkdf2Iterations, RandomNumberGenerator.GetBytes(SaltLength), RandomNumberGenerator.GetBytes(settings.Pbkdf2HashLength)));
        _queueLimit = new(() => settings.HashQueueLimit > 0 ? settings.HashQueueLimit : Calibrate(settings));
    }

    /// <summary>Hashes that may wait for a slot (<c>Auth:HashQueueLimit</c>, or about two seconds of work when 0).</summary>
    public int QueueLimit => _queueLimit.Value;

    /// <summary>Hashes waiting or running now.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Hashes actually computed so far (work dropped or refused is not counted).</summary>
    public long Computed => Interlocked.Read(ref _computed);

    public async Task<string> HashAsync(string password, CancellationToken cancellationToken)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        var hash = await DeriveAsync(password, salt, _settings.Pbkdf2Iterations, _settings.Pbkdf2HashLength, cancellationToken);
        return Encode(_settings.Pbkdf2Iterations, salt, hash);
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

        return iterations < _settings.Pbkdf2Iterations || expected.Length != _settings.Pbkdf2HashLength
            ? PasswordCheck.SuccessRehashNeeded
            : PasswordCheck.Success;
    }

    /// <summary>Spends the same work as a real check, so an unknown username answers as slowly as a known one.</summary>
    public async Task VerifyNothingAsync(string password, CancellationToken cancellationToken) =>
        await VerifyAsync(password, _dummy.Value, cancellationToken);

    /// <summary>
    /// Waits (up to ten seconds) for hashes already running, so shutdown lets them finish. The semaphore is left to the
    /// GC: a request still releasing its slot must not meet a disposed one.
    /// </summary>
    public void Dispose()
    {
        var deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        while (Volatile.Read(ref _running) > 0 && Stopwatch.GetTimestamp() < deadline)
        {
            Thread.Sleep(10);
        }
    }

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

    /// <summary>About <see cref="DefaultQueueWork"/> of hashing at the configured cost, measured once on this machine.</summary>
    private static int Calibrate(AuthSettings settings)
    {
        // The first call loads the crypto library and compiles the path: it says nothing of the steady cost. The
        // quickest of a few warm calls does (a busy machine only makes a call slower, never quicker).
        var one = TimeSpan.MaxValue;
        for (var i = 0; i < 4; i++)
        {
            var started = Stopwatch.GetTimestamp();
            Rfc2898DeriveBytes.Pbkdf2("calibration"u8, new byte[SaltLength], settings.Pbkdf2Iterations, HashAlgorithmName.SHA512, settings.Pbkdf2HashLength);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (i > 0 && elapsed < one)
            {
                one = elapsed;
            }
        }

        var perSlot = DefaultQueueWork / (one > TimeSpan.FromMicroseconds(1) ? one : TimeSpan.FromMicroseconds(1));
        return (int)Math.Clamp(perSlot * settings.HashConcurrency, settings.HashConcurrency, 100_000);
    }

    private async Task<byte[]> DeriveAsync(string password, byte[] salt, int iterations, int length, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _pending) > QueueLimit + _settings.HashConcurrency)
        {
            Interlocked.Decrement(ref _pending);
            if (_busyLog.ShouldLog("queue", out var suppressed))
            {
                Log.HashQueueFull(_logger, QueueLimit, suppressed);
            }

            throw new RequestRefusedException(BusyMessage);
        }

        try
        {
            await _slots.WaitAsync(cancellationToken);
        }
        catch
        {
            Interlocked.Decrement(ref _pending);
            throw;
        }

        try
        {
            // The slot may have been granted just as the client left: drop the work before it starts.
            cancellationToken.ThrowIfCancellationRequested();
            Interlocked.Increment(ref _running);
            try
            {
                var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, length);
                Interlocked.Increment(ref _computed);
                return hash;
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }
        finally
        {
            _slots.Release();
            Interlocked.Decrement(ref _pending);
        }
    }
}
