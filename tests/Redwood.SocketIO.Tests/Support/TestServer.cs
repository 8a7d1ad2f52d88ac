using System.Net;
using Redwood.SocketIO.ConformanceServer;

namespace Redwood.SocketIO.Tests.Support;

/// <summary>An in-process server on 127.0.0.1 with a free port.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private TestServer(SocketIOServer server, SocketIOListener listener, CapturingLoggerFactory logs)
    {
        Server = server;
        Listener = listener;
        Logs = logs;
    }

    public SocketIOServer Server { get; }

    public SocketIOListener Listener { get; }

    public CapturingLoggerFactory Logs { get; }

    public int Port => Listener.Port;

    public string Url => $"http://127.0.0.1:{Port}";

    public static async Task<TestServer> StartAsync(Action<SocketIOServerOptions>? configureOptions = null, Action<SocketIOServer>? setup = null, bool conformance = true)
    {
        var options = new SocketIOServerOptions();
        configureOptions?.Invoke(options);
        var logs = new CapturingLoggerFactory();
        var server = new SocketIOServer(options, logs);
        if (conformance)
        {
            ConformanceApp.Configure(server);
        }

        setup?.Invoke(server);
        var listener = await SocketIOListener.StartAsync(server, new IPEndPoint(IPAddress.Loopback, 0), null, logs, CancellationToken.None);
        return new TestServer(server, listener, logs);
    }

    public Uri WebSocketUri(string query = "EIO=4&transport=websocket", string path = "/socket.io/")
        => new($"ws://127.0.0.1:{Port}{path}?{query}");

    public string HttpUri(string query, string path = "/socket.io/") => $"{Url}{path}?{query}";

    public async ValueTask DisposeAsync()
    {
        await Listener.DisposeAsync();
        await Server.DisposeAsync();
    }
}
