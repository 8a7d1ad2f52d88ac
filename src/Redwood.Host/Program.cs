using Mediator;
using Redwood.Host;

WebApplication app;
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddRedwoodConfiguration();

    builder.AddModules();

    builder.AddRedwoodHost();
    builder.Services.AddMediator((MediatorOptions options) =>
    {
        // No Assemblies list: the generator then scans every assembly the host references, so each module and its
        // contracts are covered as soon as the host references the module (MediatorCoverageTests checks it).
        options.ServiceLifetime = ServiceLifetime.Scoped;
        options.PipelineBehaviors =
        [
            typeof(Redwood.Host.Bus.ContractRequestBehavior<,>),
            typeof(Redwood.SharedKernel.Messaging.ValidationBehavior<,>),
        ];
        options.NotificationPublisherType = typeof(NotificationRouter);
    });

    app = builder.Build();
}
catch (InvalidOperationException ex)
{
    // Bad configuration: say which setting, then stop (no stack trace for an operator's typo).
    await Console.Error.WriteLineAsync("Redwood cannot start: " + ex.Message);
    return 2;
}

app.MapRedwoodEndpoints();
await app.RunAsync();
return 0;

/// <summary>The Redwood host entry point (public for test hosts).</summary>
public partial class Program;
