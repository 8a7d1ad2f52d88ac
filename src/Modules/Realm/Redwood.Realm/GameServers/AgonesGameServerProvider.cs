using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Redwood.Realm.Contracts;
using Redwood.Realm.Persistence;

namespace Redwood.Realm.GameServers;

/// <summary>
/// Allocates a Ready GameServer from an Agones Fleet through the Kubernetes API: creates an
/// <c>allocation.agones.dev/v1</c> GameServerAllocation whose label selector names the fleet, the realm and the game
/// profile (as configured), and records the GameServer name as the server's provider id and Sidecar id (the Sidecar
/// process beside it in the pod reports under that name). A server is stopped through its Sidecar, which asks the
/// Agones SDK to shut it down; Agones then deletes the GameServer and its pod.
/// </summary>
internal sealed class AgonesGameServerProvider(
    GameServerSettings settings,
    RealmSettings realm,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<AgonesGameServerProvider> logger) : IGameServerProvider, IDisposable
{
    public const string Group = "allocation.agones.dev";
    public const string Version = "v1";
    public const string Plural = "gameserverallocations";

    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    private readonly AgonesProviderSettings _agones = settings.Agones
        ?? throw new InvalidOperationException("The agones provider needs 'Redwood:GameServers:Provider=agones'.");

    private readonly Lazy<IKubernetes> _client = new(() => new Kubernetes(Configuration(settings.Agones!)));

    public string Name => "agones";

    public async Task<LaunchedServer> LaunchAsync(string serverId, CancellationToken cancellationToken)
    {
        string? profileId;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
            profileId = await db.Containers.AsNoTracking().Where(c => c.Id == serverId)
                .Join(db.Instances, c => c.InstanceId, i => i.Id, (c, i) => i.ProxyId)
                .Join(db.Proxies, proxyId => proxyId, p => p.Id, (_, p) => p.ModeId)
                .FirstOrDefaultAsync(cancellationToken);
        }

        return await AllocateAsync(serverId, profileId, cancellationToken);
    }

    /// <summary>
    /// Allocates a GameServer for <paramref name="serverId"/>, asking again while none is Ready (UnAllocated) or another
    /// allocation took the one chosen (Contention), for <c>WaitForReady</c>.
    /// </summary>
    public async Task<LaunchedServer> AllocateAsync(string serverId, string? profileId, CancellationToken cancellationToken)
    {
        var selector = Selector(profileId);
        var body = new JsonObject
        {
            ["apiVersion"] = Group + "/" + Version,
            ["kind"] = "GameServerAllocation",
            ["spec"] = new JsonObject
            {
                ["selectors"] = new JsonArray(new JsonObject { ["matchLabels"] = Labels(selector) }),
                ["metadata"] = new JsonObject
                {
                    ["annotations"] = new JsonObject { ["redwood.dev/realm"] = realm.Id, ["redwood.dev/server-id"] = serverId },
                },
            },
        };
        var describe = string.Join(",", selector.Select(l => l.Key + "=" + l.Value));
        var deadline = time.GetUtcNow() + _agones.WaitForReady;
        while (true)
        {
            var answer = await _client.Value.CustomObjects.CreateNamespacedCustomObjectAsync<JsonElement>(
                body, Group, Version, _agones.Namespace, Plural, cancellationToken: cancellationToken);
            var status = answer.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Object ? s : default;
            var state = Text(status, "state") ?? string.Empty;
            if (state == "Allocated")
            {
                var name = Text(status, "gameServerName")
                    ?? throw new InvalidOperationException("Agones answered Allocated without a gameServerName");
                var address = Text(status, "address")
                    ?? throw new InvalidOperationException($"Agones allocated GameServer {name} without an address");
                var port = status.TryGetProperty("ports", out var ports) && ports.ValueKind == JsonValueKind.Array && ports.GetArrayLength() > 0
                    && ports[0].TryGetProperty("port", out var p) && p.TryGetInt32(out var number)
                        ? number
                        : throw new InvalidOperationException($"Agones allocated GameServer {name} without a port");
                var connection = address + ":" + port.ToString(CultureInfo.InvariantCulture);
                Log.AgonesAllocated(logger, serverId, name, connection, _agones.Namespace, describe);
                return new LaunchedServer(name, connection, 0, name);
            }

            if (time.GetUtcNow() >= deadline)
            {
                throw new InvalidOperationException(
                    $"Agones has no Ready GameServer matching {describe} in namespace '{_agones.Namespace}' " +
                    $"(allocation state '{state}' after {_agones.WaitForReady.TotalSeconds:0.#} s): scale the Fleet or check its labels");
            }

            Log.AgonesNotAllocated(logger, serverId, state, _agones.Namespace, describe);
            await Task.Delay(RetryDelay, time, cancellationToken);
        }
    }

    /// <summary>Asks the server's Sidecar to shut it down through the Agones SDK (every Sidecar hears it; the one serving it acts).</summary>
    public async Task StopAsync(string serverId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
        var server = await db.Containers.AsNoTracking().Where(c => c.Id == serverId)
            .Select(c => new { c.ProviderId, c.SidecarId }).FirstOrDefaultAsync(cancellationToken);
        if (server?.ProviderId is null)
        {
            return;
        }

        await scope.ServiceProvider.GetRequiredService<IPublisher>()
            .Publish(new GameServerShutdownOrdered(realm.Id, server.SidecarId, "stopped by the Realm"), cancellationToken);
        Log.AgonesShutdownOrdered(logger, serverId, server.SidecarId);
    }

    /// <summary>Agones tells a lost server by its health checks; the Realm by its Sidecar's reports going stale.</summary>
    public bool? IsRunning(string serverId) => null;

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    /// <summary>The <c>matchLabels</c> of an allocation, in a stable order.</summary>
    public SortedDictionary<string, string> Selector(string? profileId)
    {
        var labels = new SortedDictionary<string, string>(_agones.Labels.ToDictionary(), StringComparer.Ordinal);
        if (_agones.Fleet is { } fleet)
        {
            labels["agones.dev/fleet"] = fleet;
        }

        if (_agones.RealmLabel is { } realmLabel)
        {
            labels[realmLabel] = realm.Id;
        }

        if (_agones.ProfileLabel is { } profileLabel && profileId is not null)
        {
            labels[profileLabel] = profileId;
        }

        return labels;
    }

    private static JsonObject Labels(SortedDictionary<string, string> selector)
    {
        var labels = new JsonObject();
        foreach (var (key, value) in selector)
        {
            labels[key] = value;
        }

        return labels;
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && value.GetString() is { Length: > 0 } text
            ? text
            : null;

    private static KubernetesClientConfiguration Configuration(AgonesProviderSettings agones)
    {
        if (agones.ApiServer is { } url)
        {
            return new KubernetesClientConfiguration { Host = url.AbsoluteUri };
        }

        if (agones.Kubeconfig is { } path)
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
        }

        return KubernetesClientConfiguration.IsInCluster()
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile();
    }
}
