using Mediator;

namespace Redwood.Sidecar.Contracts;

/// <summary>
/// Sent by the Realm's local game-server provider before it launches a server: the Sidecar module of this deployment
/// opens a Socket.IO listener for that server on <paramref name="Port"/> (0 = a free port) and answers with the port
/// bound. Every socket arriving on that port belongs to <paramref name="ServerId"/>.
/// </summary>
/// <param name="RealmId">The realm the server belongs to.</param>
/// <param name="ServerId">The game server (container) id.</param>
/// <param name="Port">The sidecar port to listen on.</param>
public sealed record OpenSidecarListener(string RealmId, string ServerId, int Port) : IRequest<OpenSidecarListenerReply>;

/// <summary>The answer to <see cref="OpenSidecarListener"/>.</summary>
/// <param name="Port">The port bound; 0 when it failed.</param>
/// <param name="Error">Empty on success.</param>
public sealed record OpenSidecarListenerReply(int Port, string Error);

/// <summary>Sent by the Realm once a server it launched is stopped: the Sidecar closes that server's listener.</summary>
/// <param name="ServerId">The game server.</param>
public sealed record CloseSidecarListener(string ServerId) : IRequest<CloseSidecarListenerReply>;

/// <summary>The answer to <see cref="CloseSidecarListener"/>.</summary>
/// <param name="Closed">False when no listener was open for it.</param>
public sealed record CloseSidecarListenerReply(bool Closed);
