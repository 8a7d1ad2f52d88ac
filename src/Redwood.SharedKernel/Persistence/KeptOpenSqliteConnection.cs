using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;

namespace Redwood.SharedKernel.Persistence;

#pragma warning disable EF1001 // The SQLite provider's connection is subclassed to change one thing: it is not closed between uses.

/// <summary>
/// The SQLite connection of a pooled context, kept open from its first use until the context is disposed or the
/// application's services are (see <see cref="KeptOpenSqliteConnections"/>). EF Core opens and closes a connection
/// around each statement and again when a pooled context is returned. Each open of a Microsoft.Data.Sqlite connection
/// re-registers EF Core's SQLite functions on the native connection, and each close returns it to the driver's pool:
/// together 5.6% of the host's CPU under load, for nothing, since the context is used again at once. Kept open, a
/// connection costs a native handle and its page cache per pooled context.
/// </summary>
/// <remarks>
/// Where it used to close, the connection ends whatever it held of the store's write gate (see
/// <see cref="SqliteWriteGate"/>): closing ended its transaction and statements, and the gate followed the close. A
/// pooled context's transaction is rolled back by EF Core before that point.
/// </remarks>
internal sealed class KeptOpenSqliteConnection(
    RelationalConnectionDependencies dependencies,
    IRawSqlCommandBuilder rawSqlCommandBuilder,
    IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    private SqliteWriteGate? _gate;

    protected override void CloseDbConnection() => ReleaseGate();

    protected override Task CloseDbConnectionAsync()
    {
        ReleaseGate();
        return Task.CompletedTask;
    }

    private void ReleaseGate()
    {
        _gate ??= SqliteWriteGate.For(new SqliteConnectionStringBuilder(ConnectionString).DataSource);
        _gate.ExitAll(DbConnection);
    }
}

/// <summary>
/// The open connections of one SQLite store registration, closed when the application's services are disposed. EF
/// Core's pool does not dispose the contexts it holds at its own disposal (a returned context counts as disposed), so a
/// stopped host would otherwise leave its kept-open connections to the finalizer.
/// </summary>
internal sealed class KeptOpenSqliteConnections : IDbConnectionInterceptor, IDisposable
{
    private readonly ConcurrentDictionary<DbConnection, byte> _open = new(ReferenceEqualityComparer.Instance);

    public DbConnection ConnectionCreated(ConnectionCreatedEventData eventData, DbConnection result)
    {
        result.StateChange += (sender, e) =>
        {
            if (sender is not DbConnection connection)
            {
                return;
            }

            if (e.CurrentState == ConnectionState.Open)
            {
                _open.TryAdd(connection, 0);
            }
            else if (e.CurrentState == ConnectionState.Closed)
            {
                _open.TryRemove(connection, out _);
            }
        };
        return result;
    }

    public void Dispose()
    {
        foreach (var connection in _open.Keys)
        {
            connection.Dispose();
        }
    }
}

/// <summary>Registers <see cref="KeptOpenSqliteConnection"/> as a SQLite context's connection.</summary>
internal static class KeptOpenSqliteConnectionRegistration
{
    public static DbContextOptionsBuilder KeepSqliteConnectionsOpen(this DbContextOptionsBuilder options, KeptOpenSqliteConnections open) =>
        options.AddInterceptors(open).ReplaceService<ISqliteRelationalConnection, KeptOpenSqliteConnection>();
}
