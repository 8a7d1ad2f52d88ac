using Redwood.Realm.Tests.Support;
using Redwood.Testing;

namespace Redwood.Realm.Tests.Features;

/// <summary>
/// Two realm processes on one Director, reaching it over Redis: the second realm signs in, takes hand-offs, keeps
/// its characters in its own schema of the shared PostgreSQL database, and drops its sockets on a Director logout.
/// </summary>
public sealed class TwoRealmTests
{
    [Fact]
    public async Task Serves_two_realms_from_one_director_over_redis()
    {
        var redis = TestEnvironment.Redis;
        var prefix = SplitProcessSettings.NewPrefix();
        await using var main = await RealmTestHost.StartAsync(TestDatabase.Postgres, new Dictionary<string, string?>
        {
            ["Redwood:Redis:Configuration"] = redis,
            ["Redwood:Redis:Prefix"] = prefix,
        });
        await using var second = await RedwoodApp.StartAsync(TestDatabase.Postgres, RealmTestHost.Settings(new Dictionary<string, string?>
        {
            ["Redwood:Redis:Configuration"] = redis,
            ["Redwood:Redis:Prefix"] = prefix,
            ["ConnectionStrings:Redwood"] = main.Settings["ConnectionStrings:Redwood"],
            ["Redwood:Modules:Director:Enabled"] = "false",
            ["Redwood:Realm:Id"] = RealmTestHost.SecondRealmId,
            ["Redwood:Realm:Name"] = "Second",
            ["Redwood:Realm:Secret"] = RealmTestHost.SecondRealmSecret,
        }));
        await using var player = await TestPlayer.CreateAsync(main.Uri("director"));
        var secondUri = $"ws://localhost:{second.Port("realm")}";

        // The second realm signed in over the bus: the Director now lists the URI it actually bound.
        await Eventually.True(async () =>
        {
            var realms = await player.Director.RequestAsync("realm:list", new { playerId = player.PlayerId });
            return realms.GetProperty("realms").EnumerateArray()
                .Any(r => r.GetProperty("id").GetString() == RealmTestHost.SecondRealmId && r.GetProperty("uri").GetString() == secondUri);
        }, TimeSpan.FromSeconds(20), "realm 'second' signed in with its bound URI");

        var onSecond = await player.SignInAsync(second.Uri("realm"), RealmTestHost.SecondRealmId);
        var name = Names.Unique("Twin");
        Ack.Succeeded(await onSecond.RequestAsync("realm:characters:create", new { playerId = player.PlayerId, name, characterCreatorData = new { } }));

        var onMain = await player.SignInAsync(main.Uri("realm"));
        var mainList = await onMain.RequestAsync("realm:characters:list", new { playerId = player.PlayerId, includeArchived = true });
        var sameNameOnMain = await onMain.RequestAsync("realm:characters:create", new { playerId = player.PlayerId, name, characterCreatorData = new { } });
        var secondList = await onSecond.RequestAsync("realm:characters:list", new { playerId = player.PlayerId });

        Assert.Equal(0, mainList.GetProperty("characters").GetArrayLength());
        Ack.Succeeded(sameNameOnMain);
        Assert.Equal(name, Assert.Single(secondList.GetProperty("characters").EnumerateArray()).GetProperty("name").GetString());

        await player.Director.EmitAsync("player:logout", new { playerId = player.PlayerId });

        await onSecond.Disconnected.WaitAsync(TimeSpan.FromSeconds(10));
        await onMain.Disconnected.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
