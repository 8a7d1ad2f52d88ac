using Redwood.SharedKernel.Ephemeral;
using Redwood.Testing;

namespace Redwood.IntegrationTests;

/// <summary>The in-process and the Redis store honour the same contract.</summary>
public sealed class EphemeralStoreTests(EphemeralStores stores) : IClassFixture<EphemeralStores>
{
    public static TheoryData<string> Stores => EphemeralStores.Kinds;

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Values_can_be_set_read_taken_once_and_deleted(string kind)
    {
        var store = Create(kind);
        var key = "test:" + Guid.NewGuid();

        await store.SetAsync(key, "one", null, default);
        Assert.Equal("one", await store.GetAsync(key, default));
        Assert.False(await store.SetIfAbsentAsync(key, "two", null, default));
        Assert.Equal("one", await store.TakeAsync(key, default));
        Assert.Null(await store.TakeAsync(key, default));
        Assert.True(await store.SetIfAbsentAsync(key, "three", null, default));
        Assert.True(await store.DeleteAsync(key, default));
        Assert.Null(await store.GetAsync(key, default));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Hash_fields_can_be_set_read_listed_and_deleted(string kind)
    {
        var store = Create(kind);
        var key = "test:" + Guid.NewGuid();

        Assert.Empty(await store.HashGetAllAsync(key, default));
        await store.HashSetAsync(key, "a", "1", default);
        await store.HashSetAsync(key, "b", "2", default);
        await store.HashSetAsync(key, "a", "3", default);

        Assert.Equal("3", await store.HashGetAsync(key, "a", default));
        Assert.Null(await store.HashGetAsync(key, "c", default));
        Assert.Equal(["a=3", "b=2"], (await store.HashGetAllAsync(key, default)).Select(e => e.Key + "=" + e.Value).Order());
        Assert.True(await store.HashDeleteAsync(key, "a", default));
        Assert.False(await store.HashDeleteAsync(key, "a", default));
        Assert.Equal(["b=2"], (await store.HashGetAllAsync(key, default)).Select(e => e.Key + "=" + e.Value));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Fields_of_several_hashes_are_set_in_one_write(string kind)
    {
        var store = Create(kind);
        var (first, second) = ("test:" + Guid.NewGuid(), "test:" + Guid.NewGuid());
        await store.HashSetAsync(first, "kept", "0", default);

        await store.HashSetManyAsync([new(first, "a", "1"), new(second, "b", "2"), new(first, "c", "3")], default);

        Assert.Equal(["a=1", "c=3", "kept=0"], (await store.HashGetAllAsync(first, default)).Select(e => e.Key + "=" + e.Value).Order());
        Assert.Equal(["b=2"], (await store.HashGetAllAsync(second, default)).Select(e => e.Key + "=" + e.Value));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Values_expire(string kind)
    {
        var store = Create(kind);
        var key = "test:" + Guid.NewGuid();

        await store.SetAsync(key, "soon gone", TimeSpan.FromMilliseconds(300), default);

        await Eventually.True(async () => await store.GetAsync(key, default) is null, TimeSpan.FromSeconds(5), "the key expired");
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Counters_count_within_a_window(string kind)
    {
        var store = Create(kind);
        var key = "test:" + Guid.NewGuid();

        Assert.Equal(1, await store.IncrementAsync(key, TimeSpan.FromMilliseconds(500), default));
        Assert.Equal(2, await store.IncrementAsync(key, TimeSpan.FromMilliseconds(500), default));

        await Eventually.True(async () => await store.GetAsync(key, default) is null, TimeSpan.FromSeconds(5), "the window ended");
        Assert.Equal(1, await store.IncrementAsync(key, TimeSpan.FromSeconds(5), default));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Subscribers_receive_published_messages_until_they_unsubscribe(string kind)
    {
        var store = Create(kind);
        var channel = "test:" + Guid.NewGuid();
        var received = new List<string>();

        var subscription = await store.SubscribeAsync(channel, m => { lock (received) { received.Add(m); } return Task.CompletedTask; }, default);
        await store.PublishAsync(channel, "hello", default);
        await Eventually.True(() => Task.FromResult(received.Contains("hello")), TimeSpan.FromSeconds(5), "the message arrived");
        await subscription.DisposeAsync();
        await store.PublishAsync(channel, "after", default);
        await store.PublishAsync(channel + ":other", "after", default);

        lock (received)
        {
            Assert.Equal(["hello"], received);
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_stream_entry_goes_to_exactly_one_consumer_of_a_group(string kind)
    {
        var store = Create(kind);
        var stream = "test:" + Guid.NewGuid();
        Assert.Empty(await store.StreamReadGroupAsync(stream, "workers", "a", 10, default));

        await store.StreamAddAsync(stream, "job-1", default);
        await store.StreamAddAsync(stream, "job-2", default);
        var first = await store.StreamReadGroupAsync(stream, "workers", "a", 1, default);
        var second = await store.StreamReadGroupAsync(stream, "workers", "b", 10, default);
        var other = await store.StreamReadGroupAsync(stream, "auditors", "c", 10, default);

        Assert.Equal(["job-1"], first.Select(e => e.Payload));
        Assert.Equal(["job-2"], second.Select(e => e.Payload));
        Assert.Empty(other);
        await store.StreamAcknowledgeAsync(stream, "workers", first[0].Id, default);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Reservations_never_exceed_the_limit_however_many_race(string kind)
    {
        var store = Create(kind);
        var key = "test:" + Guid.NewGuid();

        var granted = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => store.TryReserveAsync(key, 10, TimeSpan.FromMinutes(1), default))));

        Assert.Equal(10, granted.Count(g => g));
        await store.ReleaseAsync(key, default);
        Assert.True(await store.TryReserveAsync(key, 10, TimeSpan.FromMinutes(1), default));
        Assert.False(await store.TryReserveAsync(key, 10, TimeSpan.FromMinutes(1), default));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Reservations_expire_with_their_window(string kind)
    {
        var store = Create(kind);
        var key = "test:" + Guid.NewGuid();
        Assert.True(await store.TryReserveAsync(key, 1, TimeSpan.FromSeconds(2), default));
        Assert.False(await store.TryReserveAsync(key, 1, TimeSpan.FromSeconds(2), default));

        await Eventually.True(async () => await store.TryReserveAsync(key, 1, TimeSpan.FromMinutes(1), default), TimeSpan.FromSeconds(15), "the window ended");
    }

    [Fact]
    public async Task Redis_counters_always_carry_an_expiry()
    {
        var prefix = EphemeralStores.NewPrefix();
        var store = stores.RedisStore(prefix);
        var db = stores.Redis.GetDatabase();

        // A counter left without a TTL (INCR, then a crash before EXPIRE) gets one back on its next use.
        await db.StringSetAsync(prefix + "stale", "3");
        await store.IncrementAsync("stale", TimeSpan.FromMinutes(1), default);
        await store.TryReserveAsync("fresh", 5, TimeSpan.FromMinutes(1), default);

        Assert.NotNull(await db.KeyTimeToLiveAsync(prefix + "stale"));
        Assert.NotNull(await db.KeyTimeToLiveAsync(prefix + "fresh"));
    }

    [Fact]
    public async Task In_memory_counters_are_swept_once_expired()
    {
        var clock = new ManualClock();
        var store = new InMemoryEphemeralStore(clock);
        for (var i = 0; i < 200_000; i++)
        {
            await store.TryReserveAsync("k" + i, 10, TimeSpan.FromMinutes(5), default);
        }

        clock.Advance(TimeSpan.FromMinutes(6));
        await store.TryReserveAsync("one more", 10, TimeSpan.FromMinutes(5), default);

        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task Redis_keys_carry_the_deployment_prefix()
    {
        var prefix = EphemeralStores.NewPrefix();
        var store = stores.RedisStore(prefix);

        await store.SetAsync("director:x", "1", TimeSpan.FromMinutes(1), default);

        Assert.Equal("1", (string?)await stores.Redis.GetDatabase().StringGetAsync(prefix + "director:x"));
    }

    private IEphemeralStore Create(string kind) => stores.Create(kind);
}
