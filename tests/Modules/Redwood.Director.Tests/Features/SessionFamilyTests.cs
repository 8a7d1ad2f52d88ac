using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Redwood.Director.Contracts;
using Redwood.Testing;

namespace Redwood.Director.Tests.Features;

public sealed class SessionFamilyTests
{
    private const string Invalid = "Invalid username or password";

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Logout_logs_out_every_socket_of_the_family_and_voids_its_handoff_tokens(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        var username = DirectorApp.NewUsername();
        await using var first = await app.ConnectAsync();
        var login = await first.RegisterAndLoginAsync(username);
        var playerId = login.Str("playerId");
        await using var sameFamily = await app.ConnectAsync();
        Assert.Equal(string.Empty, (await sameFamily.ReconnectLoginAsync(playerId, login.Str("token"))).Str("error"));
        await using var otherDevice = await app.ConnectAsync();
        Assert.Equal(string.Empty, (await otherDevice.LoginAsync(username, DirectorApp.Password)).Str("error"));
        var handoff = (await sameFamily.RequestAsync("realm:auth:player:connect:client-to-director", new { playerId, realmId = "default" })).Str("token");

        await first.EmitAsync("player:logout", new { playerId });
        Assert.Equal("Not logged in", (await first.RequestAsync("realm:list", new { playerId })).Str("error"));

        Assert.Equal("Not logged in", (await sameFamily.RequestAsync("realm:list", new { playerId })).Str("error"));
        Assert.Equal("Not logged in", (await sameFamily.RequestAsync("realm:auth:player:connect:client-to-director", new { playerId, realmId = "default" })).Str("error"));
        Assert.Equal(string.Empty, (await otherDevice.RequestAsync("realm:list", new { playerId })).Str("error"));
        var consumed = await ConsumeAsync(app, new ConsumeRealmHandoffToken(playerId, "default", handoff));
        Assert.Equal(HandoffTokenError.InvalidToken, consumed.Error);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_rotated_out_token_works_once_more_then_its_reuse_revokes_the_family(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        await using var client = await app.ConnectAsync();
        var login = await client.RegisterAndLoginAsync(DirectorApp.NewUsername());
        var (playerId, oldToken) = (login.Str("playerId"), login.Str("token"));
        await using var holder = await app.ConnectAsync();
        var current = (await holder.ReconnectLoginAsync(playerId, oldToken)).Str("token");

        await using var retry = await app.ConnectAsync();
        var retried = await retry.ReconnectLoginAsync(playerId, oldToken);
        await using var thief = await app.ConnectAsync();
        var reused = await thief.ReconnectLoginAsync(playerId, oldToken);

        Assert.Equal(string.Empty, retried.Str("error"));
        Assert.Equal(Invalid, reused.Str("error"));
        Assert.Equal("Not logged in", (await holder.RequestAsync("realm:list", new { playerId })).Str("error"));
        await using var later = await app.ConnectAsync();
        Assert.Equal(Invalid, (await later.ReconnectLoginAsync(playerId, current)).Str("error"));
        Assert.Equal(Invalid, (await later.ReconnectLoginAsync(playerId, retried.Str("token"))).Str("error"));
        Assert.Single(app.Logs.Entries, e => e.Id.Id == 1018);
    }

    [Fact]
    public async Task A_rotated_out_token_used_after_its_grace_revokes_the_family()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite, ("Redwood:Director:Auth:TokenRotationGrace", "00:00:01"));
        await using var client = await app.ConnectAsync();
        var login = await client.RegisterAndLoginAsync(DirectorApp.NewUsername());
        var (playerId, oldToken) = (login.Str("playerId"), login.Str("token"));
        var current = (await client.ReconnectLoginAsync(playerId, oldToken)).Str("token");
        await Eventually.True(
            () => app.WithDbAsync(db => Task.FromResult(db.Sessions.Single(s => s.TokenHash == Hash(oldToken)).ExpiresAt < DateTime.UtcNow)),
            TimeSpan.FromSeconds(10), "the grace to pass");

        await using var late = await app.ConnectAsync();
        Assert.Equal(Invalid, (await late.ReconnectLoginAsync(playerId, oldToken)).Str("error"));
        Assert.Equal(Invalid, (await late.ReconnectLoginAsync(playerId, current)).Str("error"));
    }

    private static string Hash(string token) => Redwood.Director.Domain.SecretToken.Hash(token);

    private static async Task<ConsumeRealmHandoffTokenReply> ConsumeAsync(RedwoodApp app, ConsumeRealmHandoffToken request)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(request);
    }
}

public sealed class HandoffTokenQuotaTests
{
    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Minting_beyond_the_outstanding_limit_retires_the_oldest_token(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        await using var client = await app.ConnectAsync();
        var playerId = (await client.RegisterAndLoginAsync(DirectorApp.NewUsername())).Str("playerId");

        var tokens = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            tokens.Add((await client.RequestAsync("realm:auth:player:connect:client-to-director", new { playerId, realmId = "default" })).Str("token"));
        }

        Assert.Equal(5, await app.WithDbAsync(db => Task.FromResult(db.RealmHandoffTokens.Count(t => t.PlayerId == playerId))));
        await using var scope = app.Services.CreateAsyncScope();
        var sender = scope.ServiceProvider.GetRequiredService<ISender>();
        Assert.Equal(HandoffTokenError.InvalidToken, (await sender.Send(new ConsumeRealmHandoffToken(playerId, "default", tokens[0]))).Error);
        Assert.Equal(HandoffTokenError.InvalidToken, (await sender.Send(new ConsumeRealmHandoffToken(playerId, "default", tokens[1]))).Error);
        Assert.Equal(HandoffTokenError.None, (await sender.Send(new ConsumeRealmHandoffToken(playerId, "default", tokens[2]))).Error);
        Assert.Equal(HandoffTokenError.None, (await sender.Send(new ConsumeRealmHandoffToken(playerId, "default", tokens[6]))).Error);
    }
}
