using System.Text;
using System.Text.Json;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Redwood.Realm.Domain;
using Redwood.Realm.Persistence;
using Redwood.SharedKernel.Persistence;

namespace Redwood.Realm.Features.Characters;

/// <summary>
/// The client's update of its own character: only <c>name</c> and <c>characterCreatorData</c> (either may be
/// omitted); every server-written field is out of the client's reach.
/// </summary>
internal sealed record SetCharacterClientDataCommand(
    string PlayerId, string? CharacterId, string? Name, JsonElement? CharacterCreatorData) : ICommand<SetCharacterClientDataResult>;

internal enum SetCharacterClientDataError
{
    None,
    NotFound,
    NotOwner,
    Archived,
    NameTaken,
    TooLarge,
}

internal sealed record SetCharacterClientDataResult(SetCharacterClientDataError Error, CharacterSnapshot? Character);

internal sealed class SetCharacterClientDataValidator : AbstractValidator<SetCharacterClientDataCommand>
{
    public SetCharacterClientDataValidator(RealmSettings settings)
    {
        RuleFor(c => c.PlayerId).NotEmpty();
        RuleFor(c => c.CharacterId).NotEmpty().WithMessage("characterId is required").MaximumLength(64);
        When(c => !string.IsNullOrEmpty(c.Name), () =>
            RuleFor(c => c.Name).DisplayName("Character name", settings.Characters.MaxNameLength));
        RuleFor(c => c.CharacterCreatorData).JsonObject("characterCreatorData", settings.Characters.MaxFieldBytes);
    }
}

internal sealed class SetCharacterClientDataHandler(RealmDbContext db, TimeProvider time, RealmSettings settings)
    : ICommandHandler<SetCharacterClientDataCommand, SetCharacterClientDataResult>
{
    public async ValueTask<SetCharacterClientDataResult> Handle(SetCharacterClientDataCommand command, CancellationToken cancellationToken)
    {
        var character = await db.Characters.FirstOrDefaultAsync(c => c.Id == command.CharacterId, cancellationToken);
        if (character is null)
        {
            return Refused(SetCharacterClientDataError.NotFound);
        }

        if (character.PlayerId != command.PlayerId)
        {
            return Refused(SetCharacterClientDataError.NotOwner);
        }

        if (character.ArchivedAt is not null)
        {
            return Refused(SetCharacterClientDataError.Archived);
        }

        if (!string.IsNullOrEmpty(command.Name))
        {
            var name = command.Name.Normalize(NormalizationForm.FormC);
            var key = NormalizedKey.For(name);
            if (key != character.NameKey
                && await db.Characters.AnyAsync(c => c.NameKey == key && c.Id != character.Id, cancellationToken))
            {
                return Refused(SetCharacterClientDataError.NameTaken);
            }

            character.Name = name;
            character.NameKey = key;
        }

        if (command.CharacterCreatorData is { } creatorData)
        {
            character.CharacterCreatorData = creatorData.GetRawText();
        }

        if (SizeOf(character) > settings.Characters.MaxCharacterBytes)
        {
            return Refused(SetCharacterClientDataError.TooLarge);
        }

        character.UpdatedAt = time.GetUtcNow().UtcDateTime;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            if (await NameTakenMeanwhileAsync(character, cancellationToken))
            {
                return Refused(SetCharacterClientDataError.NameTaken);
            }

            throw;
        }

        return new SetCharacterClientDataResult(SetCharacterClientDataError.None, CharacterSnapshot.Of(character));
    }

    private static SetCharacterClientDataResult Refused(SetCharacterClientDataError error) => new(error, null);

    private static int SizeOf(Character c) =>
        FieldRules.ByteSize(c.Name) + FieldRules.ByteSize(c.CharacterCreatorData) + FieldRules.ByteSize(c.Metadata)
        + FieldRules.ByteSize(c.EquippedInventory) + FieldRules.ByteSize(c.NonequippedInventory) + FieldRules.ByteSize(c.Progress)
        + FieldRules.ByteSize(c.Data) + FieldRules.ByteSize(c.AbilitySystem) + FieldRules.ByteSize(c.RedwoodData);

    private async Task<bool> NameTakenMeanwhileAsync(Character character, CancellationToken cancellationToken)
    {
        var key = character.NameKey;
        var id = character.Id;
        db.ChangeTracker.Clear();
        return await db.Characters.AnyAsync(c => c.NameKey == key && c.Id != id, cancellationToken);
    }
}
