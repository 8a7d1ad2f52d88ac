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

internal sealed class ListProxiesHandler(RealmDbContext db, RealmSettings settings) : IQueryHandler<ListProxiesQuery, IReadOnlyList<ProxySnapshot>>
{
    /// <summary>Room for a proxy's fields besides <c>data</c> and its name in the answer.</summary>
    private const int FieldOverheadBytes = 512;

    public async ValueTask<IReadOnlyList<ProxySnapshot>> Handle(ListProxiesQuery query, CancellationToken cancellationToken)
    {
        var ids = query.PrivateProxyReferences.Distinct(StringComparer.Ordinal).ToList();
        var codes = query.PrivateProxyReferences.Select(r => r.ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToList();
        var limits = settings.Proxies;

        // The proxies asked for by reference always come back (at most 100 references); public ones fill the rest of
        // the answer, newest first, up to MaxListed proxies and MaxListBytes, so one player's many or large proxies
        // cannot make every other player's list huge. The answer keeps the stable oldest-first order.
        var referenced = ids.Count == 0
            ? []
            : await db.Proxies.AsNoTracking()
                .Where(p => p.EndedAt == null && ((p.ShortCode != null && codes.Contains(p.ShortCode)) || ids.Contains(p.Id)))
                .Select(ProxySnapshot.Projection)
                .ToListAsync(cancellationToken);
        var publicOnes = await db.Proxies.AsNoTracking()
            .Where(p => p.EndedAt == null && p.Public)
            .OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id)
            .Take(limits.MaxListed)
            .Select(ProxySnapshot.Projection)
            .ToListAsync(cancellationToken);

        var answer = new List<ProxySnapshot>(referenced.Count + publicOnes.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long bytes = 0;
        foreach (var proxy in referenced)
        {
            seen.Add(proxy.Id);
            bytes += SizeOf(proxy);
            answer.Add(proxy);
        }

        foreach (var proxy in publicOnes)
        {
            if (seen.Contains(proxy.Id))
            {
                continue;
            }

            if (answer.Count >= Math.Max(limits.MaxListed, referenced.Count) || bytes + SizeOf(proxy) > limits.MaxListBytes)
            {
                break;
            }

            bytes += SizeOf(proxy);
            answer.Add(proxy);
        }

        // currentPlayers: what the proxy's live shards report now.
        var listed = answer.Select(p => p.Id).ToList();
        var players = await db.Instances.AsNoTracking()
            .Where(i => i.EndedAt == null && listed.Contains(i.ProxyId))
            .GroupBy(i => i.ProxyId)
            .Select(g => new { ProxyId = g.Key, Players = g.Sum(i => i.NumPlayers) })
            .ToDictionaryAsync(g => g.ProxyId, g => g.Players, cancellationToken);
        return [.. answer
            .OrderBy(p => p.CreatedAt).ThenBy(p => p.Id, StringComparer.Ordinal)
            .Select(p => p with { CurrentPlayers = players.GetValueOrDefault(p.Id) })];
    }

    private static long SizeOf(ProxySnapshot proxy) =>
        FieldRules.ByteSize(proxy.Data) + FieldRules.ByteSize(proxy.Name) + (proxy.Zones?.Length ?? 0) + FieldOverheadBytes;
}
