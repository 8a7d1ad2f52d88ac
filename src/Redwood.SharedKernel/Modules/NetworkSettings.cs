using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace Redwood.SharedKernel.Modules;

/// <summary>Where listeners bind.</summary>
public static class NetworkSettings
{
    /// <summary><c>Redwood:Network:BindAddress</c>, default <c>0.0.0.0</c> (every interface).</summary>
    public static IPAddress BindAddress(IConfiguration configuration)
    {
        var raw = configuration["Redwood:Network:BindAddress"];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return IPAddress.Any;
        }

        return IPAddress.TryParse(raw, out var address)
            ? address
            : throw new InvalidOperationException($"Setting 'Redwood:Network:BindAddress' is not an IP address: '{raw}'.");
    }

    /// <summary>
    /// <c>Redwood:Network:MaxConnectionsPerAddress</c>, default 100: concurrent Socket.IO connections one client
    /// address (IPv6 by /64) may hold on each player listener; enough for players behind one NAT. 0 = no limit.
    /// </summary>
    public static int MaxConnectionsPerAddress(IConfiguration configuration)
    {
        var raw = configuration["Redwood:Network:MaxConnectionsPerAddress"];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return 100;
        }

        return int.TryParse(raw, out var limit) && limit >= 0
            ? limit
            : throw new InvalidOperationException($"Setting 'Redwood:Network:MaxConnectionsPerAddress' must be a whole number (0 = no limit), not '{raw}'.");
    }

    /// <summary>
    /// <c>Redwood:Network:AllowedOrigins</c>: browser origins (comma-separated or a list) allowed to connect; empty =
    /// any. Clients that send no <c>Origin</c>, like the Unreal plugin, are always allowed.
    /// </summary>
    public static IReadOnlyCollection<string> AllowedOrigins(IConfiguration configuration)
    {
        var raw = configuration["Redwood:Network:AllowedOrigins"];
        var values = string.IsNullOrWhiteSpace(raw)
            ? configuration.GetSection("Redwood:Network:AllowedOrigins").GetChildren().Select(c => c.Value).OfType<string>()
            : raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return [.. values.Where(v => v.Length > 0)];
    }

    /// <summary>
    /// <c>Redwood:Network:TrustedProxies</c>: load balancers (addresses or CIDRs, comma-separated) whose
    /// <c>X-Forwarded-For</c> is believed for per-address limits; empty = none.
    /// </summary>
    public static IReadOnlyCollection<IPNetwork> TrustedProxies(IConfiguration configuration)
    {
        var raw = configuration["Redwood:Network:TrustedProxies"];
        var values = string.IsNullOrWhiteSpace(raw)
            ? configuration.GetSection("Redwood:Network:TrustedProxies").GetChildren().Select(c => c.Value).OfType<string>()
            : raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var networks = new List<IPNetwork>();
        foreach (var value in values.Where(v => v.Length > 0))
        {
            if (IPNetwork.TryParse(value, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(value, out var address))
            {
                networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                throw new InvalidOperationException($"Setting 'Redwood:Network:TrustedProxies' holds '{value}', which is neither an IP address nor a CIDR range.");
            }
        }

        return networks;
    }

    /// <summary>
    /// The address one listener binds: its own setting <paramref name="key"/> (e.g. <c>Redwood:Director:BindAddress</c>)
    /// when set, otherwise <c>Redwood:Network:BindAddress</c>.
    /// </summary>
    public static IPAddress BindAddress(IConfiguration configuration, string key)
    {
        var raw = configuration[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return BindAddress(configuration);
        }

        return IPAddress.TryParse(raw, out var address)
            ? address
            : throw new InvalidOperationException($"Setting '{key}' is not an IP address: '{raw}'.");
    }

    /// <summary>Reads a port setting; 0 means "pick a free port".</summary>
    public static int Port(IConfiguration configuration, string key, int fallback)
    {
        var raw = configuration[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        return int.TryParse(raw, out var port) && port is >= 0 and <= 65535
            ? port
            : throw new InvalidOperationException($"Setting '{key}' must be a port number between 0 and 65535, not '{raw}'.");
    }
}

/// <summary>The ports this process actually bound, by endpoint name (for the start-up log and <c>/ready</c>).</summary>
public sealed class BoundPorts
{
    private readonly ConcurrentDictionary<string, int> _ports = new(StringComparer.Ordinal);

    /// <summary>Records a bound port.</summary>
    public void Add(string endpoint, int port) => _ports[endpoint] = port;

    /// <summary>Removes an endpoint that stopped listening.</summary>
    public void Remove(string endpoint) => _ports.TryRemove(endpoint, out _);

    /// <summary>Every bound port.</summary>
    public IReadOnlyDictionary<string, int> Snapshot() => new SortedDictionary<string, int>(_ports, StringComparer.Ordinal);
}
