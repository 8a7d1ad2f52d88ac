using Microsoft.Extensions.Logging;

namespace Redwood.Sidecar;

/// <summary>Sidecar log messages (event ids 4xxx).</summary>
internal static partial class Log
{
    [LoggerMessage(4001, LogLevel.Information, "Sidecar of game server {ServerId} listening on port {Port}")]
    public static partial void Listening(ILogger logger, string serverId, int port);

    [LoggerMessage(4002, LogLevel.Information, "Sidecar of game server {ServerId} closed")]
    public static partial void Closed(ILogger logger, string serverId);

    [LoggerMessage(4003, LogLevel.Warning, "Sidecar for game server {ServerId} could not listen on port {Port}")]
    public static partial void ListenFailed(ILogger logger, string serverId, int port, Exception exception);

    [LoggerMessage(4004, LogLevel.Information, "Game server {ServerId} socket {SocketId} connected")]
    public static partial void SocketConnected(ILogger logger, string serverId, string socketId);

    [LoggerMessage(4005, LogLevel.Information, "Game server {ServerId} socket {SocketId} disconnected: {Reason}")]
    public static partial void SocketDisconnected(ILogger logger, string serverId, string socketId, string reason);

    [LoggerMessage(4006, LogLevel.Information, "Sent load-map {RequestId} ({Channel}, map {MapId}) to game server {ServerId}")]
    public static partial void LoadMapSent(ILogger logger, string serverId, string requestId, string channel, string mapId);

    [LoggerMessage(4007, LogLevel.Warning, "Load-map {RequestId} for game server {ServerId} not sent: its socket A is not connected")]
    public static partial void LoadMapNotSent(ILogger logger, string serverId, string requestId);

    [LoggerMessage(4008, LogLevel.Information, "Game server {ServerId} answered load-map {RequestId}: '{Error}'")]
    public static partial void LoadMapAnswered(ILogger logger, string serverId, string requestId, string error);

    [LoggerMessage(4009, LogLevel.Information, "Game server {ServerId} sent {Event}, which this server does not support yet")]
    public static partial void Unsupported(ILogger logger, string serverId, string @event);

    [LoggerMessage(4010, LogLevel.Warning, "The Realm does not know game server {ServerId} ({Event})")]
    public static partial void UnknownToRealm(ILogger logger, string serverId, string @event);

    [LoggerMessage(4011, LogLevel.Warning, "Character save from game server {ServerId} failed: {Error}")]
    public static partial void SaveFailed(ILogger logger, string serverId, string error);

    [LoggerMessage(4012, LogLevel.Information, "Game server {ServerId} is Ready on Agones")]
    public static partial void AgonesReady(ILogger logger, string serverId);

    [LoggerMessage(4013, LogLevel.Information, "Asked Agones to shut game server {ServerId} down: {Reason}")]
    public static partial void AgonesShutdown(ILogger logger, string serverId, string reason);

    [LoggerMessage(4014, LogLevel.Warning, "Agones SDK call '{Call}' for game server {ServerId} failed")]
    public static partial void AgonesCallFailed(ILogger logger, string serverId, string call, Exception exception);

    [LoggerMessage(4015, LogLevel.Information, "The Realm stopped game server {ServerId} ({Reason}); without Agones the game server keeps running")]
    public static partial void ShutdownWithoutAgones(ILogger logger, string serverId, string reason);

    [LoggerMessage(4016, LogLevel.Debug, "Game server {ServerId} is not allocated by the Realm yet")]
    public static partial void NotAllocatedYet(ILogger logger, string serverId);
}
