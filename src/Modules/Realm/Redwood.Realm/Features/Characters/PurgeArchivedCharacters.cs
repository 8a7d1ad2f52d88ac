using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Redwood.Realm.Persistence;

namespace Redwood.Realm.Features.Characters;

/// <summary>
/// Deletes characters archived longer than <c>Redwood:Realm:Characters:ArchivalPeriodDays</c> ago (-1 = never).
/// Idempotent, so every replica may run it.
/// </summary>
internal sealed record PurgeArchivedCharactersCommand : ICommand<int>;

internal sealed class PurgeArchivedCharactersHandler(RealmDbContext db, TimeProvider time, RealmSettings settings)
    : ICommandHandler<PurgeArchivedCharactersCommand, int>
{
    public async ValueTask<int> Handle(PurgeArchivedCharactersCommand command, CancellationToken cancellationToken)
    {
        if (settings.Characters.ArchivalPeriodDays < 0)
        {
            return 0;
        }

        var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-settings.Characters.ArchivalPeriodDays);
        return await db.Characters
            .Where(c => c.ArchivedAt != null && c.ArchivedAt <= cutoff)
            .ExecuteDeleteAsync(cancellationToken);
    }
}

/// <summary>Runs <see cref="PurgeArchivedCharactersCommand"/> at start-up and then every purge interval.</summary>
internal sealed class ArchivedCharacterPurger(
    IServiceScopeFactory scopes, RealmSettings settings, TimeProvider time, ILogger<ArchivedCharacterPurger> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.Characters.ArchivalPeriodDays < 0)
        {
            return;
        }

        // Never run the first purge inside the host's start-up sequence.
        await Task.Yield();
        using var timer = new PeriodicTimer(settings.Characters.PurgeInterval, time);
        try
        {
            do
            {
                await PurgeOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task PurgeOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var purged = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new PurgeArchivedCharactersCommand(), stoppingToken);
            if (purged > 0)
            {
                Log.CharactersPurged(logger, purged);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            Log.PurgeFailed(logger, ex);
        }
    }
}
