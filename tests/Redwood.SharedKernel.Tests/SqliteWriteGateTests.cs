using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Redwood.SharedKernel.Persistence;

namespace Redwood.SharedKernel.Tests;

/// <summary>One writer per SQLite store: concurrent writes never meet a busy database inside the process.</summary>
public sealed class SqliteWriteGateTests
{
    private const int Writers = 64;

    [Fact]
    public async Task A_burst_of_64_writers_on_one_store_never_meets_a_busy_database_and_every_write_lands()
    {
        await using var store = await TestStore.CreateAsync();
        var busy = new BusyCounter();
        await SeedAsync(store, busy, "shared");

        // Every way the modules write: SaveChanges alone, a transaction that reads then writes, ExecuteUpdate.
        using var start = new ManualResetEventSlim();
        var writers = Enumerable.Range(0, Writers).Select(i => Task.Run(async () =>
        {
            start.Wait();
            await using var scope = store.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<NotesDbContext>();
            busy.Watch(db);
            switch (i % 3)
            {
                case 0:
                    _ = await db.Notes.AsNoTracking().CountAsync();
                    db.Notes.Add(new Note { Writer = "w" + i });
                    await db.SaveChangesAsync();
                    break;
                case 1:
                    await using (var transaction = await db.Database.BeginTransactionAsync())
                    {
                        var shared = await db.Notes.SingleAsync(n => n.Writer == "shared");
                        shared.Edits++;
                        db.Notes.Add(new Note { Writer = "w" + i });
                        await db.SaveChangesAsync();
                        await transaction.CommitAsync();
                    }

                    break;
                default:
                    await db.Notes.Where(n => n.Writer == "shared").ExecuteUpdateAsync(s => s.SetProperty(n => n.Edits, n => n.Edits + 1));
                    db.Notes.Add(new Note { Writer = "w" + i });
                    await db.SaveChangesAsync();
                    break;
            }
        })).ToList();
        start.Set();
        await Task.WhenAll(writers);

        await using var check = store.Services.CreateAsyncScope();
        var notes = check.ServiceProvider.GetRequiredService<NotesDbContext>();
        Assert.Equal(0, busy.Count);
        Assert.Equal(Writers + 1, await notes.Notes.CountAsync());
        var edits = Enumerable.Range(0, Writers).Count(i => i % 3 != 0);
        Assert.Equal(edits, (await notes.Notes.SingleAsync(n => n.Writer == "shared")).Edits);
    }

    [Fact]
    public async Task The_busy_counter_sees_a_writer_that_bypasses_the_gate()
    {
        // The negative control of the test above: a connection outside EF holds the write lock, so the gated writers
        // meet SQLITE_BUSY and the driver's sleeping retry; the counter must see it, and the writes still land.
        await using var store = await TestStore.CreateAsync();
        var busy = new BusyCounter();
        await SeedAsync(store, busy, "shared");
        await using var outsider = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = store.File, Pooling = false }.ToString());
        await outsider.OpenAsync();
        await using (var begin = outsider.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE; UPDATE Notes SET Edits = Edits + 1;";
            await begin.ExecuteNonQueryAsync();
        }

        var writers = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            await using var scope = store.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<NotesDbContext>();
            busy.Watch(db);
            db.Notes.Add(new Note { Writer = "w" + i });
            await db.SaveChangesAsync();
        })).ToList();
        await Task.Delay(500);
        await using (var commit = outsider.CreateCommand())
        {
            commit.CommandText = "COMMIT;";
            await commit.ExecuteNonQueryAsync();
        }

        await Task.WhenAll(writers);

        await using var check = store.Services.CreateAsyncScope();
        Assert.True(busy.Count > 0, "the busy counter saw nothing");
        Assert.Equal(9, await check.ServiceProvider.GetRequiredService<NotesDbContext>().Notes.CountAsync());
    }

    [Fact]
    public async Task A_failed_save_and_an_uncommitted_transaction_free_the_gate()
    {
        await using var store = await TestStore.CreateAsync();
        var busy = new BusyCounter();
        await SeedAsync(store, busy, "taken");

        await using (var scope = store.Services.CreateAsyncScope())
        {
            // Two inserts make EF open its own transaction; the duplicate fails it.
            var db = scope.ServiceProvider.GetRequiredService<NotesDbContext>();
            db.Notes.AddRange(new Note { Writer = "fresh" }, new Note { Writer = "taken" });
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }

        await using (var scope = store.Services.CreateAsyncScope())
        {
            // A transaction disposed without commit or rollback, on a connection opened by the caller.
            var db = scope.ServiceProvider.GetRequiredService<NotesDbContext>();
            await db.Database.OpenConnectionAsync();
            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                db.Notes.Add(new Note { Writer = "abandoned" });
                await db.SaveChangesAsync();
            }

            // The same context goes on writing after it: the ended transaction no longer holds the gate.
            db.ChangeTracker.Clear();
            db.Notes.Add(new Note { Writer = "after" });
            await db.SaveChangesAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var other = store.Services.CreateAsyncScope();
        var writer = other.ServiceProvider.GetRequiredService<NotesDbContext>();
        writer.Notes.Add(new Note { Writer = "other" });
        await writer.SaveChangesAsync(timeout.Token);

        Assert.Equal(
            ["after", "other", "taken"],
            await writer.Notes.Select(n => n.Writer).OrderBy(w => w).ToListAsync());
        Assert.Equal(0, busy.Count);
    }

    [Fact]
    public async Task A_context_returned_to_the_pool_inside_a_transaction_frees_the_gate()
    {
        await using var store = await TestStore.CreateAsync();

        await using (var scope = store.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NotesDbContext>();
            await db.Database.OpenConnectionAsync();
            await db.Database.BeginTransactionAsync();
            db.Notes.Add(new Note { Writer = "left open" });
            await db.SaveChangesAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var other = store.Services.CreateAsyncScope();
        var writer = other.ServiceProvider.GetRequiredService<NotesDbContext>();
        writer.Notes.Add(new Note { Writer = "next" });
        await writer.SaveChangesAsync(timeout.Token);

        Assert.Equal(["next"], await writer.Notes.Select(n => n.Writer).ToListAsync());
    }

    [Fact]
    public async Task Each_connection_gets_the_configured_synchronous_setting()
    {
        await using var normal = await TestStore.CreateAsync();
        await using var full = await TestStore.CreateAsync(new Dictionary<string, string?> { ["Redwood:Persistence:SqliteSynchronous"] = "Full" });

        Assert.Equal(1L, await SynchronousAsync(normal));
        Assert.Equal(2L, await SynchronousAsync(full));
    }

    [Fact]
    public async Task A_pooled_context_keeps_its_connection_open_between_statements_and_leases_until_it_is_disposed()
    {
        var store = await TestStore.CreateAsync();
        System.Data.Common.DbConnection connection;
        var closes = 0;
        await using (var scope = store.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NotesDbContext>();
            connection = db.Database.GetDbConnection();
            connection.StateChange += (_, e) => closes += e.CurrentState == System.Data.ConnectionState.Closed ? 1 : 0;
            db.Notes.Add(new Note { Writer = "first" });
            await db.SaveChangesAsync();
            Assert.Equal(1, await db.Notes.CountAsync());
        }

        // The next lease gets the same pooled context, its connection still open: no open, no close, in between.
        await using (var scope = store.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NotesDbContext>();
            Assert.Same(connection, db.Database.GetDbConnection());
            Assert.Equal(System.Data.ConnectionState.Open, connection.State);
            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                db.Notes.Add(new Note { Writer = "second" });
                await db.SaveChangesAsync();
                await transaction.CommitAsync();
            }

            Assert.Equal(2, await db.Notes.CountAsync());
        }

        Assert.Equal(0, closes);
        Assert.Equal(System.Data.ConnectionState.Open, connection.State);

        await store.DisposeAsync();
        Assert.Equal(System.Data.ConnectionState.Closed, connection.State);
    }

    [Fact]
    public void PostgreSQL_contexts_have_no_write_gate()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redwood:Persistence:Provider"] = "Postgres",
            ["ConnectionStrings:Redwood"] = "Host=127.0.0.1;Database=unused",
        }).Build();
        using var services = new ServiceCollection()
            .AddModuleDbContext<NotesDbContext, SqliteNotesDbContext, PostgresNotesDbContext>(configuration, "notes")
            .BuildServiceProvider();
        using var scope = services.CreateScope();

        var options = scope.ServiceProvider.GetRequiredService<NotesDbContext>().GetService<IDbContextOptions>();

        var interceptors = options.FindExtension<CoreOptionsExtension>()?.Interceptors ?? [];
        Assert.DoesNotContain(interceptors, i => i is SqliteWriteInterceptor);
    }

    [Theory]
    [InlineData("SELECT 1", false)]
    [InlineData("  -- tag\nSELECT \"n\".\"Id\" FROM \"Notes\" AS \"n\"", false)]
    [InlineData("/* c */ select 1;", false)]
    [InlineData("INSERT INTO \"Notes\" (\"Writer\") VALUES (@p0) RETURNING \"Id\";", true)]
    [InlineData("UPDATE \"Notes\" SET \"Edits\" = 1", true)]
    [InlineData("DELETE FROM \"Notes\"", true)]
    [InlineData("PRAGMA journal_mode=WAL;", true)]
    [InlineData("WITH x AS (SELECT 1) DELETE FROM \"Notes\"", true)]
    [InlineData("SELECT 1; DELETE FROM \"Notes\"", true)]
    public void Only_a_single_select_passes_without_the_gate(string sql, bool mayWrite) =>
        Assert.Equal(mayWrite, SqliteWriteInterceptor.MayWrite(sql));

    private static async Task SeedAsync(TestStore store, BusyCounter busy, string writer)
    {
        await using var scope = store.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotesDbContext>();
        busy.Watch(db);
        db.Notes.Add(new Note { Writer = writer });
        await db.SaveChangesAsync();
    }

    private static async Task<long> SynchronousAsync(TestStore store)
    {
        await using var scope = store.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotesDbContext>();
        return await db.Database.SqlQueryRaw<long>("SELECT synchronous AS Value FROM pragma_synchronous").SingleAsync();
    }
}
