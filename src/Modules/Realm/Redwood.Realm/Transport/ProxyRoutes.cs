using System.Text.Json;
using Redwood.Realm.Features.Proxies;
using Redwood.SharedKernel.Transport;
using Redwood.SocketIO;

namespace Redwood.Realm.Transport;

/// <summary>Listing, creating, joining and stopping proxies (§2.2.7).</summary>
internal static class ProxyRoutes
{
    public const string List = "realm:servers:list-proxies";
    public const string Create = "realm:servers:create-proxy";
    public const string Join = "realm:servers:join-proxy";
    public const string Stop = "realm:servers:stop-proxy";

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
                _ => new ProxyReferenceAck("joinCharacterId is not one of your characters", null),
            };
        }, error => new ProxyReferenceAck(error, null));

        ns.OnRequest(Join, routes.Scopes, routes.Logger, async (request, ct) =>
        {
            // The plugin sends the caller under both "id" and "playerId" (Appendix A 4).
            var p = request.Payload<JoinPayload>();
            var session = RealmSession.Require(request, p.Id, routes.Logger);
            RealmSession.Require(request, p.PlayerId, routes.Logger);
            var result = await RealmRoutes.SendAsync(request, new JoinProxyCommand(session.PlayerId, p.CharacterId, p.ProxyReference, p.Password), ct);
            return result.Error switch
            {
                JoinProxyError.None => new JoinProxyAck(string.Empty, result.Connection, result.Token),
                JoinProxyError.ProxyNotFound => new JoinProxyAck("Proxy not found (or it has ended)", null, null),
                JoinProxyError.WrongPassword => new JoinProxyAck("Wrong password for this proxy", null, null),
                JoinProxyError.CharacterNotFound => new JoinProxyAck("characterId is not one of your characters", null, null),
                _ => new JoinProxyAck(result.Reason ?? "No game server is available", null, null),
            };
        }, error => new JoinProxyAck(error, null, null));

        ns.OnRequest(Stop, routes.Scopes, routes.Logger, async (request, ct) =>
        {
            var p = request.Payload<StopPayload>();
            var session = RealmSession.Require(request, p.Id, routes.Logger);
            var result = await RealmRoutes.SendAsync(request, new StopProxyCommand(session.PlayerId, session.Role, p.ProxyId), ct);
            return SocketRouteExtensions.ErrorOnly(result.Error switch
            {
                StopProxyError.None => string.Empty,
                StopProxyError.NotFound => "Proxy not found",
                StopProxyError.NotOwner => "Only the proxy's owner or an admin can stop it",
                _ => "This proxy is already stopped",
            });
        });
    }

    private sealed record JoinPayload(string? Id, string? PlayerId, string? CharacterId, string? ProxyReference, string? Password);

    private sealed record StopPayload(string? Id, string? ProxyId);

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
