using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;
using Redwood.SharedKernel.Diagnostics;

namespace Redwood.Benchmarks.Micro;

/// <summary>
/// What correlation adds to each socket event and each bus message: the event's activity (with the host's
/// propagation-only listener), its player log scope, and the <c>traceparent</c> a bus envelope carries.
/// </summary>
[MemoryDiagnoser]
public class CorrelationBenchmarks
{
    private ILoggerFactory _loggers = null!;
    private ILogger _logger = null!;

    [GlobalSetup]
    public void Setup()
    {
        RedwoodTelemetry.EnsureCorrelation();
        _loggers = LoggerFactory.Create(logging => logging
            .AddSimpleConsole(console => console.IncludeScopes = true)
            .Configure(options => options.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId));
        _logger = _loggers.CreateLogger("bench");
    }

    [GlobalCleanup]
    public void Cleanup() => _loggers.Dispose();

    [Benchmark(Description = "socket event activity")]
    public bool SocketEvent()
    {
        using var activity = RedwoodTelemetry.StartSocketEvent("realm:ticketing:join:matchmaking");
        return activity is not null;
    }

    [Benchmark(Description = "socket event activity + player scope")]
    public bool SocketEventWithPlayerScope()
    {
        using var activity = RedwoodTelemetry.StartSocketEvent("realm:ticketing:join:matchmaking");
        using var scope = _logger.BeginScope("Player {PlayerId}", "3f2a9c0d5b7e4e1f8a6b2c4d9e0f1a2b");
        return activity is not null && scope is not null;
    }

    [Benchmark(Description = "bus: traceparent for an envelope, then the receiving activity")]
    public bool BusHop()
    {
        using var sent = RedwoodTelemetry.StartSocketEvent("realm:ticketing:join:matchmaking");
        using var received = RedwoodTelemetry.StartReceived("OpenMatchmakingTicket", RedwoodTelemetry.TraceParent);
        return received is not null;
    }
}
