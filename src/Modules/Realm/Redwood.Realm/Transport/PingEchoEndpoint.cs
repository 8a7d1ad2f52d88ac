using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Redwood.Realm.Transport;

/// <summary>
/// The default region ping target: a plain WebSocket echo server on the realm port. The plugin (LatencyChecker)
/// sends the current time as text and measures how long the identical text takes to come back.
/// </summary>
internal static class PingEchoEndpoint
{
    public const string Path = "/ping";

    private const int MaxMessageBytes = 1024;

    private const string WebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(60);

    public static void Map(IEndpointRouteBuilder endpoints, ILogger logger) =>
        endpoints.Map(Path, context => HandleAsync(context, logger));

    /// <summary>
    /// Accepts the WebSocket through the WebSockets middleware when the pipeline has it, else performs the RFC 6455
    /// upgrade itself (the Socket.IO listener's pipeline does not add the middleware).
    /// </summary>
    private static async Task<WebSocket?> AcceptAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpWebSocketFeature>() is { } feature)
        {
            return feature.IsWebSocketRequest ? await context.WebSockets.AcceptWebSocketAsync() : null;
        }

        var headers = context.Request.Headers;
        var key = headers.SecWebSocketKey.ToString();
        if (!HttpMethods.IsGet(context.Request.Method)
            || !string.Equals(headers.Upgrade, "websocket", StringComparison.OrdinalIgnoreCase)
            || headers.SecWebSocketVersion != "13"
            || !IsValidKey(key)
            || context.Features.Get<IHttpUpgradeFeature>() is not { IsUpgradableRequest: true } upgrade)
        {
            return null;
        }

        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers.SecWebSocketAccept =
            Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + WebSocketGuid)));
        var stream = await upgrade.UpgradeAsync();
        return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });

        static bool IsValidKey(string key)
        {
            Span<byte> decoded = stackalloc byte[32];
            return Convert.TryFromBase64String(key, decoded, out var written) && written == 16;
        }
    }

    private static async Task HandleAsync(HttpContext context, ILogger logger)
    {
        using var socket = await AcceptAsync(context);
        if (socket is null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("WebSocket echo endpoint for region pings", context.RequestAborted);
            return;
        }

        var buffer = new byte[MaxMessageBytes];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
                idle.CancelAfter(IdleTimeout);
                var length = 0;
                ValueWebSocketReceiveResult received;
                do
                {
                    if (length == buffer.Length)
                    {
                        await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, "Ping messages are small", context.RequestAborted);
                        return;
                    }

                    received = await socket.ReceiveAsync(buffer.AsMemory(length), idle.Token);
                    length += received.Count;
                }
                while (!received.EndOfMessage && received.MessageType != WebSocketMessageType.Close);

                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, context.RequestAborted);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, length), received.MessageType, endOfMessage: true, idle.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            Log.PingEchoEnded(logger, ex);
        }
    }
}
