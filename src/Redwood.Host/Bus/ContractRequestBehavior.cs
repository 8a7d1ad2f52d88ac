using Mediator;
using Redwood.SharedKernel.Modules;

namespace Redwood.Host.Bus;

/// <summary>
/// Routes a contract request to exactly one handler: the local one when the owning module runs in this process,
/// otherwise one process that runs it, over Redis. A disabled module's handler never runs here.
/// </summary>
internal sealed class ContractRequestBehavior<TMessage, TResponse>(ModuleRegistry modules, IServiceProvider services)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var owner = modules.OwnerOf(typeof(TMessage));
        if (owner is null or { Enabled: true } || !modules.IsContract(typeof(TMessage)))
        {
            return next(message, cancellationToken);
        }

        var bus = services.GetService<RedisBus>()
            ?? throw new InvalidOperationException(
                $"{typeof(TMessage).Name} belongs to the disabled {owner.Name} module and no Redis is configured to reach it.");
        return new ValueTask<TResponse>(bus.SendAsync<TResponse>(message, owner, cancellationToken));
    }
}
