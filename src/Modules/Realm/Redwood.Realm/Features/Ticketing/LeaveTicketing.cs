using Mediator;
using Redwood.Matchmaking.Contracts;

namespace Redwood.Realm.Features.Ticketing;

/// <summary>A player leaves matchmaking and queues (<c>realm:ticketing:leave</c>): every ticket of theirs ends.</summary>
internal sealed record LeaveTicketingCommand(string PlayerId) : ICommand<int>;

internal sealed class LeaveTicketingHandler(RealmSettings settings, ISender sender) : ICommandHandler<LeaveTicketingCommand, int>
{
    public async ValueTask<int> Handle(LeaveTicketingCommand command, CancellationToken cancellationToken) =>
        (await sender.Send(new CloseTickets(settings.Id, command.PlayerId), cancellationToken)).Closed;
}
