using System.Net;
using Redwood.SocketIO.Diagnostics;

namespace Redwood.SocketIO.Tests;

public sealed class LogTextTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\r\nb", "a\\u000d\\u000ab")]
    [InlineData("rlo\u202Eexe", "rlo\\u202eexe")]
    [InlineData("zw\u200Bsp", "zw\\u200bsp")]
    [InlineData("pair\uD83D\uDE00", "pair\uD83D\uDE00")]
    [InlineData("ｖｉｃ", "ｖｉｃ")]
    public void Escapes_what_could_forge_or_reorder_a_line(string value, string expected)
        => Assert.Equal(expected, LogText.Clip(value));

    [Fact]
    public void Escapes_a_lone_surrogate()
        => Assert.Equal("lone\\ud800", LogText.Clip("lone" + (char)0xD800));

    [Fact]
    public void Cuts_long_values_and_says_how_much_was_left_out()
    {
        var clipped = LogText.Clip(new string('x', 900_000))!;

        Assert.StartsWith(new string('x', 128) + "…(+899872 chars)", clipped, StringComparison.Ordinal);
        Assert.True(clipped.Length < 160);
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64")]
    public void Groups_IPv6_addresses_by_64_bit_prefix(string address, string key)
        => Assert.Equal(key, ClientAddress.KeyOf(IPAddress.Parse(address)));

    [Fact]
    public void Throttle_keeps_its_key_count_bounded()
    {
        var throttle = new LogThrottle(TimeSpan.FromMinutes(1), maxKeys: 100);
        for (var i = 0; i < 10_000; i++)
        {
            throttle.ShouldLog("key" + i, out _);
        }

        Assert.InRange(throttle.Count, 1, 101);
    }
}
