using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Redwood.Testing;

/// <summary>
/// A Socket.IO client that speaks like the Redwood Unreal plugin: WebSocket only (no polling), <c>40</c> or
/// <c>40{}</c>, one JSON object per emit with every number written as a double (<c>2.0</c>), acks read as
/// <c>Response[0]</c>, server pings answered.
/// </summary>
public sealed class PlayerClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement[]>> _acks = new();
    private readonly ConcurrentDictionary<string, Channel<JsonElement>> _events = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<string> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private int _nextAck;
    private int _disposed;
    private Task _receive = Task.CompletedTask;

    private PlayerClient()
    {
    }

    /// <summary>Default time to wait for an ack or a push.</summary>
    public static TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The Socket.IO socket id from the CONNECT reply.</summary>
    public string SocketId { get; private set; } = string.Empty;

    /// <summary>Completes when the server disconnects the socket (41, engine close or a dropped connection).</summary>
    public Task Disconnected => _disconnected.Task;

    /// <summary>
    /// Connects to <c>ws://host:port/socket.io/?EIO=4&amp;transport=websocket&amp;t=...</c> and completes the CONNECT
    /// handshake; <paramref name="withAuthObject"/> sends <c>40{}</c> (Realm socket) instead of <c>40</c> (Director).
    /// </summary>
    /// <param name="server">The endpoint.</param>
    /// <param name="withAuthObject">Send <c>40{}</c> instead of <c>40</c>.</param>
    /// <param name="localAddress">
    /// The source address to connect from (any 127.x.y.z works on Linux loopback), so a test can play players at
    /// different client addresses.
    /// </param>
    public static async Task<PlayerClient> ConnectAsync(Uri server, bool withAuthObject = false, IPAddress? localAddress = null)
    {
        var client = new PlayerClient();
        var scheme = server.Scheme is "https" or "wss" ? "wss" : "ws";
        var uri = new Uri($"{scheme}://{server.Host}:{server.Port}/socket.io/?EIO=4&transport=websocket&t={DateTimeOffset.UtcNow.ToUnixTimeSeconds()}");
        using var timeout = new CancellationTokenSource(Timeout);
        if (localAddress is null)
        {
            await client._socket.ConnectAsync(uri, timeout.Token);
        }
        else
        {
            using var invoker = new HttpMessageInvoker(new SocketsHttpHandler { ConnectCallback = (context, ct) => ConnectFromAsync(localAddress, context, ct) });
            await client._socket.ConnectAsync(uri, invoker, timeout.Token);
        }

        var open = await client.ReceiveTextAsync(timeout.Token);
        if (open is null || !open.StartsWith('0'))
        {
            throw new InvalidOperationException($"Expected the Engine.IO OPEN packet, got '{open}'");
        }

        client._receive = client.ReceiveLoopAsync();
        await client.SendTextAsync(withAuthObject ? "40{}" : "40");
        client.SocketId = await client._connected.Task.WaitAsync(Timeout);
        return client;
    }

    /// <summary>Emits with an ack request and returns <c>Response[0]</c>, asserting the ack is exactly one object.</summary>
    public Task<JsonElement> RequestAsync(string eventName, object? payload) => RequestRawAsync(eventName, AsUnrealJson(payload));

    /// <summary>Like <see cref="RequestAsync"/> with the payload given as JSON text, sent verbatim (for bad-input tests).</summary>
    public async Task<JsonElement> RequestRawAsync(string eventName, string payloadJson)
    {
        var id = Interlocked.Increment(ref _nextAck);
        var waiter = new TaskCompletionSource<JsonElement[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _acks[id] = waiter;
        await SendTextAsync($"42{id.ToString(CultureInfo.InvariantCulture)}[{JsonSerializer.Serialize(eventName)},{payloadJson}]");
        var args = await waiter.Task.WaitAsync(Timeout);
        if (args.Length != 1 || args[0].ValueKind != JsonValueKind.Object)
        {
            throw new InvalidOperationException($"Ack for {eventName} is not exactly one object: [{string.Join(",", args.Select(a => a.GetRawText()))}]");
        }

        return args[0];
    }

    private static async ValueTask<Stream> ConnectFromAsync(IPAddress localAddress, SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(localAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(localAddress, 0));
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Emits without an ack request.</summary>
    public Task EmitAsync(string eventName, object? payload) =>
        SendTextAsync($"42[{JsonSerializer.Serialize(eventName)},{AsUnrealJson(payload)}]");

    /// <summary>Sends a raw Socket.IO packet text (for malformed-input tests).</summary>
    public Task SendRawAsync(string packet) => SendTextAsync(packet);

    /// <summary>Waits for the next push of <paramref name="eventName"/> and returns its first argument.</summary>
    public async Task<JsonElement> NextPushAsync(string eventName, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        try
        {
            return await EventsOf(eventName).Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No '{eventName}' push within {(timeout ?? Timeout).TotalSeconds:0.#} s");
        }
    }

    /// <summary>True when a push of <paramref name="eventName"/> is already waiting.</summary>
    public bool HasPush(string eventName) => EventsOf(eventName).Reader.TryPeek(out _);

    /// <summary>Renders a payload the way the plugin's rapidjson encoder does: every number as a double.</summary>
    public static string AsUnrealJson(object? payload)
    {
        var node = payload as JsonNode ?? JsonSerializer.SerializeToNode(payload, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, node);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The server may already have closed it.
        }

        await _receive.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _stop.Dispose();
    }

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj)
                {
                    writer.WritePropertyName(key);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                var number = value.GetValue<JsonElement>().GetDouble();
                var text = number.ToString("R", CultureInfo.InvariantCulture);
                writer.WriteRawValue(text.Contains('.') || text.Contains('E') ? text : text + ".0");
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    private Channel<JsonElement> EventsOf(string name) => _events.GetOrAdd(name, _ => Channel.CreateUnbounded<JsonElement>());

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (await ReceiveTextAsync(_stop.Token) is { } packet)
            {
                await HandleAsync(packet);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Dropped or closed; reported through Disconnected below.
        }

        _disconnected.TrySetResult();
        _connected.TrySetException(new InvalidOperationException("Disconnected before the CONNECT reply"));
        foreach (var ack in _acks.Values)
        {
            ack.TrySetException(new InvalidOperationException("Disconnected while waiting for an ack"));
        }
    }

    private async Task HandleAsync(string packet)
    {
        switch (packet)
        {
            case "2":
                await SendTextAsync("3");
                return;
            case "1":
                _disconnected.TrySetResult();
                return;
        }

        if (!packet.StartsWith('4') || packet.Length < 2)
        {
            return;
        }

        var body = packet[2..];
        switch (packet[1])
        {
            case '0':
                SocketId = JsonDocument.Parse(body).RootElement.GetProperty("sid").GetString()!;
                _connected.TrySetResult(SocketId);
                break;
            case '1':
                _disconnected.TrySetResult();
                break;
            case '4':
                _connected.TrySetException(new InvalidOperationException("CONNECT_ERROR " + body));
                break;
            case '2':
                var bracket = body.IndexOf('[', StringComparison.Ordinal);
                var ackId = bracket > 0 ? body[..bracket] : string.Empty;
                var args = JsonDocument.Parse(body[bracket..]).RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
                var name = args[0].GetString()!;
                await EventsOf(name).Writer.WriteAsync(args.Length > 1 ? args[1] : default);
                if (ackId.Length > 0)
                {
                    // The plugin answers server-requested acks with an empty list.
                    await SendTextAsync($"43{ackId}[]");
                }

                break;
            case '3':
                var open = body.IndexOf('[', StringComparison.Ordinal);
                var id = int.Parse(body[..open], CultureInfo.InvariantCulture);
                var values = JsonDocument.Parse(body[open..]).RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
                if (_acks.TryRemove(id, out var waiter))
                {
                    waiter.TrySetResult(values);
                }

                break;
        }
    }

    private async Task SendTextAsync(string text)
    {
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task<string?> ReceiveTextAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return result.MessageType == WebSocketMessageType.Text ? Encoding.UTF8.GetString(message.ToArray()) : string.Empty;
            }
        }
    }
}
