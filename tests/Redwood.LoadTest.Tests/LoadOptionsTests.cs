using Redwood.LoadTest;

namespace Redwood.LoadTest.Tests;

public sealed class LoadOptionsTests
{
    [Fact]
    public void Defaults_without_arguments()
    {
        var options = LoadOptions.Parse([]);

        Assert.Equal(new Uri("ws://localhost:3001"), options.Director);
        Assert.Equal(100, options.Players);
        Assert.Equal(long.MaxValue, options.MaxRequests);
        Assert.Null(options.ConstantPing);
        Assert.False(options.Mix);
        Assert.Empty(options.ServerPids);
        Assert.True(options.Live);
    }

    [Fact]
    public void Parses_every_option()
    {
        var options = LoadOptions.Parse([
            "--director", "ws://10.0.0.5:4001", "--players", "2000", "--ramp", "250.5", "--duration", "90", "--max-requests", "50000",
            "--profile", "big", "--stay", "0", "--ping", "0.02", "--mix", "--login", "--run-id", "r1", "--password", "pw-123456",
            "--server-pid", "42", "--server-pid", "43", "--out", "results", "--timeout", "30", "--no-live",
            "--note", "Pbkdf2Iterations=1", "--note", "WarmPoolSize=20",
        ]);

        Assert.Equal(new Uri("ws://10.0.0.5:4001"), options.Director);
        Assert.Equal(2000, options.Players);
        Assert.Equal(250.5, options.RampPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(90), options.Duration);
        Assert.Equal(50000, options.MaxRequests);
        Assert.Equal("big", options.Profile);
        Assert.Equal(TimeSpan.Zero, options.Stay);
        Assert.Equal(0.02, options.ConstantPing);
        Assert.True(options.Mix);
        Assert.True(options.LoginExisting);
        Assert.Equal("r1", options.RunId);
        Assert.Equal("pw-123456", options.Password);
        Assert.Equal([42, 43], options.ServerPids);
        Assert.Equal("results", options.OutputDirectory);
        Assert.Equal(TimeSpan.FromSeconds(30), options.StepTimeout);
        Assert.False(options.Live);
        Assert.Equal(["Pbkdf2Iterations=1", "WarmPoolSize=20"], options.Notes);
        Assert.Equal(["Pbkdf2Iterations=1", "WarmPoolSize=20"], options.Describe().Where(s => s.Key == "note").Select(s => s.Value));
    }

    [Fact]
    public void Ping_measure_means_the_echo_endpoint()
    {
        Assert.Null(LoadOptions.Parse(["--ping", "0.5", "--ping", "measure"]).ConstantPing);
    }

    [Theory]
    [InlineData("--players", "0")]
    [InlineData("--players", "many")]
    [InlineData("--ramp", "-1")]
    [InlineData("--duration", "NaN")]
    [InlineData("--director", "http://localhost:3001")]
    [InlineData("--ping", "fast")]
    public void Rejects_a_bad_value_naming_the_option(string name, string value)
    {
        var error = Assert.Throws<ArgumentException>(() => LoadOptions.Parse([name, value]));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_an_unknown_option_and_a_missing_value()
    {
        Assert.Contains("--player", Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--player", "3"])).Message, StringComparison.Ordinal);
        Assert.Contains("--players needs a value", Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--players"])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describes_the_settings_for_the_report()
    {
        var settings = LoadOptions.Parse(["--players", "7", "--mix"]).Describe().ToDictionary();

        Assert.Equal("7", settings["players"]);
        Assert.Equal("token re-login, character edit, ticket join and leave", settings["mix"]);
        Assert.Equal("unlimited", settings["max requests"]);
    }
}
