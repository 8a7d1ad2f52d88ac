using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Redwood.SocketIO;

/// <summary>Maps a <see cref="SocketIOServer"/> into an ASP.NET Core endpoint route table.</summary>
public static class SocketIOEndpointRouteBuilderExtensions
{
    /// <summary>Maps <see cref="SocketIOServerOptions.Path"/> (with and without trailing slash), any HTTP method.</summary>
    public static IEndpointConventionBuilder MapSocketIO(this IEndpointRouteBuilder endpoints, SocketIOServer server)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(server);
        var path = "/" + server.Options.Path.Trim('/');

        // ASP.NET Core routing matches a template with or without a trailing slash, so one route covers both.
        return endpoints.Map(path, server.HandleRequestAsync).WithDisplayName("Socket.IO " + path);
    }
}
