using System.Text.RegularExpressions;
using Npgsql;
using Redwood.Realm.Tests.Support;
using Redwood.Testing;

namespace Redwood.Realm.Tests.Features;

/// <summary>
/// What an operator alerting on Error sees: nothing for conditions the server handles (a first start on an empty
/// database, a lost race for a character name), exactly one entry for a real failure, carrying the reference the
/// player was given. Real host, real sockets, the host's own log levels.
/// </summary>
public sealed partial class ErrorLogTests
{
    private const int CommandError = 20102;

    [Fact]
    public async Task First_start_on_a_fresh_PostgreSQL_database_logs_no_error()
    {
        await using var app = await RealmTestHost.StartAsync(TestDatabase.Postgres);
        await app.RestartAsync();

        Assert.Empty(app.Logs.Errors);
        Assert.Contains(app.Logs.Entries, e => e.Message.Contains("migrations applied", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_lost_race_for_a_character_name_logs_no_error()
    {
        // EF's failed commands are captured at whatever level they are logged, to prove the unique index decided.
        await using var app = await RealmTestHost.StartAsync(TestDatabase.Postgres, new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Debug",
        });
        await using var player = await TestPlayer.CreateAsync(app.Uri("director"));
        await player.SignInAsync(app.Uri("realm"));
        var name = Names.Unique("Race");

        // The rival's insert is in flight (uncommitted) when the player's request checks the name, so the check passes
        // and the player's insert waits on the unique index until the rival commits: the race, made deterministic.
        await using var rival = new NpgsqlConnection(app.Settings["ConnectionStrings:Redwood"]);
        await rival.OpenAsync();
        await using var transaction = await rival.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO realm_default.characters ("Id", "PlayerId", "Name", "NameKey", "CreatedAt", "UpdatedAt", "CharacterCreatorData",
                "Metadata", "EquippedInventory", "NonequippedInventory", "Progress", "Data", "AbilitySystem", "RedwoodData")
            VALUES (@id, 'rival', @name, @key, now(), now(), '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}')
            """,
            rival,
            transaction))
        {
            insert.Parameters.AddWithValue("id", Guid.NewGuid().ToString("N"));
            insert.Parameters.AddWithValue("name", name);
            insert.Parameters.AddWithValue("key", name.ToUpperInvariant());
            await insert.ExecuteNonQueryAsync();
        }

        var create = player.Realm.RequestAsync("realm:characters:create", new { playerId = player.PlayerId, name, characterCreatorData = new { } });
        await Eventually.True(() => InsertWaitsOnLockAsync(app), TimeSpan.FromSeconds(15), "the player's insert waiting on the rival's");
        await transaction.CommitAsync();

        Assert.Equal("Character name is already taken", Ack.Error(await create));
        Assert.Contains(app.Logs.Entries, e => e.EventId.Id == CommandError && e.Message.Contains("INSERT", StringComparison.Ordinal));
        Assert.Empty(app.Logs.Errors);
    }

    [Fact]
    public async Task A_real_failure_logs_one_error_with_the_reference_the_player_saw()
    {
        await using var app = await RealmTestHost.StartAsync(TestDatabase.Postgres);
        await using var player = await TestPlayer.CreateAsync(app.Uri("director"));
        await player.SignInAsync(app.Uri("realm"));
        await using (var connection = new NpgsqlConnection(app.Settings["ConnectionStrings:Redwood"]))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand("DROP TABLE realm_default.characters", connection);
            await drop.ExecuteNonQueryAsync();
        }

        app.Logs.Clear();
        var ack = await player.Realm.RequestAsync("realm:characters:list", new { playerId = player.PlayerId });

        var reference = Reference().Match(Ack.Error(ack));
        Assert.True(reference.Success, ack.GetRawText());
        var error = Assert.Single(app.Logs.Errors);
        Assert.Contains(reference.Groups[1].Value, error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Exception);
    }

    private static async Task<bool> InsertWaitsOnLockAsync(RedwoodApp app)
    {
        var database = new NpgsqlConnectionStringBuilder(app.Settings["ConnectionStrings:Redwood"]).Database;
        await using var connection = new NpgsqlConnection(TestEnvironment.Postgres);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = @db AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO characters%'",
            connection);
        query.Parameters.AddWithValue("db", database!);
        return (long)(await query.ExecuteScalarAsync())! > 0;
    }

    [GeneratedRegex("^Internal server error \\(reference ([0-9a-f]+)\\)$")]
    private static partial Regex Reference();
}
