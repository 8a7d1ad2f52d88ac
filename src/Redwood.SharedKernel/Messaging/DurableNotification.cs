using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Redwood.SharedKernel.Messaging;

/// <summary>
/// A contract notification that carries work which must not be lost and must be done once per deployment (for
/// instance "match found: start a server"). With Redis configured it travels through a Redis Stream instead of
/// pub/sub: one process running <see cref="ConsumerModule"/> takes each entry (consumer group per module) and
/// acknowledges it after its handlers ran; an entry left pending by a process that died is claimed by another. In one
/// process without Redis it is an ordinary in-process notification.
/// </summary>
/// <param name="Type">The notification type.</param>
/// <param name="ConsumerModule">The module whose handlers do the work.</param>
public sealed record DurableNotification(Type Type, string ConsumerModule);

/// <summary>Registration of durable notifications by the module that consumes them.</summary>
public static class DurableNotificationExtensions
{
    /// <summary>Declares that <paramref name="consumerModule"/>'s handlers of <typeparamref name="T"/> do work that must not be lost.</summary>
    public static IServiceCollection AddDurableNotification<T>(this IServiceCollection services, string consumerModule)
        where T : INotification =>
        services.AddSingleton(new DurableNotification(typeof(T), consumerModule));
}
