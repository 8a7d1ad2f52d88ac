using System.Text.Json;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Redwood.Director.Contracts;
using Redwood.Testing;

namespace Redwood.Director.Tests.Features;

public sealed class RealmHandoffTests
{
    private const string Event = "realm:auth:player:connect:client-to-director";

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_token_is_consumed_exactly_once_with_the_player_details(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        await using var client = await app.ConnectAsync();
        var username = DirectorApp.NewUsername();
        var playerId = (await client.RegisterAndLoginAsync(username)).Str("playerId");

        var ack = await client.RequestAsync(Event, new { playerId, realmId = "default" });
        var token = ack.Str("token");
        var first = await ConsumeAsync(app, new ConsumeRealmHandoffToken(playerId, "default", token));
        var second = await ConsumeAsync(app, new ConsumeRealmHandoffToken(playerId, "default", token));

        Assert.Equal(string.Empty, ack.Str("error"));
        Assert.True(token.Length >= 22);
        Assert.Equal(HandoffTokenError.None, first.Error);
        Assert.Equal(username, first.Nickname);
        Assert.Equal(0, first.Role);
        using var data = JsonDocument.Parse(first.PlayerData!);
        Assert.Equal(playerId, data.RootElement.Str("id"));
        Assert.Equal(username, data.RootElement.Str("nickname"));
        Assert.Equal(JsonValueKind.Null, data.RootElement.GetProperty("selectedGuild").ValueKind);
        Assert.Equal(JsonValueKind.Object, data.RootElement.GetProperty("data").ValueKind);
        Assert.Equal(HandoffTokenError.InvalidToken, second.Error);
        Assert.Null(second.Nickname);
        Assert.DoesNotContain(await app.WithDbAsync(db => db.RealmHandoffTokens.Select(t => t.TokenHash).ToListAsync()), h => h == token);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Concurrent_redemptions_of_one_token_succeed_once(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        await using var client = await app.ConnectAsync();
        var playerId = (await client.RegisterAndLoginAsync(DirectorApp.NewUsername())).Str("playerId");
        var token = await MintAsync(client, playerId, "default");

        var replies = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(_ => Task.Run(() => ConsumeAsync(app, new ConsumeRealmHandoffToken(playerId, "default", token)))));

        Assert.Single(replies, r => r.Error == HandoffTokenError.None);
        Assert.All(replies.Where(r => r.Error != HandoffTokenError.None), r => Assert.Equal(HandoffTokenError.InvalidToken, r.Error));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Refuses_a_token_for_another_realm_or_player_without_consuming_it(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database, ListRealmsTests.ThreeRealms);
        await using var client = await app.ConnectAsync();
        var playerId = (await client.RegisterAndLoginAsync(DirectorApp.NewUsername())).Str("playerId");
        var token = await MintAsync(client, playerId, "eu");

        var wrongRealm = await ConsumeAsync(app, new ConsumeRealmHandoffToken(playerId, "us", token));
        var wrongPlayer = await ConsumeAsync(app, new ConsumeRealmHandoffToken("someone-else", "eu", token));
        var garbage = await ConsumeAsync(app, new ConsumeRealmHandoffToken(playerId, "eu", "not-a-token"));
        var right = await ConsumeAsync(app, new ConsumeRealmHandoffToken(playerId, "eu", token));

        Assert.Equal(HandoffTokenError.WrongRealm, wrongRealm.Error);
        Assert.Equal(HandoffTokenError.InvalidToken, wrongPlayer.Error);
        Assert.Equal(HandoffTokenError.InvalidToken, garbage.Error);
        Assert.Equal(HandoffTokenError.None, right.Error);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Refuses_an_expired_token(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database, ("Redwood:Director:HandoffTokenLifetime", "00:00:01"));
        await using var client = await app.ConnectAsync();
        var playerId = (await client.RegisterAndLoginAsync(DirectorApp.NewUsername())).Str("playerId");
        var token = await MintAsync(client, playerId, "default");

        // Asking for another realm never consumes the token, so it can probe until the token expires.
        await Eventually.True(
            async () => (await ConsumeAsync(app, new ConsumeRealmHandoffToken(playerId, "other", token))).Error == HandoffTokenError.Expired,
            TimeSpan.FromSeconds(10), "the hand-off token to expire");
        Assert.Equal(HandoffTokenError.Expired, (await ConsumeAsync(app, new ConsumeRealmHandoffToken(playerId, "default", token))).Error);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Refuses_before_login_for_another_player_id_and_for_an_unknown_realm(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        await using var client = await app.ConnectAsync();

        var before = await client.RequestAsync(Event, new { playerId = "someone", realmId = "default" });
        var playerId = (await client.RegisterAndLoginAsync(DirectorApp.NewUsername())).Str("playerId");
        var mismatch = await client.RequestAsync(Event, new { playerId = "someone-else", realmId = "default" });
        var unknownRealm = await client.RequestAsync(Event, new { playerId, realmId = "nowhere" });
        var noRealm = await client.RequestAsync(Event, new { playerId });

        Assert.Equal("Not logged in", before.Str("error"));
        Assert.Equal("playerId does not match the logged-in player", mismatch.Str("error"));
        Assert.Equal("Unknown realm", unknownRealm.Str("error"));
        Assert.Equal("realmId is required", noRealm.Str("error"));
        Assert.All(new[] { before, mismatch, unknownRealm, noRealm }, a => Assert.Equal(string.Empty, a.Str("token")));
        Assert.Equal(0, await app.WithDbAsync(db => db.RealmHandoffTokens.CountAsync()));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Minting_beyond_the_outstanding_bound_retires_the_oldest_and_used_tokens(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database, ("Redwood:Director:MaxOutstandingHandoffTokens", "3"));
        await using var client = await app.ConnectAsync();
        var playerId = (await client.RegisterAndLoginAsync(DirectorApp.NewUsername())).Str("playerId");
        var used = await MintAsync(client, playerId, "default");
        Assert.Equal(HandoffTokenError.None, (await ConsumeAsync(app, new ConsumeRealmHandoffToken(playerId, "default", used))).Error);

        var tokens = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var ack = await client.RequestAsync(Event, new { playerId, realmId = "default" });
            Assert.Equal(string.Empty, ack.Str("error"));
            tokens.Add(ack.Str("token"));
        }

        // Three unused tokens at most: the two oldest are gone, and so is the one already used.
        Assert.Equal(3, await app.WithDbAsync(db => db.RealmHandoffTokens.CountAsync(t => t.PlayerId == playerId)));
        Assert.Equal(HandoffTokenError.InvalidToken, (await ConsumeAsync(app, new ConsumeRealmHandoffToken(playerId, "default", tokens[0]))).Error);
        Assert.Equal(HandoffTokenError.InvalidToken, (await ConsumeAsync(app, new ConsumeRealmHandoffToken(playerId, "default", tokens[1]))).Error);
        foreach (var token in tokens.Skip(2))
        {
            Assert.Equal(HandoffTokenError.None, (await ConsumeAsync(app, new ConsumeRealmHandoffToken(playerId, "default", token))).Error);
        }
    }

    /// <summary>A hand-off token for the logged-in player and the realm.</summary>
    private static async Task<string> MintAsync(PlayerClient client, string playerId, string realmId) =>
        (await client.RequestAsync(Event, new { playerId, realmId })).Str("token");

    private static async Task<ConsumeRealmHandoffTokenReply> ConsumeAsync(RedwoodApp app, ConsumeRealmHandoffToken request)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(request);
    }
}
