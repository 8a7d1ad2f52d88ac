using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Redwood.SharedKernel.Messaging;

/// <summary>
/// Sends a housekeeping command shortly after start-up and then every <see cref="Interval"/>, each time in a new DI
/// scope. Failures are logged and retried at the next tick. The command must be idempotent: every replica runs it.
/// </summary>
public abstract partial class PeriodicCommandService(IServiceScopeFactory scopes, TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>Time between two runs; <see cref="Timeout.InfiniteTimeSpan"/> or zero switches the work off.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>The command to send on each run.</summary>
    protected abstract object CreateCommand();

    /// <summary>Whether this process runs the command this time (a leased service runs it only while it holds the lease).</summary>
    protected virtual Task<bool> ShouldRunAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Interval <= TimeSpan.Zero)
        {
            return;
        }

        // Never run the first pass inside the host's start-up sequence.
        await Task.Yield();
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                await RunOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        var command = CreateCommand();
        try
        {
            if (!await ShouldRunAsync(stoppingToken))
            {
                return;
            }

            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ISender>().Send(command, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogFailed(logger, command.GetType().Name, ex);
        }
    }

    [LoggerMessage(95, LogLevel.Error, "Periodic {Command} failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, string command, Exception exception);
}
