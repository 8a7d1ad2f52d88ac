using System.Collections.Concurrent;
using Redwood.Realm.Contracts;

namespace Redwood.Sidecar.Transport;

/// <summary>
/// The <c>lastLocation</c> the Realm last stored for each character present on one game server. The plugin resends
/// every present player's location each save interval; a save that carries nothing but the location already stored
/// changes nothing, so it is answered here instead of costing the Realm a batch (reads and a comparison per character).
/// </summary>
/// <remarks>
/// Only the Realm's save path writes a character's location, and a character plays on one server at a time: an entry is
/// dropped when its player is admitted (another server may have moved the character meanwhile) and when it leaves.
/// </remarks>
internal sealed class StoredLocations
{
    private readonly ConcurrentDictionary<string, (string PlayerId, string Location)> _stored = new(StringComparer.Ordinal);

    /// <summary>Whether the save carries only a location, the very one already stored for that player's character.</summary>
    public bool Unchanged(CharacterSave save) =>
        save is { LastLocation: { } location, CharacterCreatorData: null, Metadata: null, EquippedInventory: null,
            NonequippedInventory: null, Progress: null, Data: null, AbilitySystem: null }
        && _stored.TryGetValue(save.CharacterId, out var stored)
        && stored.PlayerId == save.PlayerId
        && stored.Location == location;

    /// <summary>The Realm took these saves: their locations are what it stores now.</summary>
    public void Taken(IEnumerable<CharacterSave> saves)
    {
        foreach (var save in saves)
        {
            if (save.LastLocation is { } location)
            {
                _stored[save.CharacterId] = (save.PlayerId, location);
            }
        }
    }

    public void Forget(string characterId) => _stored.TryRemove(characterId, out _);
}
