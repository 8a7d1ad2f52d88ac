using System.Linq.Expressions;

namespace Redwood.Realm.Domain;

/// <summary>A player's character in this realm. Every game-data field is a JSON object stored as text/jsonb.</summary>
internal sealed class Character
{
    public const string EmptyObject = "{}";

    public required string Id { get; init; }

    public required string PlayerId { get; init; }

    public required string Name { get; set; }

    /// <summary>NFC + upper-case invariant of <see cref="Name"/>; unique within the realm.</summary>
    public required string NameKey { get; set; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; set; }

    public DateTime? ArchivedAt { get; set; }

    public string CharacterCreatorData { get; set; } = EmptyObject;

    public string Metadata { get; set; } = EmptyObject;

    public string EquippedInventory { get; set; } = EmptyObject;

    public string NonequippedInventory { get; set; } = EmptyObject;

    public string Progress { get; set; } = EmptyObject;

    public string Data { get; set; } = EmptyObject;

    public string AbilitySystem { get; set; } = EmptyObject;

    public string RedwoodData { get; set; } = EmptyObject;
}

/// <summary>A whole character as read for its owner (JSON fields as text).</summary>
internal sealed record CharacterSnapshot(
    string Id,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? ArchivedAt,
    string PlayerId,
    string Name,
    string CharacterCreatorData,
    string Metadata,
    string EquippedInventory,
    string NonequippedInventory,
    string Progress,
    string Data,
    string AbilitySystem,
    string RedwoodData)
{
    /// <summary>The projection used by every query, so SQL selects exactly these columns.</summary>
    public static readonly Expression<Func<Character, CharacterSnapshot>> Projection = c => new CharacterSnapshot(
        c.Id, c.CreatedAt, c.UpdatedAt, c.ArchivedAt, c.PlayerId, c.Name, c.CharacterCreatorData, c.Metadata,
        c.EquippedInventory, c.NonequippedInventory, c.Progress, c.Data, c.AbilitySystem, c.RedwoodData);

    private static readonly Func<Character, CharacterSnapshot> Compiled = Projection.Compile();

    public static CharacterSnapshot Of(Character character) => Compiled(character);
}
