using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Redwood.Director.Domain;

/// <summary>What a JWT login proved: the account id at the provider and an optional display name.</summary>
internal sealed record JwtIdentity(string Subject, string? Name);

/// <summary>
/// Checks a game's own JWT (<c>provider:"jwt"</c>, §3.6): HS256 only, signed with <c>Auth:Jwt:Secret</c>, with an
/// <c>exp</c> no further than <c>Auth:Jwt:MaxLifetime</c> from <c>iat</c>, within its lifetime, issuer and audience
/// always checked (start-up requires both settings with the provider on; without them nothing is accepted). The
/// identity is the configured claim (default <c>sub</c>).
/// </summary>
internal sealed class JwtIdentityReader(JwtSettings settings, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<JwtIdentity?> ReadAsync(string token, CancellationToken cancellationToken)
    {
        if (settings.Secret is null)
        {
            return null;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var parameters = new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(settings.Secret)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuerSigningKey = true,
            ValidateIssuer = true,
            ValidIssuer = settings.Issuer,
            ValidateAudience = true,
            ValidAudience = settings.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            LifetimeValidator = (notBefore, expires, _, p) =>
            {
                var now = time.GetUtcNow().UtcDateTime;
                return (notBefore is not { } nbf || nbf - p.ClockSkew <= now) && expires is { } exp && now <= exp + p.ClockSkew;
            },
        };
        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid || !WithinMaxLifetime(result.SecurityToken as JsonWebToken)
            || !result.Claims.TryGetValue(settings.Claim, out var subjectClaim)
            || subjectClaim?.ToString() is not { Length: > 0 and <= 256 } subject)
        {
            return null;
        }

        var name = result.Claims.TryGetValue("name", out var nameClaim) && nameClaim?.ToString() is { Length: > 0 } n ? n : null;
        return new JwtIdentity(subject, name);
    }

    /// <summary>A token may not live longer than <c>Auth:Jwt:MaxLifetime</c>, counted from <c>iat</c> (or from now).</summary>
    private bool WithinMaxLifetime(JsonWebToken? token)
    {
        var max = settings.MaxLifetime > TimeSpan.Zero ? settings.MaxLifetime : JwtSettings.DefaultMaxLifetime;
        if (token is null)
        {
            return false;
        }

        var issued = token.IssuedAt > DateTime.MinValue ? token.IssuedAt : time.GetUtcNow().UtcDateTime;
        return token.ValidTo - issued <= max;
    }
}
