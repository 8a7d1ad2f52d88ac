using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Redwood.SharedKernel;

/// <summary>
/// The only contract between the host and a module. Members are static: a module is a set of registrations,
/// never an instance.
/// </summary>
public interface IModule
{
    /// <summary>Module name; its flag lives at <c>Redwood:Modules:&lt;Name&gt;:Enabled</c>.</summary>
    static abstract string Name { get; }

    /// <summary>
    /// Always called, even when the module is disabled here, because the generated mediator registers every module's
    /// handlers and their dependencies must resolve. Must do no I/O.
    /// </summary>
    static abstract void AddServices(IServiceCollection services, IConfiguration configuration);

    /// <summary>Called only when the module is enabled in this process: hosted services, listeners, migrations.</summary>
    static abstract void AddRuntime(IServiceCollection services, IConfiguration configuration);

    /// <summary>Called only when the module is enabled in this process: HTTP endpoints on the host's HTTP port.</summary>
    static abstract void MapEndpoints(IEndpointRouteBuilder endpoints);
}
