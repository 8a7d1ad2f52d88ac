using System.Net;
using System.Net.WebSockets;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Redwood.Realm.Tests.Support;
using Redwood.Sidecar.Contracts;
using Redwood.Testing;

namespace Redwood.Realm.Tests.GameServers;

/// <summary>The per-address connection cap and the bind address of the sidecar listeners, over real sockets.</summary>
public sealed class SidecarListenerLimitTests
{
    [Fact]
    public async Task A_sidecar_listener_takes_four_connections_per_address_by_default_and_refuses_the_fifth_at_the_handshake()
    {
        await using var app = await RealmTestHost.StartAsync(TestDatabase.Sqlite);
        var sidecar = await OpenListenerAsync(app);
        var open = new List<PlayerClient>();
        for (var i = 0; i < 4; i++)
        {
            open.Add(await PlayerClient.ConnectAsync(sidecar, withAuthObject: i % 2 == 0));
        }

        await Assert.ThrowsAnyAsync<WebSocketException>(() => PlayerClient.ConnectAsync(sidecar));
        using var http = new HttpClient();
        var polling = await http.GetAsync(new Uri($"http://127.0.0.1:{sidecar.Port}/socket.io/?EIO=4&transport=polling"));
        Assert.Equal(HttpStatusCode.TooManyRequests, polling.StatusCode);
        Assert.Equal("{\"code\":4,\"message\":\"Too many connections from this address\"}", await polling.Content.ReadAsStringAsync());

        // A socket that closes gives its slot back (a game server reconnecting).
        await open[0].DisposeAsync();
        PlayerClient? again = null;
        await Eventually.True(async () =>
        {
            try
            {
                again = await PlayerClient.ConnectAsync(sidecar);
                return true;
            }
            catch (WebSocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "a sidecar slot freed by a closed socket");
        await again!.DisposeAsync();
        foreach (var client in open.Skip(1))
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_sidecar_cap_and_bind_address_are_settings()
    {
        await using var app = await RealmTestHost.StartAsync(TestDatabase.Sqlite, new Dictionary<string, string?>
        {
            ["Redwood:Sidecar:MaxConnectionsPerAddress"] = "2",
            ["Redwood:Sidecar:BindAddress"] = "127.0.0.2",
        });
        var port = (await OpenListenerAsync(app)).Port;
        var sidecar = new Uri($"ws://127.0.0.2:{port}");

        await using var a = await PlayerClient.ConnectAsync(sidecar);
        await using var b = await PlayerClient.ConnectAsync(sidecar, withAuthObject: true);
        await Assert.ThrowsAnyAsync<WebSocketException>(() => PlayerClient.ConnectAsync(sidecar));
        await Assert.ThrowsAnyAsync<WebSocketException>(() => PlayerClient.ConnectAsync(new Uri($"ws://127.0.0.1:{port}")));
    }

    private static async Task<Uri> OpenListenerAsync(RedwoodApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var reply = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new OpenSidecarListener("default", "limit-test-" + Guid.NewGuid().ToString("N")[..8], 0));
        Assert.Equal(string.Empty, reply.Error);
        return new Uri($"ws://127.0.0.1:{reply.Port}");
    }
}
