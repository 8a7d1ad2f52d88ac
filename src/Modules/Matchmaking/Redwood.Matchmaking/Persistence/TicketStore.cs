using System.Collections.Concurrent;
using System.Text.Json;
using Redwood.Matchmaking.Domain;
using Redwood.SharedKernel.Ephemeral;

namespace Redwood.Matchmaking.Persistence;

/// <summary>
/// Tickets and pending matches in the key/value store: one hash of tickets and one of matches per realm, a key per
/// player pointing at their open ticket (set only if absent: one open ticket per player), a hash of realms that
/// have tickets, so the matcher knows what to process after a restart, and a hash per realm of the matches and queue
/// admissions already handed on to the Realm (what a matcher that died mid-tick wrote but never handed on is not there).
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

    /// <summary>Saves a new match and its placed tickets as one write: never a match without its tickets or the reverse.</summary>
    public Task PlaceMatchAsync(PendingMatch match, IReadOnlyList<Ticket> placed, CancellationToken ct)
    {
        var writes = new List<HashWrite>(placed.Count + 1) { new(MatchesKey(match.RealmId), match.Id, JsonSerializer.Serialize(match, Json)) };
        writes.AddRange(placed.Select(t => new HashWrite(TicketsKey(t.RealmId), t.Id, JsonSerializer.Serialize(t, Json))));
        return store.HashSetManyAsync(writes, ct);
    }

    /// <summary>Records that a match or a queue admission (by ticket id) was handed on to the Realm.</summary>
    public Task MarkHandedOnAsync(string realmId, string id, CancellationToken ct) =>
        store.HashSetAsync(HandedOnKey(realmId), id, "1", ct);

    /// <summary>The ids of matches and queue admissions handed on to the Realm.</summary>
    public async Task<HashSet<string>> HandedOnAsync(string realmId, CancellationToken ct) =>
        [.. (await store.HashGetAllAsync(HandedOnKey(realmId), ct)).Select(e => e.Key)];

    /// <summary>Forgets a handed-on mark whose match or admission is over.</summary>
    public Task ForgetHandedOnAsync(string realmId, string id, CancellationToken ct) =>
        store.HashDeleteAsync(HandedOnKey(realmId), id, ct);

    public async Task<PendingMatch?> FindMatchAsync(string realmId, string matchId, CancellationToken ct) =>
        await store.HashGetAsync(MatchesKey(realmId), matchId, ct) is { } json ? JsonSerializer.Deserialize<PendingMatch>(json, Json) : null;

    public Task DeleteMatchAsync(string realmId, string matchId, CancellationToken ct) =>
        store.HashDeleteAsync(MatchesKey(realmId), matchId, ct);

    public async Task<List<PendingMatch>> MatchesAsync(string realmId, CancellationToken ct) =>
        [.. (await store.HashGetAllAsync(MatchesKey(realmId), ct)).Select(e => JsonSerializer.Deserialize<PendingMatch>(e.Value, Json)!)];

    private static string PlayerKey(string realmId, string playerId) => $"matchmaking:{realmId}:player:{playerId}";

    private static string TicketsKey(string realmId) => $"matchmaking:{realmId}:tickets";

    private static string MatchesKey(string realmId) => $"matchmaking:{realmId}:matches";

    private static string HandedOnKey(string realmId) => $"matchmaking:{realmId}:handed-on";
}
