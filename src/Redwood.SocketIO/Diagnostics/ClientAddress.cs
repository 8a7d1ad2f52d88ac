using System.Net;
using System.Net.Sockets;

namespace Redwood.SocketIO.Diagnostics;

/// <summary>
/// The key a client address is counted under by per-address limits: an IPv4 address as is (IPv4-mapped IPv6
/// included), an IPv6 address by its /64 prefix, because one subscriber usually owns a whole /64.
/// </summary>
public static class ClientAddress
{
    /// <summary>The limit key of <paramref name="address"/>; <c>"unknown"</c> without one.</summary>
    public static string KeyOf(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
