using System.Text.Json;
using FluentValidation;
using Microsoft.Extensions.Configuration;
using Redwood.Realm.Features.Characters;
using Redwood.Realm.Features.Proxies;
using Redwood.Realm.Features.Sessions;

namespace Redwood.Realm.Tests.Unit;

public sealed class ValidatorTests
{
    private static readonly RealmSettings Settings = RealmSettings.Read(new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redwood:Realm:Characters:MaxFieldBytes"] = "64",
            ["Redwood:Realm:Characters:MaxNameLength"] = "8",
            ["Redwood:Realm:Regions:0:Name"] = "eu",
            ["Redwood:Realm:Regions:0:Ping"] = "ws://eu.example.com/ping",
            ["Redwood:Realm:Regions:1:Name"] = "us",
        })
        .Build());

    [Theory]
    [InlineData("Aria", null)]
    [InlineData("Ærwen", null)]
    [InlineData("E\u0301lodie", null)]
    [InlineData("🐉🐉🐉🐉🐉🐉🐉🐉", null)]
    [InlineData("", "Character name is required")]
    [InlineData("   ", "Character name is required")]
    [InlineData("Aria ", "Character name must not start or end with spaces")]
    [InlineData("Ariadnes", null)]
    [InlineData("Ariadness", "Character name must be at most 8 characters")]
    [InlineData("A\tb", "Character name contains characters that are not allowed (control, format, private-use or unassigned)")]
    [InlineData("A\u202Eb", "Character name contains characters that are not allowed (control, format, private-use or unassigned)")]
    [InlineData("A\uE000b", "Character name contains characters that are not allowed (control, format, private-use or unassigned)")]
    [InlineData("A\uD800b", "Character name contains characters that are not allowed (control, format, private-use or unassigned)")]
    public void Validates_character_names(string name, string? error) =>
        AssertOutcome(new CreateCharacterValidator(Settings), new CreateCharacterCommand("p1", name, Json("{}")), error);

    [Theory]
    [InlineData(null, null)]
    [InlineData("{}", null)]
    [InlineData("""{"a":[1,2,{"b":null}]}""", null)]
    [InlineData("[]", "characterCreatorData must be a JSON object")]
    [InlineData("\"text\"", "characterCreatorData must be a JSON object")]
    [InlineData("3", "characterCreatorData must be a JSON object")]
    [InlineData("""{"a":"0123456789012345678901234567890123456789012345678901234567890"}""", "characterCreatorData is too large (at most 64 bytes)")]
    [InlineData("""{"a":"\u0000"}""", "characterCreatorData must not contain NUL characters or invalid Unicode")]
    [InlineData("""{"a":"\ud800"}""", "characterCreatorData must not contain NUL characters or invalid Unicode")]
    public void Validates_creator_data(string? json, string? error) =>
        AssertOutcome(new CreateCharacterValidator(Settings), new CreateCharacterCommand("p1", "Aria", json is null ? null : Json(json)), error);

    [Fact]
    public void Lets_a_client_update_omit_name_and_creator_data()
    {
        var validator = new SetCharacterClientDataValidator(Settings);
        AssertOutcome(validator, new SetCharacterClientDataCommand("p1", "c1", null, null), null);
        AssertOutcome(validator, new SetCharacterClientDataCommand("p1", "c1", string.Empty, null), null);
        AssertOutcome(validator, new SetCharacterClientDataCommand("p1", null, "Aria", null), "characterId is required");
        AssertOutcome(validator, new SetCharacterClientDataCommand("p1", "c1", "Ariadness", null), "Character name must be at most 8 characters");
    }

    [Theory]
    [InlineData("eu", "Lobby", "mode", null, null)]
    [InlineData("us", "Lobby", "mode", "ABCD1234", null)]
    [InlineData("asia", "Lobby", "mode", null, "Unknown region 'asia' (known: eu, us)")]
    [InlineData("", "Lobby", "mode", null, "region is required")]
    [InlineData("eu", "", "mode", null, "Proxy name is required")]
    [InlineData("eu", "Lobby", "", null, "modeId is required")]
    [InlineData("eu", "Lobby", "mode", "abc", "shortCode must be 4 to 16 letters or digits")]
    [InlineData("eu", "Lobby", "mode", "ab-cd", "shortCode must be 4 to 16 letters or digits")]
    public void Validates_proxy_creation(string region, string name, string modeId, string? shortCode, string? error) =>
        AssertOutcome(new CreateProxyValidator(Settings), new CreateProxyCommand(
            "p1", 0, null, name, region, modeId, null, false, false, false, null, shortCode, null, false), error);

    [Fact]
    public void Requires_player_and_token_to_sign_in()
    {
        var validator = new SignInPlayerValidator();
        AssertOutcome(validator, new SignInPlayerCommand("p1", "t"), null);
        AssertOutcome(validator, new SignInPlayerCommand(null, "t"), "playerId is required");
        AssertOutcome(validator, new SignInPlayerCommand("p1", ""), "token is required");
    }

    [Fact]
    public void Limits_private_proxy_references()
    {
        var validator = new ListProxiesValidator();
        AssertOutcome(validator, new ListProxiesQuery(["ABCDEF", "cid"]), null);
        AssertOutcome(validator, new ListProxiesQuery([.. Enumerable.Range(0, 101).Select(i => "R" + i)]), "privateProxyReferences may hold at most 100 references");
        AssertOutcome(validator, new ListProxiesQuery([""]), "privateProxyReferences must hold non-empty references of at most 64 characters");
    }

    private static JsonElement Json(string text) => JsonElement.Parse(text);

    private static void AssertOutcome<T>(IValidator<T> validator, T instance, string? error)
    {
        var result = validator.Validate(instance);
        if (error is null)
        {
            Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.ErrorMessage)));
        }
        else
        {
            Assert.Contains(error, result.Errors.Select(e => e.ErrorMessage));
        }
    }
}
