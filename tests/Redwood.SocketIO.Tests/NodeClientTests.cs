using Redwood.SocketIO.Tests.Support;

namespace Redwood.SocketIO.Tests;

/// <summary>The official JavaScript socket.io-client (node/scenarios.mjs) against the conformance handlers.</summary>
public sealed class NodeClientTests
{
    [Theory]
    [InlineData("websocket-only")]
    [InlineData("polling-only")]
    [InlineData("polling-then-upgrade")]
    [InlineData("acks")]
    [InlineData("server-emits")]
    [InlineData("binary")]
    [InlineData("bad-namespace")]
    [InlineData("auth")]
    public async Task Scenario_passes_against_in_process_server(string scenario)
    {
        await using var server = await TestServer.StartAsync();

        await NodeRunner.RunAsync(scenario, server.Url);

        Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task Heartbeat_scenario_survives_several_server_pings()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(200);
            o.PingTimeout = TimeSpan.FromMilliseconds(1000);
        });

        await NodeRunner.RunAsync("heartbeat", server.Url);
    }

    [Theory]
    [InlineData("websocket-only")]
    [InlineData("polling-then-upgrade")]
    [InlineData("binary")]
    [InlineData("heartbeat")]
    public async Task Scenario_passes_against_the_conformance_server_process(string scenario)
    {
        await using var server = await ConformanceServerProcess.StartAsync("--ping-interval", "200", "--ping-timeout", "1000", "--max-payload", "1000000");

        await NodeRunner.RunAsync(scenario, server.Url);
    }
}
