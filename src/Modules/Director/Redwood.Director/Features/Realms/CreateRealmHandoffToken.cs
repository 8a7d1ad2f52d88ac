using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Redwood.Director.Domain;
using Redwood.Director.Persistence;
using Redwood.SharedKernel.Persistence;

namespace Redwood.Director.Features.Realms;

/// <summary>
/// <c>realm:auth:player:connect:client-to-director</c> (§3.9): mints a one-time token for this player and realm; the
/// realm redeems it with <see cref="Contracts.ConsumeRealmHandoffToken"/>. Sent again on every realm reconnect.
/// </summary>
internal sealed record CreateRealmHandoffTokenCommand(string PlayerId, string RealmId) : ICommand<CreateRealmHandoffTokenResult>;

internal enum CreateRealmHandoffTokenError
{
    None,
    UnknownRealm,
}

internal sealed record CreateRealmHandoffTokenResult(CreateRealmHandoffTokenError Error, string Token);

internal sealed class CreateRealmHandoffTokenValidator : AbstractValidator<CreateRealmHandoffTokenCommand>
{
    public CreateRealmHandoffTokenValidator()
    {
        RuleFor(c => c.PlayerId).NotEmpty().WithMessage("playerId is required");
        RuleFor(c => c.RealmId).NotEmpty().WithMessage("realmId is required");
    }
}

internal sealed class CreateRealmHandoffTokenHandler(
    DirectorDbContext db, DirectorSettings settings, TimeProvider time, ILogger<CreateRealmHandoffTokenHandler> logger)
    : ICommandHandler<CreateRealmHandoffTokenCommand, CreateRealmHandoffTokenResult>
{
    private static readonly CompiledPerModel<Func<DirectorDbContext, string, DateTime, IAsyncEnumerable<PlayerHandoffToken>>> TokensOf = new(() =>
        EF.CompileAsyncQuery((DirectorDbContext db, string playerId, DateTime now) =>
            db.RealmHandoffTokens.AsNoTracking().Where(t => t.PlayerId == playerId)
                .OrderByDescending(t => t.CreatedAt)
                .Select(t => new PlayerHandoffToken(t.TokenHash, t.ExpiresAt < now || t.ConsumedAt != null))));

    public async ValueTask<CreateRealmHandoffTokenResult> Handle(CreateRealmHandoffTokenCommand command, CancellationToken cancellationToken)
    {
        if (settings.Realms.All(r => r.Id != command.RealmId))
        {
            return new CreateRealmHandoffTokenResult(CreateRealmHandoffTokenError.UnknownRealm, string.Empty);
        }

        var now = time.GetUtcNow().UtcDateTime;

        // One read of the player's tokens decides what to retire: used or expired ones, and the oldest unused ones
        // beyond MaxOutstandingHandoffTokens - 1, so a flood of mints costs rows, not an unbounded table. Only when there
        // is something to retire does the mint cost a second write (the store has one writer at a time).
        var keep = settings.MaxOutstandingHandoffTokens - 1;
        var existing = new List<PlayerHandoffToken>();
        await foreach (var outstanding in TokensOf.For(db)(db, command.PlayerId, now).WithCancellation(cancellationToken))
        {
            existing.Add(outstanding);
        }

        var retired = existing.Where(t => t.Dead).Concat(existing.Where(t => !t.Dead).Skip(keep)).Select(t => t.TokenHash).ToList();
        if (retired.Count > 0)
        {
            await db.RealmHandoffTokens.Where(t => retired.Contains(t.TokenHash)).ExecuteDeleteAsync(cancellationToken);
        }

        var token = SecretToken.New();
        db.RealmHandoffTokens.Add(new RealmHandoffToken
        {
            TokenHash = SecretToken.Hash(token),
            PlayerId = command.PlayerId,
            RealmId = command.RealmId,
            CreatedAt = now,
            ExpiresAt = now + settings.HandoffTokenLifetime,
        });
        await db.SaveChangesAsync(cancellationToken);
        Log.HandoffTokenMinted(logger, command.PlayerId, command.RealmId);
        return new CreateRealmHandoffTokenResult(CreateRealmHandoffTokenError.None, token);
    }
}

/// <summary>One of a player's outstanding hand-off tokens, newest first; dead ones are used or expired.</summary>
internal sealed record PlayerHandoffToken(string TokenHash, bool Dead);
