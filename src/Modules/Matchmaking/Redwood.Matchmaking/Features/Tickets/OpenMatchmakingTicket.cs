using FluentValidation;
using Mediator;
using Redwood.Matchmaking.Contracts;
using Redwood.Matchmaking.Domain;
using Redwood.Matchmaking.Features.Processing;
using Redwood.Matchmaking.Persistence;

namespace Redwood.Matchmaking.Features.Tickets;

/// <summary>Checks the contract request's shape (the Realm checked it first; this guards other callers).</summary>
internal sealed class OpenMatchmakingTicketValidator : AbstractValidator<OpenMatchmakingTicket>
{
    public OpenMatchmakingTicketValidator()
    {
        RuleFor(c => c.RealmId).NotEmpty();
        RuleFor(c => c.PlayerId).NotEmpty();
        RuleFor(c => c.CharacterId).NotEmpty();
        RuleFor(c => c.ProfileId).NotEmpty().WithMessage("profileId is required");
        RuleFor(c => c.Regions).NotNull().Must(r => r.Count is > 0 and <= 64)
            .WithMessage("regions must list between 1 and 64 regions with their pings");
        RuleForEach(c => c.Regions).Must(r => !string.IsNullOrEmpty(r.Name) && double.IsFinite(r.Ping) && r.Ping >= 0)
            .WithMessage("each region needs a name and a ping in seconds (a number, 0 or more)");
    }
}

/// <summary>
/// Opens a matchmaking ticket: the profile must be matchmade, at least one region within the maximum ping, and the
/// player must hold no open ticket in the realm (their slot is claimed atomically in the store).
/// </summary>
internal sealed class OpenMatchmakingTicketHandler(TicketStore store, MatchmakingSettings settings, MatcherStatus status, TimeProvider time)
    : IRequestHandler<OpenMatchmakingTicket, OpenTicketReply>
{
    public async ValueTask<OpenTicketReply> Handle(OpenMatchmakingTicket request, CancellationToken cancellationToken)
    {
        if (settings.Profiles.Find(request.ProfileId) is not { MatchmakingZoneName: not null })
        {
            return new OpenTicketReply(null, OpenTicketError.UnknownProfile);
        }

        var regions = request.Regions
            .Where(r => r.Ping <= settings.MaxPing)
            .GroupBy(r => r.Name, StringComparer.Ordinal)
            .Select(g => g.MinBy(r => r.Ping)!)
            .OrderBy(r => r.Ping)
            .ThenBy(r => r.Name, StringComparer.Ordinal)
            .ToList();
        if (regions.Count == 0)
        {
            return new OpenTicketReply(null, OpenTicketError.NoRegionWithinPing);
        }

        var now = time.GetUtcNow();
        var ticket = new Ticket
        {
            Id = Guid.NewGuid().ToString("N"),
            RealmId = request.RealmId,
            PlayerId = request.PlayerId,
            CharacterId = request.CharacterId,
            Kind = TicketKind.Matchmaking,
            ProfileId = request.ProfileId,
            Regions = regions,
            CreatedAt = now,
            WaitingSince = now,
        };
        return await TicketOpening.OpenAsync(store, ticket, status, cancellationToken)
            ? new OpenTicketReply(ticket.Id, OpenTicketError.None)
            : new OpenTicketReply(null, OpenTicketError.TicketAlreadyOpen);
    }
}

/// <summary>Claims the player's slot and stores the ticket; shared by matchmaking and queue tickets.</summary>
internal static class TicketOpening
{
    public static async Task<bool> OpenAsync(TicketStore store, Ticket ticket, MatcherStatus status, CancellationToken ct)
    {
        if (!await store.ClaimPlayerAsync(ticket.RealmId, ticket.PlayerId, ticket.Id, ct))
        {
            // The slot may point at a ticket that no longer exists (a process died between the two writes, or the
            // ticket ended and the slot was not released): then the slot is stale and this ticket takes it.
            var holder = await store.TicketOfPlayerAsync(ticket.RealmId, ticket.PlayerId, ct);
            if (holder is null || await store.FindAsync(ticket.RealmId, holder, ct) is not null)
            {
                return false;
            }

            await store.ReleasePlayerAsync(ticket.RealmId, ticket.PlayerId, ct);
            if (!await store.ClaimPlayerAsync(ticket.RealmId, ticket.PlayerId, ticket.Id, ct))
            {
                return false;
            }
        }

        await store.SaveAsync(ticket, ct);
        status.TicketCreated(ticket.Kind);
        return true;
    }
}
