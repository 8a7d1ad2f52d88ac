using System.Security.Cryptography;
using System.Text;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Redwood.Realm.GameServers;
using Redwood.Realm.Persistence;

namespace Redwood.Realm.Features.Proxies;

/// <summary>
/// A player joins a proxy (by id or short code) with one of their characters: the proxy's first zone is found or started
/// on a game server and the player gets its connection and a one-time join token (the plugin hands both to game code).
/// </summary>
internal sealed record JoinProxyCommand(string PlayerId, string? CharacterId, string? ProxyReference, string? Password)
    : ICommand<JoinProxyResult>;

internal enum JoinProxyError
{
    None,
    ProxyNotFound,
    WrongPassword,
    CharacterNotFound,
    AllocationFailed,
}

internal sealed record JoinProxyResult(JoinProxyError Error, string? Connection, string? Token, string? Reason = null);

internal sealed class JoinProxyValidator : AbstractValidator<JoinProxyCommand>
{
    public JoinProxyValidator()
    {
        RuleFor(c => c.CharacterId).NotEmpty().WithMessage("characterId is required").MaximumLength(64);
        RuleFor(c => c.ProxyReference).NotEmpty().WithMessage("proxyReference is required").MaximumLength(64);
        RuleFor(c => c.Password).MaximumLength(128);
    }
}

internal sealed class JoinProxyHandler(RealmDbContext db, GameServerAllocator allocator) : ICommandHandler<JoinProxyCommand, JoinProxyResult>
{
    public async ValueTask<JoinProxyResult> Handle(JoinProxyCommand command, CancellationToken cancellationToken)
    {
        if (!await db.Characters.AnyAsync(
                c => c.Id == command.CharacterId && c.PlayerId == command.PlayerId && c.ArchivedAt == null, cancellationToken))
        {
            return new JoinProxyResult(JoinProxyError.CharacterNotFound, null, null);
        }

        var reference = command.ProxyReference!;
        var code = reference.ToUpperInvariant();
        var proxy = await db.Proxies.AsNoTracking()
            .Where(p => p.EndedAt == null && (p.Id == reference || p.ShortCode == code))
            .Select(p => new { p.Id, p.PasswordHash })
            .FirstOrDefaultAsync(cancellationToken);
        if (proxy is null)
        {
            return new JoinProxyResult(JoinProxyError.ProxyNotFound, null, null);
        }

        if (proxy.PasswordHash is not null && !PasswordMatches(proxy.PasswordHash, command.Password))
        {
            return new JoinProxyResult(JoinProxyError.WrongPassword, null, null);
        }

        var result = await allocator.AllocateAsync(proxy.Id, null, null, [new AllocationPlayer(command.PlayerId, command.CharacterId!)], cancellationToken);
        return result.Error is null
            ? new JoinProxyResult(JoinProxyError.None, result.Connection, result.Joins[0].Token)
            : new JoinProxyResult(JoinProxyError.AllocationFailed, null, null, result.Error);
    }

    /// <summary>Checks <c>pbkdf2-sha256$iterations$salt$hash</c> (see <see cref="CreateProxyHandler"/>).</summary>
    private static bool PasswordMatches(string stored, string? password)
    {
        var parts = stored.Split('$');
        if (password is null || parts.Length != 4 || !int.TryParse(parts[1], out var iterations))
        {
            return false;
        }

        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(
            Encoding.UTF8.GetBytes(password), Convert.FromBase64String(parts[2]), iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
