using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Redwood.Realm.Domain;
using Redwood.Realm.Persistence;

namespace Redwood.Realm.Features.Proxies;

/// <summary>
/// A player creates a proxy (a lobby or world). Private proxies get a short code (given or generated), which is the
/// reference players share; a public proxy's reference is its id. <c>startOnBoot</c> is for admins (role 100) only.
/// Joining (<c>joinCharacterId</c>) arrives with the game-server work; the character is only checked here.
/// </summary>
internal sealed record CreateProxyCommand(
    string PlayerId,
    int CallerRole,
    string? JoinCharacterId,
    string? Name,
    string? Region,
    string? ModeId,
    string? MapId,
    bool Public,
    bool ProxyEndsWhenCollectionEnds,
    bool ContinuousPlay,
    string? Password,
    string? ShortCode,
    JsonElement? Data,
    bool StartOnBoot) : ICommand<CreateProxyResult>;

internal enum CreateProxyError
{
    None,
    NotAdmin,
    ShortCodeTaken,
    CharacterNotFound,
    TooManyProxies,
}

internal sealed record CreateProxyResult(CreateProxyError Error, string? ProxyReference);

internal sealed partial class CreateProxyValidator : AbstractValidator<CreateProxyCommand>
{
    public CreateProxyValidator(RealmSettings settings)
    {
        var regions = settings.Regions.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        RuleFor(c => c.PlayerId).NotEmpty();
        RuleFor(c => c.Name).DisplayName("Proxy name", 64);
        RuleFor(c => c.Region).Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("region is required")
            .Must(r => regions.Contains(r!)).WithMessage(c => $"Unknown region '{c.Region}' (known: {string.Join(", ", regions)})");
        RuleFor(c => c.ModeId).NotEmpty().WithMessage("modeId is required").MaximumLength(128);
        RuleFor(c => c.MapId).MaximumLength(128);
        RuleFor(c => c.Password).MaximumLength(128);
        RuleFor(c => c.JoinCharacterId).MaximumLength(64);
        When(c => !string.IsNullOrEmpty(c.ShortCode), () =>
            RuleFor(c => c.ShortCode).Matches(ShortCodePattern())
                .WithMessage("shortCode must be 4 to 16 letters or digits"));
        RuleFor(c => c.Data).JsonObject("data", Math.Min(settings.Proxies.MaxDataBytes, settings.Characters.MaxFieldBytes));
    }

    [GeneratedRegex("^[A-Za-z0-9]{4,16}$")]
    private static partial Regex ShortCodePattern();
}

internal sealed class CreateProxyHandler(
    RealmDbContext db, TimeProvider time, RealmSettings settings, ILogger<CreateProxyHandler> logger)
    : ICommandHandler<CreateProxyCommand, CreateProxyResult>
{
    public const int AdminRole = 100;

    private const int ShortCodeAttempts = 8;

    public async ValueTask<CreateProxyResult> Handle(CreateProxyCommand command, CancellationToken cancellationToken)
    {
        if (command.StartOnBoot && command.CallerRole != AdminRole)
        {
            return new CreateProxyResult(CreateProxyError.NotAdmin, null);
        }

        if (!string.IsNullOrEmpty(command.JoinCharacterId)
            && !await db.Characters.AnyAsync(
                c => c.Id == command.JoinCharacterId && c.PlayerId == command.PlayerId && c.ArchivedAt == null, cancellationToken))
        {
            return new CreateProxyResult(CreateProxyError.CharacterNotFound, null);
        }

        var requestedCode = string.IsNullOrEmpty(command.ShortCode) ? null : command.ShortCode.ToUpperInvariant();
        var now = time.GetUtcNow().UtcDateTime;
        for (var attempt = 1; ; attempt++)
        {
            // The quota is counted and the proxy inserted in one transaction that no other create by the same owner can
            // interleave with (see OwnerLock), so concurrent creates from several sockets cannot exceed it.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await OwnerLock.TakeAsync(db, "proxies", command.PlayerId, cancellationToken);

            // Admins are exempt: start-on-boot proxies are configuration, not a player's lobbies.
            if (command.CallerRole != AdminRole
                && await db.Proxies.CountAsync(p => p.OwnerPlayerId == command.PlayerId && p.EndedAt == null, cancellationToken)
                    >= settings.Proxies.MaxActivePerPlayer)
            {
                return new CreateProxyResult(CreateProxyError.TooManyProxies, null);
            }

            if (requestedCode is not null && await db.Proxies.AnyAsync(p => p.ShortCode == requestedCode, cancellationToken))
            {
                return new CreateProxyResult(CreateProxyError.ShortCodeTaken, null);
            }

            var proxy = new GameServerProxy
            {
                Id = RealmIds.NewId(),
                CreatedAt = now,
                UpdatedAt = now,
                Name = command.Name!,
                ModeId = command.ModeId!,
                MapId = string.IsNullOrEmpty(command.MapId) ? null : command.MapId,
                ContinuousPlay = command.ContinuousPlay,
                PasswordHash = string.IsNullOrEmpty(command.Password) ? null : HashPassword(command.Password),
                ShortCode = requestedCode ?? (command.Public ? null : RealmIds.NewShortCode()),
                MaxPlayersPerShard = settings.Proxies.MaxPlayersPerShard,
                Data = command.Data?.GetRawText() ?? Character.EmptyObject,
                OwnerPlayerId = command.PlayerId,
                Region = command.Region!,
                StartOnBoot = command.StartOnBoot,
                Public = command.Public,
                ProxyEndsWhenCollectionEnds = command.ProxyEndsWhenCollectionEnds,
            };
            db.Proxies.Add(proxy);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                Log.ProxyCreated(logger, proxy.Id, command.PlayerId, proxy.Public);
                return new CreateProxyResult(CreateProxyError.None, proxy.Public ? proxy.Id : proxy.ShortCode);
            }
            catch (DbUpdateException) when (proxy.ShortCode is not null)
            {
                // The unique index on ShortCode decided a race (or a generated code collided): this transaction
                // rolls back when it is disposed, and the next attempt starts a new one.
                db.ChangeTracker.Clear();
                if (requestedCode is not null || attempt >= ShortCodeAttempts)
                {
                    return new CreateProxyResult(CreateProxyError.ShortCodeTaken, null);
                }
            }
        }
    }

    /// <summary>PBKDF2-SHA256 with a random salt: <c>pbkdf2-sha256$iterations$salt$hash</c> (base64).</summary>
    private static string HashPassword(string password)
    {
        const int iterations = 100_000;
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }
}
