using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Redwood.SharedKernel.Modules;
using static Redwood.SharedKernel.Modules.SettingValues;

namespace Redwood.Realm;

/// <summary>One configured region: its name and its ping target (null = this realm's own echo endpoint).</summary>
internal sealed record RegionSetting(string Name, string? Ping);

/// <summary>Character rules (<c>Redwood:Realm:Characters</c>).</summary>
internal sealed record CharacterSettings(
    int MaxPerPlayer,
    int MaxNameLength,
    int MaxFieldBytes,
    int MaxCharacterBytes,
    int ArchivalPeriodDays,
    TimeSpan PurgeInterval,
    int MaxStoredPerPlayer = 20);

/// <summary>Proxy defaults and quotas (<c>Redwood:Realm:Proxies</c>).</summary>
internal sealed record ProxySettings(
    int MaxPlayersPerShard,
    int MaxActivePerPlayer = 5,
    int MaxDataBytes = 16 * 1024,
    int MaxListed = 100,
    int MaxListBytes = 256 * 1024);

/// <summary>The validated <c>Redwood:Realm</c> settings of this process's realm.</summary>
internal sealed partial record RealmSettings(
    string Id,
    string Name,
    string? Uri,
    string Secret,
    int Port,
    int MaxPayloadBytes,
    IReadOnlyList<RegionSetting> Regions,
    CharacterSettings Characters,
    ProxySettings Proxies)
{
    public const string DefaultSecret = "dev-realm-secret";

    /// <summary>SQLite file name and PostgreSQL schema of this realm's store.</summary>
    public string StoreName => StoreNameFor(Id);

    /// <summary>Reads and validates the settings; a bad value throws a message that names the setting.</summary>
    public static RealmSettings Read(IConfiguration configuration)
    {
        var id = Text(configuration, "Redwood:Realm:Id", "default");
        if (!RealmIdPattern().IsMatch(id))
        {
            throw new InvalidOperationException(
                $"Setting 'Redwood:Realm:Id' is '{id}'; use 1-64 characters of letters, digits, '-', '_' and '.'.");
        }

        var uri = configuration["Redwood:Realm:Uri"];
        if (!string.IsNullOrWhiteSpace(uri)
            && (!System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("ws" or "wss")))
        {
            throw new InvalidOperationException($"Setting 'Redwood:Realm:Uri' must be a ws:// or wss:// URI, not '{uri}'.");
        }

        var characters = new CharacterSettings(
            MaxPerPlayer: Integer(configuration, "Redwood:Realm:Characters:MaxPerPlayer", 10, 1, 10_000),
            MaxNameLength: Integer(configuration, "Redwood:Realm:Characters:MaxNameLength", 32, 1, 256),
            MaxFieldBytes: Integer(configuration, "Redwood:Realm:Characters:MaxFieldBytes", 256 * 1024, 2, int.MaxValue),
            MaxCharacterBytes: Integer(configuration, "Redwood:Realm:Characters:MaxCharacterBytes", 512 * 1024, 2, int.MaxValue),
            ArchivalPeriodDays: Integer(configuration, "Redwood:Realm:Characters:ArchivalPeriodDays", 1, -1, 36_500),
            PurgeInterval: Duration(configuration, "Redwood:Realm:Characters:PurgeInterval", TimeSpan.FromHours(1)),
            MaxStoredPerPlayer: Integer(configuration, "Redwood:Realm:Characters:MaxStoredPerPlayer", 20, 1, 100_000));
        var maxPayload = Integer(configuration, "Redwood:Realm:MaxPayloadBytes", 1024 * 1024, 1024, int.MaxValue);
        if (characters.MaxFieldBytes > characters.MaxCharacterBytes)
        {
            throw new InvalidOperationException(
                "Setting 'Redwood:Realm:Characters:MaxFieldBytes' must not exceed 'Redwood:Realm:Characters:MaxCharacterBytes'.");
        }

        if (maxPayload <= characters.MaxCharacterBytes)
        {
            // Oversize character data must reach the handler (and get a clear error) instead of closing the socket.
            throw new InvalidOperationException(
                "Setting 'Redwood:Realm:MaxPayloadBytes' must be larger than 'Redwood:Realm:Characters:MaxCharacterBytes'.");
        }

        return new RealmSettings(
            id,
            Text(configuration, "Redwood:Realm:Name", "Default"),
            string.IsNullOrWhiteSpace(uri) ? null : uri.TrimEnd('/'),
            Text(configuration, "Redwood:Realm:Secret", DefaultSecret),
            NetworkSettings.Port(configuration, "Redwood:Realm:Port", 3011),
            maxPayload,
            ReadRegions(configuration),
            characters,
            new ProxySettings(
                Integer(configuration, "Redwood:Realm:Proxies:MaxPlayersPerShard", 100, 1, 100_000),
                Integer(configuration, "Redwood:Realm:Proxies:MaxActivePerPlayer", 5, 1, 100_000),
                Integer(configuration, "Redwood:Realm:Proxies:MaxDataBytes", 16 * 1024, 2, int.MaxValue),
                Integer(configuration, "Redwood:Realm:Proxies:MaxListed", 100, 1, 100_000),
                Integer(configuration, "Redwood:Realm:Proxies:MaxListBytes", 256 * 1024, 1024, int.MaxValue)));
    }

    /// <summary>
    /// <c>realm_&lt;id&gt;</c>, lower-cased with anything outside <c>[a-z0-9_]</c> replaced; when that changed the id,
    /// a hash of the original id is appended so that <c>a-b</c> and <c>a_b</c> never share a store.
    /// </summary>
    public static string StoreNameFor(string realmId)
    {
        var sanitised = new StringBuilder("realm_");
        foreach (var c in realmId.ToLowerInvariant())
        {
            sanitised.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' ? c : '_');
        }

        var name = sanitised.ToString();
        if (name == "realm_" + realmId)
        {
            return name.Length <= 63 ? name : name[..54] + "_" + Hash(realmId);
        }

        return (name.Length <= 54 ? name : name[..54]) + "_" + Hash(realmId);
    }

    private static string Hash(string value) =>
        Convert.ToHexStringLower(XxHash32.Hash(Encoding.UTF8.GetBytes(value)));

    private static IReadOnlyList<RegionSetting> ReadRegions(IConfiguration configuration)
    {
        var regions = new List<RegionSetting>();
        foreach (var child in configuration.GetSection("Redwood:Realm:Regions").GetChildren())
        {
            var name = child["Name"];
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new InvalidOperationException($"Setting '{child.Path}:Name' is required.");
            }

            var ping = child["Ping"];
            regions.Add(new RegionSetting(name.Trim(), string.IsNullOrWhiteSpace(ping) ? null : ping.Trim()));
        }

        if (regions.Count == 0)
        {
            return [new RegionSetting("local", null)];
        }

        if (regions.GroupBy(r => r.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new InvalidOperationException($"Setting 'Redwood:Realm:Regions' names region '{duplicate.Key}' twice.");
        }

        // The plugin keys its latency results by ping target, so two regions must never share one.
        if (regions.Count(r => r.Ping is null) > 1
            || regions.Where(r => r.Ping is not null).GroupBy(r => r.Ping, StringComparer.OrdinalIgnoreCase).Any(g => g.Count() > 1))
        {
            throw new InvalidOperationException(
                "Setting 'Redwood:Realm:Regions' gives two regions the same ping target (at most one region may omit 'Ping').");
        }

        return regions;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex RealmIdPattern();
}
