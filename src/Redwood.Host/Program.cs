using Mediator;
using Redwood.Director;
using Redwood.Host;
using Redwood.Matchmaking;
using Redwood.Realm;
using Redwood.Sidecar;

WebApplication app;
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddRedwoodConfiguration();

    builder.AddModule<DirectorModule>();
    builder.AddModule<RealmModule>();
    builder.AddModule<MatchmakingModule>();
    builder.AddModule<SidecarModule>();

    builder.AddRedwoodHost();
    builder.Services.AddMediator((MediatorOptions options) =>
    {
        options.ServiceLifetime = ServiceLifetime.Scoped;
        options.Assemblies =
        [
            typeof(DirectorModule), typeof(Redwood.Director.Contracts.ConsumeRealmHandoffToken),
            typeof(RealmModule), typeof(Redwood.Realm.Contracts.PlayerSignedInToRealm),
            typeof(MatchmakingModule), typeof(Redwood.Matchmaking.Contracts.MatchFound),
            typeof(SidecarModule), typeof(Redwood.Sidecar.Contracts.OpenSidecarListener),
        ];
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
