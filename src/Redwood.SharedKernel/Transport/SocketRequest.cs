using System.Text.Json;
using Redwood.SocketIO;

namespace Redwood.SharedKernel.Transport;

/// <summary>One request received on a socket, with the DI scope created for it.</summary>
/// <param name="Socket">The socket it arrived on.</param>
/// <param name="Message">The event and its arguments.</param>
/// <param name="Services">The per-message DI scope.</param>
public sealed record SocketRequest(SocketIOSocket Socket, SocketIOMessage Message, IServiceProvider Services)
{
    /// <summary>
    /// The single payload argument bound to <typeparamref name="T"/> (numbers may arrive as <c>2.0</c>); a missing or
    /// malformed payload throws <see cref="InvalidPayloadException"/>, which the edge turns into an <c>error</c>.
    /// </summary>
    public T Payload<T>()
        where T : class
    {
        if (Message.Args.Count == 0 || Message.Args[0].ValueKind != JsonValueKind.Object)
        {
            throw new InvalidPayloadException("Invalid request: expected a JSON object");
        }

        try
        {
            return Message.Bind<T>() ?? throw new InvalidPayloadException("Invalid request: expected a JSON object");
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) ? "payload" : ex.Path.TrimStart('$', '.');
            throw new InvalidPayloadException($"Invalid request: '{field}' has the wrong type");
        }
    }
}

/// <summary>A request whose payload does not have the expected shape; its message goes to the client as is.</summary>
public sealed class InvalidPayloadException(string message) : Exception(message);

/// <summary>
/// An expected refusal raised at the transport edge (not signed in, not your player id...); its message goes to the
/// client as is.
/// </summary>
public sealed class RequestRefusedException(string message) : Exception(message);
