using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Redwood.SharedKernel.Persistence;

namespace Redwood.SharedKernel.Tests;

/// <summary>One compiled query serves every model in the process, each with its own compilation.</summary>
public sealed class CompiledPerModelTests
{
    private static readonly CompiledPerModel<Func<RowsDbContext, string, CancellationToken, Task<Row?>>> ByName = new(() =>
        EF.CompileAsyncQuery((RowsDbContext db, string name, CancellationToken _) => db.Rows.FirstOrDefault(r => r.Name == name)));

    [Fact]
    public async Task One_query_runs_against_two_models_each_compiled_once()
    {
        await using var first = await RowsDbContext.OpenAsync("a", "b");
        await using var second = await RowsDbContext.OpenAsync("b");
        Assert.NotSame(first.Model, second.Model);

        Assert.Equal(2, (await ByName.For(first)(first, "b", CancellationToken.None))?.Id);
        Assert.Equal(1, (await ByName.For(second)(second, "b", CancellationToken.None))?.Id);
        Assert.Null(await ByName.For(second)(second, "a", CancellationToken.None));

        Assert.Same(ByName.For(first), ByName.For(first));
        Assert.NotSame(ByName.For(first), ByName.For(second));
    }

    internal sealed class Row
    {
        public int Id { get; set; }

        public string Name { get; set; } = string.Empty;
    }

    internal sealed class RowsDbContext(DbContextOptions<RowsDbContext> options, SqliteConnection connection) : DbContext(options)
    {
        public DbSet<Row> Rows => Set<Row>();

        /// <summary>An in-memory store with its own model (no shared internal service provider).</summary>
        public static async Task<RowsDbContext> OpenAsync(params string[] names)
        {
            var connection = new SqliteConnection("Data Source=:memory:");
            await connection.OpenAsync();
            var options = new DbContextOptionsBuilder<RowsDbContext>().UseSqlite(connection).EnableServiceProviderCaching(false).Options;
            var db = new RowsDbContext(options, connection);
            await db.Database.EnsureCreatedAsync();
            db.Rows.AddRange(names.Select(n => new Row { Name = n }));
            await db.SaveChangesAsync();
            return db;
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
