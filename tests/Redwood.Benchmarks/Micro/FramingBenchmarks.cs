using BenchmarkDotNet.Attributes;
using Redwood.Benchmarks.SocketIO;

namespace Redwood.Benchmarks.Micro;

/// <summary>
/// Cost of the load generator's own framing per round trip, which must stay far below the server's
/// (BenchmarkDotNet needs benchmark classes public and unsealed).
/// </summary>
[MemoryDiagnoser]
public class FramingBenchmarks
{
    private readonly byte[] _emit = new byte[SocketIOFraming.MaxEchoEmitLength];
    private readonly byte[] _ack = "43123456[{\"n\":123456}]"u8.ToArray();
    private readonly LatencyHistogram _histogram = new();
    private long _ackId = 123_456;

    [Benchmark]
    public int EncodeEchoEmit() => SocketIOFraming.WriteEchoEmit(_emit, ++_ackId);

    [Benchmark]
    public long ParseAck() => SocketIOFraming.TryReadAckId(_ack, out var id) ? id : -1;

    [Benchmark]
    public void RecordLatency() => _histogram.Record(_ackId++ & 0xFFFFF);
}
