using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Redwood.SharedKernel.Persistence;

/// <summary>
/// Routes every write of a SQLite store's DbContexts through the store's <see cref="SqliteWriteGate"/>: a transaction
/// takes the gate before <c>BEGIN IMMEDIATE</c> and keeps it until it ends; a write statement outside a transaction
/// (an insert from <c>SaveChanges</c>, <c>ExecuteUpdate</c>, <c>ExecuteDelete</c>, raw SQL) takes it for the statement.
/// Plain <c>SELECT</c>s pass. Also applies the store's <c>synchronous</c> setting to each new native connection.
/// </summary>
internal sealed class SqliteWriteInterceptor(SqliteWriteGate gate, SqliteSynchronous synchronous)
    : IDbCommandInterceptor, IDbTransactionInterceptor, IDbConnectionInterceptor
{
    // Native connections are pooled by Microsoft.Data.Sqlite; a pragma set once stays set on the handle.
    private static readonly ConditionalWeakTable<object, object> Configured = [];

    public DbConnection ConnectionCreated(ConnectionCreatedEventData eventData, DbConnection result)
    {
        // Closing a connection ends its transaction and statements, however it is closed: EF's pool resets a
        // context by closing its connection directly, without the closing interceptor events.
        result.StateChange += (sender, e) =>
        {
            if (e.CurrentState == ConnectionState.Closed && sender is DbConnection closed)
            {
                gate.ExitAll(closed);
            }
        };
        return result;
    }

    public void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Configure(connection);

    public Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Configure(connection);
        return Task.CompletedTask;
    }

    public InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        gate.ExitIfTransactionEnded(connection);
        gate.EnterTransaction(connection);
        return InterceptionResult<DbTransaction>.SuppressWithResult(BeginImmediate(connection, eventData.IsolationLevel));
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result,
        CancellationToken cancellationToken = default)
    {
        gate.ExitIfTransactionEnded(connection);
        await gate.EnterTransactionAsync(connection, cancellationToken);
        return InterceptionResult<DbTransaction>.SuppressWithResult(BeginImmediate(connection, eventData.IsolationLevel));
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => gate.ExitTransaction(transaction);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        gate.ExitTransaction(transaction);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => gate.ExitTransaction(transaction);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        gate.ExitTransaction(transaction);
        return Task.CompletedTask;
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        EnterStatement(command);
        return result;
    }

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await EnterStatementAsync(command, cancellationToken);
        return result;
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        EnterStatement(command);
        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await EnterStatementAsync(command, cancellationToken);
        return result;
    }

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        EnterStatement(command);
        return result;
    }

    public async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await EnterStatementAsync(command, cancellationToken);
        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        ExitStatement(command);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        ExitStatement(command);
        return ValueTask.FromResult(result);
    }

    public object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        ExitStatement(command);
        return result;
    }

    public ValueTask<object?> ScalarExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        ExitStatement(command);
        return ValueTask.FromResult(result);
    }

    // A write that returns rows (INSERT ... RETURNING) holds SQLite's write lock until its statement is reset, which
    // happens when the reader closes; EF reports the disposal after closing it.
    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        ExitStatement(command);
        return result;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => ExitStatement(command);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ExitStatement(command);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => ExitStatement(command);

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ExitStatement(command);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Whether a command may write. Conservative: only a single statement that starts with <c>SELECT</c> (after
    /// comments and blanks) counts as a read; anything else waits for the gate, which costs a read only a little queueing.
    /// </summary>
    internal static bool MayWrite(string? sql)
    {
        var text = sql.AsSpan();
        while (true)
        {
            text = text.TrimStart();
            if (text.StartsWith("--"))
            {
                var end = text.IndexOf('\n');
                text = end < 0 ? [] : text[(end + 1)..];
            }
            else if (text.StartsWith("/*"))
            {
                var end = text.IndexOf("*/");
                text = end < 0 ? [] : text[(end + 2)..];
            }
            else
            {
                break;
            }
        }

        if (!text.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var semicolon = text.IndexOf(';');
        return semicolon >= 0 && !text[(semicolon + 1)..].IsWhiteSpace();
    }

    private DbTransaction BeginImmediate(DbConnection connection, IsolationLevel isolationLevel)
    {
        try
        {
            // deferred: false is BEGIN IMMEDIATE: a transaction that reads and then writes is the writer from its
            // first statement, so it never has to upgrade a read lock (which SQLite refuses with SQLITE_BUSY).
            var transaction = ((SqliteConnection)connection).BeginTransaction(isolationLevel, deferred: false);
            gate.TransactionBegan(connection, transaction);
            return transaction;
        }
        catch
        {
            gate.ExitTransaction(connection);
            throw;
        }
    }

    private void EnterStatement(DbCommand command)
    {
        var connection = command.Connection!;
        gate.ExitIfTransactionEnded(connection);
        if (!gate.IsHeldBy(connection) && MayWrite(command.CommandText))
        {
            gate.EnterStatement(connection);
        }
    }

    private async ValueTask EnterStatementAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var connection = command.Connection!;
        gate.ExitIfTransactionEnded(connection);
        if (!gate.IsHeldBy(connection) && MayWrite(command.CommandText))
        {
            await gate.EnterStatementAsync(connection, cancellationToken);
        }
    }

    private void ExitStatement(DbCommand command)
    {
        if (command.Connection is { } connection)
        {
            gate.ExitStatement(connection);
        }
    }

    private void Configure(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } handle } || Configured.TryGetValue(handle, out _))
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = synchronous == SqliteSynchronous.Full ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;";
        command.ExecuteNonQuery();
        Configured.AddOrUpdate(handle, synchronous);
    }
}
