namespace Redwood.SocketIO;

/// <summary>
/// Handles one client event. When the client asked for an ack, the returned value is the single ack argument
/// (return <see cref="SocketIOArgs"/> to ack with zero or several arguments); otherwise it is ignored.
/// </summary>
public delegate ValueTask<object?> SocketIOEventHandler(SocketIOSocket socket, SocketIOMessage message, CancellationToken ct);

/// <summary>Ack (or emit) arguments when a handler needs zero or several of them.</summary>
public sealed record SocketIOArgs(params object?[] Values);
