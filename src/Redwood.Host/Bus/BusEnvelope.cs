using System.Text.Json;

namespace Redwood.Host.Bus;

/// <summary>A notification forwarded between processes.</summary>
internal sealed record NotificationEnvelope(string Origin, string Type, JsonElement Payload);

/// <summary>A contract request sent to whichever process runs the owning module.</summary>
internal sealed record RequestEnvelope(string Id, string ReplyTo, string Type, long DeadlineUnixMs, JsonElement Payload);

/// <summary>The answer to a <see cref="RequestEnvelope"/>.</summary>
internal sealed record ReplyEnvelope(string Id, JsonElement? Payload, string? Error);

/// <summary>Redis names of the bus.</summary>
internal static class BusChannels
{
    public const string NotificationPattern = "redwood:notify:*";

    public static string Notification(string type) => "redwood:notify:" + type;

    public static string RequestQueue(string type) => "redwood:request:" + type;

    public static string RequestReady(string type) => "redwood:request-ready:" + type;

    public static string Reply(string process) => "redwood:reply:" + process;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
