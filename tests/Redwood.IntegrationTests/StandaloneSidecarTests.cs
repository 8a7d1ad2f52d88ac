using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Npgsql;
using Redwood.Testing;

namespace Redwood.IntegrationTests;

/// <summary>
/// Distributed game servers with real processes over real Redis and PostgreSQL: a host running Director, Realm and
/// Matchmaking with the <c>agones</c> provider (its Kubernetes API is <see cref="FakeAgones"/>), and beside a dev game
/// server a host running only the Sidecar module in standalone mode, which takes the GameServer name from the Agones SDK
/// (the same fake). The Realm knows the server only by that name: load-map, state reports, player-auth and saves cross
/// the bus, and the Sidecar marks the GameServer Ready, sends health pings and asks Agones to shut it down.
/// </summary>
public sealed class StandaloneSidecarTests
{
    private const string RealmSecret = "standalone-sidecar-realm-secret-0123456789";

    static StandaloneSidecarTests() => PlayerClient.Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_match_is_played_on_an_agones_game_server_whose_sidecar_runs_in_a_process_of_its_own()
    {
        var prefix = SplitProcessSettings.NewPrefix();
        var gamePort = SplitProcessSettings.FreePort();
        var gameServerName = "redwood-fleet-" + Guid.NewGuid().ToString("N")[..5] + "-x7k2p";
        await using var agones = await FakeAgones.StartAsync(gameServerName, "127.0.0.1", gamePort);
        var database = await TestEnvironment.CreatePostgresDatabaseAsync();
        await using var backend = await RedwoodProcess.StartAsync(SplitProcessSettings.For(prefix, RealmSecret, SplitProcessSettings.DuoProfile, new Dictionary<string, string?>
        {
            ["Redwood:Modules:Sidecar:Enabled"] = "false",
            ["Redwood:Persistence:Provider"] = "Postgres",
            ["ConnectionStrings:Redwood"] = database,
            ["Redwood:Director:Auth:Pbkdf2Iterations"] = "1",
            ["Redwood:GameServers:Provider"] = "agones",
            ["Redwood:GameServers:Agones:ApiServer"] = agones.Url.AbsoluteUri,
            ["Redwood:GameServers:Agones:Namespace"] = "games",
            ["Redwood:GameServers:Agones:Fleet"] = "redwood-fleet",
            ["Redwood:GameServers:Agones:RealmLabel"] = "redwood.dev/realm",
            ["Redwood:GameServers:Agones:ProfileLabel"] = "redwood.dev/profile",
            ["Redwood:GameServers:MonitorInterval"] = "00:00:00.5",
            ["Redwood:GameServers:StaleTimeout"] = "00:00:08",
            ["Redwood:Matchmaking:ProcessInterval"] = "00:00:00.250",
        }));
        await using var sidecar = await RedwoodProcess.StartAsync(Settings(prefix, new()
        {
            ["Redwood:Modules:Director:Enabled"] = "false",
            ["Redwood:Modules:Realm:Enabled"] = "false",
            ["Redwood:Modules:Matchmaking:Enabled"] = "false",
            ["Redwood:Sidecar:Mode"] = "standalone",
            ["Redwood:Sidecar:Port"] = "0",
            ["Redwood:Sidecar:Agones:SdkUrl"] = agones.Url.AbsoluteUri,
            ["Redwood:Sidecar:Agones:HealthInterval"] = "00:00:00.5",
        }));
        Assert.Contains($"standalone for game server {gameServerName} of realm default", sidecar.Output, StringComparison.Ordinal);
        Assert.Equal(1, agones.Count("/gameserver"));

        using var gameServer = StartDevGameServer(gamePort, sidecar.Port("sidecar"));
        try
        {
            await Eventually.True(() => Task.FromResult(agones.Count("/ready") == 1 && agones.Count("/health") >= 2), TimeSpan.FromSeconds(60),
                "the Sidecar marked the GameServer Ready and sent health pings");

            var first = await SignedInPlayerWithCharacterAsync(backend);
            var second = await SignedInPlayerWithCharacterAsync(backend);
            Assert.Equal(string.Empty, (await JoinAsync(first)).GetProperty("error").GetString());
            Assert.Equal(string.Empty, (await JoinAsync(second)).GetProperty("error").GetString());
            var firstPush = await first.Realm.NextPushAsync("realm:servers:connect-to-instance", TimeSpan.FromSeconds(90));
            var secondPush = await second.Realm.NextPushAsync("realm:servers:connect-to-instance", TimeSpan.FromSeconds(90));

            // Allocated through the Kubernetes API with the fleet, realm and profile selectors; connection from its status.
            var allocation = Assert.Single(agones.Allocations);
            Assert.Equal("/apis/allocation.agones.dev/v1/namespaces/games/gameserverallocations", allocation.Path);
            Assert.Equal(
                new Dictionary<string, string> { ["agones.dev/fleet"] = "redwood-fleet", ["redwood.dev/profile"] = "duo", ["redwood.dev/realm"] = "default" },
                allocation.Body.GetProperty("spec").GetProperty("selectors")[0].GetProperty("matchLabels").EnumerateObject()
                    .ToDictionary(p => p.Name, p => p.Value.GetString()!));
            var connection = $"127.0.0.1:{gamePort}";
            Assert.Equal(connection, firstPush.GetProperty("connection").GetString());
            Assert.Equal(connection, secondPush.GetProperty("connection").GetString());
            Assert.Contains($"Agones allocated GameServer {gameServerName} at {connection}", backend.Output, StringComparison.Ordinal);

            // Player-auth crosses the bus to the Realm, which knows the server by its GameServer name.
            await using var firstGame = await GameClient.OpenAsync(connection, first.PlayerId, first.CharacterId, firstPush.GetProperty("token").GetString()!);
            await using var secondGame = await GameClient.OpenAsync(connection, second.PlayerId, second.CharacterId, secondPush.GetProperty("token").GetString()!);
            Assert.StartsWith("ok ", firstGame.Reply, StringComparison.Ordinal);
            Assert.StartsWith("ok ", secondGame.Reply, StringComparison.Ordinal);
            Assert.Equal(first.CharacterId, JsonDocument.Parse(firstGame.Reply[3..]).RootElement.GetProperty("character").GetProperty("id").GetString());
            await using var replayed = await GameClient.OpenAsync(connection, first.PlayerId, first.CharacterId, firstPush.GetProperty("token").GetString()!);
            Assert.StartsWith("error ", replayed.Reply, StringComparison.Ordinal);

            // A save from the game server reaches the Realm's store.
            Assert.Equal("ok", await firstGame.SendAsync("move 12 34 56"));
            await Eventually.True(async () => (await RedwoodDataAsync(database, first.CharacterId)).Contains("lastLocation", StringComparison.Ordinal),
                TimeSpan.FromSeconds(30), "the character save crossed the bus");

            // The game server dies: its reports stop, the Realm ends it and its Sidecar asks Agones to shut it down.
            gameServer.Kill(entireProcessTree: true);
            await Eventually.True(
                () => Task.FromResult(agones.Count("/shutdown") >= 1
                    && sidecar.Output.Contains($"Asked Agones to shut game server {gameServerName} down", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(60),
                "the Sidecar asked the Agones SDK to shut the GameServer down");

            // The Realm ends the server once for its instance and once for the server row: Agones is asked once.
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(1, agones.Count("/shutdown"));
        }
        catch (Exception ex) when (ex is TimeoutException or Xunit.Sdk.XunitException)
        {
            // Both processes' logs say where the flow stopped.
            throw new InvalidOperationException(
                $"{ex.Message}\n--- backend ---\n{Tail(backend.Output)}\n--- sidecar ---\n{Tail(sidecar.Output)}", ex);
        }
        finally
        {
            if (!gameServer.HasExited)
            {
                gameServer.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task A_standalone_sidecar_takes_its_identity_from_settings_or_from_the_agones_sdk_port_agones_sets()
    {
        var prefix = SplitProcessSettings.NewPrefix();
        await using (var configured = await RedwoodProcess.StartAsync(Settings(prefix, new()
        {
            ["Redwood:Modules:Director:Enabled"] = "false",
            ["Redwood:Modules:Realm:Enabled"] = "false",
            ["Redwood:Modules:Matchmaking:Enabled"] = "false",
            ["Redwood:Sidecar:Mode"] = "standalone",
            ["Redwood:Sidecar:ServerId"] = "vm-17",
            ["Redwood:Sidecar:RealmId"] = "eu",
            ["Redwood:Sidecar:Port"] = "0",
        })))
        {
            Assert.Contains("standalone for game server vm-17 of realm eu, no Agones SDK", configured.Output, StringComparison.Ordinal);
            Assert.True(configured.Port("sidecar") > 0);
        }

        await using var agones = await FakeAgones.StartAsync("fleet-a-" + Guid.NewGuid().ToString("N")[..6], "127.0.0.1", 7777);
        await using var fromAgones = await RedwoodProcess.StartAsync(Settings(prefix, new()
        {
            ["Redwood:Modules:Director:Enabled"] = "false",
            ["Redwood:Modules:Realm:Enabled"] = "false",
            ["Redwood:Modules:Matchmaking:Enabled"] = "false",
            ["Redwood:Sidecar:Mode"] = "standalone",
            ["Redwood:Sidecar:Port"] = "0",
            // What Agones sets in every container of a GameServer pod.
            ["AGONES_SDK_HTTP_PORT"] = agones.Url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));
        Assert.Contains($"standalone for game server {agones.GameServerName} of realm default, Agones SDK at http://localhost:{agones.Url.Port}/",
            fromAgones.Output, StringComparison.Ordinal);
        Assert.Equal(1, agones.Count("/gameserver"));
    }

    [Fact]
    public async Task A_standalone_sidecar_without_an_identity_stops_start_up_naming_the_setting()
    {
        var (exitCode, output) = await RedwoodProcess.RunToExitAsync(Settings(SplitProcessSettings.NewPrefix(), new()
        {
            ["Redwood:Modules:Director:Enabled"] = "false",
            ["Redwood:Modules:Realm:Enabled"] = "false",
            ["Redwood:Modules:Matchmaking:Enabled"] = "false",
            ["Redwood:Sidecar:Mode"] = "standalone",
        }));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Setting 'Redwood:Sidecar:ServerId' is required", output, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Settings(string prefix, Dictionary<string, string?> extra) =>
        SplitProcessSettings.For(prefix, RealmSecret, extra);

    /// <summary>The dev game server built beside the host, as Agones would run the game server container.</summary>
    private static Process StartDevGameServer(int gamePort, int sidecarPort)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Redwood.sln")))
        {
            directory = directory.Parent;
        }

        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release"
            : "Debug";
        var dll = Path.Combine(directory!.FullName, "src", "Redwood.Host", "bin", configuration, "net10.0", "Redwood.DevGameServer.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "-server", $"-port={gamePort}", $"-SidecarPort={sidecarPort}", "-DevSaveInterval=0.5"])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static string Tail(string output) => output.Length > 8000 ? output[^8000..] : output;

    private static async Task<string> RedwoodDataAsync(string database, string characterId)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT \"RedwoodData\"::text FROM realm_default.characters WHERE \"Id\" = @id", connection);
        command.Parameters.AddWithValue("id", characterId);
        return (await command.ExecuteScalarAsync()) as string ?? string.Empty;
    }

    private static Task<JsonElement> JoinAsync(FlowPlayer player) =>
        player.Realm.RequestAsync("realm:ticketing:join:matchmaking", new
        {
            playerId = player.PlayerId,
            characterId = player.CharacterId,
            data = new { profileId = "duo", regions = new[] { new { name = "local", ping = 0.02 } } },
        });

    private static Task<FlowPlayer> SignedInPlayerWithCharacterAsync(RedwoodProcess host) => FlowPlayer.ArriveAsync(host, host);
}
