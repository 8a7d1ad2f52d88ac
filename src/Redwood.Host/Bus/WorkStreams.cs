using System.Collections.Concurrent;
using System.Text.Json;
using Mediator;
using Redwood.SharedKernel.Diagnostics;
using Redwood.SharedKernel.Ephemeral;
using Redwood.SharedKernel.Messaging;
using Redwood.SharedKernel.Modules;
using StackExchange.Redis;

namespace Redwood.Host.Bus;

/// <summary>
/// Durable notifications over Redis Streams: <see cref="EnqueueAsync"/> appends the notification to its stream, and in
/// every process running the consumer module a loop reads new entries through the module's consumer group, publishes
/// each locally (up to 32 at once per stream) and acknowledges it only after the handlers succeeded; entries being
/// worked on are claimed again periodically so that a long piece of work is not taken over while its process lives. Entries pending longer than
/// <c>Redwood:Bus:WorkClaimAfter</c> (a consumer died or failed) are claimed and done again, so handlers must be
/// idempotent. Streams are capped at about 100,000 entries.
/// </summary>
internal sealed partial class WorkStreams(
    IConnectionMultiplexer redis,
    IEnumerable<DurableNotification> durable,
    ModuleRegistry modules,
    ContractTypes contracts,
    BusPartitions partitions,
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    RedisSettings settings,
    ILogger<WorkStreams> logger) : IHostedService
{
    /// <summary>Entries one process works on at once per stream (allocations wait seconds for a server).</summary>
    private const int MaxInFlight = 32;

    private readonly Dictionary<Type, DurableNotification> _durable = durable.ToDictionary(d => d.Type);
    private readonly string _prefix = settings.Prefix;
    private readonly string _consumer = Environment.MachineName + ":" + Environment.ProcessId + ":" + Guid.NewGuid().ToString("N")[..8];
    private readonly TimeSpan _claimAfter = configuration.GetValue("Redwood:Bus:WorkClaimAfter", TimeSpan.FromSeconds(30));
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];

    public bool IsDurable(Type type) => _durable.ContainsKey(type);

    public async Task EnqueueAsync(object notification, CancellationToken cancellationToken)
    {
        var type = ContractTypes.NameOf(notification.GetType());
        var route = partitions.RouteOf(notification, _durable[notification.GetType()].ConsumerModule);
        var payload = JsonSerializer.Serialize(notification, notification.GetType(), BusChannels.Json);
        var db = redis.GetDatabase();
        NameValueEntry[] fields = RedwoodTelemetry.TraceParent is { } traceParent
            ? [new NameValueEntry("type", type), new NameValueEntry("payload", payload), new NameValueEntry("traceparent", traceParent)]
            : [new NameValueEntry("type", type), new NameValueEntry("payload", payload)];
        await db.StreamAddAsync(Stream(route), fields, maxLength: 100_000, useApproximateMaxLength: true);
        await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(Ready(route)), "1");
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var work in _durable.Values.Where(d => modules.IsEnabled(d.ConsumerModule)))
        {
            // A partitioned consumer module (a realm) reads only its own partition's stream.
            var type = partitions.ServedRouteOf(work.Type, work.ConsumerModule);
            var db = redis.GetDatabase();
            try
            {
                await db.StreamCreateConsumerGroupAsync(Stream(type), work.ConsumerModule, StreamPosition.Beginning, createStream: true);
            }
            catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
            {
                // The group exists: another process (or an earlier run) created it.
            }

            var signal = new SemaphoreSlim(0);
            await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(Ready(type)), (_, _) => signal.Release());
            _loops.Add(ConsumeAsync(work, type, signal, _stopping.Token));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_loops).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task ConsumeAsync(DurableNotification work, string type, SemaphoreSlim signal, CancellationToken stopping)
    {
        var db = redis.GetDatabase();
        var stream = Stream(type);
        var group = work.ConsumerModule;
        var slots = new SemaphoreSlim(MaxInFlight);
        var inFlight = new ConcurrentDictionary<RedisValue, Task>();
        var heartbeat = KeepClaimedAsync(db, stream, group, inFlight, stopping);
        var nextClaim = DateTime.UtcNow;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                // Read only as many entries as can start now: the rest stay in the stream for other consumers.
                await slots.WaitAsync(stopping);
                var free = slots.CurrentCount + 1;
                slots.Release();
                var entries = await db.StreamReadGroupAsync(stream, group, _consumer, ">", free);
                var redelivered = false;
                if (entries.Length == 0 && DateTime.UtcNow >= nextClaim)
                {
                    // Work a dead or failed consumer left pending.
                    nextClaim = DateTime.UtcNow + TimeSpan.FromTicks(Math.Max(_claimAfter.Ticks / 4, TimeSpan.FromSeconds(1).Ticks));
                    var claimed = await db.StreamAutoClaimAsync(stream, group, _consumer, (long)_claimAfter.TotalMilliseconds, "0-0", free);
                    entries = claimed.ClaimedEntries.Where(e => !inFlight.ContainsKey(e.Id)).ToArray();
                    redelivered = true;
                    if (entries.Length > 0)
                    {
                        LogClaimed(logger, entries.Length, type);
                    }
                }

                if (entries.Length == 0)
                {
                    await signal.WaitAsync(TimeSpan.FromMilliseconds(500), stopping);
                    continue;
                }

                foreach (var entry in entries)
                {
                    await slots.WaitAsync(stopping);
                    var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    inFlight[entry.Id] = started.Task;
                    _ = RunAsync(db, stream, group, entry, redelivered, stopping).ContinueWith(
                        _ =>
                        {
                            inFlight.TryRemove(entry.Id, out var _);
                            slots.Release();
                            started.TrySetResult();
                        },
                        TaskScheduler.Default);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogLoopFailed(logger, type, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        // Handlers see the stop and end; what they did not finish stays pending for another consumer.
        await Task.WhenAll(inFlight.Values).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await heartbeat.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunAsync(IDatabase db, string stream, string group, StackExchange.Redis.StreamEntry entry, bool redelivered, CancellationToken stopping)
    {
        try
        {
            if (await HandleAsync(entry, redelivered, stopping))
            {
                await db.StreamAcknowledgeAsync(stream, group, entry.Id);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping mid-work: left pending, claimed by another consumer after WorkClaimAfter.
        }
        catch (Exception ex)
        {
            LogLoopFailed(logger, stream, ex);
        }
    }

    /// <summary>
    /// Claims the entries being worked on again and again (resetting their idle time), so that only the entries of a
    /// consumer that died become claimable: work may take longer than <c>Redwood:Bus:WorkClaimAfter</c>.
    /// </summary>
    private async Task KeepClaimedAsync(IDatabase db, string stream, string group, ConcurrentDictionary<RedisValue, Task> inFlight, CancellationToken stopping)
    {
        var period = TimeSpan.FromTicks(Math.Max(_claimAfter.Ticks / 3, TimeSpan.FromMilliseconds(200).Ticks));
        using var timer = new PeriodicTimer(period);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await timer.WaitForNextTickAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var ids = inFlight.Keys.ToArray();
            if (ids.Length == 0)
            {
                continue;
            }

            try
            {
                await db.StreamClaimIdsOnlyAsync(stream, group, _consumer, 0, ids);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogLoopFailed(logger, stream, ex);
            }
        }
    }

    private async Task<bool> HandleAsync(StackExchange.Redis.StreamEntry entry, bool redelivered, CancellationToken stopping)
    {
        var typeName = entry["type"].ToString();
        if (!contracts.TryResolve(typeName, out var type, out _) || !typeof(INotification).IsAssignableFrom(type))
        {
            LogUnknown(logger, typeName, entry.Id.ToString());
            return true;
        }

        try
        {
            var notification = JsonSerializer.Deserialize(entry["payload"].ToString(), type, BusChannels.Json)!;
            var traceParent = entry["traceparent"];
            using var activity = RedwoodTelemetry.StartReceived(type.Name, traceParent.IsNull ? null : traceParent.ToString());
            using (WorkDelivery.Begin(redelivered))
            {
                await RedisBus.PublishReceivedAsync(scopes, notification, stopping);
            }

            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            // Left pending: claimed again after WorkClaimAfter.
            LogHandlerFailed(logger, typeName, entry.Id.ToString(), ex);
            return false;
        }
    }

    private string Stream(string type) => _prefix + "redwood:work:" + type;

    private string Ready(string type) => _prefix + "redwood:work-ready:" + type;

    [LoggerMessage(30, LogLevel.Error, "Work item {Id} ({Type}) failed; it stays pending and is retried")]
    private static partial void LogHandlerFailed(ILogger logger, string type, string id, Exception exception);

    [LoggerMessage(31, LogLevel.Warning, "Claimed {Count} pending {Type} work item(s) left by another consumer")]
    private static partial void LogClaimed(ILogger logger, int count, string type);

    [LoggerMessage(32, LogLevel.Warning, "Work item {Id} of unknown type {Type} dropped")]
    private static partial void LogUnknown(ILogger logger, string type, string id);

    [LoggerMessage(33, LogLevel.Error, "Work stream loop for {Type} failed; retrying")]
    private static partial void LogLoopFailed(ILogger logger, string type, Exception exception);
}
