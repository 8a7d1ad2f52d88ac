namespace Redwood.SocketIO;

/// <summary>Reason strings passed to <see cref="SocketIONamespace.Disconnected"/>, spelled like Node's socket.io.</summary>
public static class DisconnectReasons
{
    /// <summary>The client sent a DISCONNECT packet for the namespace.</summary>
    public const string ClientNamespaceDisconnect = "client namespace disconnect";

    /// <summary>The server called <see cref="SocketIOSocket.DisconnectAsync"/>.</summary>
    public const string ServerNamespaceDisconnect = "server namespace disconnect";

    /// <summary>The client closed the transport.</summary>
    public const string TransportClose = "transport close";

    /// <summary>No pong arrived in time.</summary>
    public const string PingTimeout = "ping timeout";

    /// <summary>The transport failed (network error, payload too large, overlapping polls, slow reader).</summary>
    public const string TransportError = "transport error";

    /// <summary>The server is shutting down.</summary>
    public const string ServerShuttingDown = "server shutting down";

    /// <summary>The client sent a malformed packet.</summary>
    public const string ParseError = "parse error";

    /// <summary>The server closed the connection (connect timeout, or another socket of the connection closed it).</summary>
    public const string ForcedClose = "forced close";
}
