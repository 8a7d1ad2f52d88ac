using System.Globalization;
using System.Text.Json;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Redwood.Director.Features.GlobalData;
using Redwood.Director.Features.Players;
using Redwood.Director.Features.Realms;
using Redwood.Director.Features.Sessions;
using Redwood.SharedKernel.Transport;
using Redwood.SocketIO;
using Redwood.SocketIO.Diagnostics;

namespace Redwood.Director.Transport;

/// <summary>Maps the Director Frontend events (§2.1) to commands; ack keys match the plugin exactly.</summary>
internal static class DirectorRoutes
{
    public const string Register = "player:register:username";
    public const string Login = "player:login:username";
    public const string Logout = "player:logout";
    public const string ListRealms = "realm:list";
    public const string RealmHandoff = "realm:auth:player:connect:client-to-director";
    public const string GlobalData = "director:global-data:get:latest";

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public static void Map(SocketIONamespace ns, IServiceScopeFactory scopes, ILogger logger)
    {
        ns.OnRequest(Register, scopes, logger, RegisterAsync, e => new RegisterAck(e, string.Empty));
        ns.OnRequest(Login, scopes, logger, LoginAsync, e => new LoginAck(e, string.Empty, string.Empty, string.Empty));
        ns.OnEvent(Logout, scopes, logger, (request, ct) => LogoutAsync(request, logger, ct));
        ns.OnRequest(ListRealms, scopes, logger, ListRealmsAsync, e => new RealmListAck(e, []));
        ns.OnRequest(RealmHandoff, scopes, logger, HandoffAsync, e => new HandoffAck(e, string.Empty));
        ns.OnRequest(GlobalData, scopes, logger, GlobalDataAsync, e => new GlobalDataAck(e, 0, EmptyObject));
        ns.OnUnsupported(UnsupportedEvents.Table);
    }

    private static async ValueTask<object> RegisterAsync(SocketRequest request, CancellationToken ct)
    {
        var payload = request.Payload<RegisterPayload>();
        var result = await Sender(request).Send(new RegisterPlayerCommand(
            payload.Username ?? string.Empty, payload.Password ?? string.Empty, PlayerBinding.AddressOf(request.Socket)), ct);
        return result.Error switch
        {
            RegisterPlayerError.None => new RegisterAck(string.Empty, result.PlayerId),
            RegisterPlayerError.UsernameTaken => new RegisterAck("User already registered", string.Empty),
            RegisterPlayerError.TooManyRegistrations => new RegisterAck("Too many registrations from this address, try again later", string.Empty),
            _ => throw new InvalidOperationException($"Unhandled register error {result.Error}"),
        };
    }

    private static async ValueTask<object> LoginAsync(SocketRequest request, CancellationToken ct)
    {
        // bypassProviderCheck needs no handling: token logins are honoured whatever the allowed providers (§3.3).
        var payload = request.Payload<LoginPayload>();
        var provider = payload.Provider ?? string.Empty;
        var result = await Sender(request).Send(new LogInPlayerCommand(
            payload.Username ?? string.Empty, payload.Secret ?? string.Empty, provider, PlayerBinding.AddressOf(request.Socket)), ct);
        if (result.Error != LogInError.None)
        {
            return new LoginAck(LoginErrorText(result.Error, provider), string.Empty, string.Empty, string.Empty);
        }

        PlayerBinding.Bind(request.Socket, result.PlayerId, result.SessionFamily);
        return new LoginAck(string.Empty, result.PlayerId, result.Token, result.Nickname);
    }

    private static async ValueTask LogoutAsync(SocketRequest request, ILogger logger, CancellationToken ct)
    {
        var player = PlayerBinding.PlayerOf(request.Socket);
        var family = PlayerBinding.SessionFamilyOf(request.Socket);
        var claimed = request.Message.Args.Count > 0 && request.Message.Args[0].ValueKind == JsonValueKind.Object
            ? request.Payload<PlayerPayload>().PlayerId
            : null;
        if (player is null || family is null || (!string.IsNullOrEmpty(claimed) && claimed != player))
        {
            // No ack to carry an error: a logout that is not this socket's own changes nothing.
            Log.LogoutIgnored(logger, request.Socket.Id, LogText.Clip(claimed));
            return;
        }

        PlayerBinding.Unbind(request.Socket);
        await Sender(request).Send(new LogOutPlayerCommand(player, family), ct);
    }

    private static async ValueTask<object> ListRealmsAsync(SocketRequest request, CancellationToken ct)
    {
        PlayerBinding.RequirePlayer(request, request.Payload<PlayerPayload>().PlayerId);
        var result = await Sender(request).Send(new ListRealmsQuery(), ct);
        return new RealmListAck(string.Empty, [.. result.Realms.Select(r => new RealmItem(
            r.Id, Iso(r.CreatedAt), Iso(r.UpdatedAt), r.Name, r.Uri, r.Listed, string.Empty))]);
    }

    private static async ValueTask<object> HandoffAsync(SocketRequest request, CancellationToken ct)
    {
        var payload = request.Payload<HandoffPayload>();
        var player = PlayerBinding.RequirePlayer(request, payload.PlayerId);
        var result = await Sender(request).Send(new CreateRealmHandoffTokenCommand(player, payload.RealmId ?? string.Empty), ct);
        return result.Error switch
        {
            CreateRealmHandoffTokenError.None => new HandoffAck(string.Empty, result.Token),
            CreateRealmHandoffTokenError.UnknownRealm => new HandoffAck("Unknown realm", string.Empty),
            _ => throw new InvalidOperationException($"Unhandled hand-off error {result.Error}"),
        };
    }

    private static async ValueTask<object> GlobalDataAsync(SocketRequest request, CancellationToken ct)
    {
        // The plugin sends JSON null here (Appendix A 3): the caller is the socket's player.
        PlayerBinding.RequirePlayer(request, null);
        var result = await Sender(request).Send(new GetLatestGlobalDataQuery(), ct);
        using var data = JsonDocument.Parse(result.Data);
        return new GlobalDataAck(string.Empty, result.Id, data.RootElement.Clone());
    }

    private static string LoginErrorText(LogInError error, string provider) => error switch
    {
        LogInError.InvalidCredentials => "Invalid username or password",
        LogInError.TooManyAttempts => "Too many failed login attempts, try again later",
        LogInError.UnknownProvider => $"Unknown login provider '{provider}'",
        LogInError.ProviderNotAllowed => $"Login provider '{provider}' is not allowed on this server",
        LogInError.ProviderNotConfigured => $"Login provider '{provider}' is not configured on this server",
        LogInError.InvalidName => "The JWT name contains characters that are not allowed (control, format, private-use or unassigned)",
        _ => throw new InvalidOperationException($"Unhandled login error {error}"),
    };

    /// <summary>ISO-8601 with milliseconds and <c>Z</c>, as <c>FDateTime::ParseIso8601</c> expects (§1.3).</summary>
    private static string Iso(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static ISender Sender(SocketRequest request) => request.Services.GetRequiredService<ISender>();

    private sealed record RegisterPayload(string? Username, string? Password);

    private sealed record LoginPayload(string? Username, string? Secret, string? Provider, bool? BypassProviderCheck);

    private sealed record PlayerPayload(string? PlayerId);

    private sealed record HandoffPayload(string? PlayerId, string? RealmId);

    private sealed record RegisterAck(string Error, string PlayerId);

    private sealed record LoginAck(string Error, string PlayerId, string Token, string Nickname);

    private sealed record RealmListAck(string Error, IReadOnlyList<RealmItem> Realms);

    private sealed record RealmItem(string Id, string CreatedAt, string UpdatedAt, string Name, string Uri, bool Listed, string Secret);

    private sealed record HandoffAck(string Error, string Token);

    private sealed record GlobalDataAck(string Error, int Id, JsonElement Data);
}
