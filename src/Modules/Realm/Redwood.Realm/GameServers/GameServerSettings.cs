using System.Globalization;
using Microsoft.Extensions.Configuration;
using static Redwood.SharedKernel.Modules.SettingValues;

namespace Redwood.Realm.GameServers;

/// <summary>What the <c>local</c> provider launches (<c>Redwood:GameServers:Local</c>).</summary>
/// <param name="Executable">The program; empty = the dev game server shipped next to the host. A <c>.dll</c> runs through <c>dotnet</c>.</param>
/// <param name="Arguments">Arguments placed before <c>-server -port=.. -SidecarPort=..</c>.</param>
/// <param name="GamePortBase">First game port (+1 per server); 0 = free ports.</param>
/// <param name="SidecarBasePort">First sidecar port (+10 per server), <c>Redwood:Sidecar:BasePort</c>; 0 = free ports.</param>
/// <param name="PublicHost">The host in the <c>connection</c> players receive.</param>
/// <param name="LogDirectory">Where each server's output goes (one file per server).</param>
/// <param name="SidecarProcess">
/// <c>Redwood:GameServers:Local:SidecarProcess</c>: beside each server, start a Sidecar process of its own (this host
/// binary in standalone Sidecar mode, as an Agones pod runs it) instead of a listener in a Sidecar module process.
/// </param>
internal sealed record LocalProviderSettings(
    string? Executable,
    IReadOnlyList<string> Arguments,
    int GamePortBase,
    int SidecarBasePort,
    string PublicHost,
    string LogDirectory,
    bool SidecarProcess = false);

/// <summary>Where the <c>agones</c> provider allocates from (<c>Redwood:GameServers:Agones</c>).</summary>
/// <param name="Namespace">The Kubernetes namespace of the Fleet.</param>
/// <param name="Fleet">The Fleet (<c>agones.dev/fleet</c> label); null = selected by labels only.</param>
/// <param name="Labels">Further <c>matchLabels</c> every allocation carries (<c>Labels:N</c> = <c>key=value</c>).</param>
/// <param name="RealmLabel">A label whose value must be the realm id; null = none.</param>
/// <param name="ProfileLabel">A label whose value must be the game profile (mode) id; null = none.</param>
/// <param name="ApiServer">The Kubernetes API server URL (no authentication: <c>kubectl proxy</c>, tests); null = kubeconfig or in-cluster.</param>
/// <param name="Kubeconfig">A kubeconfig file; null = in-cluster when running in a pod, else the default kubeconfig.</param>
/// <param name="WaitForReady">How long to keep asking while no Ready GameServer matches (UnAllocated, Contention).</param>
internal sealed record AgonesProviderSettings(
    string Namespace,
    string? Fleet,
    IReadOnlyDictionary<string, string> Labels,
    string? RealmLabel,
    string? ProfileLabel,
    Uri? ApiServer,
    string? Kubeconfig,
    TimeSpan WaitForReady);

/// <summary>The validated <c>Redwood:GameServers</c> settings.</summary>
internal sealed record GameServerSettings(
    string Provider,
    LocalProviderSettings Local,
    TimeSpan ReadyTimeout,
    TimeSpan StaleTimeout,
    TimeSpan JoinTokenLifetime,
    int AllocationAttempts,
    int WarmPoolSize,
    TimeSpan MonitorInterval,
    AgonesProviderSettings? Agones = null)
{
    /// <summary>The 26 NATO words: shard names, so at most 26 shards per zone (Redwood's <c>game.shard-names</c>).</summary>
    public static IReadOnlyList<string> ShardNames => Redwood.SharedKernel.Games.ShardNames.All;

    public static GameServerSettings Read(IConfiguration configuration)
    {
        var provider = (configuration["Redwood:GameServers:Provider"] ?? "local").Trim().ToLowerInvariant();
        if (provider is not ("local" or "agones"))
        {
            throw new InvalidOperationException(
                $"Setting 'Redwood:GameServers:Provider' must be 'local' or 'agones', not '{provider}'.");
        }

        var arguments = configuration.GetSection("Redwood:GameServers:Local:Arguments").GetChildren()
            .Select(c => c.Value ?? string.Empty).ToList();
        var local = new LocalProviderSettings(
            string.IsNullOrWhiteSpace(configuration["Redwood:GameServers:Local:Executable"]) ? null : configuration["Redwood:GameServers:Local:Executable"]!.Trim(),
            arguments,
            Integer(configuration, "Redwood:GameServers:Local:GamePortBase", 7000, 0, 65_000),
            Integer(configuration, "Redwood:Sidecar:BasePort", 3020, 0, 65_000),
            Text(configuration, "Redwood:GameServers:Local:PublicHost", "127.0.0.1"),
            Text(configuration, "Redwood:GameServers:Local:LogDirectory", "logs/game-servers"),
            configuration.GetValue("Redwood:GameServers:Local:SidecarProcess", false));
        var warmPool = Integer(configuration, "Redwood:GameServers:WarmPoolSize", 0, 0, 1000);
        if (provider == "agones" && warmPool > 0)
        {
            throw new InvalidOperationException(
                "Setting 'Redwood:GameServers:WarmPoolSize' must be 0 with the agones provider: the Fleet's Ready GameServers are the warm pool.");
        }

        return new GameServerSettings(
            provider,
            local,
            Duration(configuration, "Redwood:GameServers:ReadyTimeout", TimeSpan.FromSeconds(30)),
            Duration(configuration, "Redwood:GameServers:StaleTimeout", TimeSpan.FromSeconds(10)),
            Duration(configuration, "Redwood:GameServers:JoinTokenLifetime", TimeSpan.FromSeconds(60)),
            Integer(configuration, "Redwood:GameServers:AllocationAttempts", 3, 1, 100),
            warmPool,
            Duration(configuration, "Redwood:GameServers:MonitorInterval", TimeSpan.FromSeconds(1)),
            provider == "agones" ? ReadAgones(configuration) : null);
    }

    private static AgonesProviderSettings ReadAgones(IConfiguration configuration)
    {
        const string Prefix = "Redwood:GameServers:Agones:";
        string? Optional(string key) => string.IsNullOrWhiteSpace(configuration[Prefix + key]) ? null : configuration[Prefix + key]!.Trim();
        // A list of "key=value" (label keys such as "redwood.dev/tier" cannot be configuration or environment keys).
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in configuration.GetSection(Prefix + "Labels").GetChildren().Where(c => !string.IsNullOrWhiteSpace(c.Value)))
        {
            var parts = entry.Value!.Split('=', 2, StringSplitOptions.TrimEntries);
            labels[parts[0].Length > 0 && parts.Length == 2 ? parts[0] : throw new InvalidOperationException(
                $"Setting '{entry.Path}' must be 'label=value', not '{entry.Value}'.")] = parts[1];
        }

        var fleet = Optional("Fleet");
        var realmLabel = Optional("RealmLabel");
        var profileLabel = Optional("ProfileLabel");
        if (fleet is null && labels.Count == 0 && realmLabel is null && profileLabel is null)
        {
            throw new InvalidOperationException(
                $"Setting '{Prefix}Fleet' (or '{Prefix}Labels', '{Prefix}RealmLabel', '{Prefix}ProfileLabel') is required with the agones provider: " +
                "it selects the GameServers to allocate.");
        }

        Uri? apiServer = null;
        if (Optional("ApiServer") is { } rawApi)
        {
            apiServer = Uri.TryCreate(rawApi, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
                ? parsed
                : throw new InvalidOperationException($"Setting '{Prefix}ApiServer' must be an http(s) URL, not '{rawApi}'.");
        }

        return new AgonesProviderSettings(
            Text(configuration, Prefix + "Namespace", "default"),
            fleet,
            labels,
            realmLabel,
            profileLabel,
            apiServer,
            Optional("Kubeconfig"),
            Duration(configuration, Prefix + "WaitForReady", TimeSpan.FromSeconds(10)));
    }
}
