using Redwood.Testing;

namespace Redwood.IntegrationTests;

/// <summary>Bad configuration stops start-up with a message that names the setting.</summary>
public sealed class ConfigurationTests
{
    public static TheoryData<string, string, string, string> BadSettings => new()
    {
        { "Redwood:Persistence:Provider", "Oracle", "", "Redwood:Persistence:Provider" },
        { "Redwood:Persistence:Provider", "Postgres", "ConnectionStrings:Redwood=Host", "ConnectionStrings:Redwood" },
        { "Redwood:Persistence:Provider", "Postgres", "ConnectionStrings:Redwood=", "ConnectionStrings:Redwood" },
        { "Redwood:Persistence:StartupWait", "soon", "", "Redwood:Persistence:StartupWait" },
        { "Redwood:Modules:Realm:Enabled", "false", "", "Redwood:Redis:Configuration" },
        { "Redwood:Modules:Director:Enabled", "maybe", "", "Redwood:Modules:Director:Enabled" },
        { "Redwood:Redis:Configuration", "localhost:notaport", "", "Redwood:Redis:Configuration" },
        { "Redwood:Director:Port", "70000", "", "Redwood:Director:Port" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Start_up_stops_and_names_the_bad_setting(string key, string value, string extra, string named)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (extra.Length > 0)
        {
            var parts = extra.Split('=', 2);
            settings[parts[0]] = parts[1];
        }

        var (exitCode, output) = await RedwoodProcess.RunToExitAsync(settings);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(named, output, StringComparison.Ordinal);
    }
}
