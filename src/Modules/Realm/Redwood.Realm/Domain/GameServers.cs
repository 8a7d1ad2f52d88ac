namespace Redwood.Realm.Domain;

/// <summary>What the Realm knows of a game server's life.</summary>
internal enum GameServerStatus
{
    /// <summary>Launched or allocated; the map has not reported loaded yet.</summary>
    Starting,

    /// <summary>Loaded and reporting; players may be sent to it.</summary>
    Ready,

    /// <summary>Stopped, failed or stale; never used again.</summary>
    Ended,
}

/// <summary>
/// A running game-server process (or VM/container; one instance at a time here). Idle (no <see cref="InstanceId"/>)
/// servers form the warm pool. <see cref="ProviderId"/> is what the provider knows it by (the local provider: the pid).
/// </summary>
internal sealed class GameServerContainer
{
    public required string Id { get; init; }

    public required string Provider { get; init; }

    public string? ProviderId { get; set; }

    /// <summary>
    /// The id its Sidecar reports it under: the container id for a Sidecar this deployment opens per server (local
    /// provider), the provider's name for the server when a Sidecar process of its own runs beside it (Agones: the
    /// GameServer name).
    /// </summary>
    public required string SidecarId { get; set; }

    /// <summary>The <c>host:port</c> players connect to.</summary>
    public required string Connection { get; set; }

    public int SidecarPort { get; set; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; set; }

    public DateTime? EndedAt { get; set; }

    /// <summary>Last <c>update-instance-state</c> relayed by its Sidecar; null until the first one.</summary>
    public DateTime? LastReportAt { get; set; }

    /// <summary>The reported Unreal state (<c>LoadingMap</c>, <c>WaitingForPlayers</c>, ...); null when absent.</summary>
    public string? ReportedState { get; set; }

    /// <summary>The instance it serves; null while idle.</summary>
    public string? InstanceId { get; set; }
}

/// <summary>All instances backing one proxy for a period; never reused once ended.</summary>
internal sealed class GameServerCollection
{
    public required string Id { get; init; }

    public required string ProxyId { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; set; }

    public DateTime? EndedAt { get; set; }
}

/// <summary>One zone shard of a collection, served by one container.</summary>
internal sealed class GameServerInstance
{
    public required string Id { get; init; }

    public required string CollectionId { get; init; }

    public required string ProxyId { get; init; }

    public required string ZoneName { get; init; }

    public required string ShardName { get; init; }

    /// <summary><c>zone:shard</c>, as in the load-map payload.</summary>
    public required string Channel { get; init; }

    public string? ContainerId { get; set; }

    /// <summary>The container's provider id, copied so the wire's <c>GameServerInstance.providerId</c> needs no join.</summary>
    public string? ProviderId { get; set; }

    /// <summary><c>host:port</c>, set once loaded.</summary>
    public string? Connection { get; set; }

    public GameServerStatus Status { get; set; }

    /// <summary>The <c>requestId</c> of the load-map sent for this instance.</summary>
    public string? LoadRequestId { get; set; }

    public string? MapId { get; set; }

    public int NumPlayers { get; set; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? EndedAt { get; set; }

    /// <summary>When the shard last became empty (no players, no outstanding tokens); null while in use.</summary>
    public DateTime? EmptySince { get; set; }
}

/// <summary>
/// A one-time join token: only its SHA-256 is stored. Bound to a player, a character and an instance; consumed by a
/// single conditional update, so two concurrent uses cannot both succeed.
/// </summary>
internal sealed class JoinToken
{
    public required string TokenHash { get; init; }

    public required string PlayerId { get; init; }

    public required string CharacterId { get; init; }

    public required string InstanceId { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime ExpiresAt { get; init; }

    public DateTime? UsedAt { get; set; }
}

/// <summary>
/// Makes an allocation happen once: every Realm replica may receive the same match or admission, and only the one
/// that inserts this row (unique <see cref="Key"/>, e.g. <c>match:&lt;id&gt;</c>) allocates.
/// </summary>
internal sealed class AllocationClaim
{
    public required string Key { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime? CompletedAt { get; set; }

    public string? Outcome { get; set; }
}

/// <summary>What the Realm keeps of a player from the Director's hand-off (for <c>PlayerData</c> on the game server).</summary>
internal sealed class RealmPlayer
{
    public required string Id { get; init; }

    public required string Nickname { get; set; }

    public string Data { get; set; } = Character.EmptyObject;

    public DateTime UpdatedAt { get; set; }
}

/// <summary>Persisted data of one zone of a proxy (<c>persistence:update-zone</c>).</summary>
internal sealed class ZoneData
{
    public required string ProxyId { get; init; }

    public required string ZoneName { get; init; }

    public string Data { get; set; } = Character.EmptyObject;

    public string PersistentItems { get; set; } = "[]";

    public DateTime UpdatedAt { get; set; }
}
