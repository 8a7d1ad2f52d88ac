using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Redwood.Realm.Features.Characters;
using Redwood.Realm.Persistence;
using Redwood.Realm.Tests.Support;
using Redwood.Testing;

namespace Redwood.Realm.Tests.Features;

/// <summary>The archival period: 0 deletes at once; otherwise the purge deletes characters archived long enough ago.</summary>
public sealed class ArchivalTests
{
    [Theory]
    [InlineData(TestDatabase.Sqlite)]
    [InlineData(TestDatabase.Postgres)]
    public async Task Deletes_at_once_with_an_archival_period_of_zero(TestDatabase database)
    {
        await using var app = await RealmTestHost.StartAsync(database, new Dictionary<string, string?>
        {
            ["Redwood:Realm:Characters:ArchivalPeriodDays"] = "0",
        });
        await using var player = await TestPlayer.CreateAsync(app.Uri("director"));
        var realm = await player.SignInAsync(app.Uri("realm"));
        var name = Names.Unique("Gone");
        var id = (await realm.RequestAsync("realm:characters:create", new { playerId = player.PlayerId, name, characterCreatorData = new { } }))
            .GetProperty("character").GetProperty("id").GetString()!;

        Ack.Succeeded(await realm.RequestAsync("realm:characters:archive", new { id = player.PlayerId, characterId = id, archived = true }));

        var list = await realm.RequestAsync("realm:characters:list", new { playerId = player.PlayerId, includeArchived = true });
        Assert.Equal(0, list.GetProperty("characters").GetArrayLength());
        Ack.Succeeded(await realm.RequestAsync("realm:characters:create", new { playerId = player.PlayerId, name, characterCreatorData = new { } }));
    }

    [Theory]
    [InlineData(TestDatabase.Sqlite)]
    [InlineData(TestDatabase.Postgres)]
    public async Task Purges_characters_archived_longer_than_the_period(TestDatabase database)
    {
        await using var app = await RealmTestHost.StartAsync(database);
        await using var player = await TestPlayer.CreateAsync(app.Uri("director"));
        var realm = await player.SignInAsync(app.Uri("realm"));
        var archivedId = (await realm.RequestAsync("realm:characters:create", new { playerId = player.PlayerId, name = Names.Unique("Old"), characterCreatorData = new { } }))
            .GetProperty("character").GetProperty("id").GetString()!;
        var keptId = (await realm.RequestAsync("realm:characters:create", new { playerId = player.PlayerId, name = Names.Unique("Kept"), characterCreatorData = new { } }))
            .GetProperty("character").GetProperty("id").GetString()!;
        Ack.Succeeded(await realm.RequestAsync("realm:characters:archive", new { id = player.PlayerId, characterId = archivedId, archived = true }));

        var settings = app.Services.GetRequiredService<RealmSettings>();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
        var tooEarly = await new PurgeArchivedCharactersHandler(db, new ShiftedTime(TimeSpan.FromHours(23)), settings, NullLogger<PurgeArchivedCharactersHandler>.Instance)
            .Handle(new PurgeArchivedCharactersCommand(), CancellationToken.None);
        var due = await new PurgeArchivedCharactersHandler(db, new ShiftedTime(TimeSpan.FromHours(25)), settings, NullLogger<PurgeArchivedCharactersHandler>.Instance)
            .Handle(new PurgeArchivedCharactersCommand(), CancellationToken.None);

        Assert.Equal(0, tooEarly);
        Assert.Equal(1, due);
        var list = await realm.RequestAsync("realm:characters:list", new { playerId = player.PlayerId, includeArchived = true });
        var remaining = Assert.Single(list.GetProperty("characters").EnumerateArray());
        Assert.Equal(keptId, remaining.GetProperty("id").GetString());
    }

    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}
