using Mediator;
using Microsoft.Extensions.Logging;
using Redwood.Sidecar.Contracts;
using Redwood.Sidecar.Transport;

namespace Redwood.Sidecar.Features;

/// <summary>Opens the listener of a game server about to be launched and answers the port bound.</summary>
internal sealed class OpenSidecarListenerHandler(SidecarServers servers, SidecarSettings settings, ILogger<OpenSidecarListenerHandler> logger)
    : IRequestHandler<OpenSidecarListener, OpenSidecarListenerReply>
{
    public async ValueTask<OpenSidecarListenerReply> Handle(OpenSidecarListener request, CancellationToken cancellationToken)
    {
        if (settings.Standalone is not null)
        {
            // A standalone Sidecar serves the one game server beside it; per-server listeners need an embedded one.
            return new OpenSidecarListenerReply(
                0, "This Sidecar runs standalone (Redwood:Sidecar:Mode=standalone) for one game server; the local provider needs an embedded Sidecar");
        }

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
internal sealed class CloseSidecarListenerHandler(SidecarServers servers, SidecarSettings settings)
    : IRequestHandler<CloseSidecarListener, CloseSidecarListenerReply>
{
    public async ValueTask<CloseSidecarListenerReply> Handle(CloseSidecarListener request, CancellationToken cancellationToken) =>
        new(settings.Standalone is null && await servers.CloseAsync(request.ServerId, cancellationToken));
}
