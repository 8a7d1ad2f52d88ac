using System.Text.Json;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Redwood.Realm.Contracts;
using Redwood.SharedKernel.Transport;
using Redwood.SocketIO;

namespace Redwood.Sidecar.Transport;

/// <summary>
/// The §2.3 events of one game server. Socket A (lifecycle, persistence) and socket B (player auth and leave) arrive
/// in any order and are not told apart by their handshake: socket A is whichever socket reports the instance state.
/// </summary>
internal sealed class SidecarRoutes(
    IServiceScopeFactory scopes, ILogger logger, SidecarSettings settings, CharacterSaveMetrics saveMetrics, Func<GameServerLink> link)
{
    public const string UpdateInstanceState = "realm:servers:update-instance-state";
    public const string LoadMapResponse = "realm:servers:session:load-map:response";
    public const string InitialLoad = "realm:servers:session:persistence:initial-load";
    public const string SetServer = "realm:characters:set:server";
    public const string UpdateZone = "realm:servers:session:persistence:update-zone";
    public const string PlayerAuth = "realm:servers:player-auth:game-server-to-sidecar";
    public const string PlayerLeft = "realm:servers:player-left:game-server-to-sidecar";
    public const string TransferZone = "realm:servers:transfer-zone:game-server-to-sidecar";
    public const string SyncNew = "realm:servers:session:sync:new";
    public const string SyncBatch = "realm:servers:session:sync:batch";
    public const string BlobsPut = "realm:blobs:put";
    public const string BlobsGet = "realm:blobs:get";

    private static readonly JsonElement EmptyArray = JsonElement.Parse("[]");

    private static readonly string[] SaveFields =
        ["characterCreatorData", "metadata", "equippedInventory", "nonequippedInventory", "progress", "data", "abilitySystem"];

    public void Map(SocketIONamespace ns)
    {
        ns.Connected += socket =>
        {
            Log.SocketConnected(logger, link().ServerId, socket.Id);
            return ValueTask.CompletedTask;
        };
        ns.Disconnected += (socket, reason) =>
        {
            var server = link();
            if (server.SocketA == socket)
            {
                server.SocketA = null;
            }

            Log.SocketDisconnected(logger, server.ServerId, socket.Id, reason);
            return ValueTask.CompletedTask;
        };

        ns.OnEvent(UpdateInstanceState, scopes, logger, ReportStateAsync);
        ns.OnEvent(LoadMapResponse, scopes, logger, LoadMapAnsweredAsync);
        ns.OnRequest(InitialLoad, scopes, logger, InitialLoadAsync, error => new InitialLoadAck(error, null, null, EmptyArray));
        ns.OnEvent(SetServer, scopes, logger, SaveCharactersAsync);
        ns.OnEvent(UpdateZone, scopes, logger, UpdateZoneAsync);
        // Every joining player's check is independent: a burst of joins is checked at once, not one after another.
        ns.OnRequest(PlayerAuth, scopes, logger, AuthenticateAsync, unordered: true);
        ns.OnEvent(PlayerLeft, scopes, logger, PlayerLeftAsync);

        // Built by a later issue: a clear error where the plugin waits for an ack, a log line otherwise.
        ns.OnRequest(TransferZone, scopes, logger, (_, _) => NotYet(TransferZone, "Zone transfer is not supported by this server yet"));
        ns.OnRequest(BlobsPut, scopes, logger, (_, _) => NotYet(BlobsPut, "Blobs are not supported by this server yet"));
        ns.OnRequest(BlobsGet, scopes, logger, (_, _) => NotYet(BlobsGet, "Blobs are not supported by this server yet"));
        ns.OnEvent(SyncNew, scopes, logger, (_, _) => Ignored(SyncNew));
        ns.OnEvent(SyncBatch, scopes, logger, (_, _) => Ignored(SyncBatch));
        ns.OnUnsupported(new Dictionary<string, Func<string, object>>());
    }

    private async ValueTask ReportStateAsync(SocketRequest request, CancellationToken ct)
    {
        var server = link();
        server.SocketA = request.Socket;
        var state = request.Payload<StatePayload>();
        var numPlayers = (int)Math.Round(state.NumPlayers ?? 0);
        var key = $"{state.State}|{numPlayers}|{state.Id}|{state.MapId}|{state.ModeId}";
        var now = DateTimeOffset.UtcNow;
        if (server.LastReport.Key == key && now - server.LastReport.At < settings.HeartbeatInterval)
        {
            return;
        }

        server.LastReport = (key, now);
        var reply = await Sender(request).Send(
            new ReportGameServerState(server.RealmId, server.ServerId, state.State, numPlayers, state.Id ?? string.Empty, state.MapId ?? string.Empty, state.ModeId ?? string.Empty),
            ct);
        if (!reply.Known && settings.Standalone is null)
        {
            Log.UnknownToRealm(logger, server.ServerId, UpdateInstanceState);
        }
        else if (!reply.Known)
        {
            // A standalone Sidecar's server is unknown to the Realm until it is allocated.
            Log.NotAllocatedYet(logger, server.ServerId);
        }
    }

    private async ValueTask LoadMapAnsweredAsync(SocketRequest request, CancellationToken ct)
    {
        var server = link();
        var error = request.Payload<ErrorPayload>().Error ?? string.Empty;
        Log.LoadMapAnswered(logger, server.ServerId, server.LastLoadMapRequestId, error);
        if (error.Length > 0)
        {
            await Sender(request).Send(new ReportMapLoadFailed(server.RealmId, server.ServerId, server.LastLoadMapRequestId, error), ct);
        }
    }

    private async ValueTask<object> InitialLoadAsync(SocketRequest request, CancellationToken ct)
    {
        var server = link();
        server.SocketA ??= request.Socket;
        var reply = await Sender(request).Send(new LoadZoneData(server.RealmId, server.ServerId), ct);
        return new InitialLoadAck(
            reply.Error,
            reply.Data is null ? null : JsonElement.Parse(reply.Data),
            reply.ZoneData is null ? null : JsonElement.Parse(reply.ZoneData),
            JsonElement.Parse(reply.Items));
    }

    private async ValueTask SaveCharactersAsync(SocketRequest request, CancellationToken ct)
    {
        var server = link();
        var payload = request.Payload<SetServerPayload>();
        var saves = new List<CharacterSave>();
        var unchanged = 0;
        foreach (var character in payload.Characters ?? [])
        {
            if (character.ValueKind != JsonValueKind.Object
                || !character.TryGetProperty("playerId", out var playerId) || playerId.ValueKind != JsonValueKind.String
                || !character.TryGetProperty("characterId", out var characterId) || characterId.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var fields = SaveFields.Select(f => ObjectText(character, f)).ToArray();
            var save = new CharacterSave(
                playerId.GetString()!, characterId.GetString()!, ObjectText(character, "lastLocation"),
                fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6]);
            if (server.Locations.Unchanged(save))
            {
                unchanged++;
                continue;
            }

            saves.Add(save);
        }

        saveMetrics.Add(saves.Count, unchanged);
        if (saves.Count == 0)
        {
            return;
        }

        var reply = await Sender(request).Send(new SaveCharacters(server.RealmId, server.ServerId, saves), ct);
        if (reply.Error.Length > 0)
        {
            Log.SaveFailed(logger, server.ServerId, reply.Error);
        }
        else if (reply.Saved == saves.Count)
        {
            // Every save was taken (a refused one leaves the stored location as it was: nothing is remembered then).
            server.Locations.Taken(saves);
        }
    }

    private async ValueTask UpdateZoneAsync(SocketRequest request, CancellationToken ct)
    {
        var server = link();
        var payload = request.Message.Args[0];
        var items = payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("persistentItems", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.GetRawText()
            : null;
        await Sender(request).Send(
            new SaveZoneData(server.RealmId, server.ServerId, ObjectText(payload, "data"), ObjectText(payload, "zoneData"), items), ct);
    }

    private async ValueTask<object> AuthenticateAsync(SocketRequest request, CancellationToken ct)
    {
        var server = link();
        var payload = request.Payload<AuthPayload>();
        if (string.IsNullOrEmpty(payload.PlayerId) || string.IsNullOrEmpty(payload.CharacterId) || string.IsNullOrEmpty(payload.Token))
        {
            return SocketRouteExtensions.ErrorOnly("Invalid request: playerId, characterId and token are required");
        }

        var reply = await Sender(request).Send(
            new ValidateJoinToken(server.RealmId, server.ServerId, payload.PlayerId, payload.CharacterId, payload.Token), ct);
        if (reply.Error != JoinTokenError.None)
        {
            return SocketRouteExtensions.ErrorOnly(reply.Error switch
            {
                JoinTokenError.Expired => "Join token expired; join again",
                JoinTokenError.NoInstance => "This game server is not serving a session",
                _ => "Invalid join token (unknown, already used, or issued for another player, character or server)",
            });
        }

        server.Players[payload.PlayerId] = payload.CharacterId;
        server.Locations.Forget(payload.CharacterId);
        return new PlayerAuthAck(string.Empty, JsonElement.Parse(reply.Character!), JsonElement.Parse(reply.Player!));
    }

    private async ValueTask PlayerLeftAsync(SocketRequest request, CancellationToken ct)
    {
        var server = link();
        var payload = request.Payload<AuthPayload>();
        if (string.IsNullOrEmpty(payload.PlayerId))
        {
            return;
        }

        if (server.Players.TryRemove(payload.PlayerId, out var admitted))
        {
            server.Locations.Forget(admitted);
        }

        if (!string.IsNullOrEmpty(payload.CharacterId))
        {
            server.Locations.Forget(payload.CharacterId);
        }

        await Sender(request).Send(new ReportPlayerLeft(server.RealmId, server.ServerId, payload.PlayerId, payload.CharacterId ?? string.Empty), ct);
    }

    private ValueTask<object> NotYet(string eventName, string error)
    {
        Log.Unsupported(logger, link().ServerId, eventName);
        return ValueTask.FromResult(SocketRouteExtensions.ErrorOnly(error));
    }

    private ValueTask Ignored(string eventName)
    {
        Log.Unsupported(logger, link().ServerId, eventName);
        return ValueTask.CompletedTask;
    }

    private static ISender Sender(SocketRequest request) => request.Services.GetRequiredService<ISender>();

    /// <summary>The raw JSON of an object-valued property, or null when it is absent, null or not an object.</summary>
    private static string? ObjectText(JsonElement payload, string name) =>
        payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value.GetRawText()
            : null;

    private sealed record StatePayload(string? State, double? NumPlayers, string? Id, string? MapId, string? ModeId);

    private sealed record ErrorPayload(string? Error);

    private sealed record SetServerPayload(string? Id, JsonElement[]? Characters);

    private sealed record AuthPayload(string? PlayerId, string? CharacterId, string? Token);

    private sealed record InitialLoadAck(string Error, JsonElement? Data, JsonElement? ZoneData, JsonElement Items);

    private sealed record PlayerAuthAck(string Error, JsonElement Character, JsonElement Player);
}
