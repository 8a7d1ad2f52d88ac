using System.Text.Json;
using Redwood.Testing;

namespace Redwood.Director.Tests.Features;

public sealed class GetLatestGlobalDataTests
{
    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Answers_the_seeded_version_to_a_logged_in_socket_sending_null(TestDatabase database)
    {
        await using var app = await DirectorApp.StartAsync(database);
        await using var client = await app.ConnectAsync();

        var before = await client.RequestAsync("director:global-data:get:latest", null);
        await client.RegisterAndLoginAsync(DirectorApp.NewUsername());
        var after = await client.RequestAsync("director:global-data:get:latest", null);

        Assert.Equal("Not logged in", before.Str("error"));
        Assert.Equal(JsonValueKind.Number, before.GetProperty("id").ValueKind);
        Assert.Equal(string.Empty, after.Str("error"));
        Assert.Equal(1, after.GetProperty("id").GetInt32());
        Assert.Equal(JsonValueKind.Object, after.GetProperty("data").ValueKind);
        Assert.Empty(after.GetProperty("data").EnumerateObject());
    }
}
