using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Redwood.SharedKernel.Ephemeral;

/// <summary>The validated <c>Redwood:Redis</c> settings.</summary>
/// <param name="Configuration">The StackExchange.Redis configuration, or null for in-process only.</param>
/// <param name="Prefix">
/// <c>Redwood:Redis:Prefix</c>: prepended to every key and channel, so several deployments (or test runs) can share
/// one Redis server without seeing each other.
/// </param>
public sealed record RedisSettings(ConfigurationOptions? Configuration, string Prefix = "")
{
    /// <summary>True when a Redis server is configured.</summary>
    public bool Enabled => Configuration is not null;

    /// <summary>Reads and validates the settings; a malformed value throws a message that names the setting.</summary>
    public static RedisSettings Read(IConfiguration configuration)
    {
        var raw = configuration["Redwood:Redis:Configuration"];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return new RedisSettings((ConfigurationOptions?)null);
        }

        try
        {
            var options = ConfigurationOptions.Parse(raw);
            if (options.EndPoints.Count == 0)
            {
                throw new ArgumentException("no endpoint");
            }

            options.AbortOnConnectFail = false;
            return new RedisSettings(options, configuration["Redwood:Redis:Prefix"] ?? string.Empty);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException(
                $"Setting 'Redwood:Redis:Configuration' is not a valid StackExchange.Redis configuration: {ex.Message}", ex);
        }
    }
}

/// <summary>Registers the process's one Redis multiplexer (when configured) and the ephemeral store.</summary>
public static class EphemeralStoreExtensions
{
    /// <summary>Registers <see cref="IEphemeralStore"/>: Redis when configured, in-memory otherwise.</summary>
    public static IServiceCollection AddEphemeralStore(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = RedisSettings.Read(configuration);
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);
        if (settings.Configuration is { } options)
        {
            services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
            services.AddSingleton<IEphemeralStore, RedisEphemeralStore>();
            services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        }
        else
        {
            services.AddSingleton<IEphemeralStore, InMemoryEphemeralStore>();
        }

        return services;
    }

    private sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var latency = await redis.GetDatabase().PingAsync();
                return HealthCheckResult.Healthy($"ping {latency.TotalMilliseconds:0.0} ms");
            }
            catch (RedisException ex)
            {
                return HealthCheckResult.Unhealthy("Redis unreachable", ex);
            }
        }
    }
}
