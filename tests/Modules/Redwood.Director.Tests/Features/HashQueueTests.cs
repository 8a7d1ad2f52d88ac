using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Redwood.Director.Domain;
using Redwood.Testing;

namespace Redwood.Director.Tests.Features;

public sealed class HashQueueTests
{
    private static readonly (string, string?)[] Slow =
    [
        ("Redwood:Director:Auth:Pbkdf2Iterations", "100000"),
        ("Redwood:Director:Auth:HashConcurrency", "1"),
        ("Redwood:Director:Auth:HashQueueLimit", "2"),
        ("Redwood:Director:Auth:MaxFailedLoginsPerUsername", "100000"),
        ("Redwood:Director:Auth:MaxFailedLoginsPerAddress", "100000"),
    ];

    [Fact]
    public async Task Logins_beyond_the_queue_are_answered_busy_at_once_and_nothing_logs_an_error()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite, Slow);
        var username = DirectorApp.NewUsername();
        await using (var owner = await app.ConnectAsync())
        {
            Assert.Equal(string.Empty, (await owner.RegisterAsync(username)).Str("error"));
        }

        var sockets = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => app.ConnectAsync()));
        try
        {
            var answers = await Task.WhenAll(sockets.Select(s => s.LoginAsync(username, DirectorApp.Password)));

            var errors = answers.Select(a => a.Str("error")).ToList();
            Assert.Contains(PasswordHasher.BusyMessage, errors);
            Assert.Contains(string.Empty, errors);
            Assert.All(errors, e => Assert.True(e.Length == 0 || e == PasswordHasher.BusyMessage, e));
            Assert.Empty(app.Logs.AtLeast(LogLevel.Error));
            Assert.Single(app.Logs.Entries, e => e.Id.Id == 1017);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                await socket.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Work_for_a_client_that_left_is_dropped_before_hashing_and_not_logged_as_an_error()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite, [.. Slow, ("Redwood:Director:Auth:HashQueueLimit", "100")]);
        var hasher = app.Services.GetRequiredService<PasswordHasher>();
        var username = DirectorApp.NewUsername();
        await using (var owner = await app.ConnectAsync())
        {
            Assert.Equal(string.Empty, (await owner.RegisterAsync(username)).Str("error"));
        }

        var before = hasher.Computed;
        var sockets = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => app.ConnectAsync()));
        foreach (var socket in sockets)
        {
            await socket.EmitAsync("player:login:username", new { username, secret = DirectorApp.Password, provider = "local" });
        }

        await Eventually.True(() => Task.FromResult(hasher.Pending >= 10), TimeSpan.FromSeconds(10), "logins queued");
        foreach (var socket in sockets)
        {
            await socket.DisposeAsync();
        }

        await Eventually.True(() => Task.FromResult(hasher.Pending == 0), TimeSpan.FromSeconds(15), "queue drained");
        Assert.InRange(hasher.Computed - before, 1, 15);
        Assert.Empty(app.Logs.AtLeast(LogLevel.Error));
    }
}

public sealed class HasherShutdownTests
{
    [Fact]
    public async Task Disposing_the_hasher_lets_a_running_hash_finish()
    {
        // A hash long enough (seconds) that the probe below sees it running, however quiet the machine.
        var settings = new AuthSettings(3_000_000, 64, 1, 3, 32, "_.-", 8, 128, false, false, TimeSpan.FromDays(30), TimeSpan.FromMinutes(1),
            TimeSpan.FromHours(1), 10, 50, TimeSpan.FromMinutes(5), ["local"], new JwtSettings(null, "sub", null, null), HashQueueLimit: 4);
        var hasher = new PasswordHasher(settings);
        var running = Task.Run(() => hasher.HashAsync("correct horse", CancellationToken.None));
        await Eventually.True(() => Task.FromResult(hasher.Pending > 0 || running.IsCompleted), TimeSpan.FromSeconds(5), "hash started");

        hasher.Dispose();

        Assert.StartsWith("pbkdf2-sha512$3000000$", await running);
    }
}

public sealed class HashQueueCalibrationTests
{
    [Fact]
    public void The_default_queue_is_sized_from_a_warm_hash_not_from_the_first_slow_call()
    {
        // A one-iteration hash costs microseconds once warm; the first call alone (library load, compilation) can cost
        // milliseconds and used to shrink the queue to a handful, refusing logins on an idle server just started.
        var settings = new AuthSettings(1, 64, 1, 3, 32, "_.-", 8, 128, false, false, TimeSpan.FromDays(30), TimeSpan.FromMinutes(1),
            TimeSpan.FromHours(1), 10, 50, TimeSpan.FromMinutes(5), ["local"], new JwtSettings(null, "sub", null, null), HashQueueLimit: 0);

        var hasher = new PasswordHasher(settings);

        Assert.True(hasher.QueueLimit >= 1_000, $"two seconds of one-iteration hashes hold far more than {hasher.QueueLimit}");
    }
}
