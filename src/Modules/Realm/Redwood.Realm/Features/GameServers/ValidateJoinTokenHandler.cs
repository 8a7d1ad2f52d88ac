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
internal sealed class ValidateJoinTokenHandler(
    RealmDbContext db, TimeProvider time, RealmMetrics metrics, ILogger<ValidateJoinTokenHandler> logger)
    : IRequestHandler<ValidateJoinToken, ValidateJoinTokenReply>
{
    public async ValueTask<ValidateJoinTokenReply> Handle(ValidateJoinToken request, CancellationToken cancellationToken)
    {
        var hash = JoinTokens.Hash(request.Token);
        var now = time.GetUtcNow().UtcDateTime;
        var servedInstance = db.Containers.Where(c => c.SidecarId == request.ServerId && c.EndedAt == null && c.InstanceId != null).Select(c => c.InstanceId);
        var consumed = await db.JoinTokens
            .Where(t => t.TokenHash == hash && t.UsedAt == null && t.ExpiresAt > now
                && t.PlayerId == request.PlayerId && t.CharacterId == request.CharacterId && servedInstance.Contains(t.InstanceId))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), cancellationToken);
        if (consumed != 1)
        {
            return Refused(request, await WhyRefusedAsync(request, hash, now, cancellationToken));
        }

        // The character as last saved and the player's data, in one query.
        var joined = await db.Characters.AsNoTracking()
            .Where(c => c.Id == request.CharacterId && c.PlayerId == request.PlayerId)
            .Select(c => new
            {
                Character = new CharacterSnapshot(
                    c.Id, c.CreatedAt, c.UpdatedAt, c.ArchivedAt, c.PlayerId, c.Name, c.CharacterCreatorData, c.Metadata,
                    c.EquippedInventory, c.NonequippedInventory, c.Progress, c.Data, c.AbilitySystem, c.RedwoodData),
                Player = db.Players.Where(p => p.Id == c.PlayerId).Select(p => new { p.Nickname, p.Data }).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (joined is null)
        {
            return Refused(request, JoinTokenError.Invalid);
        }

        Log.JoinTokenAccepted(logger, request.PlayerId, request.CharacterId, request.ServerId);
        metrics.JoinTokenChecked(JoinTokenError.None);
        return new ValidateJoinTokenReply(
            JoinTokenError.None,
            JsonSerializer.Serialize(PlayerCharacterWire.From(joined.Character), JsonSerializerOptions.Web),
            PlayerDataWire.Json(request.PlayerId, joined.Player?.Nickname ?? request.PlayerId, joined.Player?.Data ?? Character.EmptyObject));
    }

    /// <summary>Only on refusal: tells an expired token from an unknown, used or mismatched one.</summary>
    private async Task<JoinTokenError> WhyRefusedAsync(ValidateJoinToken request, string hash, DateTime now, CancellationToken cancellationToken)
    {
        var instanceId = await db.Containers.AsNoTracking()
            .Where(c => c.SidecarId == request.ServerId && c.EndedAt == null)
            .Select(c => c.InstanceId).FirstOrDefaultAsync(cancellationToken);
        if (instanceId is null)
        {
            return JoinTokenError.NoInstance;
        }

        var expired = await db.JoinTokens.AsNoTracking().AnyAsync(
            t => t.TokenHash == hash && t.UsedAt == null && t.ExpiresAt <= now && t.PlayerId == request.PlayerId
                && t.CharacterId == request.CharacterId && t.InstanceId == instanceId,
            cancellationToken);
        return expired ? JoinTokenError.Expired : JoinTokenError.Invalid;
    }

    private ValidateJoinTokenReply Refused(ValidateJoinToken request, JoinTokenError error)
    {
        Log.JoinTokenRefused(logger, request.PlayerId, request.CharacterId, request.ServerId, error);
        metrics.JoinTokenChecked(error);
        return new ValidateJoinTokenReply(error, null, null);
    }
}
