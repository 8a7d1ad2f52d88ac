using Npgsql;

namespace Redwood.Testing;

/// <summary>
/// The real servers the test script starts: <c>REDWOOD_TEST_POSTGRES</c> (a connection string) and
/// <c>REDWOOD_TEST_REDIS</c> (a StackExchange.Redis configuration). A missing one fails the test loudly.
/// </summary>
public static class TestEnvironment
{
    /// <summary>The PostgreSQL server connection string.</summary>
    public static string Postgres => Require("REDWOOD_TEST_POSTGRES");

    /// <summary>The Redis configuration string.</summary>
    public static string Redis => Require("REDWOOD_TEST_REDIS");

    /// <summary>
    /// The settings every test host starts from: loopback only, every port 0 (tests run in parallel), SQLite files in a
    /// fresh temporary directory, and per-address registration and connection limits raised, because every test
    /// player connects from 127.0.0.1 (tests of those limits set them back down).
    /// </summary>
    public static Dictionary<string, string?> HostDefaults() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Redwood:Director:Auth:MaxRegistrationsPerAddress"] = "1000000",
        ["Redwood:Network:MaxConnectionsPerAddress"] = "1000000",
        ["Redwood:Network:BindAddress"] = "127.0.0.1",
        ["Redwood:Http:Port"] = "0",
        ["Redwood:Director:Port"] = "0",
        ["Redwood:Realm:Port"] = "0",
        ["Redwood:Sidecar:BasePort"] = "0",
        ["Redwood:Persistence:DataDirectory"] = Path.Combine(Path.GetTempPath(), "redwood-tests", Guid.NewGuid().ToString("N")),
    };

    /// <summary>Creates an empty database on the test PostgreSQL server and returns its connection string.</summary>
    public static async Task<string> CreatePostgresDatabaseAsync()
    {
        var name = "rw_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(Postgres))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(Postgres) { Database = name }.ConnectionString;
    }

    private static string Require(string variable)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"{variable} is not set. Run the tests through ./test.sh, which starts PostgreSQL and Redis and exports it.");
        }

        return value;
    }
}

/// <summary>Waits for asynchronous outcomes without sleeping blindly.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="probe"/> until it returns true or the timeout passes (then fails).</summary>
    public static async Task True(Func<Task<bool>> probe, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {what}");
            }

            await Task.Delay(50);
        }
    }
}
