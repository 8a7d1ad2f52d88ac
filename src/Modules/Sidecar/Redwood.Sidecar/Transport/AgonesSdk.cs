using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Redwood.Sidecar.Transport;

/// <summary>
/// The Agones SDK server's REST gateway beside the game server (in the same pod, on
/// <c>localhost:$AGONES_SDK_HTTP_PORT</c>): the GameServer's name, and the lifecycle calls a game server makes.
/// Every call posts <c>{}</c> as JSON, as the SDK's REST documentation does.
/// </summary>
internal sealed class AgonesSdk(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _http = new()
    {
        BaseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/"),
        Timeout = TimeSpan.FromSeconds(5),
    };

    public Uri Address => baseAddress;

    /// <summary><c>GET /gameserver</c>: the GameServer's <c>object_meta.name</c> (the pod's name).</summary>
    public async Task<string> GetGameServerNameAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri("gameserver", UriKind.Relative), cancellationToken);
        response.EnsureSuccessStatusCode();
        var gameServer = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);

        // The gateway writes proto field names (object_meta); accept the JSON-style name too.
        foreach (var meta in new[] { "object_meta", "objectMeta" })
        {
            if (gameServer.ValueKind == JsonValueKind.Object && gameServer.TryGetProperty(meta, out var objectMeta)
                && objectMeta.ValueKind == JsonValueKind.Object && objectMeta.TryGetProperty("name", out var name)
                && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } text)
            {
                return text;
            }
        }

        throw new InvalidOperationException("The Agones SDK's GET /gameserver answer has no object_meta.name");
    }

    /// <summary><c>POST /ready</c>: the game server may be allocated.</summary>
    public Task ReadyAsync(CancellationToken cancellationToken) => PostAsync("ready", cancellationToken);

    /// <summary><c>POST /health</c>: one health ping.</summary>
    public Task HealthAsync(CancellationToken cancellationToken) => PostAsync("health", cancellationToken);

    /// <summary><c>POST /shutdown</c>: Agones moves the GameServer to Shutdown and deletes its pod.</summary>
    public Task ShutdownAsync(CancellationToken cancellationToken) => PostAsync("shutdown", cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task PostAsync(string path, CancellationToken cancellationToken)
    {
        using var body = new StringContent("{}", Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), body, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
