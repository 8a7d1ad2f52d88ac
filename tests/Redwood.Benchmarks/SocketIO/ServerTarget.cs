using System.Diagnostics;
using System.Text.Json;

namespace Redwood.Benchmarks.SocketIO;

/// <summary>How to build and start one of the servers compared, on a given loopback port.</summary>
internal sealed record ServerTarget(string Name, string Description, Func<int, ProcessStartInfo> StartInfoFor)
{
    // Both servers get the same Engine.IO settings (the socket.io defaults), so neither pings more often.
    private static readonly string[] EngineOptions =
        ["--ping-interval", "25000", "--ping-timeout", "20000", "--max-payload", "1000000"];

    public static async Task<ServerTarget> PrepareOursAsync(string repoRoot, bool build, CancellationToken cancellationToken)
    {
        var projectDirectory = Path.Combine(repoRoot, "tests", "Redwood.SocketIO.ConformanceServer");
        var project = Directory.Exists(projectDirectory) ? Directory.GetFiles(projectDirectory, "*.csproj").FirstOrDefault() : null;
        if (project is null)
        {
            throw new InvalidOperationException(
                $"no conformance server project in {projectDirectory}; run with --only node until it exists");
        }

        var assemblyName = Path.GetFileNameWithoutExtension(project);
        var dll = Path.Combine(projectDirectory, "bin", "Release", "net10.0", assemblyName + ".dll");
        if (build || !File.Exists(dll))
        {
            Console.WriteLine($"building {Path.GetRelativePath(repoRoot, project)} (Release)...");
            await RunToolAsync("dotnet", ["build", "-c", "Release", "-nologo", "-v", "q", project], repoRoot, cancellationToken);
        }

        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing after the build");
        }

        var description = $"{Path.GetRelativePath(repoRoot, dll)} (.NET {Environment.Version}, {GarbageCollectorOf(dll)} GC)";
        return new ServerTarget("ours", description, port =>
        {
            var startInfo = new ProcessStartInfo("dotnet") { WorkingDirectory = projectDirectory };
            startInfo.ArgumentList.Add(dll);
            startInfo.ArgumentList.Add("--urls");
            startInfo.ArgumentList.Add($"http://127.0.0.1:{port}");
            foreach (var option in EngineOptions)
            {
                startInfo.ArgumentList.Add(option);
            }

            // Node's server logs nothing per connection; keep ours to warnings so both do the same work.
            startInfo.Environment["Logging__LogLevel__Default"] = "Warning";
            startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            startInfo.Environment["DOTNET_ENVIRONMENT"] = "Production";
            return startInfo;
        });
    }

    public static async Task<ServerTarget> PrepareNodeAsync(string repoRoot, CancellationToken cancellationToken)
    {
        var nodeDirectory = Path.Combine(repoRoot, "tests", "Redwood.Benchmarks", "node");
        var socketIOPackage = Path.Combine(nodeDirectory, "node_modules", "socket.io", "package.json");
        if (!File.Exists(socketIOPackage))
        {
            Console.WriteLine("installing the reference server's npm packages (npm ci)...");
            await RunToolAsync("npm", ["ci", "--no-audit", "--no-fund"], nodeDirectory, cancellationToken);
        }

        var nodeVersion = (await RunToolAsync("node", ["--version"], nodeDirectory, cancellationToken)).Trim();
        using var package = JsonDocument.Parse(await File.ReadAllTextAsync(socketIOPackage, cancellationToken));
        var socketIOVersion = package.RootElement.GetProperty("version").GetString();
        var description = $"tests/Redwood.Benchmarks/node/server.js (node {nodeVersion}, socket.io {socketIOVersion})";
        return new ServerTarget("node", description, port =>
        {
            var startInfo = new ProcessStartInfo("node") { WorkingDirectory = nodeDirectory };
            startInfo.ArgumentList.Add("server.js");
            startInfo.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            foreach (var option in EngineOptions)
            {
                startInfo.ArgumentList.Add(option);
            }

            startInfo.Environment["NODE_ENV"] = "production";
            return startInfo;
        });
    }

    private static string GarbageCollectorOf(string dll)
    {
        var runtimeConfig = Path.ChangeExtension(dll, ".runtimeconfig.json");
        if (!File.Exists(runtimeConfig))
        {
            return "unknown";
        }

        using var document = JsonDocument.Parse(File.ReadAllText(runtimeConfig));
        var properties = document.RootElement.TryGetProperty("runtimeOptions", out var runtimeOptions)
            && runtimeOptions.TryGetProperty("configProperties", out var configProperties)
            ? configProperties
            : default;
        bool Setting(string name, bool fallback) =>
            properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(name, out var value)
                ? value.ValueKind == JsonValueKind.True
                : fallback;
        var server = Setting("System.GC.Server", fallback: false);
        var concurrent = Setting("System.GC.Concurrent", fallback: true);
        return (server ? "server" : "workstation") + (concurrent ? " concurrent" : " non-concurrent");
    }

    private static async Task<string> RunToolAsync(string fileName, string[] arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {fileName}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:{Environment.NewLine}{await output}{await error}");
        }

        return await output;
    }
}
