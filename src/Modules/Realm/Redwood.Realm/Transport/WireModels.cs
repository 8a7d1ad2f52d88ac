using System.Globalization;
using System.Text.Json;
using Redwood.Realm.Domain;
using Redwood.Realm.Features.Characters;

namespace Redwood.Realm.Transport;

/// <summary>Conversions to the wire's conventions: ISO-8601 UTC timestamps and stored JSON re-emitted verbatim.</summary>
internal static class Wire
{
    public static string Iso(DateTime value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string? Iso(DateTime? value) => value is { } v ? Iso(v) : null;

    public static JsonElement Json(string text) => JsonElement.Parse(text);
}

/// <summary>The §4.2 <c>PlayerCharacter</c>, exactly its keys.</summary>
internal sealed record PlayerCharacterWire(
    string Id,
    string CreatedAt,
    string UpdatedAt,
    string? ArchivedAt,
    string PlayerId,
    string Name,
    JsonElement CharacterCreatorData,
    JsonElement Metadata,
    JsonElement EquippedInventory,
    JsonElement NonequippedInventory,
    JsonElement Progress,
    JsonElement Data,
    JsonElement AbilitySystem,
    JsonElement RedwoodData)
{
    public static PlayerCharacterWire From(CharacterSnapshot c) => new(
        c.Id, Wire.Iso(c.CreatedAt), Wire.Iso(c.UpdatedAt), Wire.Iso(c.ArchivedAt), c.PlayerId, c.Name,
        Wire.Json(c.CharacterCreatorData), Wire.Json(c.Metadata), Wire.Json(c.EquippedInventory), Wire.Json(c.NonequippedInventory),
        Wire.Json(c.Progress), Wire.Json(c.Data), Wire.Json(c.AbilitySystem), Wire.Json(c.RedwoodData));
}

/// <summary>Someone else's character: only its id, name and owner.</summary>
internal sealed record CharacterSummaryWire(string Id, string Name, string PlayerId)
{
    public static CharacterSummaryWire From(CharacterSummary c) => new(c.Id, c.Name, c.PlayerId);
}

/// <summary>The §4.5 <c>GameServerProxy</c>. The password itself is never sent, only <c>hasPassword</c>.</summary>
internal sealed record GameServerProxyWire(
    string Id,
    string CreatedAt,
    string UpdatedAt,
    string? EndedAt,
    string Name,
    string ModeId,
    string? MapId,
    bool ContinuousPlay,
    string? Password,
    string? ShortCode,
    int MaxPlayersPerShard,
    JsonElement Data,
    string? OwnerPlayerId,
    string Region,
    bool StartOnBoot,
    string? Zones,
    int NumPlayersToAddShard,
    double NumMinutesToDestroyEmptyShard,
    bool Public,
    bool ProxyEndsWhenCollectionEnds,
    int CurrentPlayers,
    bool HasPassword,
    string? ActiveCollectionId)
{
    public static GameServerProxyWire From(ProxySnapshot p) => new(
        p.Id, Wire.Iso(p.CreatedAt), Wire.Iso(p.UpdatedAt), Wire.Iso(p.EndedAt), p.Name, p.ModeId, p.MapId, p.ContinuousPlay,
        null, p.ShortCode, p.MaxPlayersPerShard, Wire.Json(p.Data), p.OwnerPlayerId, p.Region, p.StartOnBoot, p.Zones,
        p.NumPlayersToAddShard, p.NumMinutesToDestroyEmptyShard, p.Public, p.ProxyEndsWhenCollectionEnds, p.CurrentPlayers,
        p.HasPassword, p.ActiveCollectionId);
}

internal sealed record CharacterAck(string Error, object? Character);

internal sealed record CharactersAck(string Error, IReadOnlyList<PlayerCharacterWire> Characters);

internal sealed record ProxiesAck(string Error, IReadOnlyList<GameServerProxyWire> Proxies);

internal sealed record ProxyReferenceAck(string Error, string? ProxyReference);

internal sealed record GlobalDataAck(string Error, int? Id, JsonElement? Data);

internal sealed record RegionsPush(IReadOnlyList<RegionView> Regions);

internal sealed record ConnectToInstancePush(string Connection, string Token, bool ShouldStitch);

internal sealed record JoinProxyAck(string Error, string? ConnectionUri, string? Token);

/// <summary>The §4.4 <c>PlayerData</c>: <c>id</c>, <c>nickname</c>, <c>selectedGuild</c> (no guilds yet) and <c>data</c>.</summary>
internal static class PlayerDataWire
{
    public static string Json(string playerId, string nickname, string data)
    {
        var node = new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = playerId,
            ["nickname"] = nickname,
            ["selectedGuild"] = null,
            ["data"] = System.Text.Json.Nodes.JsonNode.Parse(data),
        };
        return node.ToJsonString();
    }
}
