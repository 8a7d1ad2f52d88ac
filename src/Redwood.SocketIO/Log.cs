using Microsoft.Extensions.Logging;

namespace Redwood.SocketIO;

internal static partial class Log
{
    [LoggerMessage(9001, LogLevel.Debug, "Engine.IO session {Sid} opened over {Transport} from {RemoteEndPoint}")]
    public static partial void SessionOpened(ILogger logger, string sid, string transport, string? remoteEndPoint);

    [LoggerMessage(9002, LogLevel.Debug, "Engine.IO session {Sid} closed: {Reason}")]
    public static partial void SessionClosed(ILogger logger, string sid, string reason);

    [LoggerMessage(9003, LogLevel.Warning, "Closing Engine.IO session {Sid} from {Address} after a malformed packet: {Detail} ({Suppressed} more from this address since the last such line)")]
    public static partial void MalformedPacket(ILogger logger, string sid, string address, string detail, int suppressed);

    [LoggerMessage(9004, LogLevel.Warning, "Closing Engine.IO session {Sid}: payload larger than {MaxPayload} bytes")]
    public static partial void PayloadTooLarge(ILogger logger, string sid, int maxPayload);

    [LoggerMessage(9005, LogLevel.Warning, "Closing Engine.IO session {Sid}: more than {Limit} packets queued (slow reader)")]
    public static partial void OutboundQueueFull(ILogger logger, string sid, int limit);

    [LoggerMessage(9006, LogLevel.Error, "Handler for event {Event} on namespace {Namespace} failed (socket {SocketId})")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string @event, string @namespace, string socketId);

    [LoggerMessage(9007, LogLevel.Error, "{Callback} handler on namespace {Namespace} failed (socket {SocketId})")]
    public static partial void LifecycleHandlerFailed(ILogger logger, Exception exception, string callback, string @namespace, string socketId);

    [LoggerMessage(9008, LogLevel.Error, "Middleware on namespace {Namespace} failed; refusing the connection")]
    public static partial void MiddlewareFailed(ILogger logger, Exception exception, string @namespace);

    [LoggerMessage(9009, LogLevel.Debug, "Transport of Engine.IO session {Sid} failed")]
    public static partial void TransportFailed(ILogger logger, Exception exception, string sid);

    [LoggerMessage(9010, LogLevel.Debug, "Rejected Engine.IO request {Path}: {Code} {Message}")]
    public static partial void RequestRejected(ILogger logger, string path, int code, string message);

    [LoggerMessage(9011, LogLevel.Debug, "Engine.IO session {Sid} upgraded to websocket")]
    public static partial void Upgraded(ILogger logger, string sid);

    [LoggerMessage(9012, LogLevel.Debug, "Upgrade of Engine.IO session {Sid} abandoned: {Detail}")]
    public static partial void UpgradeFailed(ILogger logger, string sid, string detail);

    [LoggerMessage(9013, LogLevel.Warning, "Closing Engine.IO session {Sid}: more than {Limit} events waiting for handlers")]
    public static partial void InboundQueueFull(ILogger logger, string sid, int limit);

    [LoggerMessage(9014, LogLevel.Debug, "Socket {SocketId} joined namespace {Namespace}")]
    public static partial void SocketConnected(ILogger logger, string socketId, string @namespace);

    [LoggerMessage(9015, LogLevel.Debug, "Socket {SocketId} left namespace {Namespace}: {Reason}")]
    public static partial void SocketDisconnected(ILogger logger, string socketId, string @namespace, string reason);

    [LoggerMessage(9016, LogLevel.Debug, "Connection to namespace {Namespace} refused: {Message}")]
    public static partial void ConnectRefused(ILogger logger, string @namespace, string message);

    [LoggerMessage(9018, LogLevel.Debug, "Handler for event {Event} stopped: socket {SocketId} disconnected")]
    public static partial void HandlerAbandoned(ILogger logger, string @event, string socketId);

    [LoggerMessage(9019, LogLevel.Warning, "Refused connections from {Address}: more than {Limit} open ({Suppressed} more refusals since the last such line)")]
    public static partial void TooManyConnections(ILogger logger, string address, int limit, int suppressed);

    [LoggerMessage(9017, LogLevel.Error, "Socket.IO server shutdown did not finish in time; aborting {Count} connections")]
    public static partial void ShutdownAborted(ILogger logger, int count);
}
