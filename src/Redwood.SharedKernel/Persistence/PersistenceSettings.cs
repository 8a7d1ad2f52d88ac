using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Redwood.SharedKernel.Persistence;

/// <summary>Which database provider stateful modules use.</summary>
public enum PersistenceProvider
{
    /// <summary>One SQLite file per module store under the data directory (the embedded default).</summary>
    Sqlite,

    /// <summary>One PostgreSQL database, one schema per module store.</summary>
    Postgres,
}

/// <summary>
/// SQLite's <c>synchronous</c> setting in WAL mode. Both keep every acknowledged write through a crash of the process
/// (the commit is in the operating system's cache before it returns); they differ on a power loss or kernel crash.
/// </summary>
public enum SqliteSynchronous
{
    /// <summary>
    /// No fsync per commit; the WAL is synced at each checkpoint. A power loss can roll back the last transactions
    /// committed since then (the database stays consistent).
    /// </summary>
    Normal,

    /// <summary>An fsync of the WAL at every commit: a commit survives a power loss too, at the cost of that fsync.</summary>
    Full,
}

/// <summary>The validated <c>Redwood:Persistence</c> settings.</summary>
/// <param name="Provider">The database provider.</param>
/// <param name="DataDirectory">Absolute directory of the SQLite files.</param>
/// <param name="ConnectionString">The PostgreSQL connection string (Postgres only).</param>
/// <param name="Synchronous">SQLite's <c>synchronous</c> setting (<c>Redwood:Persistence:SqliteSynchronous</c>).</param>
public sealed record PersistenceSettings(
    PersistenceProvider Provider, string DataDirectory, string? ConnectionString, SqliteSynchronous Synchronous = SqliteSynchronous.Normal)
{
    /// <summary>
    /// How long start-up waits for a PostgreSQL server that does not answer yet (<c>Redwood:Persistence:StartupWait</c>,
    /// default one minute) before the process gives up.
    /// </summary>
    public TimeSpan StartupWait { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Reads and validates the settings; a bad value throws a message that names the setting.</summary>
    public static PersistenceSettings Read(IConfiguration configuration)
    {
        var rawProvider = configuration["Redwood:Persistence:Provider"];
        var provider = PersistenceProvider.Sqlite;
        if (!string.IsNullOrWhiteSpace(rawProvider) && !Enum.TryParse(rawProvider, ignoreCase: true, out provider))
        {
            throw new InvalidOperationException(
                $"Setting 'Redwood:Persistence:Provider' is '{rawProvider}'; expected 'Sqlite' or 'Postgres'.");
        }

        var rawSynchronous = configuration["Redwood:Persistence:SqliteSynchronous"];
        var synchronous = SqliteSynchronous.Normal;
        if (!string.IsNullOrWhiteSpace(rawSynchronous)
            && (!Enum.TryParse(rawSynchronous, ignoreCase: true, out synchronous) || !Enum.IsDefined(synchronous)))
        {
            throw new InvalidOperationException(
                $"Setting 'Redwood:Persistence:SqliteSynchronous' is '{rawSynchronous}'; expected 'Normal' or 'Full'.");
        }

        var dataDirectory = configuration["Redwood:Persistence:DataDirectory"];
        if (string.IsNullOrWhiteSpace(dataDirectory))
        {
            dataDirectory = "data";
        }

        var contentRoot = configuration[Microsoft.Extensions.Hosting.HostDefaults.ContentRootKey] ?? Directory.GetCurrentDirectory();
        dataDirectory = Path.GetFullPath(dataDirectory, contentRoot);

        string? connectionString = null;
        if (provider == PersistenceProvider.Postgres)
        {
            connectionString = configuration.GetConnectionString("Redwood");
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    "Setting 'ConnectionStrings:Redwood' is required when 'Redwood:Persistence:Provider' is 'Postgres'.");
            }

            try
            {
                var builder = new NpgsqlConnectionStringBuilder(connectionString);
                if (string.IsNullOrWhiteSpace(builder.Host))
                {
                    throw new ArgumentException("no Host");
                }
            }
            catch (ArgumentException ex)
            {
                throw new InvalidOperationException(
                    $"Setting 'ConnectionStrings:Redwood' is not a valid PostgreSQL connection string: {ex.Message}", ex);
            }
        }

        var startupWait = TimeSpan.FromMinutes(1);
        var rawWait = configuration["Redwood:Persistence:StartupWait"];
        if (!string.IsNullOrWhiteSpace(rawWait)
            && (!TimeSpan.TryParse(rawWait, System.Globalization.CultureInfo.InvariantCulture, out startupWait) || startupWait < TimeSpan.Zero))
        {
            throw new InvalidOperationException(
                $"Setting 'Redwood:Persistence:StartupWait' is '{rawWait}'; expected a time span such as 00:01:00.");
        }

        return new PersistenceSettings(provider, dataDirectory, connectionString, synchronous) { StartupWait = startupWait };
    }
}
