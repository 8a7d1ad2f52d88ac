using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Redwood.Director.Contracts;
using Redwood.Director.Domain;
using Redwood.Director.Persistence;

namespace Redwood.Director.Features.Players;

/// <summary>
/// Creates the administrator account of <c>Redwood:Director:Admin</c> when it does not exist yet (first start).
/// An existing account is left alone: its password may have been changed since.
/// </summary>
internal sealed record EnsureAdminAccountCommand(string Username, string Password) : ICommand<EnsureAdminAccountResult>;

internal sealed record EnsureAdminAccountResult(bool Created, string PlayerId);

internal sealed class EnsureAdminAccountValidator : AbstractValidator<EnsureAdminAccountCommand>
{
    public EnsureAdminAccountValidator(DirectorSettings settings)
    {
        RuleFor(c => c.Username).SetValidator(new UsernameValidator(settings.Auth));
        RuleFor(c => c.Password).NotEmpty().WithMessage("Redwood:Director:Admin:Password is required");
    }
}

internal sealed class EnsureAdminAccountHandler(
    DirectorDbContext db, PasswordHasher hasher, IPublisher publisher, TimeProvider time, ILogger<EnsureAdminAccountHandler> logger)
    : ICommandHandler<EnsureAdminAccountCommand, EnsureAdminAccountResult>
{
    public async ValueTask<EnsureAdminAccountResult> Handle(EnsureAdminAccountCommand command, CancellationToken cancellationToken)
    {
        var key = UsernameKey.For(command.Username);
        var legacy = UsernameKey.Legacy(command.Username);
        if (await db.Players.AsNoTracking().FirstOrDefaultAsync(p => p.UsernameKey == key || p.UsernameKey == legacy, cancellationToken) is { } existing)
        {
            return new EnsureAdminAccountResult(false, existing.Id);
        }

        var admin = PlayerIdentity.NewLocal(
            command.Username, PlayerIdentity.AdminRole, await hasher.HashAsync(command.Password, cancellationToken), time.GetUtcNow().UtcDateTime);
        db.Players.Add(admin);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another replica starting at the same time created it.
            db.ChangeTracker.Clear();
            var winner = await db.Players.AsNoTracking().FirstAsync(p => p.UsernameKey == key, cancellationToken);
            return new EnsureAdminAccountResult(false, winner.Id);
        }

        Log.AdminAccountCreated(logger, admin.Id, command.Username);
        await publisher.Publish(new PlayerRegistered(admin.Id, command.Username), cancellationToken);
        return new EnsureAdminAccountResult(true, admin.Id);
    }
}
