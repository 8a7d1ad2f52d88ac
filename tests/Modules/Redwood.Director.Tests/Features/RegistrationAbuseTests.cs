using System.Diagnostics;
using Redwood.Testing;

namespace Redwood.Director.Tests.Features;

public sealed class RegistrationAbuseTests
{
    [Fact]
    public async Task Registrations_are_limited_per_address()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite, ("Redwood:Director:Auth:MaxRegistrationsPerAddress", "3"));
        await using var client = await app.ConnectFromAsync(5);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(string.Empty, (await client.RegisterAsync(DirectorApp.NewUsername())).Str("error"));
        }

        Assert.Equal("Too many registrations from this address, try again later", (await client.RegisterAsync(DirectorApp.NewUsername())).Str("error"));
        await using var elsewhere = await app.ConnectFromAsync(6);
        Assert.Equal(string.Empty, (await elsewhere.RegisterAsync(DirectorApp.NewUsername())).Str("error"));
    }

    [Fact]
    public async Task A_taken_name_answers_as_slowly_as_a_new_one()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite, ("Redwood:Director:Auth:Pbkdf2Iterations", "200000"));
        await using var client = await app.ConnectAsync();
        var taken = DirectorApp.NewUsername();
        Assert.Equal(string.Empty, (await client.RegisterAsync(taken)).Str("error"));

        var fresh = new List<double>();
        var existing = new List<double>();
        for (var i = 0; i < 15; i++)
        {
            fresh.Add(await TimeAsync(() => client.RegisterAsync(DirectorApp.NewUsername()), string.Empty));
            existing.Add(await TimeAsync(() => client.RegisterAsync(taken), "User already registered"));
        }

        var (a, b) = (Median(fresh), Median(existing));
        Assert.True(Math.Abs(a - b) <= 0.2 * Math.Max(a, b), $"medians {a:0.0} ms (new) and {b:0.0} ms (taken) differ by more than 20 %");
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_compatibility_twin_of_a_username_is_taken_and_logs_in_to_the_same_account(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        await using var client = await app.ConnectAsync();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var plain = "vic" + suffix;
        var fullwidth = string.Concat(plain.Select(c => (char)(c + 0xFEE0)));
        var playerId = (await client.RegisterAsync(plain)).Str("playerId");

        Assert.Equal("User already registered", (await client.RegisterAsync(fullwidth)).Str("error"));
        Assert.Equal("User already registered", (await client.RegisterAsync("ＶＩＣ" + suffix.ToUpperInvariant())).Str("error"));
        Assert.Equal(playerId, (await client.LoginAsync(fullwidth, DirectorApp.Password)).Str("playerId"));
    }

    [Theory]
    [InlineData("bad\u202Ename")]
    [InlineData("zero\u200Bwidth")]
    [InlineData("private\uE000use")]
    [InlineData("nul\u0000name")]
    [InlineData("unassigned\u0378")]
    public async Task Refuses_control_format_private_use_and_unassigned_characters_in_usernames(string username)
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite);
        await using var client = await app.ConnectAsync();

        Assert.StartsWith("Username may only contain letters, digits", (await client.RegisterAsync(username)).Str("error"));
    }

    private static async Task<double> TimeAsync(Func<Task<System.Text.Json.JsonElement>> request, string expectedError)
    {
        var started = Stopwatch.GetTimestamp();
        var ack = await request();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Assert.Equal(expectedError, ack.Str("error"));
        return elapsed;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
