using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Redwood.SharedKernel.Persistence;

namespace Redwood.Realm.Persistence;

/// <summary>The realm store on SQLite (one file per realm); JSON objects are text.</summary>
internal sealed class SqliteRealmDbContext(DbContextOptions<SqliteRealmDbContext> options) : RealmDbContext(options);

/// <summary>The realm store on PostgreSQL (one schema per realm); JSON objects are <c>jsonb</c>.</summary>
internal sealed class PostgresRealmDbContext(DbContextOptions<PostgresRealmDbContext> options) : RealmDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(e => e.GetProperties()))
        {
            if (property.FindAnnotation(JsonAnnotation) is not null)
            {
                property.SetColumnType("jsonb");
            }
        }
    }
}

/// <summary>Lets <c>dotnet ef</c> build the SQLite model (no database is opened).</summary>
internal sealed class SqliteRealmDbContextFactory : IDesignTimeDbContextFactory<SqliteRealmDbContext>
{
    public SqliteRealmDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqliteRealmDbContext>();
        ModuleDbContextExtensions.ConfigureSqlite(options, "realm_design.db");
        return new SqliteRealmDbContext(options.Options);
    }
}

/// <summary>Lets <c>dotnet ef</c> build the PostgreSQL model (no database is opened).</summary>
internal sealed class PostgresRealmDbContextFactory : IDesignTimeDbContextFactory<PostgresRealmDbContext>
{
    public PostgresRealmDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgresRealmDbContext>();
        ModuleDbContextExtensions.ConfigurePostgres(options, "Host=localhost;Database=redwood_design", "realm_design");
        return new PostgresRealmDbContext(options.Options);
    }
}
