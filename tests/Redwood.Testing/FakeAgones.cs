using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Redwood.Testing;

/// <summary>
/// An HTTP server answering as Agones does, recording every request: the Kubernetes API's
/// <c>POST /apis/allocation.agones.dev/v1/namespaces/{ns}/gameserverallocations</c> (a GameServerAllocation answered with
/// <c>status.state</c> Allocated, UnAllocated or Contention, <c>gameServerName</c>, <c>address</c>, <c>ports</c>) and the
/// SDK server's REST gateway beside a game server (<c>GET /gameserver</c>, <c>POST /ready</c>, <c>/health</c>,
/// <c>/shutdown</c>). In a cluster these are two servers; one serves both here.
/// </summary>
public sealed class FakeAgones : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _states = new();

    private FakeAgones(WebApplication app, string gameServerName, string address, int port)
    {
        _app = app;
        GameServerName = gameServerName;
        Address = address;
        Port = port;
    }

    /// <summary>The server's base URL (<c>http://127.0.0.1:port</c>).</summary>
    public Uri Url => new(_app.Urls.First());

    /// <summary>The GameServer every allocation and <c>GET /gameserver</c> names.</summary>
    public string GameServerName { get; }

    /// <summary>The allocated GameServer's address.</summary>
    public string Address { get; }

    /// <summary>The allocated GameServer's first port.</summary>
    public int Port { get; }

    /// <summary>Every request, in order: method, path and the JSON body (undefined when empty).</summary>
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>The allocation requests received.</summary>
    public IReadOnlyList<RecordedRequest> Allocations =>
        [.. Requests.Where(r => r.Path.EndsWith("/gameserverallocations", StringComparison.Ordinal))];

    /// <summary>Starts the server on a free loopback port.</summary>
    public static async Task<FakeAgones> StartAsync(string gameServerName, string address, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeAgones(app, gameServerName, address, port);
        app.Use(async (context, next) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var text = await reader.ReadToEndAsync(context.RequestAborted);
            var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
            fake.Requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? string.Empty, body));
            await next(context);
        });
        app.MapPost("/apis/allocation.agones.dev/v1/namespaces/{ns}/gameserverallocations", (string ns, HttpContext context) => fake.Allocate(ns, context));
        app.MapGet("/gameserver", () => Results.Json(new JsonObject
        {
            ["object_meta"] = new JsonObject { ["name"] = fake.GameServerName, ["namespace"] = "default" },
            ["status"] = new JsonObject { ["state"] = "Scheduled", ["address"] = fake.Address },
        }));
        foreach (var path in new[] { "/ready", "/health", "/shutdown" })
        {
            app.MapPost(path, () => Results.Json(new JsonObject()));
        }

        await app.StartAsync();
        return fake;
    }

    /// <summary>The next allocations answer these states, in order (then Allocated again).</summary>
    public void AnswerNext(params string[] states)
    {
        foreach (var state in states)
        {
            _states.Enqueue(state);
        }
    }

    /// <summary>How many times a path was requested.</summary>
    public int Count(string path) => Requests.Count(r => r.Path == path);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private IResult Allocate(string ns, HttpContext context)
    {
        var request = Requests.Last(r => r.Path.EndsWith("/gameserverallocations", StringComparison.Ordinal));
        var answer = JsonNode.Parse(request.Body.GetRawText())!.AsObject();
        answer["metadata"] = new JsonObject { ["namespace"] = ns, ["creationTimestamp"] = null };
        var state = _states.TryDequeue(out var next) ? next : "Allocated";
        answer["status"] = state == "Allocated"
            ? new JsonObject
            {
                ["state"] = "Allocated",
                ["gameServerName"] = GameServerName,
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "default", ["port"] = Port }),
                ["address"] = Address,
                ["addresses"] = new JsonArray(new JsonObject { ["type"] = "InternalIP", ["address"] = Address }),
                ["nodeName"] = "node-1",
                ["source"] = "local",
            }
            : new JsonObject { ["state"] = state, ["gameServerName"] = string.Empty, ["source"] = string.Empty };
        context.Response.StatusCode = StatusCodes.Status201Created;
        return Results.Json(answer, statusCode: StatusCodes.Status201Created);
    }
}

/// <summary>One request the fake received.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path.</param>
/// <param name="Body">The JSON body; undefined when there was none.</param>
public sealed record RecordedRequest(string Method, string Path, JsonElement Body);
