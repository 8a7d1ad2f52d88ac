namespace Redwood.Testing;

/// <summary>The repository's own build outputs (same configuration as the tests), so processes run exactly as shipped.</summary>
public static class BuildOutputs
{
    /// <summary>The host, <c>src/Redwood.Host</c>.</summary>
    public static string Host() => Existing("Redwood.Host");

    /// <summary>The dev game server, <c>src/Redwood.DevGameServer</c>.</summary>
    public static string DevGameServer() => Existing("Redwood.DevGameServer");

    /// <summary>
    /// Publishes the dev game server as a native (AOT) executable into <paramref name="directory"/> and returns its path,
    /// as the README's load-testing command does.
    /// </summary>
    public static async Task<string> PublishNativeDevGameServerAsync(string directory)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot(),
        };
        foreach (var argument in new[] { "publish", "src/Redwood.DevGameServer", "-c", "Release", "-r", "linux-x64", "-o", directory, "--nologo" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        var executable = Path.Combine(directory, "Redwood.DevGameServer");
        return process.ExitCode == 0 && File.Exists(executable)
            ? executable
            : throw new InvalidOperationException($"dotnet publish of the native dev game server failed ({process.ExitCode}):\n{await output}\n{await errors}");
    }

    /// <summary>The repository root (where Redwood.sln is).</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Redwood.sln")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            throw new InvalidOperationException("Redwood.sln not found above " + AppContext.BaseDirectory);
        }

        return directory.FullName;
    }

    private static string Existing(string project)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release"
            : "Debug";
        var dll = Path.Combine(RepositoryRoot(), "src", project, "bin", configuration, "net10.0", project + ".dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"Build {project} first: {dll} is missing");
    }
}
