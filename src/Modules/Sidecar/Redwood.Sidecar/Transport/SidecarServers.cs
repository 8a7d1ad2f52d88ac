using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Redwood.Realm.Contracts;
using Redwood.SocketIO;

namespace Redwood.Sidecar.Transport;

/// <summary>
/// One game server's Sidecar link: its listener, its socket A (the one that reports state and receives pushes), the
/// last load-map sent (<c>load-map:response</c> carries no request id) and the players it admitted.
/// </summary>
internal sealed class GameServerLink(string realmId, string serverId, SocketIOListener listener)
{
    private volatile SocketIOSocket? _socketA;
    private volatile string _lastLoadMapRequestId = string.Empty;

    public string RealmId { get; } = realmId;

    public string ServerId { get; } = serverId;

    public SocketIOListener Listener { get; } = listener;

    public SocketIOSocket? SocketA
    {
        get => _socketA;
        set => _socketA = value;
    }

    public string LastLoadMapRequestId
    {
        get => _lastLoadMapRequestId;
        set => _lastLoadMapRequestId = value;
    }

    /// <summary>Admitted players: player id to character id.</summary>
    public ConcurrentDictionary<string, string> Players { get; } = new(StringComparer.Ordinal);

    /// <summary>The locations the Realm stores for the characters present, to answer saves that change nothing.</summary>
    public StoredLocations Locations { get; } = new();

    /// <summary>The last state relayed to the Realm and when (duplicates are only relayed as heartbeats).</summary>
    public (string Key, DateTimeOffset At) LastReport { get; set; }
}

/// <summary>
/// The Sidecar listeners of this process, one per game server. Opened on the Realm's request before it launches a
/// server; all closed when the host stops.
/// </summary>
internal sealed class SidecarServers(
    SidecarSettings settings, IServiceScopeFactory scopes, ILoggerFactory loggerFactory, CharacterSaveMetrics saveMetrics) : IHostedService
{
    public const string LoadMap = "realm:servers:session:load-map";
    public const string DataChanged = "realm:players:data-changed";

    private readonly ConcurrentDictionary<string, GameServerLink> _links = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggerFactory.CreateLogger<SidecarServers>();

    /// <summary>Open game-server connections over every listener of this process.</summary>
    public int ConnectionCount
    {
        get
        {
            var count = 0;
            foreach (var link in _links.Values)
            {
                count += link.Listener.Server.ConnectionCount;
            }

            return count;
        }
    }

    public async Task<int> OpenAsync(string realmId, string serverId, int port, CancellationToken cancellationToken)
    {
        if (_links.TryGetValue(serverId, out var existing))
        {
            return existing.Listener.Port;
        }

        var server = new SocketIOServer(
            new SocketIOServerOptions { MaxPayload = settings.MaxPayloadBytes, MaxConnectionsPerAddress = settings.MaxConnectionsPerAddress },
            loggerFactory);
        var ns = server.Of("/");
        GameServerLink? link = null;
        var routes = new SidecarRoutes(scopes, _logger, settings, saveMetrics, () => link!);
        routes.Map(ns);

        // The game server is on the same host: the sidecar listens on loopback unless told otherwise (the link has no
        // authentication), and one address holds at most a few connections (a game server needs two).
        var listener = await SocketIOListener.StartAsync(server, new IPEndPoint(settings.BindAddress, port), null, loggerFactory, cancellationToken);
        link = new GameServerLink(realmId, serverId, listener);
        _links[serverId] = link;
        Log.Listening(_logger, serverId, listener.Port);
        return listener.Port;
    }

    /// <summary>The link of a server this process listens for, or null.</summary>
    public GameServerLink? Find(string serverId) => _links.GetValueOrDefault(serverId);

    public async Task<bool> CloseAsync(string serverId, CancellationToken cancellationToken)
    {
        if (!_links.TryRemove(serverId, out var link))
        {
            return false;
        }

        await link.Listener.StopAsync(cancellationToken);
        await link.Listener.DisposeAsync();
        Log.Closed(_logger, serverId);
        return true;
    }

    public async Task SendLoadMapAsync(string serverId, LoadMapOrder order)
    {
        if (!_links.TryGetValue(serverId, out var link))
        {
            return;
        }

        if (link.SocketA is not { IsConnected: true } socket)
        {
            Log.LoadMapNotSent(_logger, serverId, order.RequestId);
            return;
        }

        var data = new JsonObject();
        foreach (var (key, value) in order.Data)
        {
            data[key] = value;
        }

        var payload = new JsonObject
        {
            ["requestId"] = order.RequestId,
            ["realmName"] = order.RealmName,
            ["proxyId"] = order.ProxyId,
            ["instanceId"] = order.InstanceId,
            ["name"] = order.Name,
            ["mapId"] = order.MapId,
            ["modeId"] = order.ModeId,
            ["continuousPlay"] = order.ContinuousPlay,
            ["maxPlayers"] = order.MaxPlayers,
            ["channel"] = order.Channel,
            ["data"] = data,
        };
        if (order.ShortCode is not null)
        {
            payload["shortCode"] = order.ShortCode;
        }

        if (order.OwnerPlayerId is not null)
        {
            payload["ownerPlayerId"] = order.OwnerPlayerId;
        }

        link.LastLoadMapRequestId = order.RequestId;
        await socket.EmitAsync(LoadMap, payload);
        Log.LoadMapSent(_logger, serverId, order.RequestId, order.Channel, order.MapId);
    }

    public async Task PushPlayerDataAsync(string playerId, string playerData)
    {
        foreach (var link in _links.Values)
        {
            if (link.Players.ContainsKey(playerId) && link.SocketA is { IsConnected: true } socket)
            {
                await socket.EmitAsync(DataChanged, new JsonObject { ["playerId"] = playerId, ["data"] = JsonNode.Parse(playerData) });
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var serverId in _links.Keys.ToList())
        {
            await CloseAsync(serverId, cancellationToken);
        }
    }
}
