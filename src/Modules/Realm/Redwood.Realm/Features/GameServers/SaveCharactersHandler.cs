using System.Text.Json.Nodes;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Redwood.Realm.Contracts;
using Redwood.Realm.Domain;
using Redwood.Realm.Persistence;

namespace Redwood.Realm.Features.GameServers;

/// <summary>
/// A game server's batch of character saves, in one transaction. Only server-written fields change; the top-level
/// <c>lastLocation</c> the plugin sends is stored as <c>redwoodData.lastLocation</c>, where the game server reads it back.
/// A character is saved only when its player joined this server's instance with a token, and written only when the save
/// changes it (its <c>updatedAt</c> then moves).
/// </summary>
internal sealed class SaveCharactersHandler(RealmDbContext db, TimeProvider time, RealmSettings settings, ILogger<SaveCharactersHandler> logger)
    : IRequestHandler<SaveCharacters, SaveCharactersReply>
{
    public async ValueTask<SaveCharactersReply> Handle(SaveCharacters request, CancellationToken cancellationToken)
    {
        // One read per batch: each character with whether its owner joined, with a token, the instance this server serves.
        // Read untracked: most saves of a busy server change nothing (see below), and only the changed ones are attached.
        var ids = request.Characters.Select(c => c.CharacterId).Distinct(StringComparer.Ordinal).ToList();
        var served = SidecarInstances.Served(db, request.ServerId);
        var rows = await db.Characters.AsNoTracking()
            .Where(c => ids.Contains(c.Id))
            .Select(c => new
            {
                Character = c,
                Admitted = db.JoinTokens.Any(t => t.CharacterId == c.Id && t.PlayerId == c.PlayerId && t.UsedAt != null
                    && t.InstanceId == served.FirstOrDefault()),
            })
            .ToListAsync(cancellationToken);
        if (!rows.Any(r => r.Admitted) && await SidecarInstances.Current.For(db)(db, request.ServerId, cancellationToken) is null)
        {
            return new SaveCharactersReply(0, "This game server serves no instance");
        }

        var characters = rows.Where(r => r.Admitted).ToDictionary(r => r.Character.Id, r => r.Character, StringComparer.Ordinal);
        var now = time.GetUtcNow().UtcDateTime;
        var saved = 0;
        foreach (var save in request.Characters)
        {
            if (!characters.TryGetValue(save.CharacterId, out var character) || character.PlayerId != save.PlayerId)
            {
                Log.CharacterSaveSkipped(logger, save.CharacterId, request.ServerId);
                continue;
            }

            var before = ServerFields.Of(character);
            character.CharacterCreatorData = save.CharacterCreatorData ?? character.CharacterCreatorData;
            character.Metadata = save.Metadata ?? character.Metadata;
            character.EquippedInventory = save.EquippedInventory ?? character.EquippedInventory;
            character.NonequippedInventory = save.NonequippedInventory ?? character.NonequippedInventory;
            character.Progress = save.Progress ?? character.Progress;
            character.Data = save.Data ?? character.Data;
            character.AbilitySystem = save.AbilitySystem ?? character.AbilitySystem;
            if (save.LastLocation is not null)
            {
                // Compared as JSON: PostgreSQL hands jsonb back in its own spacing.
                var redwood = JsonNode.Parse(character.RedwoodData) as JsonObject ?? [];
                var location = JsonNode.Parse(save.LastLocation);
                if (!JsonNode.DeepEquals(redwood["lastLocation"], location))
                {
                    redwood["lastLocation"] = location;
                    character.RedwoodData = redwood.ToJsonString();
                }
            }

            // The plugin resends every present player's lastLocation each interval: a save that changes nothing (an idle
            // player) is accepted without a write.
            if (ServerFields.Of(character) == before)
            {
                saved++;
                continue;
            }

            if (Size(character) > settings.Characters.MaxCharacterBytes)
            {
                before.RestoreTo(character);
                Log.CharacterSaveTooLarge(logger, character.Id, settings.Characters.MaxCharacterBytes);
                continue;
            }

            // Only what this save changed is written: a rename the client made meanwhile stays.
            character.UpdatedAt = now;
            var entry = db.Characters.Attach(character);
            foreach (var field in before.ChangedIn(character))
            {
                entry.Property(field).IsModified = true;
            }

            entry.Property(c => c.UpdatedAt).IsModified = true;
            saved++;
        }

        await db.SaveChangesAsync(cancellationToken);
        return new SaveCharactersReply(saved, string.Empty);
    }

    /// <summary>The fields a game server writes, to tell whether a save changed anything and to undo a refused one.</summary>
    private readonly record struct ServerFields(
        string CharacterCreatorData, string Metadata, string EquippedInventory, string NonequippedInventory, string Progress,
        string Data, string AbilitySystem, string RedwoodData)
    {
        public static ServerFields Of(Character c) =>
            new(c.CharacterCreatorData, c.Metadata, c.EquippedInventory, c.NonequippedInventory, c.Progress, c.Data, c.AbilitySystem, c.RedwoodData);

        public IEnumerable<string> ChangedIn(Character c)
        {
            var now = Of(c);
            return new (string Name, bool Changed)[]
            {
                (nameof(Character.CharacterCreatorData), now.CharacterCreatorData != CharacterCreatorData),
                (nameof(Character.Metadata), now.Metadata != Metadata),
                (nameof(Character.EquippedInventory), now.EquippedInventory != EquippedInventory),
                (nameof(Character.NonequippedInventory), now.NonequippedInventory != NonequippedInventory),
                (nameof(Character.Progress), now.Progress != Progress),
                (nameof(Character.Data), now.Data != Data),
                (nameof(Character.AbilitySystem), now.AbilitySystem != AbilitySystem),
                (nameof(Character.RedwoodData), now.RedwoodData != RedwoodData),
            }.Where(f => f.Changed).Select(f => f.Name);
        }

        public void RestoreTo(Character c)
        {
            c.CharacterCreatorData = CharacterCreatorData;
            c.Metadata = Metadata;
            c.EquippedInventory = EquippedInventory;
            c.NonequippedInventory = NonequippedInventory;
            c.Progress = Progress;
            c.Data = Data;
            c.AbilitySystem = AbilitySystem;
            c.RedwoodData = RedwoodData;
        }
    }

    private static int Size(Character c) =>
        FieldRules.ByteSize(c.CharacterCreatorData) + FieldRules.ByteSize(c.Metadata) + FieldRules.ByteSize(c.EquippedInventory)
        + FieldRules.ByteSize(c.NonequippedInventory) + FieldRules.ByteSize(c.Progress) + FieldRules.ByteSize(c.Data)
        + FieldRules.ByteSize(c.AbilitySystem) + FieldRules.ByteSize(c.RedwoodData) + FieldRules.ByteSize(c.Name);
}
