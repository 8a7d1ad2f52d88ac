using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Redwood.Matchmaking.Contracts;
using Redwood.Realm.Persistence;
using Redwood.SharedKernel.Games;

namespace Redwood.Realm.Features.Ticketing;

/// <summary>
/// A player queues for a zone of a proxy (<c>realm:ticketing:join:queue</c>), optionally for one shard. The proxy must
/// be live and have that zone (its own zone list, else its profile's), and have no password (a password-protected
/// proxy is joined with <c>join-proxy</c>).
/// </summary>
internal sealed record JoinQueueCommand(string PlayerId, string? CharacterId, string? ProxyId, string? ZoneName, string? ShardName)
    : ICommand<JoinTicketingResult>;

internal sealed class JoinQueueValidator : AbstractValidator<JoinQueueCommand>
{
    public JoinQueueValidator()
    {
        RuleFor(c => c.PlayerId).NotEmpty();
        RuleFor(c => c.CharacterId).NotEmpty().WithMessage("characterId is required: select a character first").MaximumLength(64);
        RuleFor(c => c.ProxyId).NotEmpty().WithMessage("data.proxyId is required").MaximumLength(64);
        RuleFor(c => c.ZoneName).NotEmpty().WithMessage("data.zoneName is required").MaximumLength(64);
        RuleFor(c => c.ShardName).MaximumLength(64).Must(s => s is null || !s.Contains(':'))
            .WithMessage("data.shardName must not contain ':'");
    }
}

internal sealed class JoinQueueHandler(RealmDbContext db, RealmSettings settings, GameProfiles profiles, ISender sender)
    : ICommandHandler<JoinQueueCommand, JoinTicketingResult>
{
    public async ValueTask<JoinTicketingResult> Handle(JoinQueueCommand command, CancellationToken cancellationToken)
    {
        var proxy = await db.Proxies.AsNoTracking()
            .Where(p => p.Id == command.ProxyId && p.EndedAt == null)
            .Select(p => new { p.Id, p.ModeId, p.Zones, p.MaxPlayersPerShard, HasPassword = p.PasswordHash != null })
            .FirstOrDefaultAsync(cancellationToken);
        if (proxy is null)
        {
            return new JoinTicketingResult(JoinTicketingError.ProxyNotFound);
        }

        if (proxy.HasPassword)
        {
            return new JoinTicketingResult(JoinTicketingError.PasswordProtected);
        }

        var zones = !string.IsNullOrEmpty(proxy.Zones)
            ? proxy.Zones.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : profiles.Find(proxy.ModeId)?.Zones.Select(z => z.Name).ToArray() ?? [];
        if (!zones.Contains(command.ZoneName, StringComparer.Ordinal))
        {
            return new JoinTicketingResult(JoinTicketingError.UnknownZone, Detail: command.ZoneName);
        }

        if (!await TicketingChecks.OwnsActiveCharacterAsync(db, command.PlayerId, command.CharacterId!, cancellationToken))
        {
            return new JoinTicketingResult(JoinTicketingError.CharacterNotFound);
        }

        var reply = await sender.Send(
            new OpenQueueTicket(
                settings.Id, command.PlayerId, command.CharacterId!, proxy.Id, command.ZoneName!,
                string.IsNullOrEmpty(command.ShardName) ? null : command.ShardName, proxy.MaxPlayersPerShard),
            cancellationToken);
        return new JoinTicketingResult(TicketingChecks.Map(reply.Error), reply.TicketId, command.ZoneName);
    }
}
