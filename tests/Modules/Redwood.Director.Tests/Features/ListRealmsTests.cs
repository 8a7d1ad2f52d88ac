using System.Text.Json;
using Redwood.Testing;

namespace Redwood.Director.Tests.Features;

public sealed class ListRealmsTests
{
    internal static readonly (string, string?)[] ThreeRealms =
    [
        ("Redwood:Director:Realms:0:Id", "eu"),
        ("Redwood:Director:Realms:0:Name", "Europe"),
        ("Redwood:Director:Realms:0:Uri", "ws://eu.example:3011"),
        ("Redwood:Director:Realms:0:Secret", "eu-secret"),
        ("Redwood:Director:Realms:1:Id", "hidden"),
        ("Redwood:Director:Realms:1:Name", "Hidden"),
        ("Redwood:Director:Realms:1:Uri", "ws://hidden.example:3011"),
        ("Redwood:Director:Realms:1:Listed", "false"),
        ("Redwood:Director:Realms:1:Secret", "hidden-secret"),
        ("Redwood:Director:Realms:2:Id", "us"),
        ("Redwood:Director:Realms:2:Name", "America"),
        ("Redwood:Director:Realms:2:Uri", "wss://us.example:3011"),
        ("Redwood:Director:Realms:2:Secret", "us-secret"),
    ];

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Lists_the_default_realm_when_none_is_configured(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        await using var client = await app.ConnectAsync();
        var playerId = (await client.RegisterAndLoginAsync(DirectorApp.NewUsername())).Str("playerId");

        var ack = await client.RequestAsync("realm:list", new { playerId });

        Assert.Equal(string.Empty, ack.Str("error"));
        var realm = Assert.Single(ack.GetProperty("realms").EnumerateArray());
        Assert.Equal(["id", "createdAt", "updatedAt", "name", "uri", "listed", "secret"], realm.EnumerateObject().Select(p => p.Name));
        Assert.Equal("default", realm.Str("id"));
        Assert.Equal("Default", realm.Str("name"));
        Assert.Equal("ws://localhost:3011", realm.Str("uri"));
        Assert.True(realm.GetProperty("listed").GetBoolean());
        Assert.Equal(string.Empty, realm.Str("secret"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", realm.Str("createdAt"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", realm.Str("updatedAt"));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Lists_only_listed_realms_in_configuration_order(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database, ThreeRealms);
        await using var client = await app.ConnectAsync();
        var playerId = (await client.RegisterAndLoginAsync(DirectorApp.NewUsername())).Str("playerId");

        var realms = (await client.RequestAsync("realm:list", new { playerId })).GetProperty("realms").EnumerateArray().ToList();

        Assert.Equal(["eu", "us"], realms.Select(r => r.Str("id")));
        Assert.Equal(["ws://eu.example:3011", "wss://us.example:3011"], realms.Select(r => r.Str("uri")));
        Assert.All(realms, r => Assert.Equal(string.Empty, r.Str("secret")));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Refuses_before_login_and_for_another_player_id_with_an_empty_list(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        await using var client = await app.ConnectAsync();

        var before = await client.RequestAsync("realm:list", new { playerId = "someone" });
        await client.RegisterAndLoginAsync(DirectorApp.NewUsername());
        var mismatch = await client.RequestAsync("realm:list", new { playerId = "someone-else" });

        Assert.Equal("Not logged in", before.Str("error"));
        Assert.Equal(JsonValueKind.Array, before.GetProperty("realms").ValueKind);
        Assert.Equal(0, before.GetProperty("realms").GetArrayLength());
        Assert.Equal("playerId does not match the logged-in player", mismatch.Str("error"));
        Assert.Equal(0, mismatch.GetProperty("realms").GetArrayLength());
    }
}
