using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Mediator;
using Redwood.SharedKernel.Diagnostics;
using Redwood.SharedKernel.Ephemeral;
using Redwood.SharedKernel.Messaging;
using Redwood.SharedKernel.Modules;
using StackExchange.Redis;

namespace Redwood.Host.Bus;

/// <summary>
/// Carries contracts between processes over Redis: notifications fan out to every process (pub/sub), requests go to
/// exactly one process running the owning module (a list per request type, popped atomically) and come back on a
/// reply channel of the asking process.
/// </summary>
internal sealed partial class RedisBus(
    IConnectionMultiplexer redis,
    ContractTypes contracts,
    BusPartitions partitions,
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    RedisSettings settings,
    BusMetrics metrics,
    ILogger<RedisBus> logger) : IHostedService, IAsyncDisposable
{
    private const int PopBatch = 16;

    private readonly BusChannels _names = new(settings.Prefix);
    private static readonly AsyncLocal<object?> ReceivingRemote = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<ReplyEnvelope>> _pending = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _consumers = [];
    private readonly TimeSpan _requestTimeout = configuration.GetValue("Redwood:Bus:RequestTimeout", TimeSpan.FromSeconds(10));

    /// <summary>Identifies this process on the bus; echoes of its own notifications are ignored.</summary>
    public string ProcessId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>
    /// True while this process's handlers run for <paramref name="notification"/>, which came from another process (it
    /// must not go back out). Notifications those handlers publish in turn are new, and travel as usual.
    /// </summary>
    public static bool IsReceivedFromRemote(object notification) => ReferenceEquals(ReceivingRemote.Value, notification);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var subscriber = redis.GetSubscriber();
        await subscriber.SubscribeAsync(RedisChannel.Pattern(_names.NotificationPattern), (channel, message) => { _ = OnNotificationAsync(message!); });
        await subscriber.SubscribeAsync(RedisChannel.Literal(_names.Reply(ProcessId)), (_, message) => OnReply(message!));
        foreach (var (type, owner) in contracts.RequestsAnsweredHere())
        {
            // A partitioned module (a realm) reads only its own partition's queue.
            var route = partitions.ServedRouteOf(type, owner.Name);
            var signal = new SemaphoreSlim(0);
            await subscriber.SubscribeAsync(RedisChannel.Literal(_names.RequestReady(route)), (_, _) => signal.Release());
            _consumers.Add(ConsumeAsync(type, route, signal, _stopping.Token));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await redis.GetSubscriber().UnsubscribeAllAsync();
        await Task.WhenAll(_consumers).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public ValueTask DisposeAsync()
    {
        _stopping.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Forwards a notification published here to every other process.</summary>
    public async Task ForwardAsync(object notification, CancellationToken cancellationToken)
    {
        var type = ContractTypes.NameOf(notification.GetType());
        var envelope = new NotificationEnvelope(
            ProcessId, type, JsonSerializer.SerializeToElement(notification, notification.GetType(), BusChannels.Json), RedwoodTelemetry.TraceParent);
        await redis.GetSubscriber().PublishAsync(
            RedisChannel.Literal(_names.Notification(type)), JsonSerializer.Serialize(envelope, BusChannels.Json));
    }

    /// <summary>Sends a contract request to one process running its module and waits for the reply.</summary>
    public async Task<TResponse> SendAsync<TResponse>(object request, ModuleInfo owner, CancellationToken cancellationToken)
    {
        var type = ContractTypes.NameOf(request.GetType());
        var route = partitions.RouteOf(request, owner.Name);
        var id = Guid.NewGuid().ToString("N");
        var reply = new TaskCompletionSource<ReplyEnvelope>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        var started = Stopwatch.GetTimestamp();
        var outcome = BusMetrics.Failed;
        try
        {
            LogSending(logger, type, owner.Name);
            var deadline = DateTimeOffset.UtcNow + _requestTimeout;
            var envelope = new RequestEnvelope(id, _names.Reply(ProcessId), type, deadline.ToUnixTimeMilliseconds(),
                JsonSerializer.SerializeToElement(request, request.GetType(), BusChannels.Json), RedwoodTelemetry.TraceParent);
            var db = redis.GetDatabase();
            await db.ListLeftPushAsync(_names.RequestQueue(route), JsonSerializer.Serialize(envelope, BusChannels.Json));
            await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(_names.RequestReady(route)), id);
            ReplyEnvelope answer;
            try
            {
                answer = await reply.Task.WaitAsync(_requestTimeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                outcome = BusMetrics.TimedOut;
                LogRequestTimedOut(logger, type, owner.Name, _requestTimeout);
                throw new ContractRequestException(type, owner.Name, ContractRequestFailure.Timeout,
                    $"No {owner.Name} module answered {type} within {_requestTimeout.TotalSeconds:0.#} s.");
            }

            if (answer.Error is not null || answer.Payload is not { } payload)
            {
                throw new ContractRequestException(type, owner.Name, ContractRequestFailure.HandlerFailed,
                    $"The {owner.Name} module failed to answer {type}: {answer.Error}");
            }

            var response = payload.Deserialize<TResponse>(BusChannels.Json)!;
            outcome = BusMetrics.Answered;
            return response;
        }
        finally
        {
            _pending.TryRemove(id, out _);
            metrics.RequestCompleted(request.GetType(), owner.Name, outcome, Stopwatch.GetElapsedTime(started));
        }
    }

    private async Task OnNotificationAsync(RedisValue message)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize<NotificationEnvelope>(message.ToString(), BusChannels.Json);
            if (envelope is null || envelope.Origin == ProcessId)
            {
                return;
            }

            if (!contracts.TryResolve(envelope.Type, out var type, out _) || !typeof(INotification).IsAssignableFrom(type))
            {
                LogUnknownType(logger, envelope.Type);
                return;
            }

            var notification = envelope.Payload.Deserialize(type, BusChannels.Json)!;
            using var activity = RedwoodTelemetry.StartReceived(type.Name, envelope.TraceParent);
            await PublishReceivedAsync(scopes, notification, _stopping.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRemoteNotificationFailed(logger, ex);
        }
    }

    /// <summary>Publishes a notification that came from another process (by pub/sub, or a durable work item) to this process's handlers only.</summary>
    public static async Task PublishReceivedAsync(IServiceScopeFactory scopes, object notification, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var previous = ReceivingRemote.Value;
        ReceivingRemote.Value = notification;
        try
        {
            await scope.ServiceProvider.GetRequiredService<IPublisher>().Publish(notification, cancellationToken);
        }
        finally
        {
            ReceivingRemote.Value = previous;
        }
    }

    private void OnReply(RedisValue message)
    {
        ReplyEnvelope? reply;
        try
        {
            reply = JsonSerializer.Deserialize<ReplyEnvelope>(message.ToString(), BusChannels.Json);
        }
        catch (JsonException ex)
        {
            LogMalformedReply(logger, ex);
            return;
        }

        if (reply is not null && _pending.TryRemove(reply.Id, out var waiter))
        {
            waiter.TrySetResult(reply);
        }
    }

    private async Task ConsumeAsync(Type type, string route, SemaphoreSlim signal, CancellationToken stopping)
    {
        var queue = _names.RequestQueue(route);
        var db = redis.GetDatabase();
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                // The ready signal wakes us at once; the poll catches requests queued while no consumer listened.
                await signal.WaitAsync(TimeSpan.FromSeconds(1), stopping);
                // Up to 16 requests per round trip (RPOP with a count, Redis 6.2+), each answered concurrently.
                RedisValue[] batch;
                do
                {
                    batch = await db.ListRightPopAsync(queue, PopBatch) ?? [];
                    foreach (var raw in batch)
                    {
                        _ = AnswerAsync(type, raw.ToString(), stopping);
                    }
                }
                while (batch.Length == PopBatch);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogConsumerFailed(logger, queue, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task AnswerAsync(Type type, string raw, CancellationToken stopping)
    {
        RequestEnvelope? envelope = null;
        try
        {
            envelope = JsonSerializer.Deserialize<RequestEnvelope>(raw, BusChannels.Json)!;
            if (DateTimeOffset.FromUnixTimeMilliseconds(envelope.DeadlineUnixMs) < DateTimeOffset.UtcNow)
            {
                LogExpiredRequestDropped(logger, envelope.Type);
                return;
            }

            var request = envelope.Payload.Deserialize(type, BusChannels.Json)!;
            using var activity = RedwoodTelemetry.StartReceived(type.Name, envelope.TraceParent);
            LogAnswering(logger, envelope.Type);
            await using var scope = scopes.CreateAsyncScope();
            var response = await scope.ServiceProvider.GetRequiredService<ISender>().Send(request, stopping);
            await ReplyAsync(envelope, new ReplyEnvelope(envelope.Id, JsonSerializer.SerializeToElement(response, BusChannels.Json), null));
        }
        catch (Exception ex) when (envelope is not null && ex is not OperationCanceledException)
        {
            LogRemoteRequestFailed(logger, envelope.Type, ex);
            await ReplyAsync(envelope, new ReplyEnvelope(envelope.Id, null, ex.GetType().Name));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRemoteRequestFailed(logger, type.Name, ex);
        }
    }

    private Task ReplyAsync(RequestEnvelope request, ReplyEnvelope reply) =>
        redis.GetSubscriber().PublishAsync(RedisChannel.Literal(request.ReplyTo), JsonSerializer.Serialize(reply, BusChannels.Json));

    [LoggerMessage(10, LogLevel.Warning, "Contract request {Type} for module {Module} timed out after {Timeout}")]
    private static partial void LogRequestTimedOut(ILogger logger, string type, string module, TimeSpan timeout);

    [LoggerMessage(11, LogLevel.Warning, "Notification of unknown type {Type} ignored")]
    private static partial void LogUnknownType(ILogger logger, string type);

    [LoggerMessage(12, LogLevel.Error, "Handling a notification from another process failed")]
    private static partial void LogRemoteNotificationFailed(ILogger logger, Exception exception);

    [LoggerMessage(13, LogLevel.Error, "Request consumer for {Queue} failed; retrying")]
    private static partial void LogConsumerFailed(ILogger logger, string queue, Exception exception);

    [LoggerMessage(14, LogLevel.Warning, "Request {Type} expired in the queue and was dropped")]
    private static partial void LogExpiredRequestDropped(ILogger logger, string type);

    [LoggerMessage(16, LogLevel.Warning, "Malformed reply on the bus ignored")]
    private static partial void LogMalformedReply(ILogger logger, Exception exception);

    [LoggerMessage(17, LogLevel.Debug, "Sending contract request {Type} to the {Module} module in another process")]
    private static partial void LogSending(ILogger logger, string type, string module);

    [LoggerMessage(18, LogLevel.Debug, "Answering contract request {Type} for another process")]
    private static partial void LogAnswering(ILogger logger, string type);

    [LoggerMessage(15, LogLevel.Error, "Answering contract request {Type} for another process failed")]
    private static partial void LogRemoteRequestFailed(ILogger logger, string type, Exception exception);
}
