using System.Linq.Expressions;

namespace Redwood.Realm.Domain;

/// <summary>A listable world or session (§4.5); its servers live in <see cref="GameServerCollection"/>s.</summary>
internal sealed class GameServerProxy
{
    public required string Id { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; set; }

    public DateTime? EndedAt { get; set; }

    public required string Name { get; set; }

    public required string ModeId { get; set; }

    public string? MapId { get; set; }

    public bool ContinuousPlay { get; set; }

    /// <summary>PBKDF2 hash of the join password (never sent back), or null when the proxy has none.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>Upper-case short code, unique; the reference of a private proxy.</summary>
    public string? ShortCode { get; set; }

    public int MaxPlayersPerShard { get; set; }

    public string Data { get; set; } = Character.EmptyObject;

    public string? OwnerPlayerId { get; set; }

    public required string Region { get; set; }

    public bool StartOnBoot { get; set; }

    /// <summary>Comma-separated zone names, as on the wire.</summary>
    public string? Zones { get; set; }

    public int NumPlayersToAddShard { get; set; } = -1;

    public double NumMinutesToDestroyEmptyShard { get; set; } = -1;

    public bool Public { get; set; }

    public bool ProxyEndsWhenCollectionEnds { get; set; }

    public int CurrentPlayers { get; set; }

    public string? ActiveCollectionId { get; set; }

    /// <summary>World data saved by its game servers (<c>persistence:update-zone</c> <c>data</c>).</summary>
    public string WorldData { get; set; } = Character.EmptyObject;
}

/// <summary>A proxy as listed to players.</summary>
internal sealed record ProxySnapshot(
    string Id,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? EndedAt,
    string Name,
    string ModeId,
    string? MapId,
    bool ContinuousPlay,
    bool HasPassword,
    string? ShortCode,
    int MaxPlayersPerShard,
    string Data,
    string? OwnerPlayerId,
    string Region,
    bool StartOnBoot,
    string? Zones,
    int NumPlayersToAddShard,
    double NumMinutesToDestroyEmptyShard,
    bool Public,
    bool ProxyEndsWhenCollectionEnds,
    int CurrentPlayers,
    string? ActiveCollectionId)
{
    public static readonly Expression<Func<GameServerProxy, ProxySnapshot>> Projection = p => new ProxySnapshot(
        p.Id, p.CreatedAt, p.UpdatedAt, p.EndedAt, p.Name, p.ModeId, p.MapId, p.ContinuousPlay, p.PasswordHash != null,
        p.ShortCode, p.MaxPlayersPerShard, p.Data, p.OwnerPlayerId, p.Region, p.StartOnBoot, p.Zones, p.NumPlayersToAddShard,
        p.NumMinutesToDestroyEmptyShard, p.Public, p.ProxyEndsWhenCollectionEnds, p.CurrentPlayers, p.ActiveCollectionId);
}
