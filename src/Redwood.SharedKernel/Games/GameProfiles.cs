using System.Globalization;
using Microsoft.Extensions.Configuration;
using static Redwood.SharedKernel.Modules.SettingValues;

namespace Redwood.SharedKernel.Games;

/// <summary>One zone of a game profile: its name and the maps a new shard picks from at random.</summary>
/// <param name="Name">Zone name (no <c>:</c> or <c>,</c>: it travels in channels and comma-separated lists).</param>
/// <param name="Maps">Map ids (<c>URedwoodMapAsset.RedwoodId</c>); at least one.</param>
public sealed record GameZone(string Name, IReadOnlyList<string> Maps)
{
    /// <summary>A random map of this zone.</summary>
    public string PickMap() => Maps[Random.Shared.Next(Maps.Count)];
}

/// <summary>
/// A game profile (Redwood's <c>game.profiles</c> entry): a game mode the Unreal server loads, its zones and maps, its
/// matchmaking and sharding rules, and string data handed to the game server with every map load.
/// </summary>
/// <param name="Id">The game-mode id (<c>URedwoodGameModeAsset.RedwoodId</c>); the <c>modeId</c> of proxies.</param>
/// <param name="Zones">Zones, at least one.</param>
/// <param name="MatchmakingZoneName">The zone a match starts in; null when the profile is not matchmade.</param>
/// <param name="MinPlayersForMatchmaking">The fewest players a (shallow) match may have.</param>
/// <param name="MaxPlayersPerShard">Hard cap of players on one shard; a full match has this many.</param>
/// <param name="NumPlayersToAddShard">Soft cap at which a new shard starts (-1 = only when full).</param>
/// <param name="NumMinutesToDestroyEmptyShard">Minutes (fractions allowed) an empty shard lives on (-1 = never destroyed while empty).</param>
/// <param name="Data">String key/values appended to the map load.</param>
public sealed record GameProfile(
    string Id,
    IReadOnlyList<GameZone> Zones,
    string? MatchmakingZoneName,
    int MinPlayersForMatchmaking,
    int MaxPlayersPerShard,
    int NumPlayersToAddShard,
    double NumMinutesToDestroyEmptyShard,
    IReadOnlyDictionary<string, string> Data)
{
    /// <summary>The zone named <paramref name="name"/> (case-sensitive, as on the wire), or null.</summary>
    public GameZone? Zone(string name) => Zones.FirstOrDefault(z => string.Equals(z.Name, name, StringComparison.Ordinal));

    /// <summary>Comma-separated zone names, as the wire's <c>GameServerProxy.zones</c>.</summary>
    public string ZoneList => string.Join(',', Zones.Select(z => z.Name));
}

/// <summary>
/// The game profiles of this deployment, read from <c>Redwood:Matchmaking:Profiles</c> (a list). The Realm (proxies,
/// allocation) and Matchmaking (tickets) both read them, so every process of a deployment must carry the same list.
/// </summary>
public sealed class GameProfiles
{
    /// <summary>The configuration section holding the list.</summary>
    public const string Section = "Redwood:Matchmaking:Profiles";

    private readonly Dictionary<string, GameProfile> _byId;

    /// <summary>Wraps validated profiles.</summary>
    public GameProfiles(IReadOnlyList<GameProfile> profiles)
    {
        All = profiles;
        _byId = profiles.ToDictionary(p => p.Id, StringComparer.Ordinal);
    }

    /// <summary>Every profile, in configuration order.</summary>
    public IReadOnlyList<GameProfile> All { get; }

    /// <summary>The profile with this id, or null.</summary>
    public GameProfile? Find(string? id) => id is not null && _byId.TryGetValue(id, out var profile) ? profile : null;

    /// <summary>The built-in profile used when none is configured: two players make a match on map <c>default</c>.</summary>
    public static GameProfile Default { get; } = new(
        "default", [new GameZone("default", ["default"])], "default", 2, 2, -1, 1, new Dictionary<string, string>());

    /// <summary>Reads and validates the profiles; a bad profile throws a message naming the setting.</summary>
    public static GameProfiles Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var profiles = new List<GameProfile>();
        foreach (var child in section.GetChildren())
        {
            profiles.Add(ReadProfile(child));
        }

        if (profiles.Count == 0)
        {
            profiles.Add(Default);
        }

        if (profiles.GroupBy(p => p.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new InvalidOperationException($"Setting '{Section}' names profile '{duplicate.Key}' twice.");
        }

        return new GameProfiles(profiles);
    }

    private static GameProfile ReadProfile(IConfigurationSection child)
    {
        var id = Name(child, "Id", required: true)!;
        var zones = new List<GameZone>();
        foreach (var zone in child.GetSection("Zones").GetChildren())
        {
            // Zones may be a list of {Name, Maps} or a map keyed by zone name (Redwood's zones.<name>.maps).
            var zoneName = zone["Name"] ?? (int.TryParse(zone.Key, out _) ? null : zone.Key);
            if (string.IsNullOrWhiteSpace(zoneName) || zoneName.Contains(':') || zoneName.Contains(','))
            {
                throw new InvalidOperationException(
                    $"Setting '{zone.Path}:Name' must be a zone name without ':' or ','.");
            }

            var maps = zone.GetSection("Maps").GetChildren().Select(m => m.Value?.Trim()).Where(m => !string.IsNullOrEmpty(m)).ToList();
            if (maps.Count == 0)
            {
                throw new InvalidOperationException($"Setting '{zone.Path}:Maps' must list at least one map id.");
            }

            zones.Add(new GameZone(zoneName.Trim(), maps!));
        }

        if (zones.Count == 0)
        {
            throw new InvalidOperationException($"Setting '{child.Path}:Zones' must define at least one zone with its maps.");
        }

        if (zones.GroupBy(z => z.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new InvalidOperationException($"Setting '{child.Path}:Zones' names zone '{twice.Key}' twice.");
        }

        var matchmakingZone = Name(child, "MatchmakingZoneName", required: false);
        if (matchmakingZone is not null && zones.All(z => z.Name != matchmakingZone))
        {
            throw new InvalidOperationException(
                $"Setting '{child.Path}:MatchmakingZoneName' is '{matchmakingZone}', which is not one of the profile's zones.");
        }

        var max = Integer(child, "MaxPlayersPerShard", 16, 1, 100_000);
        var min = Integer(child, "MinPlayersForMatchmaking", 1, 1, 100_000);
        if (min > max)
        {
            throw new InvalidOperationException(
                $"Setting '{child.Path}:MinPlayersForMatchmaking' ({min}) must not exceed '{child.Path}:MaxPlayersPerShard' ({max}).");
        }

        var addShard = Integer(child, "NumPlayersToAddShard", -1, -1, 100_000);
        if (addShard == 0 || addShard > max)
        {
            throw new InvalidOperationException(
                $"Setting '{child.Path}:NumPlayersToAddShard' must be -1 or between 1 and MaxPlayersPerShard ({max}), not {addShard}.");
        }

        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in child.GetSection("Data").GetChildren())
        {
            if (entry.Value is null || entry.GetChildren().Any())
            {
                throw new InvalidOperationException($"Setting '{entry.Path}' must be a string value.");
            }

            data[entry.Key] = entry.Value;
        }

        return new GameProfile(
            id, zones, matchmakingZone, min, max, addShard, Number(child, "NumMinutesToDestroyEmptyShard", 1, -1, 100_000), data);
    }

    private static string? Name(IConfigurationSection section, string key, bool required)
    {
        var raw = section[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return required ? throw new InvalidOperationException($"Setting '{section.Path}:{key}' is required.") : null;
        }

        raw = raw.Trim();
        if (raw.Contains(':') || raw.Contains(',') || raw.Length > 64)
        {
            throw new InvalidOperationException($"Setting '{section.Path}:{key}' must be at most 64 characters without ':' or ',', not '{raw}'.");
        }

        return raw;
    }
}

/// <summary>
/// Shard names (Redwood's <c>game.shard-names</c> default: the 26 NATO words), so a zone has at most 26 shards. A
/// shard's channel is <c>zone:shard</c>.
/// </summary>
public static class ShardNames
{
    /// <summary>The names in the order new shards take them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett", "kilo", "lima", "mike",
        "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor", "whiskey", "xray", "yankee", "zulu",
    ];

    /// <summary>The first name not in <paramref name="used"/>, or null when all 26 are taken.</summary>
    public static string? NextFree(IEnumerable<string> used)
    {
        var taken = new HashSet<string>(used, StringComparer.Ordinal);
        return All.FirstOrDefault(name => !taken.Contains(name));
    }
}
