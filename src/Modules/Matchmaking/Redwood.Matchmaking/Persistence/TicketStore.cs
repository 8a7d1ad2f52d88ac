using System.Collections.Concurrent;
using System.Text.Json;
using Redwood.Matchmaking.Domain;
using Redwood.SharedKernel.Ephemeral;

namespace Redwood.Matchmaking.Persistence;

/// <summary>
/// Tickets and pending matches in the key/value store: one hash of tickets and one of matches per realm, a key per
/// player pointing at their open ticket (set only if absent: one open ticket per player), and a hash of realms that
/// have tickets, so the matcher knows what to process after a restart.
/// </summary>
internal sealed class TicketStore(IEphemeralStore store)
{
    private const string Realms = "matchmaking:realms";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentDictionary<string, byte> _knownRealms = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<string>> RealmsAsync(CancellationToken ct) =>
        [.. (await store.HashGetAllAsync(Realms, ct)).Select(e => e.Key)];

    /// <summary>Claims the player's single open-ticket slot; false when another ticket holds it.</summary>
    public Task<bool> ClaimPlayerAsync(string realmId, string playerId, string ticketId, CancellationToken ct) =>
        store.SetIfAbsentAsync(PlayerKey(realmId, playerId), ticketId, null, ct);

    /// <summary>The ticket id holding the player's slot, or null.</summary>
    public Task<string?> TicketOfPlayerAsync(string realmId, string playerId, CancellationToken ct) =>
        store.GetAsync(PlayerKey(realmId, playerId), ct);

    public Task ReleasePlayerAsync(string realmId, string playerId, CancellationToken ct) =>
        store.DeleteAsync(PlayerKey(realmId, playerId), ct);

    public async Task SaveAsync(Ticket ticket, CancellationToken ct)
    {
        if (_knownRealms.TryAdd(ticket.RealmId, 0))
        {
            await store.HashSetAsync(Realms, ticket.RealmId, "1", ct);
        }

        await store.HashSetAsync(TicketsKey(ticket.RealmId), ticket.Id, JsonSerializer.Serialize(ticket, Json), ct);
    }

    public async Task<Ticket?> FindAsync(string realmId, string ticketId, CancellationToken ct) =>
        await store.HashGetAsync(TicketsKey(realmId), ticketId, ct) is { } json ? JsonSerializer.Deserialize<Ticket>(json, Json) : null;

    public Task<bool> DeleteAsync(string realmId, string ticketId, CancellationToken ct) =>
        store.HashDeleteAsync(TicketsKey(realmId), ticketId, ct);

    public async Task<List<Ticket>> AllAsync(string realmId, CancellationToken ct)
    {
        var entries = await store.HashGetAllAsync(TicketsKey(realmId), ct);
        var tickets = new List<Ticket>(entries.Count);
        foreach (var entry in entries)
        {
            if (JsonSerializer.Deserialize<Ticket>(entry.Value, Json) is { } ticket)
            {
                tickets.Add(ticket);
            }
        }

        return tickets;
    }

    public Task SaveMatchAsync(PendingMatch match, CancellationToken ct) =>
        store.HashSetAsync(MatchesKey(match.RealmId), match.Id, JsonSerializer.Serialize(match, Json), ct);

    public async Task<PendingMatch?> FindMatchAsync(string realmId, string matchId, CancellationToken ct) =>
        await store.HashGetAsync(MatchesKey(realmId), matchId, ct) is { } json ? JsonSerializer.Deserialize<PendingMatch>(json, Json) : null;

    public Task DeleteMatchAsync(string realmId, string matchId, CancellationToken ct) =>
        store.HashDeleteAsync(MatchesKey(realmId), matchId, ct);

    public async Task<List<PendingMatch>> MatchesAsync(string realmId, CancellationToken ct) =>
        [.. (await store.HashGetAllAsync(MatchesKey(realmId), ct)).Select(e => JsonSerializer.Deserialize<PendingMatch>(e.Value, Json)!)];

    private static string PlayerKey(string realmId, string playerId) => $"matchmaking:{realmId}:player:{playerId}";

    private static string TicketsKey(string realmId) => $"matchmaking:{realmId}:tickets";

    private static string MatchesKey(string realmId) => $"matchmaking:{realmId}:matches";
}
