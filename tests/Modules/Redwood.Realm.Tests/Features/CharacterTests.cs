using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Redwood.Realm.Tests.Support;
using Redwood.Testing;

namespace Redwood.Realm.Tests.Features;

/// <summary>Character events (§2.2.3) through the real realm socket, as the plugin sends them.</summary>
public abstract class CharacterTests(RealmFixture fixture)
{
    private static readonly string[] CharacterKeys =
    [
        "abilitySystem", "archivedAt", "characterCreatorData", "createdAt", "data", "equippedInventory", "id", "metadata",
        "name", "nonequippedInventory", "playerId", "progress", "redwoodData", "updatedAt",
    ];

    [Fact]
    public async Task Creates_a_character_with_empty_server_fields()
    {
        await using var player = await fixture.SignedInPlayerAsync();
        var name = Names.Unique("Aria");

        var ack = await Create(player, name, new { hair = "red", level = 2, tags = new[] { "a", "b" }, nested = new { ok = true } });

        Ack.Succeeded(ack);
        var character = ack.GetProperty("character");
        Assert.Equal(CharacterKeys, Ack.Keys(character));
        Assert.Equal(name, character.GetProperty("name").GetString());
        Assert.Equal(player.PlayerId, character.GetProperty("playerId").GetString());
        Assert.Equal(JsonValueKind.Null, character.GetProperty("archivedAt").ValueKind);
        AssertIso(character.GetProperty("createdAt"));
        AssertIso(character.GetProperty("updatedAt"));
        var creator = character.GetProperty("characterCreatorData");
        Assert.Equal("red", creator.GetProperty("hair").GetString());
        Assert.Equal(2, creator.GetProperty("level").GetDouble());
        Assert.Equal(2, creator.GetProperty("tags").GetArrayLength());
        Assert.True(creator.GetProperty("nested").GetProperty("ok").GetBoolean());
        foreach (var field in new[] { "metadata", "equippedInventory", "nonequippedInventory", "progress", "data", "abilitySystem", "redwoodData" })
        {
            Assert.Equal("{}", character.GetProperty(field).GetRawText());
        }
    }

    [Fact]
    public async Task Lists_and_gets_own_characters_by_id_or_name()
    {
        await using var player = await fixture.SignedInPlayerAsync();
        var name = Names.Unique("Bran");
        var id = (await Create(player, name, new { look = 3 })).GetProperty("character").GetProperty("id").GetString()!;
        await Create(player, Names.Unique("Cora"), new { });

        var list = await player.Realm.RequestAsync("realm:characters:list", new { playerId = player.PlayerId });
        var byId = await player.Realm.RequestAsync("realm:characters:get", new { id = player.PlayerId, characterIdOrName = id });
        var byName = await player.Realm.RequestAsync("realm:characters:get", new { id = player.PlayerId, characterIdOrName = name.ToUpperInvariant() });
        var missing = await player.Realm.RequestAsync("realm:characters:get", new { id = player.PlayerId, characterIdOrName = "nobody-" + id });

        Ack.Succeeded(list);
        Assert.Equal(2, list.GetProperty("characters").GetArrayLength());
        Assert.Equal(id, list.GetProperty("characters")[0].GetProperty("id").GetString());
        Assert.Equal(CharacterKeys, Ack.Keys(list.GetProperty("characters")[0]));
        foreach (var ack in new[] { byId, byName })
        {
            Ack.Succeeded(ack);
            Assert.Equal(CharacterKeys, Ack.Keys(ack.GetProperty("character")));
            Assert.Equal(id, ack.GetProperty("character").GetProperty("id").GetString());
            Assert.Equal(3, ack.GetProperty("character").GetProperty("characterCreatorData").GetProperty("look").GetDouble());
        }

        Assert.Equal("Character not found", Ack.Error(missing));
        Assert.Equal(JsonValueKind.Null, missing.GetProperty("character").ValueKind);
    }

    [Fact]
    public async Task Updates_only_name_and_creator_data_from_the_client()
    {
        await using var player = await fixture.SignedInPlayerAsync();
        var created = (await Create(player, Names.Unique("Dain"), new { v = 1 })).GetProperty("character");
        var id = created.GetProperty("id").GetString()!;
        var newName = Names.Unique("Dara");

        var renamed = await player.Realm.RequestAsync("realm:characters:set:client", new
        {
            playerId = player.PlayerId,
            characterId = id,
            name = newName,
            characterCreatorData = new { v = 2 },
            metadata = new { level = 99 },
            data = new { gold = 1_000_000 },
            redwoodData = new { lastLocation = new { zoneName = "x" } },
            playerIdOverride = "someone-else",
        });
        var onlyData = await player.Realm.RequestAsync("realm:characters:set:client", new { playerId = player.PlayerId, characterId = id, characterCreatorData = new { v = 3 } });

        Ack.Succeeded(renamed);
        Assert.Equal(newName, renamed.GetProperty("character").GetProperty("name").GetString());
        Assert.Equal(2, renamed.GetProperty("character").GetProperty("characterCreatorData").GetProperty("v").GetDouble());
        Ack.Succeeded(onlyData);
        var character = onlyData.GetProperty("character");
        Assert.Equal(newName, character.GetProperty("name").GetString());
        Assert.Equal(3, character.GetProperty("characterCreatorData").GetProperty("v").GetDouble());
        Assert.Equal("{}", character.GetProperty("metadata").GetRawText());
        Assert.Equal("{}", character.GetProperty("data").GetRawText());
        Assert.Equal("{}", character.GetProperty("redwoodData").GetRawText());
        Assert.Equal(created.GetProperty("createdAt").GetString(), character.GetProperty("createdAt").GetString());
        Assert.True(Instant(character.GetProperty("updatedAt")) >= Instant(created.GetProperty("updatedAt")));
    }

    [Fact]
    public async Task Ignores_server_written_fields_on_create()
    {
        await using var player = await fixture.SignedInPlayerAsync();

        var ack = await player.Realm.RequestAsync("realm:characters:create", new
        {
            playerId = player.PlayerId,
            name = Names.Unique("Eve"),
            characterCreatorData = new { },
            id = "chosen-by-client",
            createdAt = "2000-01-01T00:00:00.000Z",
            archivedAt = "2000-01-01T00:00:00.000Z",
            metadata = new { level = 99 },
            equippedInventory = new { sword = 1 },
            nonequippedInventory = new { gold = 5 },
            progress = new { quest = 7 },
            data = new { secret = true },
            abilitySystem = new { timestampMs = 1 },
            redwoodData = new { lastLocation = new { zoneName = "z" } },
        });

        Ack.Succeeded(ack);
        var character = ack.GetProperty("character");
        Assert.NotEqual("chosen-by-client", character.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, character.GetProperty("archivedAt").ValueKind);
        Assert.NotEqual("2000-01-01T00:00:00.000Z", character.GetProperty("createdAt").GetString());
        foreach (var field in new[] { "metadata", "equippedInventory", "nonequippedInventory", "progress", "data", "abilitySystem", "redwoodData" })
        {
            Assert.Equal("{}", character.GetProperty(field).GetRawText());
        }
    }

    [Fact]
    public async Task Archives_and_restores_a_character()
    {
        await using var player = await fixture.SignedInPlayerAsync();
        var id = (await Create(player, Names.Unique("Finn"), new { })).GetProperty("character").GetProperty("id").GetString()!;

        Ack.Succeeded(await player.Realm.RequestAsync("realm:characters:archive", new { id = player.PlayerId, characterId = id, archived = true }));
        var active = await List(player, includeArchived: false);
        var archived = await List(player, includeArchived: true);

        Assert.Empty(active);
        var entry = Assert.Single(archived);
        AssertIso(entry.GetProperty("archivedAt"));
        Assert.Equal("Character is archived; restore it first", Ack.Error(await player.Realm.RequestAsync(
            "realm:characters:set:client", new { playerId = player.PlayerId, characterId = id, name = Names.Unique("Nope") })));

        Ack.Succeeded(await player.Realm.RequestAsync("realm:characters:archive", new { id = player.PlayerId, characterId = id, archived = false }));
        var restored = Assert.Single(await List(player, includeArchived: false));
        Assert.Equal(JsonValueKind.Null, restored.GetProperty("archivedAt").ValueKind);
    }

    [Fact]
    public async Task Shows_only_id_name_and_owner_to_other_players_and_refuses_their_changes()
    {
        await using var owner = await fixture.SignedInPlayerAsync();
        await using var other = await fixture.SignedInPlayerAsync();
        var name = Names.Unique("Gwen");
        var id = (await Create(owner, name, new { secret = "mine" })).GetProperty("character").GetProperty("id").GetString()!;

        var byId = await other.Realm.RequestAsync("realm:characters:get", new { id = other.PlayerId, characterIdOrName = id });
        var byName = await other.Realm.RequestAsync("realm:characters:get", new { id = other.PlayerId, characterIdOrName = name.ToLowerInvariant() });
        var set = await other.Realm.RequestAsync("realm:characters:set:client", new { playerId = other.PlayerId, characterId = id, name = Names.Unique("Hijack") });
        var archive = await other.Realm.RequestAsync("realm:characters:archive", new { id = other.PlayerId, characterId = id, archived = true });
        var othersList = await List(other, includeArchived: true);

        foreach (var ack in new[] { byId, byName })
        {
            Ack.Succeeded(ack);
            var character = ack.GetProperty("character");
            Assert.Equal(["id", "name", "playerId"], Ack.Keys(character));
            Assert.Equal(owner.PlayerId, character.GetProperty("playerId").GetString());
            Assert.Equal(name, character.GetProperty("name").GetString());
        }

        Assert.Equal("You can only change your own characters", Ack.Error(set));
        Assert.Equal(JsonValueKind.Null, set.GetProperty("character").ValueKind);
        Assert.Equal("You can only archive or restore your own characters", Ack.Error(archive));
        Assert.Empty(othersList);
        var mine = Assert.Single(await List(owner, includeArchived: false));
        Assert.Equal(name, mine.GetProperty("name").GetString());
        Assert.Equal("mine", mine.GetProperty("characterCreatorData").GetProperty("secret").GetString());
    }

    [Fact]
    public async Task Rejects_duplicate_names_ignoring_case_and_unicode_form()
    {
        await using var first = await fixture.SignedInPlayerAsync();
        await using var second = await fixture.SignedInPlayerAsync();
        var suffix = Guid.NewGuid().ToString("N")[..8];

        Ack.Succeeded(await Create(first, "Ærwen" + suffix, new { }));
        Ack.Succeeded(await Create(first, "Élodie" + suffix, new { }));
        var ascii = Names.Unique("Ivo");
        Ack.Succeeded(await Create(first, ascii, new { }));

        Assert.Equal("Character name is already taken", Ack.Error(await Create(second, "æRWEN" + suffix.ToUpperInvariant(), new { })));
        Assert.Equal("Character name is already taken", Ack.Error(await Create(second, "E\u0301LODIE" + suffix, new { })));
        Assert.Equal("Character name is already taken", Ack.Error(await Create(second, "e\u0301lodie" + suffix, new { })));
        Assert.Equal("Character name is already taken", Ack.Error(await Create(second, ascii.ToLowerInvariant(), new { })));
        Assert.Empty(await List(second, includeArchived: true));

        var own = (await Create(second, Names.Unique("Jo"), new { })).GetProperty("character").GetProperty("id").GetString()!;
        var rename = await second.Realm.RequestAsync("realm:characters:set:client", new { playerId = second.PlayerId, characterId = own, name = ascii.ToUpperInvariant() });
        Assert.Equal("Character name is already taken", Ack.Error(rename));
    }

    [Fact]
    public async Task Players_racing_for_one_name_get_it_once_and_the_others_hear_it_is_taken()
    {
        var players = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => fixture.SignedInPlayerAsync()));
        try
        {
            var name = Names.Unique("Race");

            var answers = await Task.WhenAll(players.Select(p => Create(p, name, new { })));

            var errors = answers.Select(a => a.GetProperty("error").GetString()).ToList();
            Assert.Single(errors, e => e == string.Empty);
            Assert.All(errors.Where(e => e != string.Empty), e => Assert.Equal("Character name is already taken", e));
        }
        finally
        {
            foreach (var player in players)
            {
                await player.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Rejects_invalid_names()
    {
        await using var player = await fixture.SignedInPlayerAsync();

        Assert.Equal("Character name is required", Ack.Error(await Create(player, string.Empty, new { })));
        Assert.Equal("Character name must not start or end with spaces", Ack.Error(await Create(player, " Kai", new { })));
        Assert.Equal("Character name must be at most 32 characters", Ack.Error(await Create(player, new string('k', 33), new { })));
        Assert.Equal("Character name contains characters that are not allowed (control, format, private-use or unassigned)", Ack.Error(await Create(player, "Ka\u0007i", new { })));
        Assert.Equal("Character name contains characters that are not allowed (control, format, private-use or unassigned)", Ack.Error(await Create(player, "Ka\u200Bi", new { })));
        Assert.Empty(await List(player, includeArchived: true));
    }

    [Theory]
    [InlineData("Ka\u202Ei")]
    [InlineData("Ka\u200Bi")]
    [InlineData("Ka\u200Fi")]
    [InlineData("Ka\u0000i")]
    [InlineData("Ka\u0085i")]
    [InlineData("Ka\uE000i")]
    [InlineData("Ka\U000F0000i")]
    [InlineData("Ka\u0378i")]
    public async Task Refuses_control_format_private_use_and_unassigned_characters_on_create_and_rename_and_changes_nothing(string name)
    {
        const string NotAllowed = "Character name contains characters that are not allowed (control, format, private-use or unassigned)";
        await using var player = await fixture.SignedInPlayerAsync();
        var original = Names.Unique("Kai");
        var id = (await Create(player, original, new { })).GetProperty("character").GetProperty("id").GetString()!;

        var create = await Create(player, name, new { });
        var rename = await player.Realm.RequestAsync("realm:characters:set:client", new { playerId = player.PlayerId, characterId = id, name });

        Assert.Equal(NotAllowed, Ack.Error(create));
        Assert.Equal(NotAllowed, Ack.Error(rename));
        var stored = Assert.Single(await List(player, includeArchived: true));
        Assert.Equal(original, stored.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Rejects_oversize_and_non_object_json_and_keeps_the_socket_open()
    {
        await using var player = await fixture.SignedInPlayerAsync();
        var huge = new { blob = new string('x', 300 * 1024) };

        var oversize = await Create(player, Names.Unique("Lia"), huge);
        var text = await player.Realm.RequestAsync("realm:characters:create", new { playerId = player.PlayerId, name = Names.Unique("Lia"), characterCreatorData = "not an object" });
        var array = await player.Realm.RequestAsync("realm:characters:create", new { playerId = player.PlayerId, name = Names.Unique("Lia"), characterCreatorData = new[] { 1, 2 } });

        Assert.Equal("characterCreatorData is too large (at most 262144 bytes)", Ack.Error(oversize));
        Assert.Equal("characterCreatorData must be a JSON object", Ack.Error(text));
        Assert.Equal("characterCreatorData must be a JSON object", Ack.Error(array));
        Assert.Empty(await List(player, includeArchived: true));

        var id = (await Create(player, Names.Unique("Mae"), new { keep = 1 })).GetProperty("character").GetProperty("id").GetString()!;
        var oversizeSet = await player.Realm.RequestAsync("realm:characters:set:client", new { playerId = player.PlayerId, characterId = id, characterCreatorData = huge });
        var numberSet = await player.Realm.RequestAsync("realm:characters:set:client", new { playerId = player.PlayerId, characterId = id, characterCreatorData = 5 });

        Assert.Contains("too large", Ack.Error(oversizeSet));
        Assert.Equal("characterCreatorData must be a JSON object", Ack.Error(numberSet));
        var unchanged = Assert.Single(await List(player, includeArchived: false));
        Assert.Equal(1, unchanged.GetProperty("characterCreatorData").GetProperty("keep").GetDouble());
    }

    [Fact]
    public async Task Accepts_creator_data_up_to_the_field_limit()
    {
        await using var player = await fixture.SignedInPlayerAsync();
        var big = new JsonObject { ["blob"] = new string('y', 200 * 1024) };

        var ack = await Create(player, Names.Unique("Ned"), big);

        Ack.Succeeded(ack);
        Assert.Equal(200 * 1024, ack.GetProperty("character").GetProperty("characterCreatorData").GetProperty("blob").GetString()!.Length);
    }

    [Fact]
    public async Task Limits_the_number_of_active_characters_per_player()
    {
        await using var player = await fixture.SignedInPlayerAsync();
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add((await Create(player, Names.Unique("Oz"), new { })).GetProperty("character").GetProperty("id").GetString()!);
        }

        Assert.Equal("You already have the maximum of 10 characters", Ack.Error(await Create(player, Names.Unique("Oz"), new { })));

        Ack.Succeeded(await player.Realm.RequestAsync("realm:characters:archive", new { id = player.PlayerId, characterId = ids[0], archived = true }));
        Ack.Succeeded(await Create(player, Names.Unique("Oz"), new { }));
        Assert.Equal("Restoring would exceed the maximum of 10 characters", Ack.Error(
            await player.Realm.RequestAsync("realm:characters:archive", new { id = player.PlayerId, characterId = ids[0], archived = false })));
    }

    private static Task<JsonElement> Create(TestPlayer player, string name, object creatorData) =>
        player.Realm.RequestAsync("realm:characters:create", new { playerId = player.PlayerId, name, characterCreatorData = creatorData });

    private static async Task<List<JsonElement>> List(TestPlayer player, bool includeArchived)
    {
        object payload = includeArchived ? new { playerId = player.PlayerId, includeArchived = true } : new { playerId = player.PlayerId };
        var ack = await player.Realm.RequestAsync("realm:characters:list", payload);
        Ack.Succeeded(ack);
        return [.. ack.GetProperty("characters").EnumerateArray()];
    }

    private static void AssertIso(JsonElement value) =>
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", value.GetString()!);

    private static DateTimeOffset Instant(JsonElement value) =>
        DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture);
}

public sealed class CharacterTestsOnSqlite(SqliteRealm fixture) : CharacterTests(fixture), IClassFixture<SqliteRealm>;

public sealed class CharacterTestsOnPostgres(PostgresRealm fixture) : CharacterTests(fixture), IClassFixture<PostgresRealm>;
