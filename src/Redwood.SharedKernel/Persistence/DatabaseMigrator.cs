using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Redwood.SharedKernel.Modules;

namespace Redwood.SharedKernel.Persistence;

/// <summary>Applies a module's migrations at start-up; added only by an enabled module's runtime.</summary>
public sealed partial class DatabaseMigrator<TContext>(
    IServiceProvider services, StartupFacts facts, ILogger<DatabaseMigrator<TContext>> logger) : IHostedService
    where TContext : DbContext
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var store = services.GetRequiredKeyedService<ModuleStore>(typeof(TContext));
        if (store.Settings.Provider == PersistenceProvider.Sqlite)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TContext>();
            Directory.CreateDirectory(store.Settings.DataDirectory);
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                // WAL is persistent in the file: readers no longer block the writer.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }

            await MigrateAsync(db, store, cancellationToken);
            return;
        }

        // A database server that is still starting (or briefly overloaded) is waited for, up to StartupWait: a
        // process started beside its database should not crash-loop for that.
        var deadline = DateTime.UtcNow + store.Settings.StartupWait;
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                await MigratePostgresAsync(store, cancellationToken);
                return;
            }
            catch (Exception ex) when (IsTransient(ex) && DateTime.UtcNow + delay < deadline && !cancellationToken.IsCancellationRequested)
            {
                LogWaiting(logger, ex, store.Name, delay.TotalSeconds);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    /// <summary>A failure that waiting can cure: a transient database error or a timeout, anywhere in the chain.</summary>
    internal static bool IsTransient(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is TimeoutException || ex is System.Data.Common.DbException { IsTransient: true })
            {
                return true;
            }
        }

        return false;
    }

    private async Task MigratePostgresAsync(ModuleStore store, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();

        // Replicas of a module starting at once share the schema: one migrates while the others wait on a
        // session advisory lock per store, then find nothing pending.
        await db.Database.OpenConnectionAsync(cancellationToken);
        var key = "redwood:migrate:" + store.Name;
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock(hashtextextended({key}, 0))", cancellationToken);
            try
            {
                // The schema must exist before the history table (which lives in it) can be created.
                // The store name was checked to be [a-z0-9_] when registered, so quoting it is enough.
#pragma warning disable EF1003
                await db.Database.ExecuteSqlRawAsync("CREATE SCHEMA IF NOT EXISTS \"" + store.Name + "\";", cancellationToken);
#pragma warning restore EF1003
                await MigrateAsync(db, store, cancellationToken);
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock(hashtextextended({key}, 0))", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task MigrateAsync(TContext db, ModuleStore store, CancellationToken cancellationToken)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        LogMigrated(logger, pending.Count > 0 ? LogLevel.Information : LogLevel.Debug, typeof(TContext).Name, store.Settings.Provider, store.Name, pending.Count);
        facts.Add("store", store.Settings.Provider == PersistenceProvider.Sqlite
            ? $"{store.Name}: {Path.Combine(store.Settings.DataDirectory, store.Name + ".db")}"
            : $"{store.Name}: schema \"{store.Name}\"");
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Database of store {Store} not reachable yet; retrying in {Seconds} s")]
    private static partial void LogWaiting(ILogger logger, Exception ex, string store, double seconds);

    [LoggerMessage(EventId = 100, Message = "{Context} ready on {Provider} store {Store} ({Applied} migrations applied)")]
    private static partial void LogMigrated(ILogger logger, LogLevel level, string context, PersistenceProvider provider, string store, int applied);
}

/// <summary>Readiness: the module database answers a trivial query.</summary>
public sealed class DatabaseHealthCheck<TContext>(IServiceProvider services) : IHealthCheck
    where TContext : DbContext
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TContext>();
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"{typeof(TContext).Name} cannot connect");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy($"{typeof(TContext).Name} failed", ex);
        }
    }
}

/// <summary>Runtime registrations every stateful module needs.</summary>
public static class ModuleDatabaseRuntimeExtensions
{
    /// <summary>Migrate at start-up and report the database in <c>/ready</c>.</summary>
    public static IServiceCollection AddModuleDatabaseRuntime<TContext>(this IServiceCollection services)
        where TContext : DbContext
    {
        services.AddHostedService<DatabaseMigrator<TContext>>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck<TContext>>(typeof(TContext).Name, tags: ["ready"]);
        return services;
    }
}
