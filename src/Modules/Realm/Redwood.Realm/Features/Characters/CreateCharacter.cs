using System.Text;
using System.Text.Json;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Redwood.Realm.Contracts;
using Redwood.Realm.Domain;
using Redwood.Realm.Persistence;
using Redwood.SharedKernel.Persistence;

namespace Redwood.Realm.Features.Characters;

/// <summary>Creates a character for the signed-in player; only the name and the creator data come from the client.</summary>
internal sealed record CreateCharacterCommand(string PlayerId, string? Name, JsonElement? CharacterCreatorData)
    : ICommand<CreateCharacterResult>;

internal enum CreateCharacterError
{
    None,
    NameTaken,
    TooManyCharacters,
    TooLarge,
    TooManyStored,
}

internal sealed record CreateCharacterResult(CreateCharacterError Error, CharacterSnapshot? Character);

internal sealed class CreateCharacterValidator : AbstractValidator<CreateCharacterCommand>
{
    public CreateCharacterValidator(RealmSettings settings)
    {
        RuleFor(c => c.PlayerId).NotEmpty();
        RuleFor(c => c.Name).DisplayName("Character name", settings.Characters.MaxNameLength);
        RuleFor(c => c.CharacterCreatorData).JsonObject("characterCreatorData", settings.Characters.MaxFieldBytes);
    }
}

internal sealed class CreateCharacterHandler(
    RealmDbContext db,
    IPublisher publisher,
    TimeProvider time,
    RealmSettings settings,
    ILogger<CreateCharacterHandler> logger) : ICommandHandler<CreateCharacterCommand, CreateCharacterResult>
{
    // Both limits and the name in one read. Archived characters stay stored until purged, so create-archive-repeat
    // must hit a limit too. One group at most (by a constant): Single says so, where First warned of an unordered First.
    private static readonly CompiledPerModel<Func<RealmDbContext, string, string, CancellationToken, Task<CreateCharacterChecks?>>> Checks = new(() =>
        EF.CompileAsyncQuery((RealmDbContext db, string playerId, string key, CancellationToken _) =>
            db.Characters
                .Where(c => c.PlayerId == playerId || c.NameKey == key)
                .GroupBy(c => 1)
                .Select(g => new CreateCharacterChecks(
                    g.Count(c => c.PlayerId == playerId && c.ArchivedAt == null),
                    g.Count(c => c.PlayerId == playerId),
                    g.Count(c => c.NameKey == key)))
                .SingleOrDefault()));

    public async ValueTask<CreateCharacterResult> Handle(CreateCharacterCommand command, CancellationToken cancellationToken)
    {
        var name = command.Name!.Normalize(NormalizationForm.FormC);
        var key = NormalizedKey.For(name);
        var creatorData = command.CharacterCreatorData?.GetRawText() ?? Character.EmptyObject;
        if (FieldRules.ByteSize(name) + FieldRules.ByteSize(creatorData) + (7 * Character.EmptyObject.Length) > settings.Characters.MaxCharacterBytes)
        {
            return new CreateCharacterResult(CreateCharacterError.TooLarge, null);
        }

        // Count and insert in one transaction that no other create or restore by this player can interleave with
        // (see OwnerLock), so concurrent requests from several sockets cannot exceed the limits.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await OwnerLock.TakeAsync(db, "characters", command.PlayerId, cancellationToken);
        var checks = await Checks.For(db)(db, command.PlayerId, key, cancellationToken);
        if ((checks?.Active ?? 0) >= settings.Characters.MaxPerPlayer)
        {
            return new CreateCharacterResult(CreateCharacterError.TooManyCharacters, null);
        }

        if ((checks?.Stored ?? 0) >= settings.Characters.MaxStoredPerPlayer)
        {
            return new CreateCharacterResult(CreateCharacterError.TooManyStored, null);
        }

        if ((checks?.Named ?? 0) > 0)
        {
            return new CreateCharacterResult(CreateCharacterError.NameTaken, null);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var character = new Character
        {
            Id = RealmIds.NewId(),
            PlayerId = command.PlayerId,
            Name = name,
            NameKey = key,
            CreatedAt = now,
            UpdatedAt = now,
            CharacterCreatorData = creatorData,
        };
        db.Characters.Add(character);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another request may have taken the name between the check and the insert; the unique index decided.
            if (await NameTakenMeanwhileAsync(key, cancellationToken))
            {
                return new CreateCharacterResult(CreateCharacterError.NameTaken, null);
            }

            throw;
        }

        Log.CharacterCreated(logger, character.Id, character.PlayerId);
        await publisher.Publish(new CharacterCreated(settings.Id, character.PlayerId, character.Id, character.Name), cancellationToken);
        return new CreateCharacterResult(CreateCharacterError.None, CharacterSnapshot.Of(character));
    }

    private async Task<bool> NameTakenMeanwhileAsync(string key, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        return await db.Characters.AnyAsync(c => c.NameKey == key, cancellationToken);
    }
}

internal sealed record CreateCharacterChecks(int Active, int Stored, int Named);
