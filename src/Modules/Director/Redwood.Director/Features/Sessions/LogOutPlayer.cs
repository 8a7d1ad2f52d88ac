using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Redwood.Director.Contracts;
using Redwood.Director.Persistence;

namespace Redwood.Director.Features.Sessions;

/// <summary>
/// <c>player:logout</c> (§3.8): revokes the session family the socket logged in with, so neither its current token nor
/// a predecessor still in its grace period works again, also after a restart; every socket of that family (on every
/// Director replica) is logged out and the player's unused hand-off tokens stop working.
/// </summary>
internal sealed record LogOutPlayerCommand(string PlayerId, string SessionFamily) : ICommand<LogOutPlayerResult>;

internal sealed record LogOutPlayerResult(int RevokedTokens);

internal sealed class LogOutPlayerHandler(
    DirectorDbContext db, IPublisher publisher, TimeProvider time, ILogger<LogOutPlayerHandler> logger)
    : ICommandHandler<LogOutPlayerCommand, LogOutPlayerResult>
{
    public async ValueTask<LogOutPlayerResult> Handle(LogOutPlayerCommand command, CancellationToken cancellationToken)
    {
        var revoked = await SessionFamilies.RevokeAsync(
            db, publisher, command.PlayerId, command.SessionFamily, time.GetUtcNow().UtcDateTime, cancellationToken);
        Log.PlayerLoggedOut(logger, command.PlayerId, revoked);
        return new LogOutPlayerResult(revoked);
    }
}

/// <summary>Ending a session family: by logout, or when a rotated-out token is reused (RFC 9700 §4.14.2).</summary>
internal static class SessionFamilies
{
    /// <summary>
    /// Revokes every token of the family, deletes the player's unused hand-off tokens (they carry no family; any
    /// device mints a new one on its next realm connect) and publishes <see cref="PlayerLoggedOut"/> so every socket of
    /// the family is logged out. Returns the number of tokens revoked.
    /// </summary>
    public static async Task<int> RevokeAsync(
        DirectorDbContext db, IPublisher publisher, string playerId, string family, DateTime now, CancellationToken cancellationToken)
    {
        var revoked = await db.Sessions
            .Where(s => s.PlayerId == playerId && s.FamilyId == family && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), cancellationToken);
        await db.RealmHandoffTokens.Where(t => t.PlayerId == playerId && t.ConsumedAt == null).ExecuteDeleteAsync(cancellationToken);
        await publisher.Publish(new PlayerLoggedOut(playerId) { SessionFamily = family }, cancellationToken);
        return revoked;
    }
}
