using Mediator;
using Microsoft.Extensions.Logging;
using Redwood.Sidecar.Contracts;
using Redwood.Sidecar.Transport;

namespace Redwood.Sidecar.Features;

/// <summary>Opens the listener of a game server about to be launched and answers the port bound.</summary>
internal sealed class OpenSidecarListenerHandler(SidecarServers servers, ILogger<OpenSidecarListenerHandler> logger)
    : IRequestHandler<OpenSidecarListener, OpenSidecarListenerReply>
{
    public async ValueTask<OpenSidecarListenerReply> Handle(OpenSidecarListener request, CancellationToken cancellationToken)
    {
        try
        {
            return new OpenSidecarListenerReply(await servers.OpenAsync(request.RealmId, request.ServerId, request.Port, cancellationToken), string.Empty);
        }
        catch (IOException ex)
        {
            Log.ListenFailed(logger, request.ServerId, request.Port, ex);
            return new OpenSidecarListenerReply(0, ex.Message);
        }
    }
}

/// <summary>Closes the listener of a stopped game server.</summary>
internal sealed class CloseSidecarListenerHandler(SidecarServers servers) : IRequestHandler<CloseSidecarListener, CloseSidecarListenerReply>
{
    public async ValueTask<CloseSidecarListenerReply> Handle(CloseSidecarListener request, CancellationToken cancellationToken) =>
        new(await servers.CloseAsync(request.ServerId, cancellationToken));
}
