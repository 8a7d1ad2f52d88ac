using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Redwood.Realm.Persistence;

namespace Redwood.Realm.Features.Characters;

/// <summary>
/// Archives (<c>archived: true</c>) or restores one of the player's characters. Archived characters are deleted by
/// <see cref="PurgeArchivedCharactersCommand"/> after the archival period; a period of 0 deletes at once.
/// </summary>
internal sealed record ArchiveCharacterCommand(string PlayerId, string? CharacterId, bool Archived) : ICommand<ArchiveCharacterResult>;

internal enum ArchiveCharacterError
{
    None,
    NotFound,
    NotOwner,
    TooManyCharacters,
}

internal sealed record ArchiveCharacterResult(ArchiveCharacterError Error);

internal sealed class ArchiveCharacterValidator : AbstractValidator<ArchiveCharacterCommand>
{
    public ArchiveCharacterValidator()
    {
        RuleFor(c => c.PlayerId).NotEmpty();
        RuleFor(c => c.CharacterId).NotEmpty().WithMessage("characterId is required").MaximumLength(64);
    }
}

internal sealed class ArchiveCharacterHandler(
    RealmDbContext db, TimeProvider time, RealmSettings settings, ILogger<ArchiveCharacterHandler> logger)
    : ICommandHandler<ArchiveCharacterCommand, ArchiveCharacterResult>
{
    public async ValueTask<ArchiveCharacterResult> Handle(ArchiveCharacterCommand command, CancellationToken cancellationToken)
    {
        // A restore counts the active characters: it takes the same per-owner lock as a create (see OwnerLock).
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!command.Archived)
        {
            await OwnerLock.TakeAsync(db, "characters", command.PlayerId, cancellationToken);
        }

        var character = await db.Characters.FirstOrDefaultAsync(c => c.Id == command.CharacterId, cancellationToken);
        if (character is null)
        {
            return new ArchiveCharacterResult(ArchiveCharacterError.NotFound);
        }

        if (character.PlayerId != command.PlayerId)
        {
            return new ArchiveCharacterResult(ArchiveCharacterError.NotOwner);
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (command.Archived)
        {
            if (settings.Characters.ArchivalPeriodDays == 0)
            {
                db.Characters.Remove(character);
            }
            else if (character.ArchivedAt is null)
            {
                // Archiving twice keeps the first date, so repeating the request never postpones the deletion.
                character.ArchivedAt = now;
                character.UpdatedAt = now;
            }
        }
        else if (character.ArchivedAt is not null)
        {
            var active = await db.Characters.CountAsync(c => c.PlayerId == command.PlayerId && c.ArchivedAt == null, cancellationToken);
            if (active >= settings.Characters.MaxPerPlayer)
            {
                return new ArchiveCharacterResult(ArchiveCharacterError.TooManyCharacters);
            }

            character.ArchivedAt = null;
            character.UpdatedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Log.CharacterArchived(logger, character.Id, command.Archived);
        return new ArchiveCharacterResult(ArchiveCharacterError.None);
    }
}
