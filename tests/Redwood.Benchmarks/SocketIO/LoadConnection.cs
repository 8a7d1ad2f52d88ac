using System.Diagnostics;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace Redwood.Benchmarks.SocketIO;

/// <summary>
/// One Socket.IO client on a raw <see cref="ClientWebSocket"/>: Engine.IO OPEN, CONNECT to the main
/// namespace, then either a sequential echo-ack loop or an idle keep-alive loop. Only one loop runs per
/// connection, and it is the only sender, so pongs can be written inline without a send lock.
/// </summary>
internal sealed class LoadConnection : IDisposable
{
    private readonly ClientWebSocket _socket;
    private byte[] _receiveBuffer;

    private LoadConnection(ClientWebSocket socket, int receiveBufferSize)
    {
        _socket = socket;
        _receiveBuffer = new byte[receiveBufferSize];
    }

    public static async Task<LoadConnection> ConnectAsync(
        Uri serverUri,
        HttpMessageInvoker invoker,
        string? authJson,
        int receiveBufferSize,
        CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var connection = new LoadConnection(socket, receiveBufferSize);
        try
        {
            await socket.ConnectAsync(serverUri, invoker, cancellationToken);

            var length = await connection.ReceivePacketAsync(cancellationToken);
            if (!SocketIOFraming.IsEngineOpen(connection.Packet(length)))
            {
                throw new InvalidOperationException($"expected an Engine.IO OPEN packet, got '{connection.PacketText(length)}'");
            }

            var connect = authJson is null ? SocketIOFraming.Connect : Encoding.UTF8.GetBytes("40" + authJson);
            await socket.SendAsync(connect, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

            length = await connection.ReceivePacketAsync(cancellationToken);
            if (!SocketIOFraming.IsNamespaceConnected(connection.Packet(length)))
            {
                throw new InvalidOperationException($"expected 40{{\"sid\":...}}, got '{connection.PacketText(length)}'");
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public ReadOnlySpan<byte> Packet(int length) => _receiveBuffer.AsSpan(0, length);

    public string PacketText(int length) => Encoding.UTF8.GetString(_receiveBuffer, 0, length);

    public ValueTask SendAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken) =>
        _socket.SendAsync(packet, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    /// <summary>
    /// Sequential emit-with-ack loop: one echo in flight, its latency recorded while the gate is open.
    /// Returns the number of acks completed while recording.
    /// </summary>
    public async Task<long> RunAckLoopAsync(PhaseGate gate, LatencyHistogram histogram, CancellationToken cancellationToken)
    {
        var emit = new byte[SocketIOFraming.MaxEchoEmitLength];
        long ackId = 0;
        long recorded = 0;
        while (!gate.Stopped)
        {
            ackId++;
            var emitLength = SocketIOFraming.WriteEchoEmit(emit, ackId);
            var started = Stopwatch.GetTimestamp();
            await _socket.SendAsync(emit.AsMemory(0, emitLength), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

            var length = await ReceivePacketAsync(cancellationToken);
            if (!SocketIOFraming.TryReadAckId(Packet(length), out var receivedId) || receivedId != ackId)
            {
                throw new InvalidOperationException($"expected ack {ackId}, got '{PacketText(length)}'");
            }

            if (gate.Recording)
            {
                histogram.RecordTicks(Stopwatch.GetTimestamp() - started);
                recorded++;
            }
        }

        return recorded;
    }

    /// <summary>Holds an idle connection open: answers pings until the socket closes or the token fires.</summary>
    public async Task KeepAliveAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await ReceivePacketAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException or ServerClosedException)
        {
        }
    }

    /// <summary>
    /// Receives the next Engine.IO packet other than a ping into the receive buffer and returns its length.
    /// Pings are answered here so every loop stays alive however long a phase runs.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ReceivePacketAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var total = 0;
            while (true)
            {
                var result = await _socket.ReceiveAsync(_receiveBuffer.AsMemory(total), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new ServerClosedException($"server closed the websocket ({_socket.CloseStatus} {_socket.CloseStatusDescription})");
                }

                total += result.Count;
                if (result.EndOfMessage)
                {
                    break;
                }

                if (total == _receiveBuffer.Length)
                {
                    Array.Resize(ref _receiveBuffer, _receiveBuffer.Length * 2);
                }
            }

            if (!SocketIOFraming.IsPing(_receiveBuffer.AsSpan(0, total)))
            {
                return total;
            }

            await _socket.SendAsync(SocketIOFraming.Pong, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
    }

    public void Dispose()
    {
        _socket.Abort();
        _socket.Dispose();
    }
}

/// <summary>The server sent a websocket close frame while the client expected a packet.</summary>
internal sealed class ServerClosedException(string message) : Exception(message);

/// <summary>
/// Shared phase switch: loops run freely during warm-up, record while open, and stop after closing.
/// </summary>
internal sealed class PhaseGate
{
    private const int WarmingUp = 0;
    private const int Open = 1;
    private const int Closed = 2;

    private volatile int _state = WarmingUp;

    public bool Recording => _state == Open;

    public bool Stopped => _state == Closed;

    public void StartRecording() => _state = Open;

    public void Stop() => _state = Closed;
}
