using System.Text.Json;
using Redwood.SocketIO.Tests.Support;
using SocketIOClient;
using SocketIOClient.Transport;

namespace Redwood.SocketIO.Tests;

/// <summary>The NuGet SocketIOClient (3.0.6) over the WebSocket transport.</summary>
public sealed class DotNetClientTests
{
    [Fact]
    public async Task Connects_acks_and_receives_server_emits()
    {
        var connected = Events.Create<SocketIOSocket>();
        await using var server = await TestServer.StartAsync(setup: s => s.Of("/").Connected += socket =>
        {
            connected.TrySetResult(socket);
            return ValueTask.CompletedTask;
        });
        using var client = new SocketIOClient.SocketIO(server.Url, new SocketIOOptions
        {
            EIO = 4,
            Transport = TransportProtocol.WebSocket,
            Reconnection = false,
            ConnectionTimeout = TestServer.Timeout,
        });
        var pushed = Events.Create<JsonElement>();
        client.On("pong-you", response => pushed.TrySetResult(response.GetValue(0)));
        // ConnectAsync returns once the WebSocket is open; the namespace's CONNECT reply may still be on its way.
        var clientConnected = Events.Create<bool>();
        client.OnConnected += (_, _) => clientConnected.TrySetResult(true);

        await client.ConnectAsync().WithTimeout();
        var socket = await connected.WithTimeout();
        await clientConnected.WithTimeout();
        Assert.True(client.Connected);
        Assert.Equal(socket.Id, client.Id);

        var acked = Events.Create<(int Count, JsonElement First)>();
        await client.EmitAsync("echo", response => acked.TrySetResult((response.Count, response.GetValue(0))), new { Hello = "world", N = 3 });
        var (count, first) = await acked.WithTimeout();
        Assert.Equal(1, count);
        Assert.Equal("world", first.GetProperty("Hello").GetString());

        await client.EmitAsync("ping-me", "hi");
        Assert.Equal("hi", (await pushed.WithTimeout()).GetString());

        var serverPush = Events.Create<string>();
        client.On("news", response => serverPush.TrySetResult(response.GetValue<string>(0)));
        await socket.EmitAsync("news", "from server");
        Assert.Equal("from server", await serverPush.WithTimeout());

        await client.DisconnectAsync();
    }

    [Fact]
    public async Task Server_ack_request_is_answered_by_the_client()
    {
        var connected = Events.Create<SocketIOSocket>();
        await using var server = await TestServer.StartAsync(setup: s => s.Of("/").Connected += socket =>
        {
            connected.TrySetResult(socket);
            return ValueTask.CompletedTask;
        });
        using var client = new SocketIOClient.SocketIO(server.Url, new SocketIOOptions { EIO = 4, Transport = TransportProtocol.WebSocket, Reconnection = false });
        client.On("question", response => _ = response.CallbackAsync(new { Answer = 42 }));

        await client.ConnectAsync().WithTimeout();
        var socket = await connected.WithTimeout();

        var reply = await socket.EmitWithAckAsync("question", TestServer.Timeout, CancellationToken.None, "q");

        Assert.Equal(42, reply[0].GetProperty("Answer").GetInt32());
        await client.DisconnectAsync();
    }
}
