using System.Text.Json;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Redwood.Realm.Contracts;
using Redwood.Realm.Domain;
using Redwood.Realm.GameServers;
using Redwood.Realm.Persistence;
using Redwood.Realm.Transport;

namespace Redwood.Realm.Features.GameServers;

/// <summary>
/// A game server asks whether a player may join with a token. One conditional UPDATE checks every binding (player,
/// character, the instance this server serves, unused, unexpired) and marks the token used, so a token succeeds once
/// even under concurrent use. The reply carries the character as last saved and the player's PlayerData.
/// </summary>
internal sealed class ValidateJoinTokenHandler(RealmDbContext db, TimeProvider time, ILogger<ValidateJoinTokenHandler> logger)
    : IRequestHandler<ValidateJoinToken, ValidateJoinTokenReply>
{
    public async ValueTask<ValidateJoinTokenReply> Handle(ValidateJoinToken request, CancellationToken cancellationToken)
    {
        var instanceId = await db.Containers.AsNoTracking()
            .Where(c => c.Id == request.ServerId && c.EndedAt == null)
            .Select(c => c.InstanceId).FirstOrDefaultAsync(cancellationToken);
        if (instanceId is null)
        {
            return Refused(request, JoinTokenError.NoInstance);
        }

        var hash = JoinTokens.Hash(request.Token);
        var now = time.GetUtcNow().UtcDateTime;
        var consumed = await db.JoinTokens
            .Where(t => t.TokenHash == hash && t.UsedAt == null && t.ExpiresAt > now
                && t.PlayerId == request.PlayerId && t.CharacterId == request.CharacterId && t.InstanceId == instanceId)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), cancellationToken);
        if (consumed != 1)
        {
            var expired = await db.JoinTokens.AsNoTracking().AnyAsync(
                t => t.TokenHash == hash && t.UsedAt == null && t.ExpiresAt <= now && t.PlayerId == request.PlayerId
                    && t.CharacterId == request.CharacterId && t.InstanceId == instanceId,
                cancellationToken);
            return Refused(request, expired ? JoinTokenError.Expired : JoinTokenError.Invalid);
        }

        var character = await db.Characters.AsNoTracking()
            .Where(c => c.Id == request.CharacterId && c.PlayerId == request.PlayerId)
            .Select(CharacterSnapshot.Projection).FirstOrDefaultAsync(cancellationToken);
        if (character is null)
        {
            return Refused(request, JoinTokenError.Invalid);
        }

        var player = await db.Players.AsNoTracking().FirstOrDefaultAsync(p => p.Id == request.PlayerId, cancellationToken);
        Log.JoinTokenAccepted(logger, request.PlayerId, request.CharacterId, instanceId);
        return new ValidateJoinTokenReply(
            JoinTokenError.None,
            JsonSerializer.Serialize(PlayerCharacterWire.From(character), JsonSerializerOptions.Web),
            PlayerDataWire.Json(request.PlayerId, player?.Nickname ?? request.PlayerId, player?.Data ?? Character.EmptyObject));
    }

    private ValidateJoinTokenReply Refused(ValidateJoinToken request, JoinTokenError error)
    {
        Log.JoinTokenRefused(logger, request.PlayerId, request.CharacterId, request.ServerId, error);
        return new ValidateJoinTokenReply(error, null, null);
    }
}
