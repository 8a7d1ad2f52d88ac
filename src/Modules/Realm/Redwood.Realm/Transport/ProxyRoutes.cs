using System.Text.Json;
using Redwood.Realm.Features.Proxies;
using Redwood.SharedKernel.Transport;
using Redwood.SocketIO;

namespace Redwood.Realm.Transport;

/// <summary>Listing and creating proxies (§2.2.7); joining and stopping are in <see cref="UnsupportedEvents"/>.</summary>
internal static class ProxyRoutes
{
    public const string List = "realm:servers:list-proxies";
    public const string Create = "realm:servers:create-proxy";

    public static void Map(SocketIONamespace ns, RealmRoutes routes)
    {
        ns.OnRequest(List, routes.Scopes, routes.Logger, async (request, ct) =>
        {
            var payload = request.Payload<ListPayload>();
            RealmSession.Require(request, payload.PlayerId, routes.Logger);
            var proxies = await RealmRoutes.SendAsync(request, new ListProxiesQuery(payload.PrivateProxyReferences ?? []), ct);
            return new ProxiesAck(string.Empty, [.. proxies.Select(GameServerProxyWire.From)]);
        }, error => new ProxiesAck(error, []));

        ns.OnRequest(Create, routes.Scopes, routes.Logger, async (request, ct) =>
        {
            var p = request.Payload<CreatePayload>();
            var session = RealmSession.Require(request, p.PlayerId, routes.Logger);
            var result = await RealmRoutes.SendAsync(request, new CreateProxyCommand(
                session.PlayerId, session.Role, p.JoinCharacterId, p.Name, p.Region, p.ModeId, p.MapId, p.Public == true,
                p.ProxyEndsWhenCollectionEnds == true, p.ContinuousPlay == true, p.Password, p.ShortCode, p.Data, p.StartOnBoot == true), ct);
            return result.Error switch
            {
                CreateProxyError.None => new ProxyReferenceAck(string.Empty, result.ProxyReference),
                CreateProxyError.NotAdmin => new ProxyReferenceAck("Only admins can create start-on-boot proxies", null),
                CreateProxyError.ShortCodeTaken => new ProxyReferenceAck("That short code is already in use", null),
                CreateProxyError.TooManyProxies => new ProxyReferenceAck(
                    $"You already have the maximum of {routes.Settings.Proxies.MaxActivePerPlayer} active proxies", null),
                _ => new ProxyReferenceAck("joinCharacterId is not one of your characters", null),
            };
        }, error => new ProxyReferenceAck(error, null));
    }

    private sealed record ListPayload(string? PlayerId, string[]? PrivateProxyReferences);

    private sealed record CreatePayload(
        string? PlayerId,
        string? JoinCharacterId,
        string? Name,
        string? Region,
        string? ModeId,
        string? MapId,
        bool? Public,
        bool? ProxyEndsWhenCollectionEnds,
        bool? ContinuousPlay,
        string? Password,
        string? ShortCode,
        JsonElement? Data,
        bool? StartOnBoot);
}
