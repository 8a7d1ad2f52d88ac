using Npgsql;
using Redwood.Testing;
using StackExchange.Redis;

namespace Redwood.IntegrationTests;

public sealed class TestServersTests
{
    [Fact]
    public async Task PostgreSQL_from_the_test_script_answers()
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SHOW server_version", connection);

        var version = (string)(await command.ExecuteScalarAsync())!;

        Assert.StartsWith("15.", version);
    }

    [Fact]
    public async Task Redis_from_the_test_script_answers()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestEnvironment.Redis);

        var latency = await redis.GetDatabase().PingAsync();

        Assert.True(latency < TimeSpan.FromSeconds(5));
    }
}
