using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Redwood.Director.Contracts;
using Redwood.Director.Persistence;

namespace Redwood.Director.Features.Sessions;

/// <summary>
/// <c>player:logout</c> (§3.8): revokes the session family the socket logged in with, so neither its current token nor
/// a predecessor still in its grace period works again, also after a restart.
/// </summary>
internal sealed record LogOutPlayerCommand(string PlayerId, string SessionFamily) : ICommand<LogOutPlayerResult>;

internal sealed record LogOutPlayerResult(int RevokedTokens);

internal sealed class LogOutPlayerHandler(
    DirectorDbContext db, IPublisher publisher, TimeProvider time, ILogger<LogOutPlayerHandler> logger)
    : ICommandHandler<LogOutPlayerCommand, LogOutPlayerResult>
{
    public async ValueTask<LogOutPlayerResult> Handle(LogOutPlayerCommand command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var revoked = await db.Sessions
            .Where(s => s.PlayerId == command.PlayerId && s.FamilyId == command.SessionFamily && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), cancellationToken);
        Log.PlayerLoggedOut(logger, command.PlayerId, revoked);
        await publisher.Publish(new PlayerLoggedOut(command.PlayerId), cancellationToken);
        return new LogOutPlayerResult(revoked);
    }
}
