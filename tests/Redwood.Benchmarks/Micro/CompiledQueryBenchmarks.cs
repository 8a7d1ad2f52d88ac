using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using Redwood.SharedKernel.Persistence;

namespace Redwood.Benchmarks.Micro;

/// <summary>
/// One read as a handler makes it: a fresh context on a SQLite file, the login's lookup by username key, as a LINQ query
/// and as a <see cref="CompiledPerModel{TQuery}"/> compiled query.
/// </summary>
[MemoryDiagnoser]
public class CompiledQueryBenchmarks
{
    private static readonly CompiledPerModel<Func<AccountsDbContext, string, string, CancellationToken, Task<Account?>>> ByKey = new(() =>
        EF.CompileAsyncQuery((AccountsDbContext db, string key, string legacy, CancellationToken _) =>
            db.Accounts.FirstOrDefault(a => a.UsernameKey == key || a.UsernameKey == legacy)));

    private string _directory = null!;
    private DbContextOptions<AccountsDbContext> _options = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("redwood-compiled-query-").FullName;
        _options = new DbContextOptionsBuilder<AccountsDbContext>()
            .UseSqlite($"Data Source={Path.Combine(_directory, "accounts.db")}").Options;
        using var db = new AccountsDbContext(_options);
        db.Database.EnsureCreated();
        db.Accounts.AddRange(Enumerable.Range(0, 1000).Select(i => new Account { Id = $"p{i}", UsernameKey = $"u{i}" }));
        db.SaveChanges();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "LINQ query")]
    public async Task<Account?> Linq()
    {
        await using var db = new AccountsDbContext(_options);
        var key = NextKey();
        return await db.Accounts.FirstOrDefaultAsync(a => a.UsernameKey == key || a.UsernameKey == key);
    }

    [Benchmark(Description = "compiled query")]
    public async Task<Account?> Compiled()
    {
        await using var db = new AccountsDbContext(_options);
        var key = NextKey();
        return await ByKey.For(db)(db, key, key, CancellationToken.None);
    }

    private string NextKey() => $"u{_next++ % 1000}";

    public sealed class Account
    {
        public string Id { get; set; } = string.Empty;

        public string UsernameKey { get; set; } = string.Empty;
    }

    public sealed class AccountsDbContext(DbContextOptions<AccountsDbContext> options) : DbContext(options)
    {
        public DbSet<Account> Accounts => Set<Account>();

        protected override void OnModelCreating(ModelBuilder modelBuilder) =>
            modelBuilder.Entity<Account>().HasIndex(a => a.UsernameKey).IsUnique();
    }
}
