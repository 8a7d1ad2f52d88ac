using System.Text.Json;
using Redwood.Realm.Tests.Support;

namespace Redwood.Realm.Tests.Features;

/// <summary>Every Realm event of §2.2 this server does not build yet gets its ack shape and "Not supported".</summary>
public sealed class UnsupportedEventTests(SqliteRealm fixture) : IClassFixture<SqliteRealm>
{
    private const string NotSupported = "Not supported by this server yet";

    /// <summary>From the spec: each event and the extra fields its ack must carry.</summary>
    public static TheoryData<string, string> Events => new()
    {
        { "realm:contacts:list", """{"contacts":[],"blockedContacts":[]}""" },
        { "realm:contacts:add", "{}" },
        { "realm:contacts:remove", "{}" },
        { "realm:parties:get:frontend", """{"party":null}""" },
        { "realm:parties:leave", "{}" },
        { "realm:parties:invites:initiate", "{}" },
        { "realm:parties:invites:get", """{"invites":[]}""" },
        { "realm:parties:invites:respond", """{"party":null}""" },
        { "realm:parties:promote", "{}" },
        { "realm:parties:kick", "{}" },
        { "realm:parties:set", """{"party":null}""" },
    };

    [Fact]
    public void The_table_covers_exactly_the_unbuilt_events_of_the_spec() =>
        Assert.Equal(
            Events.Select(row => (string)row[0]).Order(StringComparer.Ordinal),
            Realm.Transport.UnsupportedEvents.Table.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Events))]
    public async Task Answers_unbuilt_events_in_the_shape_the_plugin_reads(string eventName, string extraFields)
    {
        await using var player = await fixture.SignedInPlayerAsync();

        var ack = await player.Realm.RequestAsync(eventName, new { playerId = player.PlayerId, id = player.PlayerId });

        Assert.Equal(NotSupported, ack.GetProperty("error").GetString());
        var expected = JsonDocument.Parse(extraFields).RootElement;
        Assert.Equal(["error", .. Ack.Keys(expected)], Ack.Keys(ack).OrderBy(k => k == "error" ? 0 : 1).ThenBy(k => k, StringComparer.Ordinal));
        foreach (var field in expected.EnumerateObject())
        {
            Assert.Equal(field.Value.GetRawText(), ack.GetProperty(field.Name).GetRawText());
        }
    }

    [Fact]
    public async Task Ignores_no_ack_party_events_and_answers_unknown_events()
    {
        await using var player = await fixture.SignedInPlayerAsync();

        await player.Realm.EmitAsync("realm:parties:emote", new { playerId = player.PlayerId, emote = "wave" });
        await player.Realm.EmitAsync("realm:parties:select-character", new { playerId = player.PlayerId, characterId = "c1" });
        var unknown = await player.Realm.RequestAsync("realm:does-not-exist", new { });

        Assert.Equal("Unknown event 'realm:does-not-exist'", unknown.GetProperty("error").GetString());
        Ack.Succeeded(await player.Realm.RequestAsync("realm:characters:list", new { playerId = player.PlayerId }));
    }
}
