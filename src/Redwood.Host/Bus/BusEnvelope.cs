using System.Text.Json;

namespace Redwood.Host.Bus;

/// <summary>
/// A notification forwarded between processes; <paramref name="TraceParent"/> carries the publisher's correlation id
/// (W3C <c>traceparent</c>), absent from senders that had none.
/// </summary>
internal sealed record NotificationEnvelope(string Origin, string Type, JsonElement Payload, string? TraceParent = null);

/// <summary>A contract request sent to whichever process runs the owning module, with the sender's correlation id.</summary>
internal sealed record RequestEnvelope(string Id, string ReplyTo, string Type, long DeadlineUnixMs, JsonElement Payload, string? TraceParent = null);

/// <summary>The answer to a <see cref="RequestEnvelope"/>.</summary>
internal sealed record ReplyEnvelope(string Id, JsonElement? Payload, string? Error);

/// <summary>Redis names of the bus, under the deployment's <c>Redwood:Redis:Prefix</c>.</summary>
internal sealed class BusChannels(string prefix)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string NotificationPattern => prefix + "redwood:notify:*";

    public string Notification(string type) => prefix + "redwood:notify:" + type;

    public string RequestQueue(string type) => prefix + "redwood:request:" + type;

    public string RequestReady(string type) => prefix + "redwood:request-ready:" + type;

    public string Reply(string process) => prefix + "redwood:reply:" + process;
}
