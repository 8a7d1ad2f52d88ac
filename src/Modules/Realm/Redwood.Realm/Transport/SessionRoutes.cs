using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Redwood.Realm.Features.Sessions;
using Redwood.SharedKernel.Transport;
using Redwood.SocketIO;
using Redwood.SocketIO.Diagnostics;

namespace Redwood.Realm.Transport;

/// <summary>Sign-in with the Director's hand-off token, and logout (§2.2.1).</summary>
internal static class SessionRoutes
{
    public const string Connect = "realm:auth:player:connect:client-to-realm";
    public const string Logout = "realm:auth:player:logout";
    public const string RegionsPush = "realm:regions";

    public static void Map(SocketIONamespace ns, RealmRoutes routes)
    {
        // The plugin binds its push handlers just before sending this request, so realm:regions must follow the ack.
        ns.OnRequest(Connect, routes.Scopes, routes.Logger, (request, ct) => SignInAsync(request, routes, ct));

        ns.OnEvent(Logout, routes.Scopes, routes.Logger, (request, _) =>
        {
            var session = RealmSession.Of(request.Socket);
            var payload = request.Message.Args.Count > 0 && request.Message.Args[0].ValueKind == JsonValueKind.Object
                ? request.Payload<PlayerPayload>()
                : null;
            if (session is not null && (string.IsNullOrEmpty(payload?.PlayerId) || payload.PlayerId == session.PlayerId))
            {
                RealmSession.Unbind(request.Socket);
                Log.PlayerLoggedOut(routes.Logger, session.PlayerId, request.Socket.Id);
                return request.Socket.DisconnectAsync();
            }

            return ValueTask.CompletedTask;
        });
    }

    private static async ValueTask<object> SignInAsync(SocketRequest request, RealmRoutes routes, CancellationToken ct)
    {
        var socket = request.Socket;
        var payload = request.Payload<ConnectPayload>();
        if (RealmSession.Of(socket) is { } current && current.PlayerId != payload.PlayerId)
        {
            throw new RequestRefusedException("This connection is already signed in as another player");
        }

        var result = await RealmRoutes.SendAsync(request, new SignInPlayerCommand(payload.PlayerId, payload.Token), ct);
        if (result.Error != SignInPlayerError.None)
        {
            var error = Describe(result.Error);
            Log.PlayerSignInRefused(routes.Logger, LogText.Clip(payload.PlayerId) ?? string.Empty, error);
            return SocketRouteExtensions.ErrorOnly(error);
        }

        RealmSession.Bind(socket, new RealmSession(payload.PlayerId!, result.Nickname, result.Role, result.PlayerData));
        Log.PlayerSignedIn(routes.Logger, payload.PlayerId!, routes.Settings.Id, socket.Id);
        request.Message.AfterAck(() => socket.EmitAsync(RegionsPush, new RegionsPush(routes.Endpoint.Regions)));
        return SocketRouteExtensions.ErrorOnly(string.Empty);
    }

    private static string Describe(SignInPlayerError error) => error switch
    {
        SignInPlayerError.WrongRealm => "This realm token was issued for another realm",
        SignInPlayerError.Expired => "Realm token expired; ask the Director for a new one",
        _ => "Invalid realm token (unknown, already used or issued to another player); ask the Director for a new one",
    };

    private sealed record ConnectPayload(string? PlayerId, string? Token);
}

/// <summary>A payload carrying only the caller's <c>playerId</c>.</summary>
internal sealed record PlayerPayload(string? PlayerId);
