using Mediator;

namespace Redwood.Realm.Contracts;

/// <summary>Published by a Realm once a player's socket is authenticated on it.</summary>
/// <param name="RealmId">The realm.</param>
/// <param name="PlayerId">The player.</param>
public sealed record PlayerSignedInToRealm(string RealmId, string PlayerId) : INotification;

/// <summary>Published by a Realm after a character was created.</summary>
/// <param name="RealmId">The realm.</param>
/// <param name="PlayerId">The owner.</param>
/// <param name="CharacterId">The new character's id.</param>
/// <param name="Name">The character name.</param>
public sealed record CharacterCreated(string RealmId, string PlayerId, string CharacterId, string Name) : INotification;
