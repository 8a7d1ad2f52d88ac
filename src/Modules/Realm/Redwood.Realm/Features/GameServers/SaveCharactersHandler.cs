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
        var instanceId = await db.Containers.AsNoTracking()
            .Where(c => c.SidecarId == request.ServerId && c.EndedAt == null)
            .Select(c => c.InstanceId).FirstOrDefaultAsync(cancellationToken);
        if (instanceId is null)
        {
            return new SaveCharactersReply(0, "This game server serves no instance");
        }

        var ids = request.Characters.Select(c => c.CharacterId).Distinct(StringComparer.Ordinal).ToList();
        var admitted = (await db.JoinTokens.AsNoTracking()
                .Where(t => t.InstanceId == instanceId && t.UsedAt != null && ids.Contains(t.CharacterId))
                .Select(t => t.CharacterId + ":" + t.PlayerId).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        var characters = await db.Characters.Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var saved = 0;
        foreach (var save in request.Characters)
        {
            if (!characters.TryGetValue(save.CharacterId, out var character) || character.PlayerId != save.PlayerId
                || !admitted.Contains(save.CharacterId + ":" + save.PlayerId))
            {
                Log.CharacterSaveSkipped(logger, save.CharacterId, request.ServerId);
                continue;
            }

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

            if (Size(character) > settings.Characters.MaxCharacterBytes)
            {
                db.Entry(character).State = EntityState.Unchanged;
                await db.Entry(character).ReloadAsync(cancellationToken);
                Log.CharacterSaveTooLarge(logger, character.Id, settings.Characters.MaxCharacterBytes);
                continue;
            }

            // The plugin resends every present player's lastLocation each interval: a save that changes nothing (an idle
            // player) is accepted without a write.
            var entry = db.Entry(character);
            entry.DetectChanges();
            if (entry.State == EntityState.Modified)
            {
                character.UpdatedAt = now;
            }

            saved++;
        }

        await db.SaveChangesAsync(cancellationToken);
        return new SaveCharactersReply(saved, string.Empty);
    }

    private static int Size(Character c) =>
        FieldRules.ByteSize(c.CharacterCreatorData) + FieldRules.ByteSize(c.Metadata) + FieldRules.ByteSize(c.EquippedInventory)
        + FieldRules.ByteSize(c.NonequippedInventory) + FieldRules.ByteSize(c.Progress) + FieldRules.ByteSize(c.Data)
        + FieldRules.ByteSize(c.AbilitySystem) + FieldRules.ByteSize(c.RedwoodData) + FieldRules.ByteSize(c.Name);
}
