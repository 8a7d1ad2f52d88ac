using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Redwood.DevGameServer;

/// <summary>Options from an Unreal server command line plus the dev-only switches.</summary>
internal sealed record ServerOptions(
    int GamePort,
    int SidecarPort,
    TimeSpan SaveInterval,
    TimeSpan LoadDelay,
    bool NeverLoad,
    IReadOnlySet<string> RefusedMaps);

/// <summary>
/// Behaves like an Unreal dedicated server with the Redwood plugin, on the wire: socket A reports the instance state
/// (every 3 s, and every 0.2 s until a started world is seen), loads a "map" on <c>load-map</c>, asks for the initial
/// load; each loaded map opens a new socket B, which checks every joining player's token and reports leaves. Players
/// join over the TCP line protocol described in the README (<c>open ?RedwoodAuth=1?CharacterId=..?PlayerId=..?Token=..</c>).
/// </summary>
internal sealed class DevGameServer(ServerOptions options) : IAsyncDisposable
{
    private static readonly TimeSpan SlowReport = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan FastReport = TimeSpan.FromMilliseconds(200);

    private readonly Uri _sidecar = new($"ws://127.0.0.1:{options.SidecarPort}");
    private readonly ConcurrentDictionary<string, Player> _players = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _stateLock = new();
    private SidecarSocket? _socketA;
    private SidecarSocket? _socketB;
    private string? _state;
    private string _requestId = string.Empty;
    private string _mapId = string.Empty;
    private string _modeId = string.Empty;
    private string _zoneName = string.Empty;
    private bool _loaded;
    private bool _startedSeen;
    private int _generation;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        var ct = linked.Token;
        var listener = new TcpListener(IPAddress.Any, options.GamePort);
        listener.Start();
        Console.WriteLine($"Dev game server: game port {options.GamePort}, sidecar port {options.SidecarPort}");

        _socketA = new SidecarSocket("A", _sidecar, withAuthObject: false);
        _socketA.On("realm:servers:session:load-map", OnLoadMapAsync);
        _socketA.On("realm:players:data-changed", payload =>
        {
            Console.WriteLine($"PlayerData changed for {payload.GetProperty("playerId").GetString()}: {payload.GetProperty("data").GetRawText()}");
            return Task.CompletedTask;
        });
        _socketA.Start();

        // The world exists but has not ticked: the first reports leave "state" out.
        _ = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
            lock (_stateLock)
            {
                _state ??= "WaitingForPlayers";
            }
        }, ct);

        var tasks = new List<Task>
        {
            ReportLoopAsync(SlowReport, fast: false, ct),
            ReportLoopAsync(FastReport, fast: true, ct),
            SaveLoopAsync(ct),
            AcceptLoopAsync(listener, ct),
        };
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            listener.Stop();
        }
    }

    public void Stop() => _stop.Cancel();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_socketB is not null)
        {
            await _socketB.DisposeAsync();
        }

        if (_socketA is not null)
        {
            await _socketA.DisposeAsync();
        }
    }

    private async Task ReportLoopAsync(TimeSpan interval, bool fast, CancellationToken ct)
    {
        await _socketA!.WaitConnectedAsync(ct);
        while (!ct.IsCancellationRequested)
        {
            if (fast && _startedSeen)
            {
                return;
            }

            if (_socketA.IsConnected)
            {
                await ReportStateAsync();
            }

            await Task.Delay(interval, ct);
        }
    }

    private async Task ReportStateAsync()
    {
        JsonObject report;
        lock (_stateLock)
        {
            report = new JsonObject
            {
                ["numPlayers"] = _players.Count,
                ["id"] = _requestId,
                ["mapId"] = _mapId,
                ["modeId"] = _modeId,
            };
            if (_state is not null)
            {
                report["state"] = _state;
                _startedSeen |= _state == "Started";
            }
        }

        await _socketA!.EmitAsync("realm:servers:update-instance-state", report);
    }

    private async Task OnLoadMapAsync(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            await _socketA!.EmitAsync("realm:servers:session:load-map:response", new JsonObject { ["error"] = "Invalid request" });
            return;
        }

        var mapId = payload.GetProperty("mapId").GetString() ?? string.Empty;
        var modeId = payload.GetProperty("modeId").GetString() ?? string.Empty;
        var requestId = payload.GetProperty("requestId").GetString() ?? string.Empty;
        var channel = payload.GetProperty("channel").GetString() ?? string.Empty;
        Console.WriteLine($"load-map {requestId}: map {mapId}, mode {modeId}, channel {channel}");
        if (mapId.Length == 0 || modeId.Length == 0 || options.RefusedMaps.Contains(mapId))
        {
            await _socketA!.EmitAsync("realm:servers:session:load-map:response", new JsonObject { ["error"] = "Invalid ModeId or MapId" });
            return;
        }

        await _socketA!.EmitAsync("realm:servers:session:load-map:response", new JsonObject { ["error"] = string.Empty });
        int generation;
        lock (_stateLock)
        {
            _state = "LoadingMap";
            _loaded = false;
            generation = ++_generation;
        }

        if (options.NeverLoad)
        {
            return;
        }

        await Task.Delay(options.LoadDelay);
        lock (_stateLock)
        {
            if (generation != _generation)
            {
                return;
            }

            _requestId = requestId;
            _mapId = mapId;
            _modeId = modeId;
            _zoneName = channel.Split(':')[0];
            _state = "Started";
            _loaded = true;
        }

        // A new game mode: a new socket B, and the initial load on socket A (only when A is connected, as the plugin).
        var previous = _socketB;
        _socketB = new SidecarSocket("B", _sidecar, withAuthObject: true);
        _socketB.Start();
        if (previous is not null)
        {
            await previous.DisposeAsync();
        }

        if (_socketA.IsConnected)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var initial = await _socketA.RequestAsync("realm:servers:session:persistence:initial-load", new JsonObject(), timeout.Token);
            Console.WriteLine($"initial-load: error '{initial.GetProperty("error").GetString()}'");
        }

        await ReportStateAsync();
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(ct);
            _ = Task.Run(() => ServePlayerAsync(client, ct), ct);
        }
    }

    private async Task ServePlayerAsync(TcpClient client, CancellationToken ct)
    {
        using var _ = client;
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        Player? player = null;
        try
        {
            var open = await reader.ReadLineAsync(ct);
            player = await AdmitAsync(open, writer, ct);
            if (player is null)
            {
                return;
            }

            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (line == "leave")
                {
                    break;
                }

                await writer.WriteLineAsync(player.Apply(line) ? "ok" : "error unknown command");
            }
        }
        catch (IOException)
        {
            // The player dropped.
        }
        finally
        {
            if (player is not null)
            {
                await LeaveAsync(player);
                try
                {
                    await writer.WriteLineAsync("bye");
                }
                catch (IOException)
                {
                    // Already gone.
                }
            }
        }
    }

    private async Task<Player?> AdmitAsync(string? open, StreamWriter writer, CancellationToken ct)
    {
        var url = Options.Parse(open);
        if (!url.TryGetValue("RedwoodAuth", out var auth) || auth != "1"
            || !url.TryGetValue("PlayerId", out var playerId) || !url.TryGetValue("CharacterId", out var characterId)
            || !url.TryGetValue("Token", out var token))
        {
            await writer.WriteLineAsync("error Invalid authentication request: missing RedwoodAuth option");
            return null;
        }

        if (!_loaded || _socketB is not { } socketB)
        {
            await writer.WriteLineAsync("error The server is not ready");
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await socketB.WaitConnectedAsync(timeout.Token);
        var reply = await socketB.RequestAsync(
            "realm:servers:player-auth:game-server-to-sidecar",
            new JsonObject { ["playerId"] = playerId, ["characterId"] = characterId, ["token"] = token },
            timeout.Token);
        var error = reply.GetProperty("error").GetString() ?? string.Empty;
        if (error.Length > 0)
        {
            Console.WriteLine($"player {playerId} refused: {error}");
            await writer.WriteLineAsync("error " + error);
            return null;
        }

        var player = new Player(playerId, characterId, _zoneName);
        _players[playerId] = player;
        Console.WriteLine($"player {playerId} joined with character {characterId}");
        await writer.WriteLineAsync("ok " + new JsonObject
        {
            ["character"] = JsonNode.Parse(reply.GetProperty("character").GetRawText()),
            ["player"] = JsonNode.Parse(reply.GetProperty("player").GetRawText()),
        }.ToJsonString());
        return player;
    }

    private async Task LeaveAsync(Player player)
    {
        if (!_players.TryRemove(player.PlayerId, out _))
        {
            return;
        }

        // As the plugin: a forced save of the leaving player on socket A, then player-left on socket B.
        if (_socketA is { IsConnected: true } socketA)
        {
            await socketA.EmitAsync("realm:characters:set:server", Batch([player.TakeSave()]));
        }

        if (_socketB is { IsConnected: true } socketB)
        {
            await socketB.EmitAsync(
                "realm:servers:player-left:game-server-to-sidecar",
                new JsonObject { ["playerId"] = player.PlayerId, ["characterId"] = player.CharacterId });
        }

        Console.WriteLine($"player {player.PlayerId} left");
    }

    private async Task SaveLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(options.SaveInterval, ct);
            var saves = _players.Values.Select(p => p.TakeSave()).ToList();
            if (saves.Count > 0 && _socketA is { IsConnected: true } socketA)
            {
                await socketA.EmitAsync("realm:characters:set:server", Batch(saves));
            }
        }
    }

    private static JsonObject Batch(IEnumerable<JsonObject> saves) =>
        new() { ["id"] = "game-server", ["characters"] = new JsonArray([.. saves]) };
}

/// <summary>A connected player: where they stand and which game-data fields are dirty.</summary>
internal sealed class Player(string playerId, string characterId, string zoneName)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, JsonNode> _dirty = new(StringComparer.Ordinal);
    private double _x;
    private double _y;
    private double _z;

    public string PlayerId { get; } = playerId;

    public string CharacterId { get; } = characterId;

    /// <summary>
    /// <c>move x y z</c> moves the pawn; <c>set &lt;field&gt; &lt;json object&gt;</c> changes a server-written field
    /// (<c>data</c>, <c>progress</c>, <c>metadata</c>, ...).
    /// </summary>
    public bool Apply(string line)
    {
        var parts = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        lock (_lock)
        {
            if (line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["move", var x, var y, var z])
            {
                _x = double.Parse(x, System.Globalization.CultureInfo.InvariantCulture);
                _y = double.Parse(y, System.Globalization.CultureInfo.InvariantCulture);
                _z = double.Parse(z, System.Globalization.CultureInfo.InvariantCulture);
                return true;
            }

            if (parts is ["set", var field, var json] && JsonNode.Parse(json) is JsonObject value)
            {
                _dirty[field] = value;
                return true;
            }
        }

        return false;
    }

    /// <summary>The save the plugin would send: <c>lastLocation</c> always (the pawn exists), dirty fields once.</summary>
    public JsonObject TakeSave()
    {
        lock (_lock)
        {
            var save = new JsonObject
            {
                ["playerId"] = PlayerId,
                ["characterId"] = CharacterId,
                ["lastLocation"] = new JsonObject
                {
                    ["zoneName"] = zoneName,
                    ["transform"] = new JsonObject
                    {
                        ["location"] = Vector(_x, _y, _z),
                        ["rotation"] = Vector(0, 0, 0),
                        ["controlRotation"] = Vector(0, 0, 0),
                    },
                },
            };
            foreach (var (field, value) in _dirty)
            {
                save[field] = value.DeepClone();
            }

            _dirty.Clear();
            return save;
        }
    }

    private static JsonObject Vector(double x, double y, double z) => new() { ["x"] = x, ["y"] = y, ["z"] = z };
}

/// <summary>Unreal URL options: <c>host:port?Key=Value?Key2=Value2</c> (order irrelevant).</summary>
internal static class Options
{
    public static Dictionary<string, string> Parse(string? line)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(line))
        {
            return options;
        }

        var text = line.StartsWith("open ", StringComparison.Ordinal) ? line[5..] : line;
        foreach (var part in text.Split('?').Skip(1))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                options[part[..equals]] = part[(equals + 1)..].Trim();
            }
        }

        return options;
    }
}
