using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Redwood.Director.Persistence;
using Redwood.SharedKernel.Messaging;

namespace Redwood.Director.Features.Sessions;

/// <summary>
/// Deletes expired and revoked session tokens and expired hand-off tokens. A deleted token is refused exactly like a
/// revoked one, so this only keeps the tables small; it runs in the background, off the login path. Idempotent.
/// </summary>
internal sealed record PurgeSessionsCommand : ICommand<int>;

internal sealed class PurgeSessionsHandler(DirectorDbContext db, TimeProvider time, ILogger<PurgeSessionsHandler> logger)
    : ICommandHandler<PurgeSessionsCommand, int>
{
    public async ValueTask<int> Handle(PurgeSessionsCommand command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var sessions = await db.Sessions.Where(s => s.ExpiresAt < now || s.RevokedAt != null).ExecuteDeleteAsync(cancellationToken);
        var handoffs = await db.RealmHandoffTokens.Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        if (sessions + handoffs > 0)
        {
            Log.TokensPurged(logger, sessions, handoffs);
        }

        return sessions + handoffs;
    }
}

/// <summary>Runs <see cref="PurgeSessionsCommand"/> at start-up and then every <c>Auth:TokenPurgeInterval</c>.</summary>
internal sealed class SessionPurger(IServiceScopeFactory scopes, DirectorSettings settings, TimeProvider time, ILogger<SessionPurger> logger)
    : PeriodicCommandService(scopes, time, logger)
{
    protected override TimeSpan Interval => settings.Auth.TokenPurgeInterval;

    protected override object CreateCommand() => new PurgeSessionsCommand();
}
