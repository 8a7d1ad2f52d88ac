using Redwood.SharedKernel.Ephemeral;
using Redwood.SocketIO.Diagnostics;

namespace Redwood.Director.Domain;

/// <summary>The failure counters one password (or JWT) check holds until it is known to have succeeded.</summary>
internal sealed record LoginReservation(IReadOnlyList<string> Keys);

/// <summary>
/// Failed-login limits that an attacker can neither race nor turn against the owner. A check reserves a unit of each
/// counter before any hashing (one atomic step in the shared store), so however many attempts arrive at once at most
/// the limit of passwords is checked per window; a success gives its units back. Counters: per address, per
/// (account, address) and per account; the per-account one is skipped for an address that logged in to that account
/// before, so guesses from elsewhere cannot lock the owner out of their usual place. Token logins never reach here.
/// </summary>
internal sealed class LoginLimiter(IEphemeralStore store, AuthSettings settings, TimeProvider time)
{
    private const string Prefix = "director:login-failures:";

    private readonly LogThrottle _refusalLog = new(settings.FailedLoginWindow, time: time);

    /// <summary>Reserves one failure of every applicable counter; null when one of them is exhausted.</summary>
    public async Task<LoginReservation?> TryReserveAsync(string? account, string? address, CancellationToken cancellationToken)
    {
        var counters = new List<(string Key, int Limit)>(3);
        if (address is not null)
        {
            counters.Add((Prefix + "address:" + address, settings.MaxFailedLoginsPerAddress));
        }

        if (account is not null)
        {
            if (address is not null)
            {
                counters.Add((Prefix + "user-address:" + account + "|" + address, settings.MaxFailedLoginsPerUsername));
            }

            if (address is null || !await IsKnownAsync(account, address, cancellationToken))
            {
                counters.Add((Prefix + "user:" + account, settings.MaxFailedLoginsPerUsername));
            }
        }

        var taken = new List<string>(counters.Count);
        foreach (var (key, limit) in counters)
        {
            if (!await store.TryReserveAsync(key, limit, settings.FailedLoginWindow, cancellationToken))
            {
                await ReleaseAsync(new LoginReservation(taken));
                return null;
            }

            taken.Add(key);
        }

        return new LoginReservation(taken);
    }

    /// <summary>Gives the units back (the check succeeded, or never ran because the client left).</summary>
    public async Task ReleaseAsync(LoginReservation reservation)
    {
        foreach (var key in reservation.Keys)
        {
            await store.ReleaseAsync(key, CancellationToken.None);
        }
    }

    /// <summary>Remembers that <paramref name="address"/> logged in to <paramref name="account"/> (for a session lifetime).</summary>
    public Task RememberAsync(string account, string? address, CancellationToken cancellationToken) =>
        address is null
            ? Task.CompletedTask
            : store.SetAsync(KnownKey(account, address), "1", settings.SessionLifetime, cancellationToken);

    /// <summary>At most one refusal line per address per window; <paramref name="suppressed"/> counts the others.</summary>
    public bool ShouldLogRefusal(string? address, out int suppressed) => _refusalLog.ShouldLog(address ?? "unknown", out suppressed);

    private async Task<bool> IsKnownAsync(string account, string address, CancellationToken cancellationToken) =>
        await store.GetAsync(KnownKey(account, address), cancellationToken) is not null;

    private static string KnownKey(string account, string address) => "director:login-known:" + account + "|" + address;
}
