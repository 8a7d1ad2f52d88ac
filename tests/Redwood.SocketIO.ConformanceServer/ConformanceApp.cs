using System.Globalization;
using System.Net;

namespace Redwood.SocketIO.ConformanceServer;

/// <summary>The conformance behaviour shared by the console app and the in-process tests.</summary>
public static class ConformanceApp
{
    /// <summary>Namespaces served; any other is refused with CONNECT_ERROR "Invalid namespace".</summary>
    public static readonly string[] Namespaces = ["/", "/custom"];

    /// <summary>Registers <c>echo</c>, <c>ping-me</c> and <c>get-auth</c> on every conformance namespace.</summary>
    public static void Configure(SocketIOServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        foreach (var name in Namespaces)
        {
            var ns = server.Of(name);
            ns.On("echo", static (_, message, _) =>
                ValueTask.FromResult<object?>(message.WantsAck ? new SocketIOArgs(message.ResolveBinaryArgs()) : null));
            ns.On("ping-me", static async (socket, message, _) =>
            {
                await socket.EmitAsync("pong-you", message.ResolveBinaryArgs()).ConfigureAwait(false);
                return null;
            });
            ns.On("get-auth", static (socket, _, _) => ValueTask.FromResult<object?>(socket.Auth));
        }
    }

    /// <summary>Parses <c>--urls</c>, <c>--ping-interval</c>, <c>--ping-timeout</c> and <c>--max-payload</c>.</summary>
    public static (IPEndPoint Endpoint, SocketIOServerOptions Options) ParseArguments(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var url = "http://127.0.0.1:3100";
        var options = new SocketIOServerOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var (name, value) = SplitArgument(args, ref i);
            switch (name)
            {
                case "--urls":
                    url = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
                    break;
                case "--ping-interval":
                    options.PingInterval = TimeSpan.FromMilliseconds(int.Parse(value, CultureInfo.InvariantCulture));
                    break;
                case "--ping-timeout":
                    options.PingTimeout = TimeSpan.FromMilliseconds(int.Parse(value, CultureInfo.InvariantCulture));
                    break;
                case "--max-payload":
                    options.MaxPayload = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                default:
                    throw new ArgumentException($"Unknown option {name}. Options: --urls <url> --ping-interval <ms> --ping-timeout <ms> --max-payload <bytes>");
            }
        }

        return (ToEndPoint(url), options);
    }

    private static (string Name, string Value) SplitArgument(string[] args, ref int i)
    {
        var argument = args[i];
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        if (equals > 0)
        {
            return (argument[..equals], argument[(equals + 1)..]);
        }

        if (i + 1 >= args.Length)
        {
            throw new ArgumentException($"Missing value for {argument}.");
        }

        return (argument, args[++i]);
    }

    private static IPEndPoint ToEndPoint(string url)
    {
        // Kestrel-style wildcards ("*", "+") are not valid URI hosts, so they are swapped before parsing.
        var uri = new Uri(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal));
        var address = uri.Host switch
        {
            "localhost" => IPAddress.Loopback,
            _ => IPAddress.Parse(uri.Host.Trim('[', ']')),
        };
        return new IPEndPoint(address, uri.Port);
    }
}
