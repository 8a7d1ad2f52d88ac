using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace Redwood.SharedKernel.Ephemeral;

/// <summary>The shared store on Redis, through the process's one multiplexer.</summary>
public sealed class RedisEphemeralStore(IConnectionMultiplexer redis, RedisSettings settings) : IEphemeralStore
{
    // One script per operation: a crash (or a lost connection) between INCR and EXPIRE would leave a counter forever.
    // A counter found without a TTL (left by an older version) gets one again.
    private const string IncrementScript = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return n
        """;

    private const string ReserveScript = """
        local n = tonumber(redis.call('GET', KEYS[1]) or '0')
        if n >= tonumber(ARGV[1]) then
          if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
          return 0
        end
        n = redis.call('INCR', KEYS[1])
        if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 1
        """;

    private const string ReleaseScript = """
        local n = tonumber(redis.call('GET', KEYS[1]) or '0')
        if n <= 1 then redis.call('DEL', KEYS[1]) return 0 end
        return redis.call('DECR', KEYS[1])
        """;

    private IDatabase Db => settings.Prefix.Length == 0 ? redis.GetDatabase() : redis.GetDatabase().WithKeyPrefix(settings.Prefix);

    /// <inheritdoc />
    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken) => await Db.StringGetAsync(key);

    /// <inheritdoc />
    public Task SetAsync(string key, string value, TimeSpan? expiry, CancellationToken cancellationToken) =>
        Db.StringSetAsync(key, value, expiry is { } e ? new Expiration(e) : Expiration.Default);

    /// <inheritdoc />
    public Task<bool> SetIfAbsentAsync(string key, string value, TimeSpan? expiry, CancellationToken cancellationToken) =>
        Db.StringSetAsync(key, value, expiry is { } e ? new Expiration(e) : Expiration.Default, ValueCondition.NotExists);

    /// <inheritdoc />
    public async Task<string?> TakeAsync(string key, CancellationToken cancellationToken) => await Db.StringGetDeleteAsync(key);

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) => Db.KeyDeleteAsync(key);

    /// <inheritdoc />
    public async Task<long> IncrementAsync(string key, TimeSpan window, CancellationToken cancellationToken) =>
        (long)await Db.ScriptEvaluateAsync(IncrementScript, [key], [Milliseconds(window)]);

    /// <inheritdoc />
    public async Task<bool> TryReserveAsync(string key, long limit, TimeSpan window, CancellationToken cancellationToken) =>
        (long)await Db.ScriptEvaluateAsync(ReserveScript, [key], [limit, Milliseconds(window)]) == 1;

    /// <inheritdoc />
    public Task ReleaseAsync(string key, CancellationToken cancellationToken) =>
        Db.ScriptEvaluateAsync(ReleaseScript, [key]);

    private static long Milliseconds(TimeSpan window) => Math.Max(1, (long)window.TotalMilliseconds);

    /// <inheritdoc />
    public Task HashSetAsync(string key, string field, string value, CancellationToken cancellationToken) =>
        Db.HashSetAsync(key, field, value);

    /// <inheritdoc />
    public async Task HashSetManyAsync(IReadOnlyList<HashWrite> writes, CancellationToken cancellationToken)
    {
        var transaction = Db.CreateTransaction();
        var queued = new Task[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            queued[i] = transaction.HashSetAsync(writes[i].Key, writes[i].Field, writes[i].Value);
        }

        if (!await transaction.ExecuteAsync())
        {
            throw new RedisException("The hash writes were not committed");
        }

        await Task.WhenAll(queued);
    }

    /// <inheritdoc />
    public async Task<string?> HashGetAsync(string key, string field, CancellationToken cancellationToken) =>
        await Db.HashGetAsync(key, field);

    /// <inheritdoc />
    public Task<bool> HashDeleteAsync(string key, string field, CancellationToken cancellationToken) =>
        Db.HashDeleteAsync(key, field);

    /// <inheritdoc />
    public async Task<IReadOnlyList<KeyValuePair<string, string>>> HashGetAllAsync(string key, CancellationToken cancellationToken)
    {
        var entries = await Db.HashGetAllAsync(key);
        return [.. entries.Select(e => new KeyValuePair<string, string>(e.Name!, e.Value!))];
    }

    /// <inheritdoc />
    public async Task<bool> TryHoldLeaseAsync(string key, string owner, TimeSpan ttl, CancellationToken cancellationToken) =>
        await Db.LockExtendAsync(key, owner, ttl) || await Db.LockTakeAsync(key, owner, ttl);

    /// <inheritdoc />
    public Task ReleaseLeaseAsync(string key, string owner, CancellationToken cancellationToken) => Db.LockReleaseAsync(key, owner);

    /// <inheritdoc />
    public Task PublishAsync(string channel, string message, CancellationToken cancellationToken) =>
        redis.GetSubscriber().PublishAsync(RedisChannel.Literal(settings.Prefix + channel), message);

    /// <inheritdoc />
    public async Task<IAsyncDisposable> SubscribeAsync(string channel, Func<string, Task> handler, CancellationToken cancellationToken)
    {
        var queue = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(settings.Prefix + channel));
        queue.OnMessage(async message => await handler(message.Message.ToString()));
        return new Subscription(queue);
    }

    /// <inheritdoc />
    public async Task<string> StreamAddAsync(string stream, string payload, CancellationToken cancellationToken) =>
        (await Db.StreamAddAsync(stream, "p", payload)).ToString();

    /// <inheritdoc />
    public async Task<IReadOnlyList<StreamEntry>> StreamReadGroupAsync(
        string stream, string group, string consumer, int count, CancellationToken cancellationToken)
    {
        StreamEntry[] Map(StackExchange.Redis.StreamEntry[] entries) =>
            entries.Select(e => new StreamEntry(e.Id.ToString(), e["p"].ToString())).ToArray();
        try
        {
            return Map(await Db.StreamReadGroupAsync(stream, group, consumer, StreamPosition.NewMessages, count));
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            try
            {
                await Db.StreamCreateConsumerGroupAsync(stream, group, StreamPosition.NewMessages, createStream: true);
            }
            catch (RedisServerException busy) when (busy.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
            {
                // Another replica created it first.
            }

            return Map(await Db.StreamReadGroupAsync(stream, group, consumer, StreamPosition.NewMessages, count));
        }
    }

    /// <inheritdoc />
    public Task StreamAcknowledgeAsync(string stream, string group, string id, CancellationToken cancellationToken) =>
        Db.StreamAcknowledgeAsync(stream, group, id);

    /// <inheritdoc />
    public Task<TimeSpan> PingAsync(CancellationToken cancellationToken) => Db.PingAsync();

    private sealed class Subscription(ChannelMessageQueue queue) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await queue.UnsubscribeAsync();
    }
}
