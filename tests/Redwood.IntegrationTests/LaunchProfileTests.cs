using System.Text.Json;
using Redwood.Testing;

namespace Redwood.IntegrationTests;

/// <summary>
/// The IDE launch profiles (<c>src/Redwood.Host/Properties/launchSettings.json</c>, read by Visual Studio, Rider, VS Code
/// and <c>dotnet run</c>): both start in the repository root, where appsettings.json and data/ live.
/// </summary>
public sealed class LaunchProfileTests
{
    private static readonly string Root = RepositoryRoot();
    private static readonly string ProjectDirectory = Path.Combine(Root, "src", "Redwood.Host") + Path.DirectorySeparatorChar;

    [Fact]
    public void Profiles_run_the_project_in_the_repository_root_and_bind_the_configured_ports()
    {
        var profiles = Profiles();

        Assert.Equal(["Redwood (embedded)", "Redwood (local PostgreSQL + Redis)"], profiles.Keys);
        foreach (var (name, profile) in profiles)
        {
            Assert.Equal("Project", profile.GetProperty("commandName").GetString());
            Assert.Equal(Root, WorkingDirectory(profile));
            Assert.True(File.Exists(Path.Combine(WorkingDirectory(profile), "appsettings.json")), name);

            // An applicationUrl would become ASPNETCORE_URLS, which Kestrel overrides (with a warning) by Redwood:Http:Port.
            Assert.False(profile.TryGetProperty("applicationUrl", out _), name);
        }

        var embedded = Environment(profiles["Redwood (embedded)"]);
        var local = Environment(profiles["Redwood (local PostgreSQL + Redis)"]);
        Assert.DoesNotContain(embedded.Keys, k => k.StartsWith("Redwood__", StringComparison.Ordinal) || k.StartsWith("ConnectionStrings__", StringComparison.Ordinal));
        Assert.Equal("Postgres", local["Redwood__Persistence__Provider"]);

        // The server addresses come from the developer's environment (ConnectionStrings__Redwood,
        // Redwood__Redis__Configuration), never from the checked-in file.
        Assert.DoesNotContain(local.Keys, k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal) || k.StartsWith("Redwood__Redis__", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_embedded_profile_starts_with_the_repository_root_as_content_root()
    {
        var profile = Profiles()["Redwood (embedded)"];
        var settings = Environment(profile).ToDictionary(p => p.Key, p => (string?)p.Value);
        settings["Redwood:Persistence:DataDirectory"] = Path.Combine(Path.GetTempPath(), "redwood-tests", Guid.NewGuid().ToString("N"));

        await using var host = await RedwoodProcess.StartAsync(settings, WorkingDirectory(profile));

        Assert.Contains($"Redwood started (Development environment, content root {Root}", host.Output, StringComparison.Ordinal);
    }

    private static Dictionary<string, JsonElement> Profiles()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(ProjectDirectory, "Properties", "launchSettings.json")));
        return document.RootElement.GetProperty("profiles").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
    }

    private static Dictionary<string, string> Environment(JsonElement profile) =>
        profile.GetProperty("environmentVariables").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);

    // Visual Studio and Rider expand MSBuild properties such as $(ProjectDir) (with its trailing separator).
    private static string WorkingDirectory(JsonElement profile) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(profile.GetProperty("workingDirectory").GetString()!.Replace("$(ProjectDir)", ProjectDirectory, StringComparison.Ordinal)));

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Redwood.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Redwood.sln not found above " + AppContext.BaseDirectory);
    }
}
