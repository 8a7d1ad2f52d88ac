using Microsoft.Extensions.Configuration;

namespace Redwood.Realm.Tests.Unit;

public sealed class RealmSettingsTests
{
    [Fact]
    public void Defaults_to_the_default_realm()
    {
        var settings = Read([]);

        Assert.Equal("default", settings.Id);
        Assert.Equal("Default", settings.Name);
        Assert.Null(settings.Uri);
        Assert.Equal("dev-realm-secret", settings.Secret);
        Assert.Equal(3011, settings.Port);
        Assert.Equal("realm_default", settings.StoreName);
        var region = Assert.Single(settings.Regions);
        Assert.Equal(new RegionSetting("local", null), region);
        Assert.Equal(10, settings.Characters.MaxPerPlayer);
        Assert.Equal(1, settings.Characters.ArchivalPeriodDays);
        Assert.Equal(256 * 1024, settings.Characters.MaxFieldBytes);
        Assert.Equal(512 * 1024, settings.Characters.MaxCharacterBytes);
        Assert.True(settings.MaxPayloadBytes > settings.Characters.MaxCharacterBytes);
    }

    [Theory]
    [InlineData("default", "realm_default")]
    [InlineData("eu_1", "realm_eu_1")]
    [InlineData("EU-1", "realm_eu_1_")]
    [InlineData("eu-1", "realm_eu_1_")]
    public void Derives_a_store_name_per_realm(string id, string prefix) =>
        Assert.StartsWith(prefix, RealmSettings.StoreNameFor(id));

    [Fact]
    public void Never_maps_two_realm_ids_to_one_store()
    {
        var ids = new[] { "eu-1", "eu_1", "EU_1", "eu.1", new string('a', 64), new string('a', 63) + "b" };
        var stores = ids.Select(RealmSettings.StoreNameFor).ToList();

        Assert.Equal(ids.Length, stores.Distinct().Count());
        Assert.All(stores, s => Assert.Matches("^[a-z0-9_]{1,63}$", s));
    }

    [Theory]
    [InlineData("Redwood:Realm:Id", "bad id!", "Redwood:Realm:Id")]
    [InlineData("Redwood:Realm:Uri", "http://x", "Redwood:Realm:Uri")]
    [InlineData("Redwood:Realm:Characters:MaxPerPlayer", "0", "Redwood:Realm:Characters:MaxPerPlayer")]
    [InlineData("Redwood:Realm:Characters:ArchivalPeriodDays", "-2", "Redwood:Realm:Characters:ArchivalPeriodDays")]
    [InlineData("Redwood:Realm:MaxPayloadBytes", "4096", "Redwood:Realm:MaxPayloadBytes")]
    public void Names_the_setting_that_is_wrong(string key, string value, string named)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(new() { [key] = value }));
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void Refuses_two_regions_with_the_same_ping_target()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(new()
        {
            ["Redwood:Realm:Regions:0:Name"] = "a",
            ["Redwood:Realm:Regions:1:Name"] = "b",
        }));
        Assert.Contains("same ping target", error.Message);
    }

    private static RealmSettings Read(Dictionary<string, string?> values) =>
        RealmSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
}
