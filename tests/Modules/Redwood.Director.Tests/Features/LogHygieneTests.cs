using Microsoft.Extensions.Logging;
using Redwood.Testing;

namespace Redwood.Director.Tests.Features;

public sealed class LogHygieneTests
{
    [Fact]
    public async Task A_huge_player_id_in_an_unauthenticated_logout_grows_the_log_by_less_than_2_KB()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite);
        await using var client = await app.ConnectAsync();
        var before = app.Logs.Size();

        await client.EmitAsync("player:logout", new { playerId = new string('x', 900 * 1024) });
        Assert.Equal("Not logged in", (await client.RequestAsync("realm:list", new { playerId = "p" })).Str("error"));

        Assert.InRange(app.Logs.Size() - before, 1, 2048);
        Assert.Contains(app.Logs.Entries, e => e.Message.Contains("…(+", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Control_and_bidi_characters_from_a_client_are_escaped_in_the_log()
    {
        await using var app = await DirectorApp.StartAsync(TestDatabase.Sqlite);
        await using var client = await app.ConnectAsync();

        await client.EmitAsync("player:logout", new { playerId = "a\r\nINFO forged line\u202e\u0000" });
        await client.RequestAsync("realm:list", new { playerId = "p" });

        var line = Assert.Single(app.Logs.Entries, e => e.Message.Contains("forged line", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Contains("a\\u000d\\u000aINFO forged line\\u202e\\u0000", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line.Message);
        Assert.DoesNotContain('\u202e', line.Message);
    }
}
