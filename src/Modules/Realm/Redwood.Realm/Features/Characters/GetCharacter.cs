using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Redwood.Realm.Domain;
using Redwood.Realm.Persistence;
using Redwood.SharedKernel.Persistence;

namespace Redwood.Realm.Features.Characters;

/// <summary>
/// A character by id, or by exact case-insensitive name. The owner gets every field; anyone else only the id, name
/// and owner (and never an archived character).
/// </summary>
internal sealed record GetCharacterQuery(string CallerPlayerId, string? CharacterIdOrName) : IQuery<GetCharacterResult>;

/// <summary>Exactly one of <see cref="Owned"/> and <see cref="Other"/> is set when the character was found.</summary>
internal sealed record GetCharacterResult(CharacterSnapshot? Owned, CharacterSummary? Other);

/// <summary>What a player may see of someone else's character.</summary>
internal sealed record CharacterSummary(string Id, string Name, string PlayerId);

internal sealed class GetCharacterValidator : AbstractValidator<GetCharacterQuery>
{
    public GetCharacterValidator()
    {
        RuleFor(q => q.CallerPlayerId).NotEmpty();
        RuleFor(q => q.CharacterIdOrName).NotEmpty().WithMessage("characterIdOrName is required").MaximumLength(1024);
    }
}

internal sealed class GetCharacterHandler(RealmDbContext db) : IQueryHandler<GetCharacterQuery, GetCharacterResult>
{
    public async ValueTask<GetCharacterResult> Handle(GetCharacterQuery query, CancellationToken cancellationToken)
    {
        var value = query.CharacterIdOrName!;
        var key = NormalizedKey.For(value);
        var found = await db.Characters.AsNoTracking()
            .Where(c => c.Id == value || c.NameKey == key)
            .OrderBy(c => c.Id == value ? 0 : 1)
            .Select(c => new { c.Id, c.Name, c.PlayerId, Archived = c.ArchivedAt != null })
            .FirstOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return new GetCharacterResult(null, null);
        }

        if (found.PlayerId != query.CallerPlayerId)
        {
            return found.Archived
                ? new GetCharacterResult(null, null)
                : new GetCharacterResult(null, new CharacterSummary(found.Id, found.Name, found.PlayerId));
        }

        var owned = await db.Characters.AsNoTracking()
            .Where(c => c.Id == found.Id)
            .Select(CharacterSnapshot.Projection)
            .FirstOrDefaultAsync(cancellationToken);
        return new GetCharacterResult(owned, null);
    }
}
