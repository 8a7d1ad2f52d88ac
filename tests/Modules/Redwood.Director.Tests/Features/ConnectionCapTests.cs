using System.Net.WebSockets;
using Redwood.Testing;

namespace Redwood.Director.Tests.Features;

public sealed class ConnectionCapTests
{
    [Fact]
    public async Task The_director_refuses_connections_beyond_the_per_address_cap_at_the_handshake()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite, ("Redwood:Network:MaxConnectionsPerAddress", "2"));
        await using var first = await app.ConnectFromAsync(7);
        await using var second = await app.ConnectFromAsync(7);

        await Assert.ThrowsAnyAsync<WebSocketException>(() => app.ConnectFromAsync(7));
        await using var otherAddress = await app.ConnectFromAsync(8);
        Assert.Equal(string.Empty, (await otherAddress.RegisterAsync(DirectorApp.NewUsername())).Str("error"));
    }

    [Fact]
    public async Task The_director_listener_takes_its_own_bind_address()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite, ("Redwood:Director:BindAddress", "127.0.0.2"));

        await using var client = await PlayerClient.ConnectAsync(new Uri($"ws://127.0.0.2:{app.Port("director")}"));
        Assert.Equal(string.Empty, (await client.RegisterAsync(DirectorApp.NewUsername())).Str("error"));
        await Assert.ThrowsAnyAsync<WebSocketException>(() => PlayerClient.ConnectAsync(new Uri($"ws://127.0.0.1:{app.Port("director")}")));
    }
}
