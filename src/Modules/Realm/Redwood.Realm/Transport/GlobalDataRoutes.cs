using Redwood.Realm.Features.GlobalData;
using Redwood.SharedKernel.Transport;
using Redwood.SocketIO;

namespace Redwood.Realm.Transport;

/// <summary><c>realm:global-data:get:latest</c> (§2.2.8): its payload is JSON <c>null</c>, the caller is the socket.</summary>
internal static class GlobalDataRoutes
{
    public const string GetLatest = "realm:global-data:get:latest";

    public static void Map(SocketIONamespace ns, RealmRoutes routes)
    {
        ns.OnRequest(GetLatest, routes.Scopes, routes.Logger, async (request, ct) =>
        {
            RealmSession.Require(request, null, routes.Logger);
            var latest = await RealmRoutes.SendAsync(request, new GetLatestGlobalDataQuery(), ct);
            return latest is null
                ? new GlobalDataAck("No global data has been published for this realm", null, null)
                : new GlobalDataAck(string.Empty, latest.Id, Wire.Json(latest.Data));
        }, error => new GlobalDataAck(error, null, null));
    }
}
