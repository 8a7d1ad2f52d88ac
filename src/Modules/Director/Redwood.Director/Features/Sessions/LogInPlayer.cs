using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Redwood.Director.Contracts;
using Redwood.Director.Domain;
using Redwood.Director.Persistence;
using Redwood.SharedKernel.Ephemeral;
using Redwood.SharedKernel.Text;
using Redwood.SharedKernel.Persistence;

namespace Redwood.Director.Features.Sessions;

/// <summary>
/// <c>player:login:username</c> (§3.2, §3.3, §3.6). With <c>local</c> the secret is a password or a session token
/// (then <paramref name="Username"/> may also be the player id); with <c>jwt</c> it is the game's JWT. Every success
/// issues a new session token; a token login rotates the presented token.
/// </summary>
/// <param name="ClientAddress">The client's IP address, for the per-address failure limit.</param>
internal sealed record LogInPlayerCommand(string Username, string Secret, string Provider, string? ClientAddress)
    : ICommand<LogInPlayerResult>;

internal enum LogInError
{
    None,
    InvalidCredentials,
    TooManyAttempts,
    UnknownProvider,
    ProviderNotAllowed,
    ProviderNotConfigured,
    InvalidName,
}

/// <param name="SessionFamily">The session family the new token belongs to; logout revokes that family.</param>
internal sealed record LogInPlayerResult(LogInError Error, string PlayerId, string Token, string Nickname, string SessionFamily)
{
    public static LogInPlayerResult Failed(LogInError error) => new(error, string.Empty, string.Empty, string.Empty, string.Empty);
}

internal sealed class LogInPlayerValidator : AbstractValidator<LogInPlayerCommand>
{
    public LogInPlayerValidator()
    {
        RuleFor(c => c.Username).MaximumLength(256).WithMessage("Username is too long");
        RuleFor(c => c.Username).NotEmpty().WithMessage("Username is required").When(c => c.Provider == LoginProviders.Local);
        RuleFor(c => c.Secret).Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Secret is required")
            .MaximumLength(8192).WithMessage("Secret is too long");
        RuleFor(c => c.Provider).NotEmpty().WithMessage("Provider is required");
    }
}

internal sealed class LogInPlayerHandler(
    DirectorDbContext db,
    DirectorSettings settings,
    PasswordHasher hasher,
    JwtIdentityReader jwt,
    LoginLimiter limiter,
    DirectorMetrics metrics,
    IEphemeralStore store,
    IPublisher publisher,
    TimeProvider time,
    ILogger<LogInPlayerHandler> logger) : ICommandHandler<LogInPlayerCommand, LogInPlayerResult>
{
    // Compiled: a login is the Director's most frequent read.
    private static readonly CompiledPerModel<Func<DirectorDbContext, string, string, CancellationToken, Task<PlayerIdentity?>>> PlayerByUsername = new(() =>
        EF.CompileAsyncQuery((DirectorDbContext db, string key, string legacy, CancellationToken _) =>
            db.Players.FirstOrDefault(p => p.UsernameKey == key || p.UsernameKey == legacy)));

    private AuthSettings Auth => settings.Auth;

    public async ValueTask<LogInPlayerResult> Handle(LogInPlayerCommand command, CancellationToken cancellationToken)
    {
        var provider = command.Provider.Trim().ToLowerInvariant();
        if (!LoginProviders.Known.Contains(provider))
        {
            return LogInPlayerResult.Failed(LogInError.UnknownProvider);
        }

        var now = time.GetUtcNow().UtcDateTime;

        // A session token first, outside every failure limit: it costs no hash, cannot be guessed, and is what the
        // plugin's auto-login and reconnect send (with the player id as username), so nobody can lock it out.
        var attempt = provider == LoginProviders.Local ? await TokenLoginAsync(command, now, cancellationToken) : null;
        if (attempt is null)
        {
            var account = provider == LoginProviders.Local ? UsernameKey.For(command.Username) : null;
            var reservation = await limiter.TryReserveAsync(account, command.ClientAddress, cancellationToken);
            if (reservation is null)
            {
                if (limiter.ShouldLogRefusal(command.ClientAddress, out var suppressed))
                {
                    Log.LoginThrottled(logger, provider, command.ClientAddress, suppressed);
                }

                metrics.LoginFailed(LogInError.TooManyAttempts);
                return LogInPlayerResult.Failed(LogInError.TooManyAttempts);
            }

            try
            {
                attempt = provider == LoginProviders.Jwt
                    ? await JwtLoginAsync(command, now, cancellationToken)
                    : await PasswordLoginAsync(command, now, cancellationToken);
            }
            catch
            {
                // The check never finished (the client left, the server is busy or failing): it was no guess.
                await limiter.ReleaseAsync(reservation);
                throw;
            }

            if (attempt.Error == LogInError.None)
            {
                await limiter.ReleaseAsync(reservation);
            }
        }

        var (error, player, family, method) = attempt;
        if (error != LogInError.None || player is null)
        {
            Log.LoginFailed(logger, provider, error, command.ClientAddress);
            metrics.LoginFailed(error);
            return LogInPlayerResult.Failed(error);
        }

        var token = SecretToken.New();
        var sessionFamily = family ?? Guid.NewGuid().ToString("N");
        db.Sessions.Add(new PlayerSession
        {
            Id = Guid.NewGuid().ToString("N"),
            FamilyId = sessionFamily,
            PlayerId = player.Id,
            TokenHash = SecretToken.Hash(token),
            CreatedAt = now,
            ExpiresAt = now + Auth.SessionLifetime,
        });
        var profileChanged = db.Entry(player).Property(p => p.Nickname).IsModified;
        await db.SaveChangesAsync(cancellationToken);
        if (profileChanged)
        {
            await publisher.Publish(new PlayerProfileChanged(player.Id, player.Nickname, player.Data), cancellationToken);
        }

        if (player.UsernameKey is { } usernameKey)
        {
            await limiter.RememberAsync(usernameKey, command.ClientAddress, cancellationToken);
        }

        Log.PlayerLoggedIn(logger, player.Id, provider, method, command.ClientAddress);
        return new LogInPlayerResult(LogInError.None, player.Id, token, player.Nickname, sessionFamily);
    }

    private async Task<Attempt?> TokenLoginAsync(LogInPlayerCommand command, DateTime now, CancellationToken cancellationToken)
    {
        var session = SecretToken.IsWellFormed(command.Secret)
            ? await db.Sessions.FirstOrDefaultAsync(s => s.TokenHash == SecretToken.Hash(command.Secret), cancellationToken)
            : null;
        if (session is not { RevokedAt: null })
        {
            return null;
        }

        var owner = await db.Players.FirstOrDefaultAsync(p => p.Id == session.PlayerId, cancellationToken);
        if (owner is null || !IsNamedBy(owner, command.Username))
        {
            return null;
        }

        var rotatedOut = await db.Sessions.AnyAsync(s => s.FamilyId == session.FamilyId && s.CreatedAt > session.CreatedAt, cancellationToken);
        if (!rotatedOut)
        {
            if (session.ExpiresAt <= now)
            {
                return null;
            }

            // Rotation: the presented token stays valid only for the grace period, so a client that lost the answer
            // (or a request racing the reconnect) can still use it once.
            var graceEnd = now + Auth.TokenRotationGrace;
            if (session.ExpiresAt > graceEnd)
            {
                session.ExpiresAt = graceEnd;
            }

            return new Attempt(LogInError.None, owner, session.FamilyId, "token");
        }

        // A rotated-out token is accepted once more inside its grace; any further use, or a use after the grace,
        // means two parties hold the family's tokens: end the family (RFC 9700 refresh-token reuse detection).
        if (session.ExpiresAt > now
            && await store.SetIfAbsentAsync("director:grace-used:" + session.Id, "1", Auth.TokenRotationGrace, cancellationToken))
        {
            return new Attempt(LogInError.None, owner, session.FamilyId, "token (grace)");
        }

        await SessionFamilies.RevokeAsync(db, publisher, owner.Id, session.FamilyId, now, cancellationToken);
        Log.TokenReuseDetected(logger, owner.Id, command.ClientAddress);
        return new Attempt(LogInError.InvalidCredentials, null, null, string.Empty);
    }

    private async Task<Attempt> PasswordLoginAsync(LogInPlayerCommand command, DateTime now, CancellationToken cancellationToken)
    {
        if (!Auth.AllowedProviders.Contains(LoginProviders.Local))
        {
            return new Attempt(LogInError.ProviderNotAllowed, null, null, string.Empty);
        }

        var key = UsernameKey.For(command.Username);
        var legacy = UsernameKey.Legacy(command.Username);
        var player = await PlayerByUsername.For(db)(db, key, legacy, cancellationToken);
        if (player?.PasswordHash is null)
        {
            await hasher.VerifyNothingAsync(command.Secret, cancellationToken);
            return new Attempt(LogInError.InvalidCredentials, null, null, string.Empty);
        }

        switch (await hasher.VerifyAsync(command.Secret, player.PasswordHash, cancellationToken))
        {
            case PasswordCheck.Failed:
                return new Attempt(LogInError.InvalidCredentials, null, null, string.Empty);
            case PasswordCheck.SuccessRehashNeeded:
                player.PasswordHash = await hasher.HashAsync(command.Secret, cancellationToken);
                player.UpdatedAt = now;
                Log.PasswordRehashed(logger, player.Id, Auth.Pbkdf2Iterations);
                break;
        }

        return new Attempt(LogInError.None, player, null, "password");
    }

    private async Task<Attempt> JwtLoginAsync(LogInPlayerCommand command, DateTime now, CancellationToken cancellationToken)
    {
        if (!Auth.AllowedProviders.Contains(LoginProviders.Jwt))
        {
            return new Attempt(LogInError.ProviderNotAllowed, null, null, string.Empty);
        }

        if (!Auth.Jwt.Enabled)
        {
            return new Attempt(LogInError.ProviderNotConfigured, null, null, string.Empty);
        }

        if (await jwt.ReadAsync(command.Secret, cancellationToken) is not { } identity)
        {
            return new Attempt(LogInError.InvalidCredentials, null, null, string.Empty);
        }

        var player = await FindJwtPlayerAsync(identity.Subject, cancellationToken);
        if (player is null)
        {
            var nickname = identity.Name ?? identity.Subject;
            if (!DisplayText.IsAllowed(nickname))
            {
                return new Attempt(LogInError.InvalidName, null, null, string.Empty);
            }

            player = new PlayerIdentity
            {
                Id = PlayerIdentity.NewId(),
                Nickname = Clip(nickname),
                Role = PlayerIdentity.PlayerRole,
                Provider = LoginProviders.Jwt,
                ProviderSubject = identity.Subject,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Players.Add(player);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await publisher.Publish(new PlayerRegistered(player.Id, player.Nickname), cancellationToken);
            }
            catch (DbUpdateException)
            {
                // A concurrent first login of the same subject created it; the unique index decided.
                db.ChangeTracker.Clear();
                player = await FindJwtPlayerAsync(identity.Subject, cancellationToken) ?? throw new InvalidOperationException(
                    "The JWT identity could not be stored.");
            }
        }
        else if (identity.Name is { Length: > 0 } name && DisplayText.IsAllowed(name) && Clip(name) != player.Nickname)
        {
            // The identity provider owns the display name: a later login carries its current one (saved with the
            // session below; realms and game servers are told).
            player.Nickname = Clip(name);
            player.UpdatedAt = now;
        }

        return new Attempt(LogInError.None, player, null, "jwt");
    }

    private static string Clip(string nickname) => nickname.Length > 64 ? nickname[..64] : nickname;

    private Task<PlayerIdentity?> FindJwtPlayerAsync(string subject, CancellationToken cancellationToken) =>
        db.Players.FirstOrDefaultAsync(p => p.Provider == LoginProviders.Jwt && p.ProviderSubject == subject, cancellationToken);

    /// <summary>A token login names its player by username or by id; identities without a username accept any name.</summary>
    private static bool IsNamedBy(PlayerIdentity player, string username) =>
        player.Id == username || player.UsernameKey is null
        || player.UsernameKey == UsernameKey.For(username) || player.UsernameKey == UsernameKey.Legacy(username);

    private sealed record Attempt(LogInError Error, PlayerIdentity? Player, string? Family, string Method);
}
