using Mediator;
using Redwood.Host.Bus;
using Redwood.SharedKernel.Modules;

namespace Redwood.Host;

/// <summary>
/// Publishes notifications: runs the handlers of the modules enabled in this process, one at a time, and forwards
/// contract notifications over Redis (when configured) because another process may hold the state that must react.
/// A failure in another module's handler is logged, not rethrown: the publisher's own change already happened.
/// </summary>
internal sealed partial class NotificationRouter(
    ModuleRegistry modules, IServiceProvider services, ILogger<NotificationRouter> logger) : INotificationPublisher
{
    public async ValueTask Publish<TNotification>(
        NotificationHandlers<TNotification> handlers, TNotification notification, CancellationToken cancellationToken)
        where TNotification : INotification
    {
        var received = RedisBus.IsReceivedFromRemote(notification);
        if (!received && services.GetService<WorkStreams>() is { } work && work.IsDurable(notification.GetType()))
        {
            // Work that must not be lost: one consumer of the owning module takes it from the stream, maybe here.
            await work.EnqueueAsync(notification, cancellationToken);
            return;
        }

        if (!received && modules.IsContract(notification.GetType()) && services.GetService<RedisBus>() is { } bus)
        {
            try
            {
                await bus.ForwardAsync(notification, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The publisher's change is already saved: other processes miss this notification (pub/sub is
                // at-most-once anyway), but this process still reacts to it.
                LogForwardFailed(logger, typeof(TNotification).Name, ex);
            }
        }

        var publisher = modules.OwnerOf(notification.GetType());
        foreach (var handler in handlers)
        {
            var owner = modules.OwnerOf(handler.GetType());
            if (owner is { Enabled: false })
            {
                continue;
            }

            try
            {
                await handler.Handle(notification, cancellationToken);
            }
            catch (Exception ex) when (owner is not null && owner != publisher && ex is not OperationCanceledException)
            {
                LogHandlerFailed(logger, handler.GetType().Name, typeof(TNotification).Name, owner.Name, ex);
            }
        }
    }

    [LoggerMessage(21, LogLevel.Error, "Forwarding {Notification} to other processes failed")]
    private static partial void LogForwardFailed(ILogger logger, string notification, Exception exception);

    [LoggerMessage(20, LogLevel.Error, "Handler {Handler} of module {Module} failed on {Notification}")]
    private static partial void LogHandlerFailed(ILogger logger, string handler, string notification, string module, Exception exception);
}
