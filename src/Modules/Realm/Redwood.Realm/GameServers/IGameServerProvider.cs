namespace Redwood.Realm.GameServers;

/// <summary>A server the provider started: how players reach it and what the provider calls it.</summary>
/// <param name="ProviderId">The provider's id (local: the process id).</param>
/// <param name="Connection">The <c>host:port</c> players connect to.</param>
/// <param name="SidecarPort">The port of its Sidecar (0 when the Sidecar runs beside the server, not in this deployment).</param>
/// <param name="SidecarId">
/// The id its Sidecar reports it under when a Sidecar process of its own runs beside it; null when this deployment
/// opens the Sidecar listener for it, which then knows it by the container id.
/// </param>
internal sealed record LaunchedServer(string ProviderId, string Connection, int SidecarPort, string? SidecarId = null);

/// <summary>
/// Starts and stops game servers. The Realm's allocation and lifecycle only talk to this, so other providers (Agones,
/// hosted services) plug in beside <see cref="LocalGameServerProvider"/>.
/// </summary>
internal interface IGameServerProvider
{
    /// <summary>The provider's name, as in <c>Redwood:GameServers:Provider</c>.</summary>
    string Name { get; }

    /// <summary>Starts a server known as <paramref name="serverId"/>; its Sidecar is listening when this returns.</summary>
    Task<LaunchedServer> LaunchAsync(string serverId, CancellationToken cancellationToken);

    /// <summary>Stops the server and everything it started; stopping an unknown or stopped server does nothing.</summary>
    Task StopAsync(string serverId, CancellationToken cancellationToken);

    /// <summary>False when the provider knows the server is gone; null when it cannot tell (not launched by this process).</summary>
    bool? IsRunning(string serverId);
}
