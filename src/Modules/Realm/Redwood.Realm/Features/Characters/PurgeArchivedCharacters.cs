using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Redwood.Realm.Persistence;
using Redwood.SharedKernel.Ephemeral;
using Redwood.SharedKernel.Messaging;

namespace Redwood.Realm.Features.Characters;

/// <summary>
/// Deletes characters archived longer than <c>Redwood:Realm:Characters:ArchivalPeriodDays</c> ago (-1 = never).
/// Idempotent; run by one replica of the realm at a time (lease <c>realm:&lt;id&gt;:purge</c>).
/// </summary>
internal sealed record PurgeArchivedCharactersCommand : ICommand<int>;

internal sealed class PurgeArchivedCharactersHandler(
    RealmDbContext db, TimeProvider time, RealmSettings settings, ILogger<PurgeArchivedCharactersHandler> logger)
    : ICommandHandler<PurgeArchivedCharactersCommand, int>
{
    public async ValueTask<int> Handle(PurgeArchivedCharactersCommand command, CancellationToken cancellationToken)
    {
        if (settings.Characters.ArchivalPeriodDays < 0)
        {
            return 0;
        }

        var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-settings.Characters.ArchivalPeriodDays);
        var purged = await db.Characters
            .Where(c => c.ArchivedAt != null && c.ArchivedAt <= cutoff)
            .ExecuteDeleteAsync(cancellationToken);
        if (purged > 0)
        {
            Log.CharactersPurged(logger, purged);
        }

        return purged;
    }
}

/// <summary>Runs <see cref="PurgeArchivedCharactersCommand"/> at start-up and then every purge interval, on the lease holder.</summary>
internal sealed class ArchivedCharacterPurger(
    IServiceScopeFactory scopes, RealmSettings settings, IEphemeralStore store, TimeProvider time, ILogger<ArchivedCharacterPurger> logger)
    : LeasedPeriodicCommandService(scopes, store, time, logger)
{
    protected override string LeaseKey => $"realm:{settings.Id}:purge";

    protected override TimeSpan Interval =>
        settings.Characters.ArchivalPeriodDays < 0 ? TimeSpan.Zero : settings.Characters.PurgeInterval;

    protected override object CreateCommand() => new PurgeArchivedCharactersCommand();
}
