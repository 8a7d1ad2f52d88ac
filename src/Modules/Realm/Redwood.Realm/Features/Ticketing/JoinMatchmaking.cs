using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Redwood.Matchmaking.Contracts;
using Redwood.Realm.Persistence;
using Redwood.SharedKernel.Persistence;

namespace Redwood.Realm.Features.Ticketing;

/// <summary>One region of a join request as the client sent it (ping in seconds).</summary>
internal sealed record RequestedRegion(string? Name, double? Ping);

/// <summary>
/// A player asks for a match of a game profile (<c>realm:ticketing:join:matchmaking</c>) with their pings to the
/// realm's regions. The character must be theirs and active, every region one this realm serves; the Matchmaking
/// module then checks the profile, the pings and that no other ticket is open.
/// </summary>
internal sealed record JoinMatchmakingCommand(string PlayerId, string? CharacterId, string? ProfileId, IReadOnlyList<RequestedRegion>? Regions)
    : ICommand<JoinTicketingResult>;

/// <summary>Why a join was refused.</summary>
internal enum JoinTicketingError
{
    None,
    CharacterNotFound,
    UnknownRegion,
    UnknownProfile,
    NoRegionWithinPing,
    TicketAlreadyOpen,
    ProxyNotFound,
    UnknownZone,
    PasswordProtected,
}

/// <summary>The outcome of a join; <paramref name="Detail"/> names the offending value.</summary>
internal sealed record JoinTicketingResult(JoinTicketingError Error, string? TicketId = null, string? Detail = null);

internal sealed class JoinMatchmakingValidator : AbstractValidator<JoinMatchmakingCommand>
{
    public JoinMatchmakingValidator()
    {
        RuleFor(c => c.PlayerId).NotEmpty();
        RuleFor(c => c.CharacterId).NotEmpty().WithMessage("characterId is required: select a character first").MaximumLength(64);
        RuleFor(c => c.ProfileId).NotEmpty().WithMessage("data.profileId is required").MaximumLength(64);
        RuleFor(c => c.Regions).Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("data.regions is required: a list of {name, ping}")
            .Must(r => r!.Count > 0).WithMessage("data.regions is empty: measure the pings to the realm's regions first")
            .Must(r => r!.Count <= 64).WithMessage("data.regions lists too many regions (at most 64)");
        RuleForEach(c => c.Regions).ChildRules(region =>
        {
            region.RuleFor(r => r.Name).NotEmpty().WithMessage("each region needs a name").MaximumLength(64);
            region.RuleFor(r => r.Ping).Cascade(CascadeMode.Stop)
                .NotNull().WithMessage("each region needs a ping (a number of seconds)")
                .Must(p => double.IsFinite(p!.Value) && p >= 0 && p <= 3600).WithMessage("a region's ping must be a number of seconds, 0 or more");
        });
    }
}

internal sealed class JoinMatchmakingHandler(RealmDbContext db, RealmSettings settings, ISender sender)
    : ICommandHandler<JoinMatchmakingCommand, JoinTicketingResult>
{
    public async ValueTask<JoinTicketingResult> Handle(JoinMatchmakingCommand command, CancellationToken cancellationToken)
    {
        var regions = new List<RegionPing>(command.Regions!.Count);
        foreach (var requested in command.Regions!)
        {
            // The plugin matches region keys case-insensitively; the ticket carries the realm's own spelling.
            var known = settings.Regions.FirstOrDefault(r => string.Equals(r.Name, requested.Name, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                return new JoinTicketingResult(JoinTicketingError.UnknownRegion, Detail: requested.Name);
            }

            regions.Add(new RegionPing(known.Name, requested.Ping!.Value));
        }

        if (!await TicketingChecks.OwnsActiveCharacterAsync(db, command.PlayerId, command.CharacterId!, cancellationToken))
        {
            return new JoinTicketingResult(JoinTicketingError.CharacterNotFound);
        }

        var reply = await sender.Send(
            new OpenMatchmakingTicket(settings.Id, command.PlayerId, command.CharacterId!, command.ProfileId!, regions), cancellationToken);
        return new JoinTicketingResult(TicketingChecks.Map(reply.Error), reply.TicketId, command.ProfileId);
    }
}

/// <summary>Checks shared by the ticketing joins.</summary>
internal static class TicketingChecks
{
    private static readonly CompiledPerModel<Func<RealmDbContext, string, string, CancellationToken, Task<bool>>> OwnsActiveCharacter = new(() =>
        EF.CompileAsyncQuery((RealmDbContext db, string playerId, string characterId, CancellationToken _) =>
            db.Characters.Any(c => c.Id == characterId && c.PlayerId == playerId && c.ArchivedAt == null)));

    public static Task<bool> OwnsActiveCharacterAsync(RealmDbContext db, string playerId, string characterId, CancellationToken ct) =>
        OwnsActiveCharacter.For(db)(db, playerId, characterId, ct);

    public static JoinTicketingError Map(OpenTicketError error) => error switch
    {
        OpenTicketError.None => JoinTicketingError.None,
        OpenTicketError.TicketAlreadyOpen => JoinTicketingError.TicketAlreadyOpen,
        OpenTicketError.UnknownProfile => JoinTicketingError.UnknownProfile,
        OpenTicketError.NoRegionWithinPing => JoinTicketingError.NoRegionWithinPing,
        _ => JoinTicketingError.UnknownZone,
    };
}
