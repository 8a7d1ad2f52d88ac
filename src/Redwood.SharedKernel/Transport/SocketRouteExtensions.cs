using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Redwood.SharedKernel.Diagnostics;
using Redwood.SharedKernel.Messaging;
using Redwood.SocketIO;

namespace Redwood.SharedKernel.Transport;

/// <summary>
/// Maps socket events to handlers with the Redwood convention: every request gets exactly one ack object carrying
/// <c>error</c> (<c>""</c> on success), also for validation failures, unknown events and internal errors, because the
/// Unreal plugin has no client-side timeout and reads the first ack argument blindly.
/// </summary>
public static partial class SocketRouteExtensions
{
    /// <summary>The error text for events this server does not implement yet.</summary>
    public const string NotSupported = "Not supported by this server yet";

    /// <summary>
    /// Handles <paramref name="eventName"/> in a new DI scope. <paramref name="errorShape"/> builds the ack for a
    /// failure with the fields the plugin reads even on error (lists as <c>[]</c>). An <paramref name="unordered"/>
    /// request runs as soon as it arrives, beside the socket's other events (see
    /// <see cref="SocketIONamespace.OnUnordered"/>): for requests that are independent of each other.
    /// </summary>
    public static void OnRequest(
        this SocketIONamespace ns,
        string eventName,
        IServiceScopeFactory scopes,
        ILogger logger,
        Func<SocketRequest, CancellationToken, ValueTask<object>> handle,
        Func<string, object>? errorShape = null,
        bool unordered = false)
    {
        errorShape ??= ErrorOnly;
        SocketIOEventHandler handler = async (socket, message, ct) =>
        {
            // One correlation id per event: it follows the request across the bus and into every log entry.
            using var activity = RedwoodTelemetry.StartSocketEvent(eventName);
            using var player = RedwoodTelemetry.BeginPlayerScope(logger, socket);
            object ack;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                ack = await handle(new SocketRequest(socket, message, scope.ServiceProvider), ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                ack = errorShape(Describe(ex, eventName, logger));
            }

            return message.WantsAck ? ack : null;
        };
        if (unordered)
        {
            ns.OnUnordered(eventName, handler);
        }
        else
        {
            ns.On(eventName, handler);
        }
    }

    /// <summary>Handles a fire-and-forget event (no ack expected) in a new DI scope; failures are only logged.</summary>
    public static void OnEvent(
        this SocketIONamespace ns,
        string eventName,
        IServiceScopeFactory scopes,
        ILogger logger,
        Func<SocketRequest, CancellationToken, ValueTask> handle)
    {
        ns.On(eventName, async (socket, message, ct) =>
        {
            using var activity = RedwoodTelemetry.StartSocketEvent(eventName);
            using var player = RedwoodTelemetry.BeginPlayerScope(logger, socket);
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await handle(new SocketRequest(socket, message, scope.ServiceProvider), ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                var error = Describe(ex, eventName, logger);
                return message.WantsAck ? ErrorOnly(error) : null;
            }

            return message.WantsAck ? ErrorOnly(string.Empty) : null;
        });
    }

    /// <summary>
    /// Answers each listed event with <see cref="NotSupported"/> in the ack shape the plugin expects, and any other
    /// unknown event with an "Unknown event" error, so nothing is left without an ack.
    /// </summary>
    public static void OnUnsupported(this SocketIONamespace ns, IReadOnlyDictionary<string, Func<string, object>> unsupported)
    {
        ns.OnAny((_, message, _) =>
        {
            if (!message.WantsAck)
            {
                return ValueTask.FromResult<object?>(null);
            }

            return ValueTask.FromResult<object?>(unsupported.TryGetValue(message.Event, out var shape)
                ? shape(NotSupported)
                : ErrorOnly($"Unknown event '{message.Event}'"));
        });
    }

    /// <summary>The plain <c>{error}</c> ack.</summary>
    public static object ErrorOnly(string error) => new ErrorAck(error);

    private static string Describe(Exception ex, string eventName, ILogger logger)
    {
        switch (ex)
        {
            case ValidationException validation:
                return string.Join("; ", validation.Errors.Select(e => e.ErrorMessage).Distinct());
            case InvalidPayloadException or RequestRefusedException:
                return ex.Message;
            case ContractRequestException { Failure: ContractRequestFailure.Timeout }:
                LogUnavailable(logger, eventName, ex);
                return "Service temporarily unavailable, please retry";
            default:
                var reference = Guid.NewGuid().ToString("N")[..12];
                LogFailed(logger, eventName, reference, ex);
                return $"Internal server error (reference {reference})";
        }
    }

    [LoggerMessage(90, LogLevel.Error, "Socket event {Event} failed (reference {Reference})")]
    private static partial void LogFailed(ILogger logger, string @event, string reference, Exception exception);

    [LoggerMessage(91, LogLevel.Warning, "Socket event {Event} could not reach another module")]
    private static partial void LogUnavailable(ILogger logger, string @event, Exception exception);

    private sealed record ErrorAck(string Error);
}
