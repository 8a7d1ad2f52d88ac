using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Redwood.LoadTest;

/// <summary>
/// One player through the whole flow, speaking like the Unreal plugin: Director login, realm hand-off, a character,
/// region pings through the realm's echo endpoint, matchmaking, and the <c>open</c> line on the game server's port.
/// </summary>
internal sealed class SimulatedPlayer(LoadOptions options, RunStats stats, int index)
{
    private Stage _stage = Stage.Waiting;
    private string _step = Steps.Login;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        stats.Enter(Stage.Waiting);
        var flow = Stopwatch.StartNew();
        try
        {
            await FlowAsync(cancellationToken);
            stats.Record(Steps.Flow, flow.Elapsed);
            stats.Complete();
            MoveTo(Stage.Done);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run ended (duration bound or Ctrl+C): an unfinished player is not an error of the server.
            MoveTo(Stage.Failed);
            stats.Fail("cut short by the end of the run", _step, "still running when the run stopped");
        }
        catch (Exception e)
        {
            MoveTo(Stage.Failed);
            var (kind, message) = e switch
            {
                LoadTestException l => (l.Kind, l.Message),
                OperationCanceledException => ("timeout", $"no answer within {options.StepTimeout.TotalSeconds:0} s"),
                TimeoutException => ("timeout", $"no answer within {options.StepTimeout.TotalSeconds:0} s"),
                SocketException s => ("network: " + s.SocketErrorCode, s.Message),
                WebSocketException w => ("network: websocket " + w.WebSocketErrorCode, w.Message),
                _ => (e.GetType().Name, e.Message),
            };
            stats.Fail($"{_step}: {kind}", _step, message);
        }
    }

    private async Task FlowAsync(CancellationToken runToken)
    {
        var username = $"lt_{options.RunId}_{index}";
        MoveTo(Stage.LoggingIn);
        await using var director = await Step(Steps.Login, ct => SocketIOLink.ConnectAsync(options.Director, withAuthObject: false, ct), runToken, timed: false);
        if (!options.LoginExisting)
        {
            await Request(director, Steps.Register, "player:register:username", Json(new { username, password = options.Password }), runToken);
        }

        var login = await Request(director, Steps.Login, "player:login:username", Json(new { username, secret = options.Password, provider = "local" }), runToken);
        var playerId = login.GetProperty("playerId").GetString()!;
        var sessionToken = login.GetProperty("token").GetString()!;

        MoveTo(Stage.HandingOff);
        var handoffClock = Stopwatch.StartNew();
        var realms = await Request(director, Steps.Handoff, "realm:list", Json(new { playerId }), runToken, timed: false);
        var realm = realms.GetProperty("realms").EnumerateArray().FirstOrDefault();
        if (realm.ValueKind != JsonValueKind.Object)
        {
            throw new LoadTestException("no realm", "realm:list returned no realm");
        }

        var handoff = await Request(director, Steps.HandoffToken, "realm:auth:player:connect:client-to-director",
            Json(new { playerId, realmId = realm.GetProperty("id").GetString() }), runToken);
        var realmUri = new Uri(realm.GetProperty("uri").GetString()!);
        await using var realmLink = await Step(Steps.RealmConnect, ct => SocketIOLink.ConnectAsync(realmUri, withAuthObject: true, ct), runToken);
        await Request(realmLink, Steps.RealmSignIn, "realm:auth:player:connect:client-to-realm",
            Json(new { playerId, token = handoff.GetProperty("token").GetString() }), runToken);
        stats.Record(Steps.Handoff, handoffClock.Elapsed);
        var regions = await Step(Steps.Handoff, ct => realmLink.NextPushAsync("realm:regions", ct), runToken, timed: false);

        MoveTo(Stage.Character);
        await Request(realmLink, Steps.Character, "realm:characters:list", Json(new { playerId }), runToken, timed: false);
        var created = await Request(realmLink, Steps.Character, "realm:characters:create",
            Json(new { playerId, name = $"C{options.RunId}{index}", characterCreatorData = new { } }), runToken);
        var characterId = created.GetProperty("character").GetProperty("id").GetString()!;

        MoveTo(Stage.Matchmaking);
        var pings = await Step(Steps.Ping, ct => MeasurePingsAsync(regions, ct), runToken);
        if (options.Mix)
        {
            await MixAsync(director, realmLink, username, playerId, sessionToken, characterId, pings, runToken);
        }

        var matchClock = Stopwatch.StartNew();
        await Request(realmLink, Steps.MatchFound, "realm:ticketing:join:matchmaking", MatchmakingJoin(playerId, characterId, pings), runToken, timed: false);
        TimeSpan? matchFound = null;
        var instance = await Step(
            Steps.MatchFound,
            ct => realmLink.NextPushAsync("realm:servers:connect-to-instance", ct, message =>
            {
                if (matchFound is null && message.StartsWith("Match found", StringComparison.Ordinal))
                {
                    matchFound = matchClock.Elapsed;
                }
            }),
            runToken,
            timed: false);
        var connectToInstance = matchClock.Elapsed;
        var found = matchFound ?? connectToInstance;
        stats.Record(Steps.MatchFound, found);
        stats.Record(Steps.ConnectToInstance, connectToInstance - found);

        MoveTo(Stage.Joining);
        _step = Steps.Validated;
        var connection = instance.GetProperty("connection").GetString()!;
        var joinToken = instance.GetProperty("token").GetString()!;
        using var game = new TcpClient { NoDelay = true };
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(runToken);
        bound.CancelAfter(options.StepTimeout);
        var colon = connection.LastIndexOf(':');
        await game.ConnectAsync(connection[..colon], int.Parse(connection[(colon + 1)..], CultureInfo.InvariantCulture), bound.Token);
        var stream = game.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        await writer.WriteLineAsync($"open {connection}?RedwoodAuth=1?CharacterId={characterId}?PlayerId={playerId}?Token={joinToken}".AsMemory(), bound.Token);
        stats.CountRequest();
        var welcome = await reader.ReadLineAsync(bound.Token) ?? "closed";
        if (!welcome.StartsWith("ok ", StringComparison.Ordinal))
        {
            throw new LoadTestException("refused by the game server", welcome);
        }

        stats.Record(Steps.Validated, matchClock.Elapsed - connectToInstance);
        stats.Record(Steps.MatchToValidated, matchClock.Elapsed - found);

        MoveTo(Stage.Playing);
        _step = "stay and leave";
        await Task.Delay(options.Stay, runToken);
        using var leaving = CancellationTokenSource.CreateLinkedTokenSource(runToken);
        leaving.CancelAfter(options.StepTimeout);
        await writer.WriteLineAsync("move 100.0 200.0 0.0".AsMemory(), leaving.Token);
        await reader.ReadLineAsync(leaving.Token);
        await writer.WriteLineAsync("leave".AsMemory(), leaving.Token);
        await reader.ReadLineAsync(leaving.Token);
        stats.CountRequest();
        stats.CountRequest();
    }

    private async Task MixAsync(
        SocketIOLink director, SocketIOLink realm, string username, string playerId, string sessionToken, string characterId,
        IReadOnlyList<(string Name, double Ping)> pings, CancellationToken runToken)
    {
        // A reconnect as the plugin makes it: the player id in username, the current session token as secret.
        await Request(director, Steps.TokenLogin, "player:login:username",
            $"{{\"username\":{JsonSerializer.Serialize(playerId)},\"secret\":{JsonSerializer.Serialize(sessionToken)},\"provider\":\"local\",\"bypassProviderCheck\":true}}", runToken);
        await Request(realm, Steps.CharacterEdit, "realm:characters:set:client",
            $"{{\"playerId\":{JsonSerializer.Serialize(playerId)},\"characterId\":{JsonSerializer.Serialize(characterId)},\"characterCreatorData\":{{\"level\":2.0,\"name\":{JsonSerializer.Serialize(username)}}}}}", runToken);

        // A queue join the player changes its mind about: join, then leave, before the join that counts.
        var queueClock = Stopwatch.StartNew();
        await Request(realm, Steps.QueueJoin, "realm:ticketing:join:matchmaking", MatchmakingJoin(playerId, characterId, pings), runToken, timed: false);
        await Request(realm, Steps.QueueJoin, "realm:ticketing:leave", Json(new { playerId }), runToken, timed: false);
        stats.Record(Steps.QueueJoin, queueClock.Elapsed);
    }

    private string MatchmakingJoin(string playerId, string characterId, IReadOnlyList<(string Name, double Ping)> pings)
    {
        var regions = string.Join(",", pings.Select(p => $"{{\"name\":{JsonSerializer.Serialize(p.Name)},\"ping\":{Double(p.Ping)}}}"));
        return $"{{\"playerId\":{JsonSerializer.Serialize(playerId)},\"characterId\":{JsonSerializer.Serialize(characterId)},\"data\":{{\"profileId\":{JsonSerializer.Serialize(options.Profile)},\"regions\":[{regions}]}}}}";
    }

    /// <summary>Pings every region as the plugin does: three echoes of the current time on one WebSocket, averaged.</summary>
    private async Task<IReadOnlyList<(string Name, double Ping)>> MeasurePingsAsync(JsonElement regionsPush, CancellationToken cancellationToken)
    {
        var pings = new List<(string, double)>();
        foreach (var region in regionsPush.GetProperty("regions").EnumerateArray())
        {
            var name = region.GetProperty("name").GetString()!;
            var target = region.GetProperty("ping").GetString() ?? string.Empty;
            if (options.ConstantPing is { } constant || !target.StartsWith("ws", StringComparison.OrdinalIgnoreCase))
            {
                pings.Add((name, options.ConstantPing ?? 0.01));
                continue;
            }

            using var echo = new ClientWebSocket();
            echo.Options.KeepAliveInterval = TimeSpan.Zero;
            await echo.ConnectAsync(new Uri(target), cancellationToken);
            var buffer = new byte[256];
            var total = TimeSpan.Zero;
            for (var i = 0; i < 3; i++)
            {
                var sent = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
                var clock = Stopwatch.StartNew();
                await echo.SendAsync(Encoding.UTF8.GetBytes(sent), WebSocketMessageType.Text, true, cancellationToken);
                string reply;
                do
                {
                    var result = await echo.ReceiveAsync(buffer, cancellationToken);
                    reply = Encoding.UTF8.GetString(buffer, 0, result.Count);
                }
                while (reply.StartsWith("Request served by ", StringComparison.Ordinal));
                total += clock.Elapsed;
                stats.CountRequest();
                if (reply != sent)
                {
                    throw new LoadTestException("ping echo mismatch", $"sent '{sent}', got '{reply}'");
                }
            }

            await echo.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
            pings.Add((name, total.TotalSeconds / 3));
        }

        return pings;
    }

    private Task<JsonElement> Request(SocketIOLink link, string step, string eventName, string payload, CancellationToken runToken, bool timed = true)
    {
        stats.CountRequest();
        return Step(step, ct => link.RequestAsync(eventName, payload, ct), runToken, timed);
    }

    private async Task<T> Step<T>(string step, Func<CancellationToken, Task<T>> action, CancellationToken runToken, bool timed = true)
    {
        _step = step;
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(runToken);
        bound.CancelAfter(options.StepTimeout);
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await action(bound.Token);
            if (timed)
            {
                stats.Record(step, clock.Elapsed);
            }

            return result;
        }
        catch (OperationCanceledException) when (!runToken.IsCancellationRequested)
        {
            throw new TimeoutException();
        }
    }

    private void MoveTo(Stage stage)
    {
        stats.Move(_stage, stage);
        _stage = stage;
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);

    // The plugin converts every number to a double and writes it with a decimal point (2.0, 0.0).
    private static string Double(double value) =>
        value == Math.Floor(value) ? value.ToString("0.0", CultureInfo.InvariantCulture) : value.ToString("R", CultureInfo.InvariantCulture);
}
