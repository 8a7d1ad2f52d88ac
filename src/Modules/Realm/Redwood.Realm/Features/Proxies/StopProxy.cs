using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Redwood.Realm.GameServers;
using Redwood.Realm.Persistence;

namespace Redwood.Realm.Features.Proxies;

/// <summary>
/// The owner (or an admin) stops a proxy: its active collection ends with every instance and server; the proxy itself
/// ends too when it was created with <c>proxyEndsWhenCollectionEnds</c>. Stopping a proxy with nothing running fails.
/// </summary>
internal sealed record StopProxyCommand(string PlayerId, int CallerRole, string? ProxyId) : ICommand<StopProxyResult>;

internal enum StopProxyError
{
    None,
    NotFound,
    NotOwner,
    NotRunning,
}

internal sealed record StopProxyResult(StopProxyError Error);

internal sealed class StopProxyValidator : AbstractValidator<StopProxyCommand>
{
    public StopProxyValidator() => RuleFor(c => c.ProxyId).NotEmpty().WithMessage("proxyId is required").MaximumLength(64);
}

internal sealed class StopProxyHandler(RealmDbContext db, GameServerLifecycle lifecycle, ILogger<StopProxyHandler> logger)
    : ICommandHandler<StopProxyCommand, StopProxyResult>
{
    public async ValueTask<StopProxyResult> Handle(StopProxyCommand command, CancellationToken cancellationToken)
    {
        var proxy = await db.Proxies.AsNoTracking().Where(p => p.Id == command.ProxyId)
            .Select(p => new { p.Id, p.OwnerPlayerId, p.EndedAt, p.ActiveCollectionId }).FirstOrDefaultAsync(cancellationToken);
        if (proxy is null)
        {
            return new StopProxyResult(StopProxyError.NotFound);
        }

        if (proxy.OwnerPlayerId != command.PlayerId && command.CallerRole != CreateProxyHandler.AdminRole)
        {
            return new StopProxyResult(StopProxyError.NotOwner);
        }

        if (proxy.EndedAt is not null || proxy.ActiveCollectionId is null)
        {
            return new StopProxyResult(StopProxyError.NotRunning);
        }

        await lifecycle.EndCollectionAsync(proxy.ActiveCollectionId, "stop-proxy", cancellationToken);
        Log.ProxyStopped(logger, proxy.Id, command.PlayerId);
        return new StopProxyResult(StopProxyError.None);
    }
}
