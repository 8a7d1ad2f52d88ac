using Redwood.SharedKernel.Transport;

namespace Redwood.Realm.Transport;

/// <summary>
/// The Realm events of §2.2 this server does not implement yet, each answered with
/// <see cref="SocketRouteExtensions.NotSupported"/> in the ack shape the plugin reads (lists as <c>[]</c>, objects
/// absent or null, strings empty). The no-ack events (<c>realm:parties:emote</c>, <c>realm:parties:select-character</c>)
/// need no entry: events without an ack request are ignored.
/// </summary>
internal static class UnsupportedEvents
{
    public static IReadOnlyDictionary<string, Func<string, object>> Table { get; } = new Dictionary<string, Func<string, object>>(StringComparer.Ordinal)
    {
        ["realm:contacts:list"] = error => new ContactsAck(error, [], []),
        ["realm:contacts:add"] = SocketRouteExtensions.ErrorOnly,
        ["realm:contacts:remove"] = SocketRouteExtensions.ErrorOnly,
        ["realm:parties:get:frontend"] = error => new PartyAck(error, null),
        ["realm:parties:leave"] = SocketRouteExtensions.ErrorOnly,
        ["realm:parties:invites:initiate"] = SocketRouteExtensions.ErrorOnly,
        ["realm:parties:invites:get"] = error => new InvitesAck(error, []),
        ["realm:parties:invites:respond"] = error => new PartyAck(error, null),
        ["realm:parties:promote"] = SocketRouteExtensions.ErrorOnly,
        ["realm:parties:kick"] = SocketRouteExtensions.ErrorOnly,
        ["realm:parties:set"] = error => new PartyAck(error, null),
    };

    private sealed record ContactsAck(string Error, object[] Contacts, object[] BlockedContacts);

    private sealed record PartyAck(string Error, object? Party);

    private sealed record InvitesAck(string Error, object[] Invites);
}
