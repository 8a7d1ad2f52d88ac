using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Redwood.SharedKernel.Persistence;

namespace Redwood.Benchmarks.Micro;

/// <summary>
/// One request as a handler makes it on a SQLite store: a pooled context for the scope, a read by key, an insert. The
/// module registration (its connection stays open with the pooled context) against EF Core's own connection, which
/// opens and closes around each statement and when the context goes back to the pool. The EF Core side has no write
/// gate, so it is, if anything, the cheaper of the two apart from the connection.
/// </summary>
[MemoryDiagnoser]
public class PooledContextBenchmarks
{
    private string _directory = null!;
    private ServiceProvider _module = null!;
    private ServiceProvider _plain = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("redwood-pooled-context-").FullName;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Redwood:Persistence:DataDirectory"] = _directory })
            .Build();
        _module = new ServiceCollection()
            .AddModuleDbContext<NotesDbContext, SqliteNotesDbContext, PostgresNotesDbContext>(configuration, "module")
            .BuildServiceProvider();
        _plain = new ServiceCollection()
            .AddDbContextPool<NotesDbContext>(o => ModuleDbContextExtensions.ConfigureSqlite(o, Path.Combine(_directory, "plain.db")))
            .BuildServiceProvider();
        foreach (var services in new[] { _module, _plain })
        {
            using var scope = services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<NotesDbContext>();
            db.Database.EnsureCreated();
            db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
            db.Notes.AddRange(Enumerable.Range(0, 1000).Select(i => new Note { Key = $"seed{i}" }));
            db.SaveChanges();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _module.Dispose();
        _plain.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "EF Core's connection: opened and closed per statement")]
    public Task<int> Plain() => RequestAsync(_plain);

    [Benchmark(Description = "module registration: kept open with the pooled context")]
    public Task<int> Module() => RequestAsync(_module);

    private async Task<int> RequestAsync(ServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotesDbContext>();
        var seed = $"seed{_next % 1000}";
        var found = await db.Notes.AsNoTracking().Where(n => n.Key == seed).Select(n => n.Id).FirstOrDefaultAsync();
        db.Notes.Add(new Note { Key = $"new{_next++}" });
        return found + await db.SaveChangesAsync();
    }

    public sealed class Note
    {
        public int Id { get; set; }

        public string Key { get; set; } = string.Empty;
    }

    public class NotesDbContext(DbContextOptions options) : DbContext(options)
    {
        public DbSet<Note> Notes => Set<Note>();

        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Note>().HasIndex(n => n.Key).IsUnique();
    }

    public sealed class SqliteNotesDbContext(DbContextOptions<SqliteNotesDbContext> options) : NotesDbContext(options);

    public sealed class PostgresNotesDbContext(DbContextOptions<PostgresNotesDbContext> options) : NotesDbContext(options);
}
