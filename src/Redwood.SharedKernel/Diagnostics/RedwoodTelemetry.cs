using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Redwood.SocketIO;

namespace Redwood.SharedKernel.Diagnostics;

/// <summary>
/// Names of the product's meters and the correlation of work across processes. A correlation id is the W3C trace id
/// of an <see cref="Activity"/> of <see cref="Source"/>: a new one per incoming socket event, carried in the bus
/// envelope (<see cref="TraceParent"/>) and restored on the receiving process (<see cref="StartReceived"/>); the host's
/// logging adds <c>TraceId</c> to the scope of every entry written meanwhile.
/// </summary>
public static class RedwoodTelemetry
{
    /// <summary>The activity source of Redwood's own operations (socket events, bus deliveries).</summary>
    public const string SourceName = "Redwood";

    /// <summary>The meter of the contract bus between processes.</summary>
    public const string BusMeterName = "redwood.bus";

    /// <summary>The socket item under which a frontend keeps the player id of a signed-in socket (for log scopes).</summary>
    public const string PlayerItem = "redwood.player-id";

    /// <summary>The source every Redwood activity comes from.</summary>
    public static readonly ActivitySource Source = new(SourceName);

    private static readonly Func<ILogger, string, IDisposable?> PlayerScope =
        LoggerMessage.DefineScope<string>("Player {PlayerId}");

    private static int _listening;

    /// <summary>The meter of a module: <c>redwood.&lt;module in lower case&gt;</c> (one meter per module).</summary>
    public static string MeterName(string module) => "redwood." + module.ToLowerInvariant();

    /// <summary>The current activity as a W3C <c>traceparent</c> to carry across processes; null without one.</summary>
    public static string? TraceParent =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>
    /// Starts the activity of one incoming socket event: a new trace (the connection's own request is not its parent),
    /// so each event has its own correlation id. Null when nothing listens to <see cref="Source"/>.
    /// </summary>
    public static Activity? StartSocketEvent(string eventName)
    {
        Activity.Current = null;
        return Source.StartActivity(eventName, ActivityKind.Server);
    }

    /// <summary>
    /// Starts the activity of work that arrived from another process, continuing its <paramref name="traceParent"/>
    /// (a new trace when it carried none or an unreadable one).
    /// </summary>
    public static Activity? StartReceived(string operation, string? traceParent)
    {
        Activity.Current = null;
        return ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent)
            ? Source.StartActivity(operation, ActivityKind.Consumer, parent)
            : Source.StartActivity(operation, ActivityKind.Consumer);
    }

    /// <summary>A log scope naming the socket's player, when the socket is signed in; null otherwise.</summary>
    public static IDisposable? BeginPlayerScope(ILogger logger, SocketIOSocket socket) =>
        socket.Items.TryGetValue(PlayerItem, out var player) && player is string id ? PlayerScope(logger, id) : null;

    /// <summary>
    /// Makes sure Redwood activities get ids even when no tracing exporter listens (they are then neither recorded nor
    /// exported), so the correlation id always exists. Safe to call more than once.
    /// </summary>
    public static void EnsureCorrelation()
    {
        if (Interlocked.Exchange(ref _listening, 1) == 0)
        {
            ActivitySource.AddActivityListener(new ActivityListener
            {
                ShouldListenTo = source => source.Name == SourceName,
                Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
            });
        }
    }
}
