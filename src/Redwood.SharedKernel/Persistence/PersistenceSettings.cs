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

/// <summary>The validated <c>Redwood:Persistence</c> settings.</summary>
/// <param name="Provider">The database provider.</param>
/// <param name="DataDirectory">Absolute directory of the SQLite files.</param>
/// <param name="ConnectionString">The PostgreSQL connection string (Postgres only).</param>
public sealed record PersistenceSettings(PersistenceProvider Provider, string DataDirectory, string? ConnectionString)
{
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

        return new PersistenceSettings(provider, dataDirectory, connectionString);
    }
}
