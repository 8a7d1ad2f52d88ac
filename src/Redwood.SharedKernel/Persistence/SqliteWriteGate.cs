using System.Collections.Concurrent;
using System.Data.Common;

namespace Redwood.SharedKernel.Persistence;

/// <summary>
/// The single writer of one SQLite file in this process. SQLite allows one write transaction per file at a time; a
/// second writer gets <c>SQLITE_BUSY</c>, and Microsoft.Data.Sqlite then retries by putting the thread to sleep for
/// 150 ms at a time. Writers therefore queue here first, asynchronously, so inside the process the database is never
/// busy and no thread sleeps. Reads do not take the gate (WAL lets them run beside the writer).
/// </summary>
/// <remarks>
/// The gate is re-entrant for the connection that holds it: a transaction's own statements pass straight through.
/// A caller must not write to the same store through a second connection while its own transaction is open: that
/// write waits for the gate the caller holds, until <see cref="Timeout"/>.
/// </remarks>
internal sealed class SqliteWriteGate
{
    private static readonly ConcurrentDictionary<string, SqliteWriteGate> Gates = new(StringComparer.Ordinal);

    private readonly SemaphoreSlim _semaphore = new(1, 1);
    private DbConnection? _owner;

    // Only the owner reads or writes these, and a connection is used by one flow at a time.
    private Holds _holds;
    private DbTransaction? _transaction;

    private SqliteWriteGate(string file) => File = file;

    [Flags]
    private enum Holds
    {
        None = 0,
        Statement = 1,
        Transaction = 2,
    }

    /// <summary>The database file this gate guards.</summary>
    public string File { get; }

    /// <summary>How long a writer waits for the gate before failing (the driver's busy timeout before).</summary>
    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The gate of <paramref name="file"/>; one per file in the process, whichever container registered it.</summary>
    public static SqliteWriteGate For(string file) => Gates.GetOrAdd(Path.GetFullPath(file), f => new SqliteWriteGate(f));

    /// <summary>Whether <paramref name="connection"/> holds the gate now.</summary>
    public bool IsHeldBy(DbConnection connection) => ReferenceEquals(Volatile.Read(ref _owner), connection);

    /// <summary>Whether <paramref name="connection"/> holds the gate for an open transaction.</summary>
    public bool HoldsTransaction(DbConnection connection) => IsHeldBy(connection) && _holds.HasFlag(Holds.Transaction);

    /// <summary>Takes the gate for one statement outside a transaction; false if the connection already holds it.</summary>
    public async ValueTask<bool> EnterStatementAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await EnterAsync(connection, Holds.Statement, cancellationToken);

    /// <summary>Takes the gate for one statement outside a transaction; false if the connection already holds it.</summary>
    public bool EnterStatement(DbConnection connection) => Enter(connection, Holds.Statement);

    /// <summary>Takes the gate for a transaction about to begin on <paramref name="connection"/>.</summary>
    public async ValueTask EnterTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await EnterAsync(connection, Holds.Transaction, cancellationToken);

    /// <summary>Takes the gate for a transaction about to begin on <paramref name="connection"/>.</summary>
    public void EnterTransaction(DbConnection connection) => Enter(connection, Holds.Transaction);

    /// <summary>Remembers the transaction that began under the gate, so its end can be noticed.</summary>
    public void TransactionBegan(DbConnection connection, DbTransaction transaction)
    {
        if (IsHeldBy(connection))
        {
            _transaction = transaction;
        }
    }

    /// <summary>Ends a statement's hold.</summary>
    public void ExitStatement(DbConnection connection) => Exit(connection, Holds.Statement);

    /// <summary>Ends a transaction's hold (its <c>BEGIN</c> failed).</summary>
    public void ExitTransaction(DbConnection connection) => Exit(connection, Holds.Transaction);

    /// <summary>Ends the hold of <paramref name="transaction"/> after its commit or rollback.</summary>
    public void ExitTransaction(DbTransaction transaction)
    {
        if (Volatile.Read(ref _owner) is { } owner && ReferenceEquals(_transaction, transaction))
        {
            Exit(owner, Holds.Transaction);
        }
    }

    /// <summary>Ends every hold of a connection that closed (closing ends its transaction and statements).</summary>
    public void ExitAll(DbConnection connection) => Exit(connection, Holds.Statement | Holds.Transaction);

    /// <summary>
    /// Ends the hold of a transaction that was disposed without commit or rollback while its connection stayed open
    /// (no interceptor event marks that); called before the connection's next statement or transaction.
    /// </summary>
    public void ExitIfTransactionEnded(DbConnection connection)
    {
        if (IsHeldBy(connection) && _holds.HasFlag(Holds.Transaction) && _transaction is { Connection: null })
        {
            Exit(connection, Holds.Transaction);
        }
    }

    private async ValueTask<bool> EnterAsync(DbConnection connection, Holds hold, CancellationToken cancellationToken)
    {
        if (IsHeldBy(connection))
        {
            var added = !_holds.HasFlag(hold);
            _holds |= hold;
            return added;
        }

        if (!await _semaphore.WaitAsync(Timeout, cancellationToken))
        {
            throw Busy();
        }

        Own(connection, hold);
        return true;
    }

    private bool Enter(DbConnection connection, Holds hold)
    {
        if (IsHeldBy(connection))
        {
            var added = !_holds.HasFlag(hold);
            _holds |= hold;
            return added;
        }

        if (!_semaphore.Wait(Timeout))
        {
            throw Busy();
        }

        Own(connection, hold);
        return true;
    }

    private void Own(DbConnection connection, Holds hold)
    {
        _holds = hold;
        _transaction = null;
        Volatile.Write(ref _owner, connection);
    }

    private void Exit(DbConnection connection, Holds hold)
    {
        if (!IsHeldBy(connection) || (_holds & hold) == Holds.None)
        {
            return;
        }

        _holds &= ~hold;
        if (!_holds.HasFlag(Holds.Transaction))
        {
            _transaction = null;
        }

        if (_holds == Holds.None)
        {
            Volatile.Write(ref _owner, null);
            _semaphore.Release();
        }
    }

    private TimeoutException Busy() => new(
        $"The SQLite store '{File}' had no free writer for {Timeout.TotalSeconds:0} s: a transaction stayed open too long.");
}
