using Redwood.Matchmaking.Contracts;

namespace Redwood.Matchmaking.Domain;

/// <summary>What a ticket asks for.</summary>
internal enum TicketKind
{
    /// <summary>A match of a game profile in one of the player's regions.</summary>
    Matchmaking,

    /// <summary>A place on a proxy's zone, first come first served.</summary>
    Queue,
}

/// <summary>Where a ticket is in its life.</summary>
internal enum TicketState
{
    /// <summary>In the pool or the queue.</summary>
    Waiting,

    /// <summary>In a match (or admitted from the queue) whose game server is being started.</summary>
    Placed,
}

/// <summary>
/// A ticket as stored in the key/value store (Redis in distributed mode), so a restarted Matchmaking process loses none.
/// </summary>
internal sealed record Ticket
{
    public required string Id { get; init; }

    public required string RealmId { get; init; }

    public required string PlayerId { get; init; }

    public required string CharacterId { get; init; }

    public required TicketKind Kind { get; init; }

    /// <summary>Matchmaking: the profile.</summary>
    public string? ProfileId { get; init; }

    /// <summary>Matchmaking: regions within the maximum ping, lowest ping first.</summary>
    public IReadOnlyList<RegionPing> Regions { get; init; } = [];

    /// <summary>Queue: the proxy.</summary>
    public string? ProxyId { get; init; }

    /// <summary>Queue: the zone.</summary>
    public string? ZoneName { get; init; }

    /// <summary>Queue: the shard the player asked for, or null.</summary>
    public string? ShardName { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last entered the pool or queue; it goes stale <c>TicketStaleTime</c> after this.</summary>
    public required DateTimeOffset WaitingSince { get; init; }

    public TicketState State { get; init; }

    /// <summary>Placed: when.</summary>
    public DateTimeOffset? PlacedAt { get; init; }

    /// <summary>Placed by a match: the match id.</summary>
    public string? MatchId { get; init; }

    /// <summary>Placed from a queue: the shard it was admitted to.</summary>
    public string? AdmittedShard { get; init; }

    /// <summary>When the player's last realm socket closed, if it has not come back.</summary>
    public DateTimeOffset? DisconnectedAt { get; init; }

    /// <summary>The queue this ticket waits in: proxy and zone.</summary>
    public string QueueKey => ProxyId + "\n" + ZoneName;
}

/// <summary>A match whose game server is being started, kept until the Realm reports it served or it grows too old.</summary>
/// <param name="Id">The match id.</param>
/// <param name="RealmId">The realm.</param>
/// <param name="TicketIds">Its tickets.</param>
/// <param name="CreatedAt">When it was made.</param>
internal sealed record PendingMatch(string Id, string RealmId, IReadOnlyList<string> TicketIds, DateTimeOffset CreatedAt);
