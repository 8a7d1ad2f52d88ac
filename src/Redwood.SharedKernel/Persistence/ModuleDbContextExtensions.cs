using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Redwood.SharedKernel.Persistence;

/// <summary>Registers a module's DbContext on the configured provider.</summary>
public static class ModuleDbContextExtensions
{
    /// <summary>Name of the EF migrations history table in every store.</summary>
    public const string HistoryTable = "__EFMigrationsHistory";

    /// <summary>
    /// Registers <typeparamref name="TContext"/> (pooled: every socket request gets a scope, and a context per request
    /// would be rebuilt each time) backed by the provider subclass the settings choose. Each provider
    /// subclass carries its own migration set. <paramref name="store"/> names the SQLite file and the PostgreSQL schema.
    /// </summary>
    public static IServiceCollection AddModuleDbContext<TContext, TSqlite, TPostgres>(
        this IServiceCollection services, IConfiguration configuration, string store)
        where TContext : DbContext
        where TSqlite : TContext
        where TPostgres : TContext
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(store, "^[a-z0-9_]{1,63}$"))
        {
            throw new InvalidOperationException($"Store name '{store}' must be 1-63 characters of a-z, 0-9 and _.");
        }

        var settings = PersistenceSettings.Read(configuration);
        services.AddKeyedSingleton<ModuleStore>(typeof(TContext), new ModuleStore(store, settings));
        if (settings.Provider == PersistenceProvider.Postgres)
        {
            services.AddDbContextPool<TPostgres>(o => ConfigurePostgres(o, settings.ConnectionString!, store));
            services.AddScoped<TContext>(sp => sp.GetRequiredService<TPostgres>());
        }
        else
        {
            // One writer per SQLite file: every write of every module goes through the store's gate (see SqliteWriteGate).
            var file = Path.Combine(settings.DataDirectory, store + ".db");
            var writes = new SqliteWriteInterceptor(SqliteWriteGate.For(file), settings.Synchronous);
            // Connections stay open with their pooled context (see KeptOpenSqliteConnection); the application's
            // services close them when they are disposed, through the singleton the options resolve here.
            services.AddKeyedSingleton<KeptOpenSqliteConnections>(typeof(TContext), (_, _) => new KeptOpenSqliteConnections());
            services.AddDbContextPool<TSqlite>((sp, o) => ConfigureSqlite(o, file).AddInterceptors(writes)
                .KeepSqliteConnectionsOpen(sp.GetRequiredKeyedService<KeptOpenSqliteConnections>(typeof(TContext))));
            services.AddScoped<TContext>(sp => sp.GetRequiredService<TSqlite>());
        }

        return services;
    }

    /// <summary>
    /// SQLite options: WAL is set by the migrator; the command timeout doubles as the driver's busy timeout, which
    /// only another process can now make it wait for (writers in this process queue on the store's write gate).
    /// </summary>
    public static DbContextOptionsBuilder ConfigureSqlite(DbContextOptionsBuilder options, string file) =>
        options.UseSqlite(
            new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = file, DefaultTimeout = 30, Pooling = true }.ToString(),
            sqlite => sqlite.MigrationsHistoryTable(HistoryTable)).LeaveFailuresToCallers();

    /// <summary>PostgreSQL options: the store's schema is first on the search path and holds the history table.</summary>
    public static DbContextOptionsBuilder ConfigurePostgres(DbContextOptionsBuilder options, string connectionString, string schema)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema };
        return options.UseNpgsql(builder.ConnectionString, npgsql => npgsql.MigrationsHistoryTable(HistoryTable, schema)).LeaveFailuresToCallers();
    }
}

/// <summary>Where a module store lives; used by the migrator.</summary>
/// <param name="Name">Store name: the SQLite file name and the PostgreSQL schema.</param>
/// <param name="Settings">The persistence settings.</param>
public sealed record ModuleStore(string Name, PersistenceSettings Settings);
