using Microsoft.Extensions.Configuration;

namespace Redwood.Director.Tests.Unit;

public sealed class DirectorSettingsTests
{
    private static DirectorSettings Read(params (string Key, string? Value)[] settings) =>
        DirectorSettings.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build());

    [Fact]
    public void Has_safe_defaults()
    {
        var settings = Read();

        Assert.Equal(210_000, settings.Auth.Pbkdf2Iterations);
        Assert.Equal(64, settings.Auth.Pbkdf2HashLength);
        Assert.Equal(Math.Max(1, Environment.ProcessorCount - 1), settings.Auth.HashConcurrency);
        Assert.Equal(TimeSpan.FromDays(30), settings.Auth.SessionLifetime);
        Assert.Equal(TimeSpan.FromSeconds(60), settings.Auth.TokenRotationGrace);
        Assert.Equal(10, settings.Auth.MaxFailedLoginsPerUsername);
        Assert.Equal(50, settings.Auth.MaxFailedLoginsPerAddress);
        Assert.Equal(TimeSpan.FromMinutes(5), settings.Auth.FailedLoginWindow);
        Assert.Equal(["local", "jwt"], settings.Auth.AllowedProviders);
        Assert.False(settings.Auth.Jwt.Enabled);
        Assert.Equal("sub", settings.Auth.Jwt.Claim);
        Assert.False(settings.Admin.Configured);
        Assert.Equal(TimeSpan.FromSeconds(60), settings.HandoffTokenLifetime);
        var realm = Assert.Single(settings.Realms);
        Assert.Equal(new ConfiguredRealm("default", "Default", "ws://localhost:3011", true, "dev-realm-secret"), realm);
    }

    [Theory]
    [InlineData("Redwood:Director:Auth:Pbkdf2Iterations", "lots")]
    [InlineData("Redwood:Director:Auth:Pbkdf2HashLength", "8")]
    [InlineData("Redwood:Director:Auth:TokenRotationGrace", "-00:00:01")]
    [InlineData("Redwood:Director:Auth:SessionLifetime", "forever")]
    [InlineData("Redwood:Director:Auth:AllowedProviders", "local,steam")]
    [InlineData("Redwood:Director:Auth:UsernameSymbols", "_:")]
    [InlineData("Redwood:Director:Auth:Jwt:Secret", "too-short")]
    [InlineData("Redwood:Director:HandoffTokenLifetime", "0")]
    public void Refuses_a_bad_value_naming_the_setting(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read((key, value)));

        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void Refuses_realms_with_a_bad_uri_a_missing_secret_or_a_repeated_id()
    {
        Assert.Contains("Realms:0:Uri", Assert.Throws<InvalidOperationException>(() => Read(
            ("Redwood:Director:Realms:0:Id", "a"), ("Redwood:Director:Realms:0:Uri", "http://x"), ("Redwood:Director:Realms:0:Secret", "s"))).Message);
        Assert.Contains("Realms:0:Secret", Assert.Throws<InvalidOperationException>(() => Read(
            ("Redwood:Director:Realms:0:Id", "a"), ("Redwood:Director:Realms:0:Uri", "ws://x:1"))).Message);
        Assert.Contains("Realms:1:Id", Assert.Throws<InvalidOperationException>(() => Read(
            ("Redwood:Director:Realms:0:Id", "a"), ("Redwood:Director:Realms:0:Uri", "ws://x:1"), ("Redwood:Director:Realms:0:Secret", "s"),
            ("Redwood:Director:Realms:1:Id", "a"), ("Redwood:Director:Realms:1:Uri", "ws://x:2"), ("Redwood:Director:Realms:1:Secret", "s"))).Message);
    }

    [Fact]
    public void Reads_allowed_providers_as_a_list_too()
    {
        var settings = Read(("Redwood:Director:Auth:AllowedProviders:0", "JWT"));

        Assert.Equal(["jwt"], settings.Auth.AllowedProviders);
    }
}
