using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Redwood.Director.Contracts;
using Redwood.Realm.Transport;
using Redwood.SharedKernel.Security;

namespace Redwood.Realm.Integrations;

/// <summary>
/// Signs this realm in to the Director with the URI the frontend actually bound (<see cref="SignInRealm"/>, in
/// process or over the bus). Runs in the background so start-up never waits for the Director: unreachable →
/// retried with exponential backoff; refused (unknown id, wrong secret) → logged as an error and retried slowly,
/// since the Director's configuration may be fixed without restarting this process.
/// </summary>
internal sealed class DirectorSignInService(
    RealmEndpoint endpoint,
    RealmSettings settings,
    IServiceScopeFactory scopes,
    TimeProvider time,
    IHostEnvironment environment,
    ILogger<DirectorSignInService> logger) : BackgroundService
{
    /// <summary>Refuses to start in Production with the shipped or a short realm secret (before anything runs).</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        SecretRules.EnsureFitForEnvironment(environment, "Redwood:Realm:Secret", settings.Secret);
        return base.StartAsync(cancellationToken);
    }

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RefusedRetry = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            var uri = await endpoint.Uri.WaitAsync(stoppingToken);
            var delay = FirstRetry;
            while (true)
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var reply = await scope.ServiceProvider.GetRequiredService<ISender>()
                        .Send(new SignInRealm(settings.Id, settings.Secret, settings.Name, uri), stoppingToken);
                    if (reply.Error == SignInRealmError.None)
                    {
                        Log.SignedInToDirector(logger, settings.Id, uri);
                        return;
                    }

                    Log.DirectorSignInRefused(logger, settings.Id, reply.Error.ToString(), RefusedRetry);
                    await Task.Delay(RefusedRetry, time, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    Log.DirectorSignInFailed(logger, settings.Id, delay, ex);
                    await Task.Delay(delay, time, stoppingToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetry.Ticks));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down before the Director answered.
        }
    }
}
