using Mediator;
using Microsoft.EntityFrameworkCore;
using Redwood.Realm.Domain;
using Redwood.Realm.Persistence;
using Redwood.SharedKernel.Persistence;

namespace Redwood.Realm.Features.Characters;

/// <summary>
/// The player's characters, oldest first. Without <see cref="IncludeArchived"/> archived characters are left out
/// (the plugin shows the normal list unfiltered); with it every character comes back, archived ones included, because
/// the plugin's archived list keeps only the entries whose <c>archivedAt</c> is a string.
/// </summary>
internal sealed record ListCharactersQuery(string PlayerId, bool IncludeArchived) : IQuery<IReadOnlyList<CharacterSnapshot>>;

internal sealed class ListCharactersHandler(RealmDbContext db) : IQueryHandler<ListCharactersQuery, IReadOnlyList<CharacterSnapshot>>
{
    // Every sign-in lists the characters: compiled once per model.
    private static readonly CompiledPerModel<Func<RealmDbContext, string, bool, IAsyncEnumerable<CharacterSnapshot>>> Characters = new(() =>
        EF.CompileAsyncQuery((RealmDbContext db, string playerId, bool includeArchived) =>
            db.Characters.AsNoTracking()
                .Where(c => c.PlayerId == playerId && (includeArchived || c.ArchivedAt == null))
                .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id)
                .Select(CharacterSnapshot.Projection)));

    public async ValueTask<IReadOnlyList<CharacterSnapshot>> Handle(ListCharactersQuery query, CancellationToken cancellationToken)
    {
        var characters = new List<CharacterSnapshot>();
        await foreach (var character in Characters.For(db)(db, query.PlayerId, query.IncludeArchived).WithCancellation(cancellationToken))
        {
            characters.Add(character);
        }

        return characters;
    }
}
