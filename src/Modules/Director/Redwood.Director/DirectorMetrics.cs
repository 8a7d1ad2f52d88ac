using System.Diagnostics.Metrics;
using Redwood.Director.Features.Sessions;
using Redwood.SharedKernel.Diagnostics;
using Redwood.SocketIO;

namespace Redwood.Director;

/// <summary>The <c>redwood.director</c> meter: Director Frontend connections and failed logins by reason.</summary>
internal sealed class DirectorMetrics
{
    private readonly Counter<long> _failedLogins;
    private volatile SocketIOServer? _frontend;

    public DirectorMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(RedwoodTelemetry.MeterName(DirectorModule.Name));
        meter.CreateObservableGauge("redwood.director.connections", ObserveConnections, description: "Open Director Frontend connections");
        _failedLogins = meter.CreateCounter<long>("redwood.director.logins.failed", description: "Login attempts refused, by reason");
    }

    /// <summary>The listening frontend (null once stopped); its connections are observed at each collection.</summary>
    public void Frontend(SocketIOServer? server) => _frontend = server;

    public void LoginFailed(LogInError reason) => _failedLogins.Add(1, new KeyValuePair<string, object?>("reason", ReasonName(reason)));

    private static string ReasonName(LogInError reason) => reason switch
    {
        LogInError.InvalidCredentials => "invalid_credentials",
        LogInError.TooManyAttempts => "too_many_attempts",
        LogInError.UnknownProvider => "unknown_provider",
        LogInError.ProviderNotAllowed => "provider_not_allowed",
        LogInError.ProviderNotConfigured => "provider_not_configured",
        LogInError.InvalidName => "invalid_name",
        _ => "other",
    };

    private IEnumerable<Measurement<int>> ObserveConnections() =>
        _frontend is { } server ? [new Measurement<int>(server.ConnectionCount)] : [];
}
