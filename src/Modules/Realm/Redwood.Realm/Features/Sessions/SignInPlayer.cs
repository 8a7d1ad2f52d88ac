using FluentValidation;
using Mediator;
using Redwood.Director.Contracts;
using Redwood.Realm.Contracts;

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

internal sealed class SignInPlayerHandler(ISender sender, IPublisher publisher, RealmSettings settings)
    : ICommandHandler<SignInPlayerCommand, SignInPlayerResult>
{
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

        await publisher.Publish(new PlayerSignedInToRealm(settings.Id, command.PlayerId!), cancellationToken);
        return new SignInPlayerResult(SignInPlayerError.None, reply.Nickname, reply.Role, reply.PlayerData);
    }
}
