using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Redwood.Realm.Domain;

namespace Redwood.Realm.Persistence;

/// <summary>
/// The realm store: characters, proxies and global data. Provider subclasses carry the migrations; no default schema,
/// because the schema (<c>realm_&lt;id&gt;</c>) comes from the connection's search path.
/// </summary>
internal abstract class RealmDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>Marks a JSON-object column; the PostgreSQL subclass maps it to <c>jsonb</c>.</summary>
    public const string JsonAnnotation = "Redwood:Json";

    public DbSet<Character> Characters => Set<Character>();

    public DbSet<GameServerProxy> Proxies => Set<GameServerProxy>();

    public DbSet<GlobalDataVersion> GlobalData => Set<GlobalDataVersion>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite hands DateTime back as Unspecified: every timestamp here is UTC, so say so on the way out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Character>(character =>
        {
            character.ToTable("characters");
            character.HasKey(c => c.Id);
            character.Property(c => c.Id).HasMaxLength(32);
            character.Property(c => c.PlayerId).HasMaxLength(64);
            character.Property(c => c.Name).HasMaxLength(256);
            character.Property(c => c.NameKey).HasMaxLength(512);
            character.HasIndex(c => c.NameKey).IsUnique();
            character.HasIndex(c => c.PlayerId);
            character.HasIndex(c => c.ArchivedAt);
            Json(character.Property(c => c.CharacterCreatorData));
            Json(character.Property(c => c.Metadata));
            Json(character.Property(c => c.EquippedInventory));
            Json(character.Property(c => c.NonequippedInventory));
            Json(character.Property(c => c.Progress));
            Json(character.Property(c => c.Data));
            Json(character.Property(c => c.AbilitySystem));
            Json(character.Property(c => c.RedwoodData));
        });

        modelBuilder.Entity<GameServerProxy>(proxy =>
        {
            proxy.ToTable("game_server_proxies");
            proxy.HasKey(p => p.Id);
            proxy.Property(p => p.Id).HasMaxLength(32);
            proxy.Property(p => p.Name).HasMaxLength(128);
            proxy.Property(p => p.ModeId).HasMaxLength(128);
            proxy.Property(p => p.MapId).HasMaxLength(128);
            proxy.Property(p => p.PasswordHash).HasMaxLength(256);
            proxy.Property(p => p.ShortCode).HasMaxLength(32);
            proxy.Property(p => p.OwnerPlayerId).HasMaxLength(64);
            proxy.Property(p => p.Region).HasMaxLength(128);
            proxy.Property(p => p.Zones).HasMaxLength(4096);
            proxy.Property(p => p.ActiveCollectionId).HasMaxLength(32);
            proxy.HasIndex(p => p.ShortCode).IsUnique();
            proxy.HasIndex(p => new { p.Public, p.EndedAt });
            Json(proxy.Property(p => p.Data));
        });

        modelBuilder.Entity<GlobalDataVersion>(global =>
        {
            global.ToTable("global_data");
            global.HasKey(g => g.Id);
            global.Property(g => g.Id).ValueGeneratedNever();
            global.Property(g => g.Description).HasMaxLength(1024);
            Json(global.Property(g => g.Data));
            global.HasData(new GlobalDataVersion
            {
                Id = 1,
                CreatedAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
                Description = "Initial (empty) global data",
                Data = Character.EmptyObject,
            });
        });
    }

    private static void Json(PropertyBuilder<string> property) =>
        property.IsRequired().HasAnnotation(JsonAnnotation, true);

    private sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
