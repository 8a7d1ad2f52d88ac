using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Redwood.Realm.GameServers;

/// <summary>
/// Runs allocations off the notification path (a server start takes seconds, and notifications are delivered one at a
/// time); cancelled and awaited when the host stops.
/// </summary>
internal sealed class AllocationJobs(ILogger<AllocationJobs> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, bool> _running = new();

    public void Start(string what, Func<CancellationToken, Task> job)
    {
        var task = Task.Run(async () =>
        {
            try
            {
                await job(_stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                // Host stopping.
            }
            catch (Exception ex)
            {
                Log.AllocationJobFailed(logger, what, ex);
            }
        });
        _running[task] = true;
        task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_running.Keys).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
