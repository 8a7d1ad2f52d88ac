using System.Net;
using System.Net.Sockets;

namespace Redwood.Testing;

/// <summary>
/// What the host processes of one split deployment in a test share: the Redis bus under the test's own key prefix,
/// one realm secret (Production refuses the shipped one once Redis carries it between processes) and the Director's
/// registry of the realm <c>default</c>.
/// </summary>
public static class SplitProcessSettings
{
    /// <summary>A matchmade profile <c>duo</c> of two players in zone <c>arena</c>.</summary>
    public static IReadOnlyDictionary<string, string?> DuoProfile { get; } = new Dictionary<string, string?>
    {
        ["Redwood:Matchmaking:Profiles:0:Id"] = "duo",
        ["Redwood:Matchmaking:Profiles:0:Zones:0:Name"] = "arena",
        ["Redwood:Matchmaking:Profiles:0:Zones:0:Maps:0"] = "arena-map",
        ["Redwood:Matchmaking:Profiles:0:MatchmakingZoneName"] = "arena",
        ["Redwood:Matchmaking:Profiles:0:MinPlayersForMatchmaking"] = "2",
        ["Redwood:Matchmaking:Profiles:0:MaxPlayersPerShard"] = "2",
    };

    /// <summary>A Redis key prefix of a test's own, so tests running at once never share keys.</summary>
    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..10] + ":";

    /// <summary>The shared settings, then each of <paramref name="layers"/> in order (a later key wins).</summary>
    public static Dictionary<string, string?> For(string prefix, string realmSecret, params IEnumerable<KeyValuePair<string, string?>>[] layers)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Redwood:Redis:Configuration"] = TestEnvironment.Redis,
            ["Redwood:Redis:Prefix"] = prefix,
            ["Redwood:Realm:Secret"] = realmSecret,
            ["Redwood:Director:Realms:0:Id"] = "default",
            ["Redwood:Director:Realms:0:Name"] = "Default",
            ["Redwood:Director:Realms:0:Uri"] = "ws://localhost:3011",
            ["Redwood:Director:Realms:0:Secret"] = realmSecret,
        };
        foreach (var layer in layers)
        {
            foreach (var (key, value) in layer)
            {
                settings[key] = value;
            }
        }

        return settings;
    }

    /// <summary>A loopback port free right now (for a listener the test or a process opens next).</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
