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

    [Fact]
    public async Task Redis_from_the_test_script_requires_its_password()
    {
        var options = ConfigurationOptions.Parse(TestEnvironment.Redis);
        Assert.False(string.IsNullOrEmpty(options.Password), "REDWOOD_TEST_REDIS carries no password: the test Redis must require one");
        var (host, port) = options.EndPoints.Single() switch
        {
            System.Net.IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            System.Net.DnsEndPoint dns => (dns.Host, dns.Port),
            var other => throw new InvalidOperationException("Unexpected Redis endpoint " + other),
        };

        // A client that does not authenticate is refused.
        using var anonymous = new System.Net.Sockets.TcpClient();
        await anonymous.ConnectAsync(host, port);
        var stream = anonymous.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray());
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer);

        Assert.StartsWith("-NOAUTH", System.Text.Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
    }
}
