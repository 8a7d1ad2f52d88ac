using Microsoft.Extensions.Configuration;
using Redwood.Director.Features.Players;
using Redwood.Director.Features.Sessions;

namespace Redwood.Director.Tests.Unit;

public sealed class RegisterPlayerValidatorTests
{
    private static RegisterPlayerValidator Validator(params (string Key, string? Value)[] settings) =>
        new(DirectorSettings.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build()));

    [Theory]
    [InlineData("abc")]
    [InlineData("Player_One")]
    [InlineData("über.spieler-7")]
    [InlineData("名前ですよ")]
    [InlineData("a23456789012345678901234567890bc")]
    public void Accepts_valid_usernames(string username) =>
        Assert.True(Validator().Validate(new RegisterPlayerCommand(username, "long enough")).IsValid);

    [Theory]
    [InlineData("", "Username is required")]
    [InlineData("ab", "Username must be 3 to 32 characters")]
    [InlineData("a23456789012345678901234567890bcd", "Username must be 3 to 32 characters")]
    [InlineData("has:colon", "Username must not contain ':'")]
    [InlineData(":::", "Username must not contain ':'")]
    [InlineData("with space", "Username may only contain letters, digits and _ . -")]
    [InlineData("semi;colon", "Username may only contain letters, digits and _ . -")]
    [InlineData("emoji😀x", "Username may only contain letters, digits and _ . -")]
    public void Refuses_invalid_usernames_with_one_message(string username, string message)
    {
        var result = Validator().Validate(new RegisterPlayerCommand(username, "long enough"));

        Assert.Equal([message], result.Errors.Select(e => e.ErrorMessage));
    }

    [Theory]
    [InlineData("", "Password is required")]
    [InlineData("1234567", "Password must be 8 to 128 characters")]
    [InlineData("someone", "Password must be 8 to 128 characters")]
    [InlineData("SOMEONE_1", "Password must not be the username")]
    public void Refuses_invalid_passwords(string password, string message)
    {
        var result = Validator().Validate(new RegisterPlayerCommand("someone_1", password));

        Assert.Contains(message, result.Errors.Select(e => e.ErrorMessage));
    }

    [Fact]
    public void Applies_configured_limits_and_symbols()
    {
        var validator = Validator(
            ("Redwood:Director:Auth:UsernameMinLength", "5"),
            ("Redwood:Director:Auth:UsernameMaxLength", "6"),
            ("Redwood:Director:Auth:UsernameSymbols", "#"),
            ("Redwood:Director:Auth:PasswordMaxLength", "10"),
            ("Redwood:Director:Auth:PasswordRequireDigit", "true"));

        Assert.True(validator.Validate(new RegisterPlayerCommand("ab#cd", "abcdefgh1")).IsValid);
        Assert.Equal(["Username must be 5 to 6 characters"], validator.Validate(new RegisterPlayerCommand("abcd", "abcdefgh1")).Errors.Select(e => e.ErrorMessage));
        Assert.Equal(["Username may only contain letters, digits and #"], validator.Validate(new RegisterPlayerCommand("ab_cd", "abcdefgh1")).Errors.Select(e => e.ErrorMessage));
        Assert.Equal(["Password must be 8 to 10 characters"], validator.Validate(new RegisterPlayerCommand("abcde", "abcdefgh123")).Errors.Select(e => e.ErrorMessage));
        Assert.Equal(["Password must contain a digit"], validator.Validate(new RegisterPlayerCommand("abcde", "abcdefghi")).Errors.Select(e => e.ErrorMessage));
    }
}

public sealed class LogInPlayerValidatorTests
{
    private readonly LogInPlayerValidator _validator = new();

    [Fact]
    public void Accepts_a_local_login_and_a_jwt_login_without_username()
    {
        Assert.True(_validator.Validate(new LogInPlayerCommand("someone", "secret", "local", "127.0.0.1")).IsValid);
        Assert.True(_validator.Validate(new LogInPlayerCommand(string.Empty, "a.b.c", "jwt", null)).IsValid);
    }

    [Fact]
    public void Refuses_missing_fields_and_oversized_input()
    {
        Assert.Equal(["Username is required"], _validator.Validate(new LogInPlayerCommand("", "s", "local", null)).Errors.Select(e => e.ErrorMessage));
        Assert.Equal(["Secret is required"], _validator.Validate(new LogInPlayerCommand("u", "", "local", null)).Errors.Select(e => e.ErrorMessage));
        Assert.Equal(["Provider is required"], _validator.Validate(new LogInPlayerCommand("u", "s", "", null)).Errors.Select(e => e.ErrorMessage));
        Assert.Equal(["Secret is too long"], _validator.Validate(new LogInPlayerCommand("u", new string('s', 8193), "local", null)).Errors.Select(e => e.ErrorMessage));
        Assert.Equal(["Username is too long"], _validator.Validate(new LogInPlayerCommand(new string('u', 257), "s", "local", null)).Errors.Select(e => e.ErrorMessage));
    }
}
