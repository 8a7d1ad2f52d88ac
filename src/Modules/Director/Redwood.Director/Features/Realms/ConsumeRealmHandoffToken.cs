using System.Text;
using System.Text.Json;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Redwood.Director.Contracts;
using Redwood.Director.Domain;
using Redwood.Director.Persistence;
using Redwood.SocketIO.Diagnostics;
using Redwood.SharedKernel.Persistence;

namespace Redwood.Director.Features.Realms;

/// <summary>
/// Answers <see cref="ConsumeRealmHandoffToken"/>: a token minted for this player and realm, not expired, succeeds
/// exactly once. The single-use guarantee is the conditional update (<c>ConsumedAt IS NULL</c>, with the player, realm
/// and expiry in the same condition): of two concurrent redemptions, on any replica, only one changes a row.
/// </summary>
internal sealed class ConsumeRealmHandoffTokenHandler(
    DirectorDbContext db, TimeProvider time, ILogger<ConsumeRealmHandoffTokenHandler> logger)
    : IRequestHandler<ConsumeRealmHandoffToken, ConsumeRealmHandoffTokenReply>
{
    private static readonly CompiledPerModel<Func<DirectorDbContext, string, CancellationToken, Task<PlayerIdentity?>>> PlayerById = new(() =>
        EF.CompileAsyncQuery((DirectorDbContext db, string id, CancellationToken _) => db.Players.AsNoTracking().FirstOrDefault(p => p.Id == id)));

    public async ValueTask<ConsumeRealmHandoffTokenReply> Handle(ConsumeRealmHandoffToken request, CancellationToken cancellationToken)
    {
        var hash = SecretToken.Hash(request.Token ?? string.Empty);
        var now = time.GetUtcNow().UtcDateTime;

        // The redemption is one conditional update; only a refused token is read back, to say why.
        var consumed = await db.RealmHandoffTokens
            .Where(t => t.TokenHash == hash && t.ConsumedAt == null && t.PlayerId == request.PlayerId
                && t.RealmId == request.RealmId && t.ExpiresAt > now)
            .ExecuteUpdateAsync(t => t.SetProperty(x => x.ConsumedAt, now), cancellationToken);
        var error = consumed == 1 ? HandoffTokenError.None : await RefusalAsync(hash, request, now, cancellationToken);

        var player = error == HandoffTokenError.None
            ? await PlayerById.For(db)(db, request.PlayerId, cancellationToken)
            : null;
        if (player is null)
        {
            Log.HandoffTokenRefused(logger, LogText.Clip(request.PlayerId)!, LogText.Clip(request.RealmId)!, error == HandoffTokenError.None ? HandoffTokenError.InvalidToken : error);
            return new ConsumeRealmHandoffTokenReply(error == HandoffTokenError.None ? HandoffTokenError.InvalidToken : error, null, 0, null);
        }

        Log.HandoffTokenConsumed(logger, request.PlayerId, request.RealmId);
        return new ConsumeRealmHandoffTokenReply(HandoffTokenError.None, player.Nickname, player.Role, PlayerDataJson(player));
    }

    private async Task<HandoffTokenError> RefusalAsync(string hash, ConsumeRealmHandoffToken request, DateTime now, CancellationToken cancellationToken)
    {
        var token = await db.RealmHandoffTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        return token switch
        {
            null => HandoffTokenError.InvalidToken,
            _ when token.PlayerId != request.PlayerId || token.ConsumedAt is not null => HandoffTokenError.InvalidToken,
            _ when token.ExpiresAt <= now => HandoffTokenError.Expired,
            _ when token.RealmId != request.RealmId => HandoffTokenError.WrongRealm,
            _ => HandoffTokenError.InvalidToken,
        };
    }

    /// <summary>The PlayerData object (§4.4) as the Realm forwards it to game servers.</summary>
    private static string PlayerDataJson(PlayerIdentity player)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", player.Id);
            writer.WriteString("nickname", player.Nickname);
            writer.WriteNull("selectedGuild");
            writer.WritePropertyName("data");
            using var data = JsonDocument.Parse(string.IsNullOrWhiteSpace(player.Data) ? "{}" : player.Data);
            data.RootElement.WriteTo(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
