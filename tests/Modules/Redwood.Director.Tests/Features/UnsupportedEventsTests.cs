using System.Text.Json;
using Redwood.Director.Transport;
using Redwood.SharedKernel.Transport;
using Redwood.SocketIO;
using Redwood.Testing;

namespace Redwood.Director.Tests.Features;

public sealed class UnsupportedEventsTests
{
    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Answers_every_unsupported_event_in_the_ack_shape_the_plugin_reads(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        await using var client = await app.ConnectAsync();
        var playerId = (await client.RegisterAndLoginAsync(DirectorApp.NewUsername())).Str("playerId");

        foreach (var (name, shape) in UnsupportedEvents.Table.Where(e => !UnsupportedEvents.NoAck.Contains(e.Key)))
        {
            var ack = await client.RequestAsync(name, new { playerId });

            var expected = JsonSerializer.SerializeToElement(shape(SocketRouteExtensions.NotSupported), SocketIOJson.Options);
            Assert.True(JsonElement.DeepEquals(expected, ack), $"{name}: expected {expected.GetRawText()}, got {ack.GetRawText()}");
            Assert.Equal("Not supported by this server yet", ack.Str("error"));
            foreach (var property in ack.EnumerateObject().Where(p => p.Name != "error"))
            {
                Assert.Contains(property.Value.ValueKind, new[] { JsonValueKind.Array, JsonValueKind.String, JsonValueKind.False, JsonValueKind.Null });
            }
        }
    }

    [Fact]
    public void Covers_the_director_events_of_the_plugin_that_are_not_built()
    {
        // §1.5: 44 Director events (42 with an ack); six are built here (five with an ack, player:logout without).
        Assert.Equal(44 - 6, UnsupportedEvents.Table.Count);
        Assert.Equal(42 - 5, UnsupportedEvents.Table.Count - UnsupportedEvents.NoAck.Count);
        Assert.All(UnsupportedEvents.NoAck, name => Assert.Contains(name, UnsupportedEvents.Table.Keys));
        Assert.Contains("director:guilds:alliances:membership:list", UnsupportedEvents.Table.Keys);
        Assert.Contains("player:get-text-chat-credentials", UnsupportedEvents.Table.Keys);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Ignores_no_ack_events_and_answers_unknown_events(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        await using var client = await app.ConnectAsync();
        var playerId = (await client.RegisterAndLoginAsync(DirectorApp.NewUsername())).Str("playerId");

        await client.EmitAsync("director:players:online-state:set-character", new { playerId, characterId = "c", realmId = "default" });
        var unknown = await client.RequestAsync("director:does-not-exist", new { playerId });
        var afterwards = await client.RequestAsync("realm:list", new { playerId });

        Assert.Equal("Unknown event 'director:does-not-exist'", unknown.Str("error"));
        Assert.Equal(string.Empty, afterwards.Str("error"));
        Assert.False(client.HasPush("director:players:online-state:set-character"));
    }
}
