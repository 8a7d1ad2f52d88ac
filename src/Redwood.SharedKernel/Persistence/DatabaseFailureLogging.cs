using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Redwood.SharedKernel.Persistence;

/// <summary>
/// EF Core logs every failed command, query, save, connection and transaction at Error before the exception reaches
/// the code that made the call. Only that code knows whether it is an error: a lost race for a unique name, or the
/// migrations history probe on a fresh PostgreSQL schema, is handled; a real failure is logged once by whoever gives
/// up on it (the socket edge, with the reference the player saw; a periodic job; the host when start-up fails). So
/// EF's own failure events are kept at Debug.
/// </summary>
public static class DatabaseFailureLogging
{
    /// <summary>Logs EF's failure events at Debug, leaving the error to the caller.</summary>
    public static DbContextOptionsBuilder LeaveFailuresToCallers(this DbContextOptionsBuilder options) =>
        options.ConfigureWarnings(warnings => warnings.Log(
            (RelationalEventId.CommandError, LogLevel.Debug),
            (RelationalEventId.ConnectionError, LogLevel.Debug),
            (RelationalEventId.TransactionError, LogLevel.Debug),
            (CoreEventId.SaveChangesFailed, LogLevel.Debug),
            (CoreEventId.QueryIterationFailed, LogLevel.Debug)));
}
