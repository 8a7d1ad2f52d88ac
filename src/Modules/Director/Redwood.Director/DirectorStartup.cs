using Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Redwood.Director.Features.Players;
using Redwood.SharedKernel.Modules;
using Redwood.SharedKernel.Persistence;
using Redwood.SharedKernel.Security;

namespace Redwood.Director;

/// <summary>
/// Runs after the migrations and before the frontend opens: validates the settings (a bad value stops start-up with
/// a message naming it), warns about the development realm secret outside SQLite, and creates the configured admin.
/// </summary>
internal sealed class DirectorStartup(
    IServiceProvider services, IConfiguration configuration, IHostEnvironment environment, StartupFacts facts, ILogger<DirectorStartup> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = services.GetRequiredService<DirectorSettings>();
        for (var i = 0; i < settings.Realms.Count; i++)
        {
            SecretRules.EnsureFitForEnvironment(environment, $"{DirectorSettings.Section}:Realms:{i}:Secret", settings.Realms[i].Secret);
        }

        if (settings.Auth.Jwt.Enabled)
        {
            JwtSettings.EnsureComplete(settings.Auth.Jwt);
        }

        if (PersistenceSettings.Read(configuration).Provider == PersistenceProvider.Postgres)
        {
            foreach (var realm in settings.Realms.Where(r => r.Secret == DirectorSettings.DevRealmSecret))
            {
                Log.DevRealmSecretInUse(logger, realm.Id);
            }
        }

        foreach (var realm in settings.Realms)
        {
            facts.Add("director lists", $"realm {realm.Id} \"{realm.Name}\" at {realm.Uri}{(realm.Listed ? string.Empty : " (unlisted)")}");
        }

        if (settings.Admin is { Username: { } username, Password: { } password })
        {
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ISender>().Send(new EnsureAdminAccountCommand(username, password), cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
