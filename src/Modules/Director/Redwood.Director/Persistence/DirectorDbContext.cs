using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Redwood.Director.Domain;
using Redwood.SharedKernel.Persistence;

namespace Redwood.Director.Persistence;

/// <summary>
/// The Director's tables. Provider subclasses only carry their own migration sets; the schema (PostgreSQL) comes
/// from the search path, so no default schema is set here.
/// </summary>
internal abstract class DirectorDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>The seeded first global-data version, so <c>get:latest</c> always has an answer.</summary>
    public static readonly GlobalDataVersion InitialGlobalData = new()
    {
        Id = 1,
        Data = "{}",
        CreatedAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
    };

    public DbSet<PlayerIdentity> Players => Set<PlayerIdentity>();

    public DbSet<PlayerSession> Sessions => Set<PlayerSession>();

    public DbSet<RealmHandoffToken> RealmHandoffTokens => Set<RealmHandoffToken>();

    public DbSet<RealmSignIn> RealmSignIns => Set<RealmSignIn>();

    public DbSet<GlobalDataVersion> GlobalData => Set<GlobalDataVersion>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PlayerIdentity>(player =>
        {
            player.ToTable("Players");
            player.HasKey(p => p.Id);
            player.Property(p => p.Id).HasMaxLength(32);
            player.Property(p => p.Username).HasMaxLength(64);
            player.Property(p => p.UsernameKey).HasMaxLength(64);
            player.HasIndex(p => p.UsernameKey).IsUnique();
            player.Property(p => p.Nickname).HasMaxLength(64);
            player.Property(p => p.Data).HasColumnType("text");
            player.Property(p => p.PasswordHash).HasMaxLength(512);
            player.Property(p => p.Provider).HasMaxLength(16);
            player.Property(p => p.ProviderSubject).HasMaxLength(256);
            player.HasIndex(p => new { p.Provider, p.ProviderSubject }).IsUnique();
        });

        modelBuilder.Entity<PlayerSession>(session =>
        {
            session.ToTable("Sessions");
            session.HasKey(s => s.Id);
            session.Property(s => s.Id).HasMaxLength(32);
            session.Property(s => s.FamilyId).HasMaxLength(32);
            session.Property(s => s.PlayerId).HasMaxLength(32);
            session.Property(s => s.TokenHash).HasMaxLength(64);
            session.HasIndex(s => s.TokenHash).IsUnique();
            session.HasIndex(s => s.PlayerId);
            session.HasIndex(s => s.FamilyId);
        });

        modelBuilder.Entity<RealmHandoffToken>(token =>
        {
            token.ToTable("RealmHandoffTokens");
            token.HasKey(t => t.TokenHash);
            token.Property(t => t.TokenHash).HasMaxLength(64);
            token.Property(t => t.PlayerId).HasMaxLength(32);
            token.Property(t => t.RealmId).HasMaxLength(64);
            token.HasIndex(t => t.PlayerId);
        });

        modelBuilder.Entity<RealmSignIn>(realm =>
        {
            realm.ToTable("RealmSignIns");
            realm.HasKey(r => r.RealmId);
            realm.Property(r => r.RealmId).HasMaxLength(64);
            realm.Property(r => r.Name).HasMaxLength(128);
            realm.Property(r => r.Uri).HasMaxLength(512);
        });

        modelBuilder.Entity<GlobalDataVersion>(data =>
        {
            data.ToTable("GlobalData");
            data.HasKey(d => d.Id);
            data.Property(d => d.Id).ValueGeneratedNever();
            data.Property(d => d.Data).HasColumnType("text");
            data.HasData(InitialGlobalData);
        });
    }
}

/// <summary>The Director on SQLite (its own migration set).</summary>
internal sealed class SqliteDirectorDbContext(DbContextOptions<SqliteDirectorDbContext> options) : DirectorDbContext(options);

/// <summary>The Director on PostgreSQL (its own migration set).</summary>
internal sealed class PostgresDirectorDbContext(DbContextOptions<PostgresDirectorDbContext> options) : DirectorDbContext(options);

/// <summary>Lets <c>dotnet ef</c> build the SQLite model without a host.</summary>
internal sealed class SqliteDirectorDbContextFactory : IDesignTimeDbContextFactory<SqliteDirectorDbContext>
{
    public SqliteDirectorDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqliteDirectorDbContext>();
        ModuleDbContextExtensions.ConfigureSqlite(options, "director-design.db");
        return new SqliteDirectorDbContext(options.Options);
    }
}

/// <summary>Lets <c>dotnet ef</c> build the PostgreSQL model without a host or a server.</summary>
internal sealed class PostgresDirectorDbContextFactory : IDesignTimeDbContextFactory<PostgresDirectorDbContext>
{
    public PostgresDirectorDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgresDirectorDbContext>();
        ModuleDbContextExtensions.ConfigurePostgres(options, "Host=localhost;Database=redwood_design", "director");
        return new PostgresDirectorDbContext(options.Options);
    }
}
