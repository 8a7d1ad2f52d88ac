using FluentValidation;
using Mediator;
using Redwood.Matchmaking.Contracts;
using Redwood.Matchmaking.Domain;
using Redwood.Matchmaking.Features.Processing;
using Redwood.Matchmaking.Persistence;

namespace Redwood.Matchmaking.Features.Tickets;

/// <summary>Checks the contract request's shape.</summary>
internal sealed class OpenQueueTicketValidator : AbstractValidator<OpenQueueTicket>
{
    public OpenQueueTicketValidator()
    {
        RuleFor(c => c.RealmId).NotEmpty();
        RuleFor(c => c.PlayerId).NotEmpty();
        RuleFor(c => c.CharacterId).NotEmpty();
        RuleFor(c => c.ProxyId).NotEmpty().WithMessage("proxyId is required");
        RuleFor(c => c.ZoneName).NotEmpty().WithMessage("zoneName is required");
        RuleFor(c => c.MaxPlayersPerShard).GreaterThan(0);
    }
}

/// <summary>Puts the player at the back of the proxy zone's queue (one open ticket per player).</summary>
internal sealed class OpenQueueTicketHandler(TicketStore store, MatcherStatus status, TimeProvider time) : IRequestHandler<OpenQueueTicket, OpenQueueTicketReply>
{
    public async ValueTask<OpenQueueTicketReply> Handle(OpenQueueTicket request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ticket = new Ticket
        {
            Id = Guid.NewGuid().ToString("N"),
            RealmId = request.RealmId,
            PlayerId = request.PlayerId,
            CharacterId = request.CharacterId,
            Kind = TicketKind.Queue,
            ProxyId = request.ProxyId,
            ZoneName = request.ZoneName,
            ShardName = string.IsNullOrEmpty(request.ShardName) ? null : request.ShardName,
            CreatedAt = now,
            WaitingSince = now,
        };
        return await TicketOpening.OpenAsync(store, ticket, status, cancellationToken)
            ? new OpenQueueTicketReply(ticket.Id, OpenTicketError.None)
            : new OpenQueueTicketReply(null, OpenTicketError.TicketAlreadyOpen);
    }
}
