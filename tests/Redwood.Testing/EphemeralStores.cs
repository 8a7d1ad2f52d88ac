using Redwood.SharedKernel.Ephemeral;
using StackExchange.Redis;
using Xunit;

namespace Redwood.Testing;

/// <summary>
/// The two key/value stores a store-backed test runs on: the in-process one and the test script's Redis, each test's
/// under a key prefix of its own. A class fixture: one Redis connection per test class.
/// </summary>
public sealed class EphemeralStores : IAsyncLifetime
{
    private ConnectionMultiplexer? _redis;

    /// <summary>The store kinds, for <c>[MemberData]</c>.</summary>
    public static TheoryData<string> Kinds => new() { "memory", "redis" };

    /// <summary>The connection to the test Redis.</summary>
    public ConnectionMultiplexer Redis => _redis ?? throw new InvalidOperationException("Not initialized");

    public async Task InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync(TestEnvironment.Redis);

    public async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    /// <summary>A fresh store of the kind: in-process on <paramref name="time"/>, or Redis under a new prefix.</summary>
    public IEphemeralStore Create(string kind, TimeProvider? time = null) => kind == "memory"
        ? new InMemoryEphemeralStore(time ?? TimeProvider.System)
        : RedisStore(NewPrefix());

    /// <summary>A Redis store under <paramref name="prefix"/>.</summary>
    public RedisEphemeralStore RedisStore(string prefix) =>
        new(Redis, new RedisSettings(ConfigurationOptions.Parse(TestEnvironment.Redis), prefix));

    /// <summary>A key prefix no other test uses.</summary>
    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..8] + ":";
}
