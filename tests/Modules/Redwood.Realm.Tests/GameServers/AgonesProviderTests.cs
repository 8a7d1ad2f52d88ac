using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Redwood.Realm.GameServers;
using Redwood.Testing;

namespace Redwood.Realm.Tests.GameServers;

/// <summary>
/// The agones provider against an HTTP server that answers as the Kubernetes API does for
/// <c>allocation.agones.dev/v1</c> GameServerAllocations. No cluster runs here: what a real API server and Agones
/// controller would do beyond these documented answers is not covered.
/// </summary>
public sealed class AgonesProviderTests
{
    [Fact]
    public async Task Allocates_from_the_fleet_with_the_realm_and_profile_selectors_and_records_the_GameServer_name()
    {
        await using var agones = await FakeAgones.StartAsync("redwood-fleet-x7k2p-4mzqv", "10.0.0.7", 7654);
        using var provider = Provider(agones);

        var launched = await provider.AllocateAsync("c0ffee", "duo", CancellationToken.None);

        Assert.Equal("redwood-fleet-x7k2p-4mzqv", launched.ProviderId);
        Assert.Equal("redwood-fleet-x7k2p-4mzqv", launched.SidecarId);
        Assert.Equal("10.0.0.7:7654", launched.Connection);
        var request = Assert.Single(agones.Allocations);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/apis/allocation.agones.dev/v1/namespaces/games/gameserverallocations", request.Path);
        Assert.Equal("allocation.agones.dev/v1", request.Body.GetProperty("apiVersion").GetString());
        Assert.Equal("GameServerAllocation", request.Body.GetProperty("kind").GetString());
        var selector = Assert.Single(request.Body.GetProperty("spec").GetProperty("selectors").EnumerateArray());
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["agones.dev/fleet"] = "redwood-fleet",
                ["redwood.dev/profile"] = "duo",
                ["redwood.dev/realm"] = "eu",
                ["tier"] = "gold",
            },
            selector.GetProperty("matchLabels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!));
        var annotations = request.Body.GetProperty("spec").GetProperty("metadata").GetProperty("annotations");
        Assert.Equal("eu", annotations.GetProperty("redwood.dev/realm").GetString());
        Assert.Equal("c0ffee", annotations.GetProperty("redwood.dev/server-id").GetString());
    }

    [Fact]
    public async Task A_server_without_a_profile_is_selected_by_fleet_and_realm_only()
    {
        await using var agones = await FakeAgones.StartAsync("gs-1", "10.0.0.8", 7000);
        using var provider = Provider(agones);

        await provider.AllocateAsync("c1", null, CancellationToken.None);

        var labels = Assert.Single(agones.Allocations).Body.GetProperty("spec").GetProperty("selectors")[0].GetProperty("matchLabels");
        Assert.Equal(["agones.dev/fleet", "redwood.dev/realm", "tier"], labels.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Asks_again_while_no_GameServer_is_Ready_or_under_contention_then_takes_the_one_allocated()
    {
        await using var agones = await FakeAgones.StartAsync("gs-late", "10.0.0.9", 7100);
        agones.AnswerNext("UnAllocated", "Contention");
        using var provider = Provider(agones, waitForReady: "00:00:30");

        var launched = await provider.AllocateAsync("c2", "duo", CancellationToken.None);

        Assert.Equal("gs-late", launched.ProviderId);
        Assert.Equal("10.0.0.9:7100", launched.Connection);
        Assert.Equal(3, agones.Allocations.Count);
    }

    [Fact]
    public async Task Fails_with_a_clear_error_when_no_GameServer_becomes_Ready_in_time()
    {
        await using var agones = await FakeAgones.StartAsync("gs-never", "10.0.0.10", 7200);
        agones.AnswerNext([.. Enumerable.Repeat("UnAllocated", 100)]);
        using var provider = Provider(agones, waitForReady: "00:00:01");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.AllocateAsync("c3", "duo", CancellationToken.None));

        Assert.Contains("Agones has no Ready GameServer matching agones.dev/fleet=redwood-fleet,redwood.dev/profile=duo,redwood.dev/realm=eu,tier=gold", error.Message);
        Assert.Contains("namespace 'games'", error.Message);
        Assert.Contains("'UnAllocated'", error.Message);
        Assert.NotEmpty(agones.Allocations);
    }

    [Theory]
    [InlineData("Redwood:GameServers:Agones:Fleet", "", "Redwood:GameServers:Agones:Fleet")]
    [InlineData("Redwood:GameServers:WarmPoolSize", "2", "Redwood:GameServers:WarmPoolSize")]
    [InlineData("Redwood:GameServers:Agones:Labels:0", "tier", "Redwood:GameServers:Agones:Labels:0")]
    [InlineData("Redwood:GameServers:Agones:ApiServer", "kube:6443", "Redwood:GameServers:Agones:ApiServer")]
    [InlineData("Redwood:GameServers:Provider", "kubernetes", "Redwood:GameServers:Provider")]
    public void Bad_agones_settings_stop_start_up_naming_the_setting(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Redwood:GameServers:Provider"] = "agones",
            ["Redwood:GameServers:Agones:Fleet"] = "redwood-fleet",
            [key] = value,
        };

        var error = Assert.Throws<InvalidOperationException>(
            () => GameServerSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()));

        Assert.Contains(named, error.Message);
    }

    private static AgonesGameServerProvider Provider(FakeAgones agones, string waitForReady = "00:00:05")
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redwood:Realm:Id"] = "eu",
            ["Redwood:GameServers:Provider"] = "agones",
            ["Redwood:GameServers:Agones:ApiServer"] = agones.Url.AbsoluteUri,
            ["Redwood:GameServers:Agones:Namespace"] = "games",
            ["Redwood:GameServers:Agones:Fleet"] = "redwood-fleet",
            ["Redwood:GameServers:Agones:RealmLabel"] = "redwood.dev/realm",
            ["Redwood:GameServers:Agones:ProfileLabel"] = "redwood.dev/profile",
            ["Redwood:GameServers:Agones:Labels:0"] = "tier=gold",
            ["Redwood:GameServers:Agones:WaitForReady"] = waitForReady,
        }).Build();
        var services = new ServiceCollection().BuildServiceProvider();
        return new AgonesGameServerProvider(
            GameServerSettings.Read(configuration),
            RealmSettings.Read(configuration),
            services.GetRequiredService<IServiceScopeFactory>(),
            TimeProvider.System,
            NullLogger<AgonesGameServerProvider>.Instance);
    }
}
