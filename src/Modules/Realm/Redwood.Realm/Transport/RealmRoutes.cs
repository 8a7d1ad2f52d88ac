using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Redwood.SharedKernel.Transport;
using Redwood.SocketIO;

namespace Redwood.Realm.Transport;

/// <summary>What every realm route needs: a scope per message, the logger, the settings and the endpoint.</summary>
internal sealed record RealmRoutes(IServiceScopeFactory Scopes, ILogger Logger, RealmSettings Settings, RealmEndpoint Endpoint)
{
    /// <summary>Maps every event of the Realm Frontend (§2.2) on <paramref name="ns"/>.</summary>
    public void Map(SocketIONamespace ns)
    {
        SessionRoutes.Map(ns, this);
        CharacterRoutes.Map(ns, this);
        ProxyRoutes.Map(ns, this);
        TicketingRoutes.Map(ns, this);
        GlobalDataRoutes.Map(ns, this);
        ns.OnUnsupported(UnsupportedEvents.Table);
    }

    /// <summary>Sends a command or query through the mediator of the message's scope (validation included).</summary>
    public static ValueTask<TResult> SendAsync<TResult>(SocketRequest request, ICommand<TResult> command, CancellationToken ct) =>
        request.Services.GetRequiredService<ISender>().Send(command, ct);

    /// <inheritdoc cref="SendAsync{TResult}(SocketRequest, ICommand{TResult}, CancellationToken)"/>
    public static ValueTask<TResult> SendAsync<TResult>(SocketRequest request, IQuery<TResult> query, CancellationToken ct) =>
        request.Services.GetRequiredService<ISender>().Send(query, ct);
}
