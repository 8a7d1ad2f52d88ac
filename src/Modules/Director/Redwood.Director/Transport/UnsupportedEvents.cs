using Redwood.SharedKernel.Transport;

namespace Redwood.Director.Transport;

/// <summary>
/// The Director events of the plugin (§2.1) this server does not build yet, each with the ack shape the plugin reads,
/// because it reads list fields even on error (§1.3): lists as <c>[]</c>, strings <c>""</c>, booleans false.
/// No-ack events listed here are ignored.
/// </summary>
internal static class UnsupportedEvents
{
    private static readonly string[] None = [];

    public static IReadOnlyDictionary<string, Func<string, object>> Table { get; } = new Dictionary<string, Func<string, object>>(StringComparer.Ordinal)
    {
        // §2.1.2 OAuth logins
        ["player:login:discord:initialize"] = OAuthInitialize,
        ["player:login:discord:finalize"] = OAuthFinalize,
        ["player:login:twitch:initialize"] = OAuthInitialize,
        ["player:login:twitch:finalize"] = OAuthFinalize,

        // §2.1.3 players and friends
        ["director:players:search:name"] = e => new { error = e, players = None },
        ["director:players:search:id"] = e => new { error = e, player = (object?)null },
        ["director:friends:list"] = e => new { error = e, players = None },
        ["director:friends:add"] = SocketRouteExtensions.ErrorOnly,
        ["director:friends:remove"] = SocketRouteExtensions.ErrorOnly,
        ["director:friends:respond-request"] = SocketRouteExtensions.ErrorOnly,
        ["director:friends:block"] = SocketRouteExtensions.ErrorOnly,
        ["director:players:online-state:set-character"] = SocketRouteExtensions.ErrorOnly,

        // §2.1.4 guilds
        ["director:guilds:list"] = e => new { error = e, guilds = None },
        ["director:guilds:search"] = e => new { error = e, guilds = None },
        ["director:guilds:get"] = e => new { error = e, guild = (object?)null },
        ["director:guilds:selected:get"] = e => new { error = e, guild = (object?)null },
        ["director:guilds:selected:set"] = SocketRouteExtensions.ErrorOnly,
        ["director:guilds:membership:join"] = SocketRouteExtensions.ErrorOnly,
        ["director:guilds:membership:invite"] = SocketRouteExtensions.ErrorOnly,
        ["director:guilds:membership:leave"] = SocketRouteExtensions.ErrorOnly,
        ["director:guilds:membership:list"] = e => new { error = e, members = None },
        ["director:guilds:admin:create"] = e => new { error = e, guildId = string.Empty },
        ["director:guilds:admin:update"] = SocketRouteExtensions.ErrorOnly,
        ["director:guilds:admin:kick"] = SocketRouteExtensions.ErrorOnly,
        ["director:guilds:admin:promote"] = SocketRouteExtensions.ErrorOnly,
        ["director:guilds:admin:demote"] = SocketRouteExtensions.ErrorOnly,

        // §2.1.5 alliances
        ["director:guilds:alliances:list"] = e => new { error = e, alliances = None, guildStates = None },
        ["director:guilds:alliances:search"] = e => new { error = e, alliances = None },
        ["director:guilds:alliances:admin:has-admin-privileges"] = SocketRouteExtensions.ErrorOnly,
        ["director:guilds:alliances:admin:create"] = e => new { error = e, allianceId = string.Empty },
        ["director:guilds:alliances:admin:update"] = SocketRouteExtensions.ErrorOnly,
        ["director:guilds:alliances:admin:kick"] = SocketRouteExtensions.ErrorOnly,
        ["director:guilds:alliances:membership:list"] = e => new { error = e, guilds = None },
        ["director:guilds:alliances:membership:join"] = SocketRouteExtensions.ErrorOnly,
        ["director:guilds:alliances:membership:leave"] = SocketRouteExtensions.ErrorOnly,
        ["director:guilds:alliances:membership:invite"] = SocketRouteExtensions.ErrorOnly,

        // §2.1.8 RedwoodChat
        ["player:get-text-chat-credentials"] = e => new { error = e, xmppPassword = string.Empty, guildsScopedToRealm = false },
        ["director:text-chat:create-room"] = SocketRouteExtensions.ErrorOnly,
    };

    /// <summary>Events of the table the plugin sends without an ack request.</summary>
    public static IReadOnlySet<string> NoAck { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "director:players:online-state:set-character",
    };

    private static object OAuthInitialize(string error) =>
        new { error, clientId = string.Empty, state = string.Empty, redirectUri = string.Empty };

    private static object OAuthFinalize(string error) =>
        new { error, playerId = string.Empty, token = string.Empty, nickname = string.Empty, username = string.Empty };
}
