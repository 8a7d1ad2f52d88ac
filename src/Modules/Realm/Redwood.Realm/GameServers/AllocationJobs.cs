using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Redwood.SharedKernel.Messaging;

namespace Redwood.Realm.GameServers;

/// <summary>
/// Runs allocations off the notification path (a server start takes seconds, and in-process notifications are
/// delivered one at a time); cancelled and awaited when the host stops. A handler of work from a stream awaits the job
/// (<see cref="RunAsync"/>) so that the entry is acknowledged only once the work is done.
/// </summary>
internal sealed class AllocationJobs(ILogger<AllocationJobs> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, bool> _running = new();

    /// <summary>Starts a job; the task is true when it ran to its end (or failed), false when the host stopped it first.</summary>
    public Task<bool> Start(string what, Func<CancellationToken, Task> job)
    {
        var task = Task.Run(async () =>
        {
            try
            {
                await job(_stopping.Token);
                return true;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                // Host stopping.
                return false;
            }
            catch (Exception ex)
            {
                Log.AllocationJobFailed(logger, what, ex);
                return true;
            }
        });
        _running[task] = true;
        task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
        return task;
    }

    /// <summary>
    /// Runs a job for a notification: in the background when it was delivered in process, awaited when it came from a
    /// work stream (acknowledged after this returns; a stop before the end throws, leaving the entry pending).
    /// </summary>
    public async Task RunAsync(string what, Func<CancellationToken, Task> job)
    {
        var task = Start(what, job);
        if (WorkDelivery.IsFromStream && !await task)
        {
            throw new OperationCanceledException("The host stopped before " + what + " was done.", _stopping.Token);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_running.Keys).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
