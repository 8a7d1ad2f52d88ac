using Mediator;
using Redwood.Realm.Contracts;
using Redwood.Realm.GameServers;

namespace Redwood.Realm.Features.GameServers;

/// <summary>
/// A game server asks whether a player may join with a token. The token is consumed in a batch with the checks that
/// arrive at the same time (<see cref="JoinTokenConsumer"/>): one conditional UPDATE checks every binding (player,
/// character, the instance this server serves, unused, unexpired) and marks it used, so a token succeeds once even
/// under concurrent use. The reply carries the character as last saved and the player's PlayerData.
/// </summary>
internal sealed class ValidateJoinTokenHandler(JoinTokenConsumer consumer) : IRequestHandler<ValidateJoinToken, ValidateJoinTokenReply>
{
    public ValueTask<ValidateJoinTokenReply> Handle(ValidateJoinToken request, CancellationToken cancellationToken) =>
        consumer.ConsumeAsync(request, cancellationToken);
}
