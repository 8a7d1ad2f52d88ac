using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Redwood.Realm.Contracts;
using Redwood.Realm.Domain;
using Redwood.Realm.Persistence;
using Redwood.Realm.Transport;

namespace Redwood.Realm.GameServers;

/// <summary>
/// Consumes join tokens in batches: the checks that arrive while a batch is in the database form the next one, and a
/// batch is one conditional <c>UPDATE … RETURNING</c> over every (token, player, character, server) it carries plus
/// one read of the characters and players admitted. A token is marked used only when every binding holds (its
/// player, its character, the instance the asking server serves now, unused, unexpired), by the database in one
/// statement, so it succeeds once even when checks race in two batches or two processes. Two checks of one token never
/// share a batch: the second waits for the next, where the first one's outcome decides it.
/// </summary>
internal sealed class JoinTokenConsumer : IAsyncDisposable
{
    private const int MaxBatch = 256;

    // One batch in the database while the next one forms (SQLite serializes their writes anyway).
    private const int Runners = 2;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly ILogger<JoinTokenConsumer> _logger;
    private readonly RealmMetrics _metrics;
    private readonly Lazy<Task[]> _runners;

    public JoinTokenConsumer(IServiceScopeFactory scopes, TimeProvider time, RealmMetrics metrics, ILogger<JoinTokenConsumer> logger)
    {
        _scopes = scopes;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _runners = new Lazy<Task[]>(() => [.. Enumerable.Range(0, Runners).Select(_ => Task.Run(RunAsync))]);
    }

    public async ValueTask<ValidateJoinTokenReply> ConsumeAsync(ValidateJoinToken request, CancellationToken cancellationToken)
    {
        var pending = new Pending(request, JoinTokens.Hash(request.Token));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(JoinTokenConsumer));
        }

        _ = _runners.Value;
        return await pending.Reply.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_runners.IsValueCreated)
        {
            await Task.WhenAll(_runners.Value);
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        var later = new List<Pending>();
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            hashes.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                (hashes.Add(pending.Hash) ? batch : later).Add(pending);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                await ConsumeBatchAsync(batch);
            }
            catch (Exception ex)
            {
                foreach (var pending in batch)
                {
                    pending.Reply.TrySetException(ex);
                }
            }

            foreach (var pending in later)
            {
                if (!_queue.Writer.TryWrite(pending))
                {
                    pending.Reply.TrySetException(new ObjectDisposedException(nameof(JoinTokenConsumer)));
                }
            }

            later.Clear();
        }
    }

    private async Task ConsumeBatchAsync(List<Pending> batch)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RealmDbContext>();
        var now = _time.GetUtcNow().UtcDateTime;
        var consumed = (await ConsumeSql(db, batch, now).ToListAsync()).ToHashSet(StringComparer.Ordinal);

        var admitted = batch.Where(p => consumed.Contains(p.Hash)).ToList();
        var characterIds = admitted.Select(p => p.Request.CharacterId).Distinct().ToList();
        var playerIds = admitted.Select(p => p.Request.PlayerId).Distinct().ToList();
        var characters = admitted.Count == 0
            ? []
            : await db.Characters.AsNoTracking()
                .Where(c => characterIds.Contains(c.Id))
                .Select(c => new CharacterSnapshot(
                    c.Id, c.CreatedAt, c.UpdatedAt, c.ArchivedAt, c.PlayerId, c.Name, c.CharacterCreatorData, c.Metadata,
                    c.EquippedInventory, c.NonequippedInventory, c.Progress, c.Data, c.AbilitySystem, c.RedwoodData))
                .ToDictionaryAsync(c => c.Id, StringComparer.Ordinal);
        var players = admitted.Count == 0
            ? []
            : await db.Players.AsNoTracking()
                .Where(p => playerIds.Contains(p.Id))
                .Select(p => new { p.Id, p.Nickname, p.Data })
                .ToDictionaryAsync(p => p.Id, StringComparer.Ordinal);

        foreach (var pending in batch)
        {
            var request = pending.Request;
            if (!consumed.Contains(pending.Hash))
            {
                pending.Reply.TrySetResult(Refused(request, await WhyRefusedAsync(db, request, pending.Hash, now)));
                continue;
            }

            if (!characters.TryGetValue(request.CharacterId, out var character) || character.PlayerId != request.PlayerId)
            {
                pending.Reply.TrySetResult(Refused(request, JoinTokenError.Invalid));
                continue;
            }

            players.TryGetValue(request.PlayerId, out var player);
            Log.JoinTokenAccepted(_logger, request.PlayerId, request.CharacterId, request.ServerId);
            _metrics.JoinTokenChecked(JoinTokenError.None);
            pending.Reply.TrySetResult(new ValidateJoinTokenReply(
                JoinTokenError.None,
                JsonSerializer.Serialize(PlayerCharacterWire.From(character), JsonSerializerOptions.Web),
                PlayerDataWire.Json(request.PlayerId, player?.Nickname ?? request.PlayerId, player?.Data ?? Character.EmptyObject)));
        }
    }

    /// <summary>
    /// <c>UPDATE join_tokens SET UsedAt = now FROM (VALUES (hash, player, character, server), …), containers WHERE every
    /// binding holds RETURNING TokenHash</c>: the same text on SQLite (3.35+) and PostgreSQL.
    /// </summary>
    private static IQueryable<string> ConsumeSql(RealmDbContext db, List<Pending> batch, DateTime now)
    {
        var tokens = db.Model.FindEntityType(typeof(JoinToken))!;
        var containers = db.Model.FindEntityType(typeof(GameServerContainer))!;
        string T(string property) => "\"" + tokens.FindProperty(property)!.GetColumnName() + "\"";
        string C(string property) => "\"" + containers.FindProperty(property)!.GetColumnName() + "\"";

        // {0} is now; each row's four values follow. EF turns every {n} into a parameter of the provider's type mapping.
        var values = new List<object>(batch.Count * 4 + 1) { now };
        var rows = new StringBuilder();
        foreach (var pending in batch)
        {
            rows.Append(rows.Length == 0 ? "(" : ", (");
            foreach (var value in new[] { pending.Hash, pending.Request.PlayerId, pending.Request.CharacterId, pending.Request.ServerId })
            {
                rows.Append(values.Count % 4 == 1 ? "{" : ", {").Append(values.Count.ToString(CultureInfo.InvariantCulture)).Append('}');
                values.Add(value);
            }

            rows.Append(')');
        }

        var sql = $$"""
            UPDATE {{Table(tokens)}} AS t SET {{T("UsedAt")}} = {0}
            FROM (VALUES {{rows}}) AS v, {{Table(containers)}} AS s
            WHERE t.{{T("TokenHash")}} = v.column1 AND t.{{T("PlayerId")}} = v.column2 AND t.{{T("CharacterId")}} = v.column3
              AND s.{{C("SidecarId")}} = v.column4 AND s.{{C("EndedAt")}} IS NULL AND t.{{T("InstanceId")}} = s.{{C("InstanceId")}}
              AND t.{{T("UsedAt")}} IS NULL AND t.{{T("ExpiresAt")}} > {0}
            RETURNING {{T("TokenHash")}} AS "Value"
            """;
        return db.Database.SqlQueryRaw<string>(sql, [.. values]);
    }

    private static string Table(IEntityType entity) =>
        entity.GetSchema() is { } schema ? $"\"{schema}\".\"{entity.GetTableName()}\"" : $"\"{entity.GetTableName()}\"";

    /// <summary>Only on refusal: tells an expired token from an unknown, used or mismatched one.</summary>
    private static async Task<JoinTokenError> WhyRefusedAsync(RealmDbContext db, ValidateJoinToken request, string hash, DateTime now)
    {
        var instanceId = await SidecarInstances.Current.For(db)(db, request.ServerId, CancellationToken.None);
        if (instanceId is null)
        {
            return JoinTokenError.NoInstance;
        }

        var expired = await db.JoinTokens.AsNoTracking().AnyAsync(
            t => t.TokenHash == hash && t.UsedAt == null && t.ExpiresAt <= now && t.PlayerId == request.PlayerId
                && t.CharacterId == request.CharacterId && t.InstanceId == instanceId);
        return expired ? JoinTokenError.Expired : JoinTokenError.Invalid;
    }

    private ValidateJoinTokenReply Refused(ValidateJoinToken request, JoinTokenError error)
    {
        Log.JoinTokenRefused(_logger, request.PlayerId, request.CharacterId, request.ServerId, error);
        _metrics.JoinTokenChecked(error);
        return new ValidateJoinTokenReply(error, null, null);
    }

    private sealed record Pending(ValidateJoinToken Request, string Hash)
    {
        public TaskCompletionSource<ValidateJoinTokenReply> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
