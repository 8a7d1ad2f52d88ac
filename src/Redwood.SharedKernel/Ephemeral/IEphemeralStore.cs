namespace Redwood.SharedKernel.Ephemeral;

/// <summary>
/// Shared ephemeral state: keys with expiry, counters, pub/sub and streams with consumer groups. In-process by
/// default; Redis when <c>Redwood:Redis:Configuration</c> is set, so replicas share it. Callers prefix keys with
/// their module (<c>director:</c>, <c>realm:</c>...).
/// </summary>
public interface IEphemeralStore
{
    /// <summary>The value of a key, or null when absent or expired.</summary>
    Task<string?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Sets a key, optionally expiring.</summary>
    Task SetAsync(string key, string value, TimeSpan? expiry, CancellationToken cancellationToken);

    /// <summary>Sets a key only when it does not exist; true when it was set.</summary>
    Task<bool> SetIfAbsentAsync(string key, string value, TimeSpan? expiry, CancellationToken cancellationToken);

    /// <summary>Removes a key and returns its value atomically (one-time values).</summary>
    Task<string?> TakeAsync(string key, CancellationToken cancellationToken);

    /// <summary>Removes a key; true when it existed.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Increments a counter; the expiry starts with the first increment (a fixed window).</summary>
    Task<long> IncrementAsync(string key, TimeSpan window, CancellationToken cancellationToken);

    /// <summary>Sets one field of a hash (a key holding field/value pairs, without expiry).</summary>
    Task HashSetAsync(string key, string field, string value, CancellationToken cancellationToken);

    /// <summary>
    /// Sets fields of one or more hashes as one step: a process or connection that dies midway leaves none of them
    /// written, never some (a Redis transaction; in-process, nothing outlives the process anyway).
    /// </summary>
    Task HashSetManyAsync(IReadOnlyList<HashWrite> writes, CancellationToken cancellationToken);

    /// <summary>The value of one field of a hash, or null.</summary>
    Task<string?> HashGetAsync(string key, string field, CancellationToken cancellationToken);

    /// <summary>Removes one field of a hash; true when it existed.</summary>
    Task<bool> HashDeleteAsync(string key, string field, CancellationToken cancellationToken);

    /// <summary>Every field of a hash with its value (empty when the key is absent).</summary>
    Task<IReadOnlyList<KeyValuePair<string, string>>> HashGetAllAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the lease <paramref name="key"/> for <paramref name="owner"/> when it is free, or extends it when the owner
    /// already holds it; true while the owner holds it for the next <paramref name="ttl"/>. Work that must run on one
    /// process at a time checks this before each run; when the holder dies, the lease expires and another takes it.
    /// </summary>
    Task<bool> TryHoldLeaseAsync(string key, string owner, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Gives a lease up, only if <paramref name="owner"/> holds it.</summary>
    Task ReleaseLeaseAsync(string key, string owner, CancellationToken cancellationToken);
    /// <summary>
    /// Takes one unit of a fixed-window counter when it is below <paramref name="limit"/>, as one atomic step (check and
    /// count cannot be raced); false, without counting, when the limit is reached. The window starts with the first unit.
    /// </summary>
    Task<bool> TryReserveAsync(string key, long limit, TimeSpan window, CancellationToken cancellationToken);

    /// <summary>Gives back one unit taken by <see cref="TryReserveAsync"/> (never below zero; the window is kept).</summary>
    Task ReleaseAsync(string key, CancellationToken cancellationToken);

    /// <summary>Publishes to every subscriber of the channel, in every process.</summary>
    Task PublishAsync(string channel, string message, CancellationToken cancellationToken);

    /// <summary>Subscribes to a channel until the returned handle is disposed.</summary>
    Task<IAsyncDisposable> SubscribeAsync(string channel, Func<string, Task> handler, CancellationToken cancellationToken);

    /// <summary>Appends an entry to a stream; returns its id.</summary>
    Task<string> StreamAddAsync(string stream, string payload, CancellationToken cancellationToken);

    /// <summary>
    /// Reads up to <paramref name="count"/> entries never delivered to the group (the group is created on first use).
    /// Each entry goes to exactly one consumer of the group and stays pending until acknowledged.
    /// </summary>
    Task<IReadOnlyList<StreamEntry>> StreamReadGroupAsync(
        string stream, string group, string consumer, int count, CancellationToken cancellationToken);

    /// <summary>Acknowledges an entry read through the group.</summary>
    Task StreamAcknowledgeAsync(string stream, string group, string id, CancellationToken cancellationToken);

    /// <summary>Round trip to the backing store (readiness).</summary>
    Task<TimeSpan> PingAsync(CancellationToken cancellationToken);
}

/// <summary>One field write of <see cref="IEphemeralStore.HashSetManyAsync"/>.</summary>
/// <param name="Key">The hash.</param>
/// <param name="Field">The field.</param>
/// <param name="Value">The value.</param>
public sealed record HashWrite(string Key, string Field, string Value);

/// <summary>One stream entry.</summary>
/// <param name="Id">The entry id.</param>
/// <param name="Payload">The entry payload.</param>
public sealed record StreamEntry(string Id, string Payload);
