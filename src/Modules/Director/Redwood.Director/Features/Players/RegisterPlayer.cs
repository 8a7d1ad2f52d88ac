using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Redwood.Director.Contracts;
using Redwood.Director.Domain;
using Redwood.Director.Persistence;
using Redwood.SharedKernel.Ephemeral;
using Redwood.SocketIO.Diagnostics;
using Redwood.SharedKernel.Persistence;

namespace Redwood.Director.Features.Players;

/// <summary>
/// <c>player:register:username</c>: creates a local account. It does not log in (§3.1). A taken name costs the same
/// password hash as a new one and is answered no sooner (see <see cref="RegistrationTiming"/>), so answer times do not
/// tell which names exist; attempts are limited per address.
/// </summary>
/// <param name="ClientAddress">The client's address key, for the per-address registration limit (null: not limited).</param>
internal sealed record RegisterPlayerCommand(string Username, string Password, string? ClientAddress = null) : ICommand<RegisterPlayerResult>;

internal enum RegisterPlayerError
{
    None,
    UsernameTaken,
    TooManyRegistrations,
}

internal sealed record RegisterPlayerResult(RegisterPlayerError Error, string PlayerId);

internal sealed class RegisterPlayerValidator : AbstractValidator<RegisterPlayerCommand>
{
    public RegisterPlayerValidator(DirectorSettings settings)
    {
        RuleFor(c => c.Username).SetValidator(new UsernameValidator(settings.Auth));
        RuleFor(c => c.Password).SetValidator(new PasswordValidator(settings.Auth));
        RuleFor(c => c.Password)
            .Must((command, password) => !string.Equals(password, command.Username, StringComparison.OrdinalIgnoreCase))
            .When(c => !string.IsNullOrEmpty(c.Password))
            .WithMessage("Password must not be the username");
    }
}

/// <summary>Username rules shared by registration and the configured admin account.</summary>
internal sealed class UsernameValidator : AbstractValidator<string>
{
    public UsernameValidator(AuthSettings settings)
    {
        RuleFor(u => u)
            .Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Username is required")
            .Length(settings.UsernameMinLength, settings.UsernameMaxLength)
            .WithMessage($"Username must be {settings.UsernameMinLength} to {settings.UsernameMaxLength} characters")
            .Must(u => !u.Contains(':', StringComparison.Ordinal)).WithMessage("Username must not contain ':'")
            .Must(u => u.Normalize(System.Text.NormalizationForm.FormKC).Length <= settings.UsernameMaxLength)
            .WithMessage($"Username must be {settings.UsernameMinLength} to {settings.UsernameMaxLength} characters")
            .Must(u => u.All(ch => char.IsLetterOrDigit(ch) || settings.UsernameSymbols.Contains(ch, StringComparison.Ordinal)))
            .WithMessage(settings.UsernameSymbols.Length == 0
                ? "Username may only contain letters and digits"
                : $"Username may only contain letters, digits and {string.Join(' ', settings.UsernameSymbols.ToCharArray())}");
    }
}

/// <summary>Password rules (<c>Redwood:Director:Auth:Password*</c>).</summary>
internal sealed class PasswordValidator : AbstractValidator<string>
{
    public PasswordValidator(AuthSettings settings)
    {
        RuleFor(p => p)
            .Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Password is required")
            .Length(settings.PasswordMinLength, settings.PasswordMaxLength)
            .WithMessage($"Password must be {settings.PasswordMinLength} to {settings.PasswordMaxLength} characters");
        RuleFor(p => p).Must(p => p.Any(char.IsLetter)).WithMessage("Password must contain a letter")
            .When(p => settings.PasswordRequireLetter && !string.IsNullOrEmpty(p));
        RuleFor(p => p).Must(p => p.Any(char.IsDigit)).WithMessage("Password must contain a digit")
            .When(p => settings.PasswordRequireDigit && !string.IsNullOrEmpty(p));
    }
}

internal sealed class RegisterPlayerHandler(
    DirectorDbContext db,
    PasswordHasher hasher,
    RegistrationTiming timing,
    IEphemeralStore store,
    AuthSettings auth,
    IPublisher publisher,
    TimeProvider time,
    ILogger<RegisterPlayerHandler> logger)
    : ICommandHandler<RegisterPlayerCommand, RegisterPlayerResult>
{
    private static readonly LogThrottle RefusalLog = new(TimeSpan.FromMinutes(1));

    private static readonly CompiledPerModel<Func<DirectorDbContext, string, string, CancellationToken, Task<bool>>> UsernameTaken = new(() =>
        EF.CompileAsyncQuery((DirectorDbContext db, string key, string legacy, CancellationToken _) =>
            db.Players.Any(p => p.UsernameKey == key || p.UsernameKey == legacy)));

    public async ValueTask<RegisterPlayerResult> Handle(RegisterPlayerCommand command, CancellationToken cancellationToken)
    {
        if (command.ClientAddress is { } address
            && !await store.TryReserveAsync("director:registrations:address:" + address, auth.MaxRegistrationsPerAddress, auth.RegistrationWindow, cancellationToken))
        {
            if (RefusalLog.ShouldLog(address, out var suppressed))
            {
                Log.RegistrationThrottled(logger, address, suppressed);
            }

            return new RegisterPlayerResult(RegisterPlayerError.TooManyRegistrations, string.Empty);
        }

        // Hash first, whatever the name, and answer "taken" no sooner than a new account would be answered: no
        // enumeration by timing.
        var passwordHash = await hasher.HashAsync(command.Password, cancellationToken);
        var started = timing.Start();
        var key = UsernameKey.For(command.Username);
        var legacy = UsernameKey.Legacy(command.Username);
        if (await UsernameTaken.For(db)(db, key, legacy, cancellationToken))
        {
            await timing.PadAsync(started, cancellationToken);
            return new RegisterPlayerResult(RegisterPlayerError.UsernameTaken, string.Empty);
        }

        var player = PlayerIdentity.NewLocal(command.Username, PlayerIdentity.PlayerRole, passwordHash, time.GetUtcNow().UtcDateTime);
        db.Players.Add(player);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Lost a race with a concurrent registration of the same name: the unique index decided.
            db.ChangeTracker.Clear();
            if (await UsernameTaken.For(db)(db, key, legacy, cancellationToken))
            {
                await timing.PadAsync(started, cancellationToken);
                return new RegisterPlayerResult(RegisterPlayerError.UsernameTaken, string.Empty);
            }

            throw;
        }

        Log.PlayerRegistered(logger, player.Id, command.Username);
        await publisher.Publish(new PlayerRegistered(player.Id, command.Username), cancellationToken);
        timing.Succeeded(started);
        return new RegisterPlayerResult(RegisterPlayerError.None, player.Id);
    }
}
