using FluentValidation;
using Mediator;
using Redwood.Director.Contracts;
using Microsoft.EntityFrameworkCore;
using Redwood.Realm.Contracts;
using Redwood.Realm.Domain;
using Redwood.Realm.Persistence;
using Redwood.Realm.Transport;
using Redwood.SharedKernel.Persistence;

namespace Redwood.Realm.Features.Sessions;

/// <summary>
/// A player presents the hand-off token the Director minted for this realm. The Director consumes it (once) and
/// returns the player's nickname, role and data, which the transport keeps on the socket.
/// </summary>
internal sealed record SignInPlayerCommand(string? PlayerId, string? Token) : ICommand<SignInPlayerResult>;

internal enum SignInPlayerError
{
    None,
    InvalidToken,
    WrongRealm,
    Expired,
}

internal sealed record SignInPlayerResult(SignInPlayerError Error, string? Nickname, int Role, string? PlayerData);

internal sealed class SignInPlayerValidator : AbstractValidator<SignInPlayerCommand>
{
    public SignInPlayerValidator()
    {
        RuleFor(c => c.PlayerId).NotEmpty().WithMessage("playerId is required").MaximumLength(64);
        RuleFor(c => c.Token).NotEmpty().WithMessage("token is required").MaximumLength(1024);
    }
}

internal sealed class SignInPlayerHandler(ISender sender, IPublisher publisher, RealmSettings settings, RealmDbContext db, TimeProvider time)
    : ICommandHandler<SignInPlayerCommand, SignInPlayerResult>
{
    private static readonly CompiledPerModel<Func<RealmDbContext, string, CancellationToken, Task<RealmPlayer?>>> PlayerById = new(() =>
        EF.CompileAsyncQuery((RealmDbContext db, string id, CancellationToken _) => db.Players.FirstOrDefault(p => p.Id == id)));

    public async ValueTask<SignInPlayerResult> Handle(SignInPlayerCommand command, CancellationToken cancellationToken)
    {
        var reply = await sender.Send(new ConsumeRealmHandoffToken(command.PlayerId!, settings.Id, command.Token!), cancellationToken);
        var error = reply.Error switch
        {
            HandoffTokenError.None => SignInPlayerError.None,
            HandoffTokenError.WrongRealm => SignInPlayerError.WrongRealm,
            HandoffTokenError.Expired => SignInPlayerError.Expired,
            _ => SignInPlayerError.InvalidToken,
        };
        if (error != SignInPlayerError.None)
        {
            return new SignInPlayerResult(error, null, 0, null);
        }

        var changed = await RememberPlayerAsync(command.PlayerId!, reply.Nickname ?? command.PlayerId!, reply.PlayerData ?? Character.EmptyObject, cancellationToken);
        await publisher.Publish(new PlayerSignedInToRealm(settings.Id, command.PlayerId!), cancellationToken);
        if (changed)
        {
            await publisher.Publish(new PlayerDataChanged(
                settings.Id, command.PlayerId!, PlayerDataWire.Json(command.PlayerId!, reply.Nickname ?? command.PlayerId!, reply.PlayerData ?? Character.EmptyObject)),
                cancellationToken);
        }

        return new SignInPlayerResult(SignInPlayerError.None, reply.Nickname, reply.Role, reply.PlayerData);
    }

    /// <summary>
    /// Keeps the nickname and data game servers receive as PlayerData; true when they changed for a known player (game
    /// servers the player is on are then told).
    /// </summary>
    private async Task<bool> RememberPlayerAsync(string playerId, string nickname, string data, CancellationToken cancellationToken)
    {
        var player = await PlayerById.For(db)(db, playerId, cancellationToken);
        if (player is not null && player.Nickname == nickname && player.Data == data)
        {
            return false;
        }

        var known = player is not null;
        if (player is null)
        {
            player = new RealmPlayer { Id = playerId, Nickname = nickname };
            db.Players.Add(player);
        }

        player.Nickname = nickname;
        player.Data = data;
        player.UpdatedAt = time.GetUtcNow().UtcDateTime;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two sign-ins of one new player raced; the other stored the same data.
            db.ChangeTracker.Clear();
            return false;
        }

        return known;
    }
}
