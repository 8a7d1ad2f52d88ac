using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Redwood.DevGameServer;

/// <summary>
/// A Socket.IO client as the Unreal plugin opens it to its sidecar: Engine.IO 4 over a WebSocket only (no polling),
/// CONNECT as <c>40</c> (socket A) or <c>40{}</c> (socket B), one JSON object per emit with every number written as a
/// double (<c>2.0</c>), server pings answered. Reconnects every second until disposed.
/// </summary>
internal sealed class SidecarSocket(string name, Uri sidecar, bool withAuthObject) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Func<JsonElement, Task>> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _acks = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private ClientWebSocket? _socket;
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;
    private int _nextAck;

    /// <summary>Raised after every CONNECT reply (first connect and reconnects).</summary>
    public event Func<Task>? Connected;

    /// <summary>Raised when the connection drops.</summary>
    public event Action? Disconnected;

    public bool IsConnected => _connected.Task.IsCompletedSuccessfully;

    public void On(string eventName, Func<JsonElement, Task> handler) => _handlers[eventName] = handler;

    public void Start() => _loop = RunAsync();

    public Task WaitConnectedAsync(CancellationToken ct) => _connected.Task.WaitAsync(ct);

    public async Task EmitAsync(string eventName, JsonNode? payload) =>
        await SendAsync($"42[{UnrealJson.Quote(eventName)},{UnrealJson.Write(payload)}]");

    public async Task<JsonElement> RequestAsync(string eventName, JsonNode? payload, CancellationToken ct)
    {
        var id = Interlocked.Increment(ref _nextAck);
        var waiter = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _acks[id] = waiter;
        await SendAsync($"42{id.ToString(CultureInfo.InvariantCulture)}[{UnrealJson.Quote(eventName)},{UnrealJson.Write(payload)}]");
        return await waiter.Task.WaitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            if (_socket is { State: WebSocketState.Open } socket)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Already gone.
        }

        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket?.Dispose();
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await ConnectAndReceiveAsync();
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or InvalidOperationException or JsonException)
            {
                Console.WriteLine($"[{name}] sidecar connection failed: {ex.Message}");
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }

            if (_connected.Task.IsCompleted)
            {
                _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Disconnected?.Invoke();
            }

            foreach (var ack in _acks.Values)
            {
                ack.TrySetCanceled();
            }

            _acks.Clear();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ConnectAndReceiveAsync()
    {
        _socket?.Dispose();
        _socket = new ClientWebSocket();
        var uri = new Uri($"ws://{sidecar.Host}:{sidecar.Port}/socket.io/?EIO=4&transport=websocket&t={DateTimeOffset.UtcNow.ToUnixTimeSeconds()}");
        await _socket.ConnectAsync(uri, _stop.Token);
        var open = await ReceiveAsync();
        if (open is null || !open.StartsWith('0'))
        {
            throw new InvalidOperationException("Handshake error: expected the Engine.IO OPEN packet");
        }

        await SendAsync(withAuthObject ? "40{}" : "40");
        while (await ReceiveAsync() is { } packet)
        {
            await HandleAsync(packet);
        }
    }

    private async Task HandleAsync(string packet)
    {
        if (packet == "2")
        {
            await SendAsync("3");
            return;
        }

        if (packet.Length < 2 || packet[0] != '4')
        {
            return;
        }

        var body = packet[2..];
        switch (packet[1])
        {
            case '0':
                _connected.TrySetResult();
                Console.WriteLine($"[{name}] connected to the sidecar");
                if (Connected is { } connected)
                {
                    _ = Task.Run(connected);
                }

                break;
            case '1':
                throw new InvalidOperationException("disconnected by the sidecar");
            case '2':
                var bracket = body.IndexOf('[', StringComparison.Ordinal);
                var args = JsonDocument.Parse(body[bracket..]).RootElement.Clone();
                var ackId = body[..bracket];
                var eventName = args[0].GetString()!;
                if (ackId.Length > 0)
                {
                    await SendAsync($"43{ackId}[]");
                }

                if (_handlers.TryGetValue(eventName, out var handler))
                {
                    var payload = args.GetArrayLength() > 1 ? args[1] : default;
                    _ = Task.Run(() => handler(payload));
                }

                break;
            case '3':
                var open = body.IndexOf('[', StringComparison.Ordinal);
                var id = int.Parse(body[..open], CultureInfo.InvariantCulture);
                var values = JsonDocument.Parse(body[open..]).RootElement.Clone();
                if (_acks.TryRemove(id, out var waiter))
                {
                    // The plugin reads Response[0] as an object.
                    waiter.TrySetResult(values.GetArrayLength() > 0 ? values[0] : default);
                }

                break;
        }
    }

    private async Task SendAsync(string text)
    {
        await _sendLock.WaitAsync();
        try
        {
            if (_socket is { State: WebSocketState.Open } socket)
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, _stop.Token);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task<string?> ReceiveAsync()
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket!.ReceiveAsync(buffer, _stop.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }
}

/// <summary>JSON as the plugin's rapidjson encoder writes it: every number as a double (<c>2.0</c>).</summary>
internal static class UnrealJson
{
    public static string Write(JsonNode? node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, node);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A JSON string literal, quoted and escaped.</summary>
    public static string Quote(string text) => Write(JsonValue.Create(text));

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
                var text = double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);
                writer.WriteRawValue(text.Contains('.') || text.Contains('E') ? text : text + ".0");
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
