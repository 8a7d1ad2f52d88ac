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
internal sealed record LocalProviderSettings(
    string? Executable,
    IReadOnlyList<string> Arguments,
    int GamePortBase,
    int SidecarBasePort,
    string PublicHost,
    string LogDirectory);

/// <summary>The validated <c>Redwood:GameServers</c> settings.</summary>
internal sealed record GameServerSettings(
    string Provider,
    LocalProviderSettings Local,
    TimeSpan ReadyTimeout,
    TimeSpan StaleTimeout,
    TimeSpan JoinTokenLifetime,
    int AllocationAttempts,
    int WarmPoolSize,
    TimeSpan MonitorInterval)
{
    /// <summary>The 26 NATO words: shard names, so at most 26 shards per zone (Redwood's <c>game.shard-names</c>).</summary>
    public static IReadOnlyList<string> ShardNames => Redwood.SharedKernel.Games.ShardNames.All;

    public static GameServerSettings Read(IConfiguration configuration)
    {
        var provider = (configuration["Redwood:GameServers:Provider"] ?? "local").Trim().ToLowerInvariant();
        if (provider != "local")
        {
            throw new InvalidOperationException(
                $"Setting 'Redwood:GameServers:Provider' is '{provider}'; this build supports 'local' only.");
        }

        var arguments = configuration.GetSection("Redwood:GameServers:Local:Arguments").GetChildren()
            .Select(c => c.Value ?? string.Empty).ToList();
        var local = new LocalProviderSettings(
            string.IsNullOrWhiteSpace(configuration["Redwood:GameServers:Local:Executable"]) ? null : configuration["Redwood:GameServers:Local:Executable"]!.Trim(),
            arguments,
            Integer(configuration, "Redwood:GameServers:Local:GamePortBase", 7000, 0, 65_000),
            Integer(configuration, "Redwood:Sidecar:BasePort", 3020, 0, 65_000),
            Text(configuration, "Redwood:GameServers:Local:PublicHost", "127.0.0.1"),
            Text(configuration, "Redwood:GameServers:Local:LogDirectory", "logs/game-servers"));
        return new GameServerSettings(
            provider,
            local,
            Duration(configuration, "Redwood:GameServers:ReadyTimeout", TimeSpan.FromSeconds(30)),
            Duration(configuration, "Redwood:GameServers:StaleTimeout", TimeSpan.FromSeconds(10)),
            Duration(configuration, "Redwood:GameServers:JoinTokenLifetime", TimeSpan.FromSeconds(60)),
            Integer(configuration, "Redwood:GameServers:AllocationAttempts", 3, 1, 100),
            Integer(configuration, "Redwood:GameServers:WarmPoolSize", 0, 0, 1000),
            Duration(configuration, "Redwood:GameServers:MonitorInterval", TimeSpan.FromSeconds(1)));
    }
}
