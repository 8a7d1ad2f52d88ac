using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Redwood.SharedKernel.Persistence;

namespace Redwood.SharedKernel.Tests;

/// <summary>A one-table module store registered exactly as modules register theirs.</summary>
internal class NotesDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Note> Notes => Set<Note>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<Note>().HasIndex(n => n.Writer).IsUnique();
}

internal sealed class SqliteNotesDbContext(DbContextOptions<SqliteNotesDbContext> options) : NotesDbContext(options);

internal sealed class PostgresNotesDbContext(DbContextOptions<PostgresNotesDbContext> options) : NotesDbContext(options);

internal sealed class Note
{
    public int Id { get; set; }

    public required string Writer { get; set; }

    public int Edits { get; set; }
}

/// <summary>A SQLite store in a fresh temporary directory, with the module registration and WAL like the migrator sets.</summary>
internal sealed class TestStore : IAsyncDisposable
{
    private TestStore(ServiceProvider services, string directory, string file)
    {
        Services = services;
        Directory = directory;
        File = file;
    }

    public ServiceProvider Services { get; }

    public string Directory { get; }

    public string File { get; }

    public static async Task<TestStore> CreateAsync(IDictionary<string, string?>? settings = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "redwood-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var all = new Dictionary<string, string?> { ["Redwood:Persistence:DataDirectory"] = directory };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        var services = new ServiceCollection()
            .AddModuleDbContext<NotesDbContext, SqliteNotesDbContext, PostgresNotesDbContext>(configuration, "notes")
            .BuildServiceProvider();
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NotesDbContext>();
            await db.Database.EnsureCreatedAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        return new TestStore(services, directory, Path.Combine(directory, "notes.db"));
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// Counts every time SQLite found a store busy on the connections it watches: a busy handler that counts and returns
/// 0, so SQLite reports <c>SQLITE_BUSY</c> at once, exactly as without a handler, and Microsoft.Data.Sqlite goes into
/// its sleeping retry. (SQLitePCLRaw does not wrap <c>sqlite3_busy_handler</c>, hence the direct call.)
/// </summary>
internal sealed class BusyCounter
{
    private static readonly ConcurrentDictionary<nint, BusyCounter> Counters = new();
    private static readonly BusyHandler Handler = OnBusy;
    private static int _nextId;

    private readonly nint _id = Interlocked.Increment(ref _nextId);
    private readonly ConditionalWeakTable<object, object> _watched = [];
    private long _count;

    public BusyCounter() => Counters[_id] = this;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int BusyHandler(nint counter, int attempts);

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Watches every native connection <paramref name="db"/> opens from now on.</summary>
    public void Watch(DbContext db)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        if (_watched.TryGetValue(connection, out _))
        {
            return;
        }

        _watched.Add(connection, this);
        connection.StateChange += (_, e) =>
        {
            if (e.CurrentState == System.Data.ConnectionState.Open)
            {
                Watch(connection);
            }
        };
        if (connection.State == System.Data.ConnectionState.Open)
        {
            Watch(connection);
        }
    }

    /// <summary>Watches one open connection.</summary>
    public void Watch(SqliteConnection connection)
    {
        var rc = sqlite3_busy_handler(connection.Handle!.DangerousGetHandle(), Handler, _id);
        if (rc != 0)
        {
            throw new InvalidOperationException("sqlite3_busy_handler failed: " + rc);
        }
    }

    [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_busy_handler(nint db, BusyHandler handler, nint counter);

    private static int OnBusy(nint counter, int attempts)
    {
        if (Counters.TryGetValue(counter, out var owner))
        {
            Interlocked.Increment(ref owner._count);
        }

        return 0;
    }
}
