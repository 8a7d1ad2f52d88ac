using System.Text.Json;
using Redwood.Realm.Features.Characters;
using Redwood.SharedKernel.Transport;
using Redwood.SocketIO;

namespace Redwood.Realm.Transport;

/// <summary>The character events (§2.2.3); the caller is always the socket's player.</summary>
internal static class CharacterRoutes
{
    public const string List = "realm:characters:list";
    public const string Create = "realm:characters:create";
    public const string Get = "realm:characters:get";
    public const string SetClient = "realm:characters:set:client";
    public const string Archive = "realm:characters:archive";

    private const string NotFound = "Character not found";

    public static void Map(SocketIONamespace ns, RealmRoutes routes)
    {
        var limits = routes.Settings.Characters;

        ns.OnRequest(List, routes.Scopes, routes.Logger, async (request, ct) =>
        {
            var payload = request.Payload<ListPayload>();
            var session = RealmSession.Require(request, payload.PlayerId, routes.Logger);
            var characters = await RealmRoutes.SendAsync(request, new ListCharactersQuery(session.PlayerId, payload.IncludeArchived == true), ct);
            return new CharactersAck(string.Empty, [.. characters.Select(PlayerCharacterWire.From)]);
        }, error => new CharactersAck(error, []));

        ns.OnRequest(Create, routes.Scopes, routes.Logger, async (request, ct) =>
        {
            var payload = request.Payload<CreatePayload>();
            var session = RealmSession.Require(request, payload.PlayerId, routes.Logger);
            var result = await RealmRoutes.SendAsync(request, new CreateCharacterCommand(session.PlayerId, payload.Name, payload.CharacterCreatorData), ct);
            return result.Error switch
            {
                CreateCharacterError.None => new CharacterAck(string.Empty, PlayerCharacterWire.From(result.Character!)),
                CreateCharacterError.NameTaken => new CharacterAck("Character name is already taken", null),
                CreateCharacterError.TooManyCharacters => new CharacterAck($"You already have the maximum of {limits.MaxPerPlayer} characters", null),
                CreateCharacterError.TooManyStored => new CharacterAck(
                    $"You already have the maximum of {limits.MaxStoredPerPlayer} stored characters (archived ones count until they are deleted)", null),
                _ => new CharacterAck($"Character data is too large (at most {limits.MaxCharacterBytes} bytes)", null),
            };
        }, CharacterError);

        ns.OnRequest(Get, routes.Scopes, routes.Logger, async (request, ct) =>
        {
            // The plugin sends the caller's player id under "id" here (Appendix A 4).
            var payload = request.Payload<GetPayload>();
            var session = RealmSession.Require(request, payload.Id, routes.Logger);
            var result = await RealmRoutes.SendAsync(request, new GetCharacterQuery(session.PlayerId, payload.CharacterIdOrName), ct);
            return result switch
            {
                { Owned: { } owned } => new CharacterAck(string.Empty, PlayerCharacterWire.From(owned)),
                { Other: { } other } => new CharacterAck(string.Empty, CharacterSummaryWire.From(other)),
                _ => new CharacterAck(NotFound, null),
            };
        }, CharacterError);

        ns.OnRequest(SetClient, routes.Scopes, routes.Logger, async (request, ct) =>
        {
            var payload = request.Payload<SetClientPayload>();
            var session = RealmSession.Require(request, payload.PlayerId, routes.Logger);
            var result = await RealmRoutes.SendAsync(request, new SetCharacterClientDataCommand(
                session.PlayerId, payload.CharacterId, payload.Name, payload.CharacterCreatorData), ct);
            return result.Error switch
            {
                SetCharacterClientDataError.None => new CharacterAck(string.Empty, PlayerCharacterWire.From(result.Character!)),
                SetCharacterClientDataError.NotFound => new CharacterAck(NotFound, null),
                SetCharacterClientDataError.NotOwner => new CharacterAck("You can only change your own characters", null),
                SetCharacterClientDataError.Archived => new CharacterAck("Character is archived; restore it first", null),
                SetCharacterClientDataError.NameTaken => new CharacterAck("Character name is already taken", null),
                _ => new CharacterAck($"Character data is too large (at most {limits.MaxCharacterBytes} bytes)", null),
            };
        }, CharacterError);

        ns.OnRequest(Archive, routes.Scopes, routes.Logger, async (request, ct) =>
        {
            var payload = request.Payload<ArchivePayload>();
            var session = RealmSession.Require(request, payload.Id, routes.Logger);
            var archived = payload.Archived ?? throw new InvalidPayloadException("Invalid request: 'archived' is required");
            var result = await RealmRoutes.SendAsync(request, new ArchiveCharacterCommand(session.PlayerId, payload.CharacterId, archived), ct);
            return SocketRouteExtensions.ErrorOnly(result.Error switch
            {
                ArchiveCharacterError.None => string.Empty,
                ArchiveCharacterError.NotFound => NotFound,
                ArchiveCharacterError.NotOwner => "You can only archive or restore your own characters",
                _ => $"Restoring would exceed the maximum of {limits.MaxPerPlayer} characters",
            });
        });
    }

    private static CharacterAck CharacterError(string error) => new(error, null);

    private sealed record ListPayload(string? PlayerId, bool? IncludeArchived);

    private sealed record CreatePayload(string? PlayerId, string? Name, JsonElement? CharacterCreatorData);

    private sealed record GetPayload(string? Id, string? CharacterIdOrName);

    private sealed record SetClientPayload(string? PlayerId, string? CharacterId, string? Name, JsonElement? CharacterCreatorData);

    private sealed record ArchivePayload(string? Id, string? CharacterId, bool? Archived);
}
