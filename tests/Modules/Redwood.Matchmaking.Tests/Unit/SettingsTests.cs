using Microsoft.Extensions.Configuration;
using Redwood.Matchmaking.Features.Processing;
using Redwood.SharedKernel.Games;

namespace Redwood.Matchmaking.Tests.Unit;

/// <summary>Profiles and matchmaking settings: working defaults, and a bad value names its setting.</summary>
public sealed class SettingsTests
{
    [Fact]
    public void Without_profiles_the_default_profile_matches_two_players()
    {
        var settings = MatchmakingSettings.Read(Config([]));

        var profile = Assert.Single(settings.Profiles.All);
        Assert.Equal("default", profile.Id);
        Assert.Equal(2, profile.MaxPlayersPerShard);
        Assert.Equal(2, profile.MinPlayersForMatchmaking);
        Assert.Equal("default", profile.MatchmakingZoneName);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.ProcessInterval);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.TicketStaleTime);
    }

    [Fact]
    public void The_shipped_appsettings_profile_matches_two_players()
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../.."));
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(root, "appsettings.json")).Build();

        var profile = GameProfiles.Read(configuration).Find("default");

        Assert.NotNull(profile);
        Assert.Equal(2, profile.MaxPlayersPerShard);
        Assert.Equal(2, profile.MinPlayersForMatchmaking);
        Assert.NotNull(profile.MatchmakingZoneName);
    }

    [Fact]
    public void Reads_a_full_profile()
    {
        var profiles = GameProfiles.Read(Config(new()
        {
            ["Redwood:Matchmaking:Profiles:0:Id"] = "rpg",
            ["Redwood:Matchmaking:Profiles:0:Zones:0:Name"] = "town",
            ["Redwood:Matchmaking:Profiles:0:Zones:0:Maps:0"] = "town-a",
            ["Redwood:Matchmaking:Profiles:0:Zones:0:Maps:1"] = "town-b",
            ["Redwood:Matchmaking:Profiles:0:Zones:1:Name"] = "dungeon",
            ["Redwood:Matchmaking:Profiles:0:Zones:1:Maps:0"] = "crypt",
            ["Redwood:Matchmaking:Profiles:0:MaxPlayersPerShard"] = "16",
            ["Redwood:Matchmaking:Profiles:0:NumPlayersToAddShard"] = "12",
            ["Redwood:Matchmaking:Profiles:0:Data:difficulty"] = "hard",
        }));

        var rpg = profiles.Find("rpg")!;
        Assert.Equal("town,dungeon", rpg.ZoneList);
        Assert.Contains(rpg.Zone("town")!.PickMap(), new[] { "town-a", "town-b" });
        Assert.Null(rpg.MatchmakingZoneName);
        Assert.Equal(12, rpg.NumPlayersToAddShard);
        Assert.Equal("hard", rpg.Data["difficulty"]);
    }

    public static TheoryData<string, string, string> BadSettings => new()
    {
        { "Redwood:Matchmaking:Profiles:0:Id", "", "Redwood:Matchmaking:Profiles:0:Id" },
        { "Redwood:Matchmaking:Profiles:0:MatchmakingZoneName", "nowhere", "Redwood:Matchmaking:Profiles:0:MatchmakingZoneName" },
        { "Redwood:Matchmaking:Profiles:0:MinPlayersForMatchmaking", "9", "Redwood:Matchmaking:Profiles:0:MinPlayersForMatchmaking" },
        { "Redwood:Matchmaking:Profiles:0:MaxPlayersPerShard", "two", "Redwood:Matchmaking:Profiles:0:MaxPlayersPerShard" },
        { "Redwood:Matchmaking:Profiles:0:NumPlayersToAddShard", "0", "Redwood:Matchmaking:Profiles:0:NumPlayersToAddShard" },
        { "Redwood:Matchmaking:Profiles:0:Zones:0:Name", "a:b", "Redwood:Matchmaking:Profiles:0:Zones:0:Name" },
        { "Redwood:Matchmaking:Profiles:0:Zones:0:Maps:0", "", "Redwood:Matchmaking:Profiles:0:Zones:0:Maps" },
        { "Redwood:Matchmaking:ProcessInterval", "soon", "Redwood:Matchmaking:ProcessInterval" },
        { "Redwood:Matchmaking:MaxPing", "-1", "Redwood:Matchmaking:MaxPing" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_stops_start_up_with_a_message_naming_it(string key, string value, string named)
    {
        var values = new Dictionary<string, string?>
        {
            ["Redwood:Matchmaking:Profiles:0:Id"] = "duo",
            ["Redwood:Matchmaking:Profiles:0:Zones:0:Name"] = "arena",
            ["Redwood:Matchmaking:Profiles:0:Zones:0:Maps:0"] = "arena-map",
            ["Redwood:Matchmaking:Profiles:0:MatchmakingZoneName"] = "arena",
            ["Redwood:Matchmaking:Profiles:0:MaxPlayersPerShard"] = "2",
            [key] = value,
        };

        var error = Assert.Throws<InvalidOperationException>(() => MatchmakingSettings.Read(Config(values)));

        Assert.Contains($"'{named}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_profile_listed_twice_is_refused()
    {
        var values = new Dictionary<string, string?>();
        for (var i = 0; i < 2; i++)
        {
            values[$"Redwood:Matchmaking:Profiles:{i}:Id"] = "same";
            values[$"Redwood:Matchmaking:Profiles:{i}:Zones:0:Name"] = "z";
            values[$"Redwood:Matchmaking:Profiles:{i}:Zones:0:Maps:0"] = "m";
        }

        var error = Assert.Throws<InvalidOperationException>(() => GameProfiles.Read(Config(values)));

        Assert.Contains("'same' twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Queue_admission_honours_a_requested_shard_then_fills_the_least_populated_then_opens_a_new_one()
    {
        var shards = new Dictionary<string, int> { ["alpha"] = 2, ["bravo"] = 1, ["charlie"] = 0 };

        Assert.Null(QueueAdmission.PickShard("alpha", shards, 2));
        Assert.Equal("bravo", QueueAdmission.PickShard("bravo", shards, 2));
        Assert.Equal("zulu", QueueAdmission.PickShard("zulu", shards, 2));
        Assert.Equal("charlie", QueueAdmission.PickShard(null, shards, 2));
        Assert.Equal("delta", QueueAdmission.PickShard(null, new Dictionary<string, int> { ["alpha"] = 2, ["bravo"] = 2, ["charlie"] = 2 }, 2));
        Assert.Null(QueueAdmission.PickShard(null, ShardNames.All.ToDictionary(n => n, _ => 2), 2));
    }

    private static IConfiguration Config(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
