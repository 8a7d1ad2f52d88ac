using System.Net;
using System.Net.Sockets;
using Npgsql;
using Redwood.Testing;

namespace Redwood.IntegrationTests;

/// <summary>
/// Start-up beside a PostgreSQL server that does not answer yet: the host waits for it (up to
/// <c>Redwood:Persistence:StartupWait</c>) instead of crashing, and gives up with a clear log when it never comes.
/// </summary>
public sealed class DatabaseStartupTests
{
    [Fact]
    public async Task The_host_waits_for_a_database_that_comes_up_after_it_and_then_serves_players()
    {
        var database = new NpgsqlConnectionStringBuilder(await TestEnvironment.CreatePostgresDatabaseAsync());
        var real = new IPEndPoint(IPAddress.Parse(database.Host!), database.Port);
        var port = SplitProcessSettings.FreePort();
        database.Port = port;
        database.Timeout = 2;

        var starting = RedwoodProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Redwood:Persistence:Provider"] = "Postgres",
            ["ConnectionStrings:Redwood"] = database.ConnectionString,
            ["Redwood:Director:Auth:Pbkdf2Iterations"] = "1",
        });

        // The database "comes up" once the host has failed to reach it at least once.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.False(starting.IsCompleted, "the host must not be up before its database is");
        await using var forwarder = TcpForwarder.Start(port, real);
        await using var host = await starting;

        Assert.Contains("not reachable yet", host.Output, StringComparison.Ordinal);
        await using var director = await PlayerClient.ConnectAsync(host.Uri("director"));
        var registered = await director.RequestAsync(
            "player:register:username", new { username = "latedb" + Guid.NewGuid().ToString("N")[..8], password = "correct horse battery" });
        Assert.Equal(string.Empty, registered.GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_host_gives_up_after_the_startup_wait_and_says_why()
    {
        var database = new NpgsqlConnectionStringBuilder(TestEnvironment.Postgres) { Port = SplitProcessSettings.FreePort(), Timeout = 1 };

        var (exitCode, output) = await RedwoodProcess.RunToExitAsync(new Dictionary<string, string?>
        {
            ["Redwood:Persistence:Provider"] = "Postgres",
            ["ConnectionStrings:Redwood"] = database.ConnectionString,
            ["Redwood:Persistence:StartupWait"] = "00:00:03",
        });

        Assert.NotEqual(0, exitCode);
        Assert.Contains("not reachable yet", output, StringComparison.Ordinal);
        Assert.Contains("Hosting failed to start", output, StringComparison.Ordinal);
    }

    /// <summary>Accepts on a loopback port and pipes every connection to the real server.</summary>
    private sealed class TcpForwarder : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;

        private TcpForwarder(int port, IPEndPoint target)
        {
            _listener = new TcpListener(IPAddress.Loopback, port);
            _listener.Start();
            _accepting = AcceptAsync(target);
        }

        public static TcpForwarder Start(int port, IPEndPoint target) => new(port, target);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _accepting;
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }

            _stop.Dispose();
        }

        private async Task AcceptAsync(IPEndPoint target)
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = PipeAsync(client, target);
            }
        }

        private async Task PipeAsync(TcpClient client, IPEndPoint target)
        {
            using (client)
            using (var server = new TcpClient())
            {
                try
                {
                    await server.ConnectAsync(target, _stop.Token);
                    var a = client.GetStream();
                    var b = server.GetStream();
                    await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
                {
                }
            }
        }
    }
}
