using System.Text;
using System.Text.Json;
using Redwood.SocketIO.Protocol;

namespace Redwood.SocketIO.Tests;

public sealed class JsonAndParserTests
{
    [Theory]
    [InlineData("2", 2)]
    [InlineData("2.0", 2)]
    [InlineData("-7.0", -7)]
    [InlineData("2e0", 2)]
    [InlineData("0.0", 0)]
    public void Integers_accept_integral_doubles(string json, int expected)
    {
        Assert.Equal(expected, JsonSerializer.Deserialize<int>(json, SocketIOJson.Options));
        Assert.Equal(expected, JsonSerializer.Deserialize<long>(json, SocketIOJson.Options));
        Assert.Equal(expected, JsonSerializer.Deserialize<short>(json, SocketIOJson.Options));
        Assert.Equal(expected, JsonSerializer.Deserialize<int?>(json, SocketIOJson.Options));
        Assert.Equal(expected, JsonSerializer.Deserialize<long?>(json, SocketIOJson.Options));
    }

    [Theory]
    [InlineData("2.5")]
    [InlineData("\"2\"")]
    [InlineData("1e30")]
    [InlineData("true")]
    public void Integers_refuse_fractions_strings_and_overflow(string json)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<int>(json, SocketIOJson.Options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<int?>(json, SocketIOJson.Options));
    }

    [Fact]
    public void Unsigned_and_small_types_check_range()
    {
        Assert.Equal(255, JsonSerializer.Deserialize<byte>("255.0", SocketIOJson.Options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<byte>("256", SocketIOJson.Options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<uint>("-1.0", SocketIOJson.Options));
        Assert.Equal(4294967295u, JsonSerializer.Deserialize<uint>("4294967295.0", SocketIOJson.Options));
        Assert.Equal(ulong.MaxValue, JsonSerializer.Deserialize<ulong>("18446744073709551615", SocketIOJson.Options));
        Assert.Equal((ulong?)3, JsonSerializer.Deserialize<ulong?>("3.0", SocketIOJson.Options));
        Assert.Null(JsonSerializer.Deserialize<int?>("null", SocketIOJson.Options));
    }

    [Fact]
    public void Objects_bind_camel_case_case_insensitive_with_lenient_numbers()
    {
        var element = JsonElement.Parse("{\"PlayerId\":\"p\",\"level\":23.0,\"scores\":[1.0,2.0],\"slots\":{\"1\":4.0}}");

        var player = SocketIOJson.Deserialize<Player>(element)!;

        Assert.Equal("p", player.PlayerId);
        Assert.Equal(23, player.Level);
        Assert.Equal([1, 2], player.Scores);
        Assert.Equal(4, player.Slots[1]);
        Assert.Equal("{\"playerId\":\"p\",\"level\":23,\"scores\":[1,2],\"slots\":{\"1\":4}}", JsonSerializer.Serialize(player, SocketIOJson.Options));
    }

    [Fact]
    public void Message_bind_uses_lenient_numbers_and_missing_args_are_default()
    {
        var message = new SocketIOMessage("e", [JsonElement.Parse("{\"level\":2.0}"), JsonElement.Parse("5.0")], false, [], SocketIOJson.Options);

        Assert.Equal(2, message.Bind<Player>()!.Level);
        Assert.Equal(5, message.Bind<int>(1));
        Assert.Equal(0, message.Bind<int>(2));
        Assert.Null(message.Bind<Player>(3));
    }

    [Theory]
    [InlineData("0", 0, "/", -1, 0, null)]
    [InlineData("0{}", 0, "/", -1, 0, "{}")]
    [InlineData("0/admin,{\"t\":1}", 0, "/admin", -1, 0, "{\"t\":1}")]
    [InlineData("0/admin,", 0, "/admin", -1, 0, null)]
    [InlineData("0/admin", 0, "/admin", -1, 0, null)]
    [InlineData("1", 1, "/", -1, 0, null)]
    [InlineData("2[\"e\",1]", 2, "/", -1, 0, "[\"e\",1]")]
    [InlineData("212[\"e\"]", 2, "/", 12, 0, "[\"e\"]")]
    [InlineData("2/x,3[\"e\"]", 2, "/x", 3, 0, "[\"e\"]")]
    [InlineData("3/x,3[]", 3, "/x", 3, 0, "[]")]
    [InlineData("52-/x,9[\"e\",{},{}]", 5, "/x", 9, 2, "[\"e\",{},{}]")]
    [InlineData("61-0[{}]", 6, "/", 0, 1, "[{}]")]
    public void Parser_reads_every_packet_form(string text, int type, string ns, long ackId, int attachments, string? payload)
    {
        var packet = PacketParser.Parse(Encoding.UTF8.GetBytes(text), 10);

        Assert.Equal((PacketType)type, packet.Type);
        Assert.Equal(ns, packet.Namespace);
        Assert.Equal(ackId, packet.AckId);
        Assert.Equal(attachments, packet.Attachments);
        Assert.Equal(payload, packet.Payload?.GetRawText());
    }

    [Theory]
    [InlineData("7")]
    [InlineData("0[]")]
    [InlineData("1{}")]
    [InlineData("2")]
    [InlineData("2{}")]
    [InlineData("2[]")]
    [InlineData("2[{}]")]
    [InlineData("3[]")]
    [InlineData("5[\"e\"]")]
    [InlineData("511-[\"e\"]")]
    [InlineData("2[\"e\"]]")]
    [InlineData("21234567890123456[\"e\"]")]
    public void Parser_rejects_malformed_packets(string text)
        => Assert.Throws<MalformedPacketException>(() => PacketParser.Parse(Encoding.UTF8.GetBytes(text), 10));

    [Fact]
    public void Encoder_writes_namespace_ack_id_and_binary_header()
    {
        var packet = PacketEncoder.EncodeMessage(PacketType.Ack, "/chat", 17, null, [new byte[] { 1 }, "x"], SocketIOJson.Options);

        Assert.Equal("461-/chat,17[{\"_placeholder\":true,\"num\":0},\"x\"]", Encoding.UTF8.GetString(packet.Text.Span));
        Assert.Single(packet.Attachments!);
        packet.Release();
    }

    private sealed class Player
    {
        public string PlayerId { get; set; } = "";

        public int Level { get; set; }

        public List<long> Scores { get; set; } = [];

        public Dictionary<int, int> Slots { get; set; } = [];
    }
}
