using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Connections;

namespace Redwood.SocketIO.Engine;

/// <summary>
/// Kestrel connection middleware that takes <c>GET &lt;path&gt;?EIO=4&amp;transport=websocket</c> upgrades before the
/// HTTP layer, so a WebSocket connection keeps no HTTP/1.1 request state alive (see ADR 0004). Every other head
/// (polling, probe upgrades with <c>sid</c>, other paths, anything unusual or malformed) is handed back unread to
/// the HTTP pipeline, which answers it exactly as before.
/// </summary>
internal sealed class WebSocketFastPath(SocketIOServer server)
{
    private const int MaxHead = 8192;

    private static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(10);
    private static readonly WebSocketCreationOptions CreationOptions = new() { IsServer = true, KeepAliveInterval = TimeSpan.Zero };

    private readonly byte[] _path = Encoding.UTF8.GetBytes("/" + server.Options.Path.Trim('/'));

    internal enum HeadStatus
    {
        Incomplete,
        Declined,
        Accepted,
    }

    public ConnectionDelegate Build(ConnectionDelegate next) => connection => HandleAsync(connection, next);

    /// <summary>Parses one request head; on <see cref="HeadStatus.Accepted"/> writes the <c>Sec-WebSocket-Accept</c> value.</summary>
    internal static HeadStatusResult ParseHead(ReadOnlySpan<byte> data, ReadOnlySpan<byte> path, Span<byte> accept)
    {
        var end = data.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return new(data.Length >= MaxHead ? HeadStatus.Declined : HeadStatus.Incomplete, 0);
        }

        var head = data[..(end + 2)];
        var lineEnd = head.IndexOf("\r\n"u8);
        if (!IsOurRequestLine(head[..lineEnd], path))
        {
            return new(HeadStatus.Declined, 0);
        }

        var rest = head[(lineEnd + 2)..];
        var upgrade = false;
        var connectionUpgrade = false;
        var version = false;
        ReadOnlySpan<byte> key = default;
        while (!rest.IsEmpty)
        {
            lineEnd = rest.IndexOf("\r\n"u8);
            var line = rest[..lineEnd];
            rest = rest[(lineEnd + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[0] is (byte)' ' or (byte)'\t' || line[colon - 1] is (byte)' ' or (byte)'\t')
            {
                return new(HeadStatus.Declined, 0);
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "Upgrade"u8))
            {
                upgrade = upgrade || HasToken(value, "websocket"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                connectionUpgrade = connectionUpgrade || HasToken(value, "upgrade"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Sec-WebSocket-Version"u8))
            {
                if (version || !value.SequenceEqual("13"u8))
                {
                    return new(HeadStatus.Declined, 0);
                }

                version = true;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Sec-WebSocket-Key"u8))
            {
                if (!key.IsEmpty)
                {
                    return new(HeadStatus.Declined, 0);
                }

                key = value;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8) || Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                return new(HeadStatus.Declined, 0);
            }
        }

        Span<byte> decoded = stackalloc byte[18];
        if (!upgrade || !connectionUpgrade || !version || key.Length != 24
            || Base64.DecodeFromUtf8(key, decoded, out _, out var written) != OperationStatus.Done || written != 16)
        {
            return new(HeadStatus.Declined, 0);
        }

        Span<byte> concatenated = stackalloc byte[24 + 36];
        key.CopyTo(concatenated);
        "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8.CopyTo(concatenated[24..]);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(concatenated, hash);
        Base64.EncodeToUtf8(hash, accept, out _, out _);
        return new(HeadStatus.Accepted, end + 4);
    }

    private static bool IsOurRequestLine(ReadOnlySpan<byte> line, ReadOnlySpan<byte> path)
    {
        if (!line.StartsWith("GET "u8) || !line.EndsWith(" HTTP/1.1"u8))
        {
            return false;
        }

        var target = line[4..^9];
        var question = target.IndexOf((byte)'?');
        if (question < 0)
        {
            return false;
        }

        var requestPath = target[..question];
        if (!requestPath.SequenceEqual(path) && !(requestPath.Length == path.Length + 1 && requestPath.StartsWith(path) && requestPath[^1] == '/'))
        {
            return false;
        }

        var eio = false;
        var websocket = false;
        var query = target[(question + 1)..];
        while (!query.IsEmpty)
        {
            var amp = query.IndexOf((byte)'&');
            var pair = amp < 0 ? query : query[..amp];
            query = amp < 0 ? default : query[(amp + 1)..];
            var equals = pair.IndexOf((byte)'=');
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? default : pair[(equals + 1)..];
            if (name.SequenceEqual("EIO"u8))
            {
                if (eio || !value.SequenceEqual("4"u8))
                {
                    return false;
                }

                eio = true;
            }
            else if (name.SequenceEqual("transport"u8))
            {
                if (websocket || !value.SequenceEqual("websocket"u8))
                {
                    return false;
                }

                websocket = true;
            }
            else if (name.SequenceEqual("sid"u8) || name.IndexOf((byte)'%') >= 0)
            {
                // Probe upgrades of polling sessions (and encoded names the HTTP layer would decode) go the usual way.
                return false;
            }
        }

        return eio && websocket;
    }

    private static bool HasToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        while (!value.IsEmpty)
        {
            var comma = value.IndexOf((byte)',');
            var item = (comma < 0 ? value : value[..comma]).Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(item, token))
            {
                return true;
            }

            value = comma < 0 ? default : value[(comma + 1)..];
        }

        return false;
    }

    private static HeadStatusResult Parse(in ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> path, Span<byte> accept)
    {
        if (buffer.IsSingleSegment)
        {
            return ParseHead(buffer.FirstSpan, path, accept);
        }

        var length = (int)Math.Min(buffer.Length, MaxHead);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            buffer.Slice(0, length).CopyTo(rented);
            return ParseHead(rented.AsSpan(0, length), path, accept);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void WriteSwitchingProtocols(PipeWriter output, ReadOnlySpan<byte> accept)
    {
        ReadOnlySpan<byte> start = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: "u8;
        var span = output.GetSpan(start.Length + accept.Length + 4);
        start.CopyTo(span);
        accept.CopyTo(span[start.Length..]);
        "\r\n\r\n"u8.CopyTo(span[(start.Length + accept.Length)..]);
        output.Advance(start.Length + accept.Length + 4);
    }

    private async Task HandleAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var input = connection.Transport.Input;
        var accept = new byte[28];
        var headLength = 0;
        CancellationTokenSource? timeout = null;
        try
        {
            while (true)
            {
                if (!input.TryRead(out var result))
                {
                    timeout ??= new CancellationTokenSource(HeadTimeout, server.Time);
                    try
                    {
                        result = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }

                var buffer = result.Buffer;
                // Origin checks and refusals need the HTTP layer: leave those to it.
                var parsed = server.IsShuttingDown || server.Options.AllowRequest is not null || server.Options.AllowedOrigins.Count > 0
                    || server.IsTrustedProxy((connection.RemoteEndPoint as IPEndPoint)?.Address)
                    ? new HeadStatusResult(HeadStatus.Declined, 0)
                    : Parse(buffer, _path, accept);
                if (parsed.Status == HeadStatus.Incomplete && !result.IsCompleted && !result.IsCanceled)
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }

                if (parsed.Status != HeadStatus.Accepted)
                {
                    // Nothing is consumed or examined, so the HTTP layer reads the same bytes at once.
                    input.AdvanceTo(buffer.Start);
                    break;
                }

                input.AdvanceTo(buffer.GetPosition(parsed.Length));
                headLength = parsed.Length;
                break;
            }
        }
        finally
        {
            timeout?.Dispose();
        }

        var remote = connection.RemoteEndPoint as IPEndPoint;
        if (headLength == 0 || !server.TryAcquireAddress(remote?.Address))
        {
            // A refused handshake still gets its HTTP answer: the HTTP layer reads the unconsumed head.
            if (headLength == 0)
            {
                await next(connection).ConfigureAwait(false);
            }
            else
            {
                WriteTooManyConnections(connection.Transport.Output);
                await connection.Transport.Output.FlushAsync().ConfigureAwait(false);
                server.OnAddressRefused(remote?.Address);
            }

            return;
        }

        var output = connection.Transport.Output;
        WriteSwitchingProtocols(output, accept);
        await output.FlushAsync().ConfigureAwait(false);
        var socket = WebSocket.CreateFromStream(new DuplexPipeStream(connection.Transport), CreationOptions);
        var session = new EngineSession(server, SocketIOConnection.NewId(), TransportKind.WebSocket, remote, connection.LocalEndPoint as IPEndPoint)
        {
            HoldsAddressSlot = server.Options.MaxConnectionsPerAddress > 0,
        };
        try
        {
            await server.RunDirectWebSocketAsync(session, socket, connection).ConfigureAwait(false);
        }
        finally
        {
            socket.Dispose();
        }
    }

    private static void WriteTooManyConnections(System.IO.Pipelines.PipeWriter output)
    {
        var body = "{\"code\":4,\"message\":\"Too many connections from this address\"}"u8;
        var head = System.Text.Encoding.ASCII.GetBytes(
            $"HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        output.Write(head);
        output.Write(body);
    }

    internal readonly record struct HeadStatusResult(HeadStatus Status, int Length);
}
