using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Redwood.Director.Contracts;
using Redwood.Testing;

namespace Redwood.Director.Tests.Features;

public sealed class SignInRealmTests
{
    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Lists_the_signed_in_uri_instead_of_the_configured_one_also_after_a_restart(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database, ListRealmsTests.ThreeRealms);

        var reply = await SendAsync(app, new SignInRealm("us", "us-secret", "America West", "ws://10.0.0.7:40123"));

        Assert.Equal(SignInRealmError.None, reply.Error);
        Assert.Equal(["ws://eu.example:3011", "ws://10.0.0.7:40123"], await ListedUrisAsync(app));
        await app.RestartAsync();
        Assert.Equal(["ws://eu.example:3011", "ws://10.0.0.7:40123"], await ListedUrisAsync(app));
        await using var client = await app.ConnectAsync();
        var playerId = (await client.RegisterAndLoginAsync(DirectorApp.NewUsername())).Str("playerId");
        var us = (await client.RequestAsync("realm:list", new { playerId })).GetProperty("realms")[1];
        Assert.Equal("America West", us.Str("name"));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Refuses_a_wrong_secret_and_leaves_the_list_unchanged(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database, ListRealmsTests.ThreeRealms);

        var reply = await SendAsync(app, new SignInRealm("eu", "not-the-secret", "Evil", "ws://evil.example:1"));

        Assert.Equal(SignInRealmError.WrongSecret, reply.Error);
        Assert.Equal(["ws://eu.example:3011", "wss://us.example:3011"], await ListedUrisAsync(app));
        Assert.Equal(0, await app.WithDbAsync(db => db.RealmSignIns.CountAsync()));
    }

    [Fact]
    public async Task Refuses_an_unknown_realm()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite);

        var reply = await SendAsync(app, new SignInRealm("nowhere", DirectorSettings.DevRealmSecret, "Nowhere", "ws://localhost:1"));

        Assert.Equal(SignInRealmError.UnknownRealm, reply.Error);
        Assert.Equal(0, await app.WithDbAsync(db => db.RealmSignIns.CountAsync()));
    }

    [Fact]
    public async Task Accepts_the_default_realm_with_the_development_secret()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite);

        var reply = await SendAsync(app, new SignInRealm("default", DirectorSettings.DevRealmSecret, "Default", "ws://127.0.0.1:45678"));

        Assert.Equal(SignInRealmError.None, reply.Error);
        Assert.Equal(["ws://127.0.0.1:45678"], await ListedUrisAsync(app));
    }

    private static async Task<SignInRealmReply> SendAsync(RedwoodApp app, SignInRealm request)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(request);
    }

    private static async Task<List<string>> ListedUrisAsync(RedwoodApp app)
    {
        await using var client = await app.ConnectAsync();
        var playerId = (await client.RegisterAndLoginAsync(DirectorApp.NewUsername())).Str("playerId");
        var ack = await client.RequestAsync("realm:list", new { playerId });
        return [.. ack.GetProperty("realms").EnumerateArray().Select(r => r.Str("uri"))];
    }
}
