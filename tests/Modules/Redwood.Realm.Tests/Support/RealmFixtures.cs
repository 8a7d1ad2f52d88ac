using Redwood.Testing;

namespace Redwood.Realm.Tests.Support;

/// <summary>One host shared by the tests of a class; each test uses its own players and names.</summary>
public abstract class RealmFixture(TestDatabase database) : IAsyncLifetime
{
    public TestDatabase Database { get; } = database;

    public RedwoodApp App { get; private set; } = null!;

    public Uri DirectorUri => App.Uri("director");

    public Uri RealmUri => App.Uri("realm");

    public Task<TestPlayer> NewPlayerAsync() => TestPlayer.CreateAsync(DirectorUri);

    public async Task<TestPlayer> SignedInPlayerAsync()
    {
        var player = await NewPlayerAsync();
        await player.SignInAsync(RealmUri);
        return player;
    }

    public async Task InitializeAsync() => App = await RealmTestHost.StartAsync(Database, ExtraSettings());

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }

    protected virtual IDictionary<string, string?>? ExtraSettings() => null;
}

public sealed class SqliteRealm() : RealmFixture(TestDatabase.Sqlite);

public sealed class PostgresRealm() : RealmFixture(TestDatabase.Postgres);
