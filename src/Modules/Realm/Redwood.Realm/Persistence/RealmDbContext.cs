using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Redwood.Realm.Domain;

namespace Redwood.Realm.Persistence;

/// <summary>
/// The realm store: characters, proxies, game servers, join tokens and global data. Provider subclasses carry the migrations; no default schema,
/// because the schema (<c>realm_&lt;id&gt;</c>) comes from the connection's search path.
/// </summary>
internal abstract class RealmDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>Marks a JSON-object column; the PostgreSQL subclass maps it to <c>jsonb</c>.</summary>
    public const string JsonAnnotation = "Redwood:Json";

    public DbSet<Character> Characters => Set<Character>();

    public DbSet<GameServerProxy> Proxies => Set<GameServerProxy>();

    public DbSet<GlobalDataVersion> GlobalData => Set<GlobalDataVersion>();

    public DbSet<GameServerContainer> Containers => Set<GameServerContainer>();

    public DbSet<GameServerCollection> Collections => Set<GameServerCollection>();

    public DbSet<GameServerInstance> Instances => Set<GameServerInstance>();

    public DbSet<JoinToken> JoinTokens => Set<JoinToken>();

    public DbSet<AllocationClaim> AllocationClaims => Set<AllocationClaim>();

    public DbSet<RealmPlayer> Players => Set<RealmPlayer>();

    public DbSet<ZoneData> ZoneData => Set<ZoneData>();

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
            Json(proxy.Property(p => p.WorldData));
        });

        modelBuilder.Entity<GameServerContainer>(container =>
        {
            container.ToTable("game_server_containers");
            container.HasKey(c => c.Id);
            container.Property(c => c.Id).HasMaxLength(32);
            container.Property(c => c.Provider).HasMaxLength(32);
            container.Property(c => c.ProviderId).HasMaxLength(128);
            container.Property(c => c.SidecarId).HasMaxLength(128);
            container.Property(c => c.Connection).HasMaxLength(256);
            container.Property(c => c.ReportedState).HasMaxLength(32);
            container.Property(c => c.InstanceId).HasMaxLength(32);
            container.HasIndex(c => c.EndedAt);
            container.HasIndex(c => c.SidecarId);
        });

        modelBuilder.Entity<GameServerCollection>(collection =>
        {
            collection.ToTable("game_server_collections");
            collection.HasKey(c => c.Id);
            collection.Property(c => c.Id).HasMaxLength(32);
            collection.Property(c => c.ProxyId).HasMaxLength(32);
            collection.HasIndex(c => new { c.ProxyId, c.EndedAt });
        });

        modelBuilder.Entity<GameServerInstance>(instance =>
        {
            instance.ToTable("game_server_instances");
            instance.HasKey(i => i.Id);
            instance.Property(i => i.Id).HasMaxLength(32);
            instance.Property(i => i.CollectionId).HasMaxLength(32);
            instance.Property(i => i.ProxyId).HasMaxLength(32);
            instance.Property(i => i.ZoneName).HasMaxLength(64);
            instance.Property(i => i.ShardName).HasMaxLength(64);
            instance.Property(i => i.Channel).HasMaxLength(130);
            instance.Property(i => i.ContainerId).HasMaxLength(32);
            instance.Property(i => i.ProviderId).HasMaxLength(128);
            instance.Property(i => i.Connection).HasMaxLength(256);
            instance.Property(i => i.Status).HasConversion<string>().HasMaxLength(16);
            instance.Property(i => i.LoadRequestId).HasMaxLength(32);
            instance.Property(i => i.MapId).HasMaxLength(128);
            instance.HasIndex(i => new { i.ProxyId, i.ZoneName, i.EndedAt });
            instance.HasIndex(i => i.CollectionId);
        });

        modelBuilder.Entity<JoinToken>(token =>
        {
            token.ToTable("join_tokens");
            token.HasKey(t => t.TokenHash);
            token.Property(t => t.TokenHash).HasMaxLength(64);
            token.Property(t => t.PlayerId).HasMaxLength(64);
            token.Property(t => t.CharacterId).HasMaxLength(64);
            token.Property(t => t.InstanceId).HasMaxLength(32);
            token.HasIndex(t => new { t.InstanceId, t.UsedAt, t.ExpiresAt });
            token.HasIndex(t => t.ExpiresAt);
        });

        modelBuilder.Entity<AllocationClaim>(claim =>
        {
            claim.ToTable("allocation_claims");
            claim.HasKey(c => c.Key);
            claim.Property(c => c.Key).HasMaxLength(160);
            claim.Property(c => c.Outcome).HasMaxLength(512);
        });

        modelBuilder.Entity<RealmPlayer>(player =>
        {
            player.ToTable("players");
            player.HasKey(p => p.Id);
            player.Property(p => p.Id).HasMaxLength(64);
            player.Property(p => p.Nickname).HasMaxLength(256);
            Json(player.Property(p => p.Data));
        });

        modelBuilder.Entity<ZoneData>(zone =>
        {
            zone.ToTable("zone_data");
            zone.HasKey(z => new { z.ProxyId, z.ZoneName });
            zone.Property(z => z.ProxyId).HasMaxLength(32);
            zone.Property(z => z.ZoneName).HasMaxLength(64);
            Json(zone.Property(z => z.Data));
            Json(zone.Property(z => z.PersistentItems));
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
