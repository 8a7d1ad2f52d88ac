using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Redwood.Realm.Domain;
using Redwood.Realm.Persistence;

namespace Redwood.Realm.Features.Proxies;

/// <summary>
/// Proxies that have not ended: every public one, plus the private ones the caller references by short code
/// (case-insensitive) or id, with the players on their live shards.
/// </summary>
internal sealed record ListProxiesQuery(IReadOnlyList<string> PrivateProxyReferences) : IQuery<IReadOnlyList<ProxySnapshot>>;

internal sealed class ListProxiesValidator : AbstractValidator<ListProxiesQuery>
{
    public const int MaxReferences = 100;

    public ListProxiesValidator()
    {
        RuleFor(q => q.PrivateProxyReferences).Must(r => r.Count <= MaxReferences)
            .WithMessage($"privateProxyReferences may hold at most {MaxReferences} references");
        const string invalid = "privateProxyReferences must hold non-empty references of at most 64 characters";
        RuleForEach(q => q.PrivateProxyReferences).NotEmpty().WithMessage(invalid).MaximumLength(64).WithMessage(invalid);
    }
}

internal sealed class ListProxiesHandler(RealmDbContext db) : IQueryHandler<ListProxiesQuery, IReadOnlyList<ProxySnapshot>>
{
    public async ValueTask<IReadOnlyList<ProxySnapshot>> Handle(ListProxiesQuery query, CancellationToken cancellationToken)
    {
        var ids = query.PrivateProxyReferences.Distinct(StringComparer.Ordinal).ToList();
        var codes = query.PrivateProxyReferences.Select(r => r.ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToList();
        var proxies = await db.Proxies.AsNoTracking()
            .Where(p => p.EndedAt == null
                && (p.Public || (p.ShortCode != null && codes.Contains(p.ShortCode)) || ids.Contains(p.Id)))
            .OrderBy(p => p.CreatedAt).ThenBy(p => p.Id)
            .Select(ProxySnapshot.Projection)
            .ToListAsync(cancellationToken);

        // currentPlayers: what the proxy's live shards report now.
        var listed = proxies.Select(p => p.Id).ToList();
        var players = await db.Instances.AsNoTracking()
            .Where(i => i.EndedAt == null && listed.Contains(i.ProxyId))
            .GroupBy(i => i.ProxyId)
            .Select(g => new { ProxyId = g.Key, Players = g.Sum(i => i.NumPlayers) })
            .ToDictionaryAsync(g => g.ProxyId, g => g.Players, cancellationToken);
        return [.. proxies.Select(p => p with { CurrentPlayers = players.GetValueOrDefault(p.Id) })];
    }
}
