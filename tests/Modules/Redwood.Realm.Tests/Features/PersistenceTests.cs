using Microsoft.EntityFrameworkCore;
using Redwood.Realm.Persistence;

namespace Redwood.Realm.Tests.Features;

/// <summary>Both migration sets match the model.</summary>
public sealed class PersistenceTests
{
    [Fact]
    public void Sqlite_migrations_match_the_model()
    {
        using var db = new SqliteRealmDbContextFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges());
    }

    [Fact]
    public void Postgres_migrations_match_the_model()
    {
        using var db = new PostgresRealmDbContextFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges());
    }

    [Fact]
    public void Postgres_stores_json_fields_as_jsonb()
    {
        using var db = new PostgresRealmDbContextFactory().CreateDbContext([]);
        var json = db.Model.GetEntityTypes().SelectMany(e => e.GetProperties())
            .Where(p => p.FindAnnotation(RealmDbContext.JsonAnnotation) is not null)
            .ToList();

        Assert.Equal(14, json.Count);
        Assert.All(json, p => Assert.Equal("jsonb", p.GetColumnType()));
    }
}
