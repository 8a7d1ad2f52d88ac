using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Redwood.Testing;

/// <summary>A player's game connection to the dev game server (its TCP line protocol).</summary>
public sealed class GameClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly StreamReader _reader;
    private readonly StreamWriter _writer;

    private GameClient(TcpClient tcp)
    {
        _tcp = tcp;
        var stream = tcp.GetStream();
        _reader = new StreamReader(stream, Encoding.UTF8);
        _writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
    }

    /// <summary>The server's answer to <c>open</c>: <c>ok {character, player}</c> or <c>error ...</c>.</summary>
    public string Reply { get; private set; } = string.Empty;

    public bool Admitted => Reply.StartsWith("ok ", StringComparison.Ordinal);

    public JsonElement Welcome => JsonDocument.Parse(Reply[3..]).RootElement;

    /// <summary>Connects to <c>host:port</c> and sends the plugin's <c>open</c> options.</summary>
    public static async Task<GameClient> OpenAsync(string connection, string playerId, string characterId, string token)
    {
        var colon = connection.LastIndexOf(':');
        var tcp = new TcpClient();
        await tcp.ConnectAsync(connection[..colon], int.Parse(connection[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        var client = new GameClient(tcp);
        await client._writer.WriteLineAsync($"open {connection}?RedwoodAuth=1?CharacterId={characterId}?PlayerId={playerId}?Token={token}");
        client.Reply = await client.ReadAsync() ?? "closed";
        return client;
    }

    public async Task<string?> SendAsync(string line)
    {
        await _writer.WriteLineAsync(line);
        return await ReadAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        await Task.CompletedTask;
    }

    private async Task<string?> ReadAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await _reader.ReadLineAsync(timeout.Token);
    }
}
