using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Redwood.SocketIO.Tests.Support;

namespace Redwood.SocketIO.Tests;

public sealed class WebSocketWireTests
{
    [Fact]
    public async Task Open_packet_has_integer_timings_and_no_upgrades()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawWebSocket.ConnectAsync(server.WebSocketUri());

        var open = await client.ReceiveTextAsync();

        Assert.Matches("^0\\{\"sid\":\"[A-Za-z0-9_-]{20}\",\"upgrades\":\\[\\],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000\\}$", open);
        Assert.Equal(1, server.Server.ConnectionCount);
    }

    [Theory]
    [InlineData("40", "40")]
    [InlineData("40{}", "40")]
    [InlineData("40{\"token\":\"t\"}", "40")]
    [InlineData("40/custom,", "40/custom,")]
    [InlineData("40/custom,{}", "40/custom,")]
    public async Task Connect_with_and_without_auth_gets_a_sid(string connect, string expectedPrefix)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawWebSocket.ConnectAsync(server.WebSocketUri());
        await client.ReceiveTextAsync();

        await client.SendTextAsync(connect);
        var reply = await client.ReceiveTextAsync();

        Assert.Matches("^" + expectedPrefix + "\\{\"sid\":\"[A-Za-z0-9_-]{20}\"\\}$", reply);
    }

    [Fact]
    public async Task Auth_object_is_exposed_and_defaults_to_empty_object()
    {
        await using var server = await TestServer.StartAsync();
        var (bare, _) = await RawWebSocket.ConnectAndJoinAsync(server, "40");
        var (withAuth, _) = await RawWebSocket.ConnectAndJoinAsync(server, "40{\"token\":\"abc\",\"n\":2.0}");
        await using (bare)
        await using (withAuth)
        {
            await bare.SendTextAsync("421[\"get-auth\"]");
            Assert.Equal("431[{}]", await bare.ReceiveTextAsync());
            await withAuth.SendTextAsync("422[\"get-auth\"]");
            Assert.Equal("432[{\"token\":\"abc\",\"n\":2.0}]", await withAuth.ReceiveTextAsync());
        }
    }

    [Fact]
    public async Task Ack_echoes_every_argument_and_keeps_the_id_and_namespace()
    {
        await using var server = await TestServer.StartAsync();
        var (client, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (client)
        {
            await client.SendTextAsync("4212[\"echo\",1,2.0,\"x\",{\"a\":[true,null]}]");
            Assert.Equal("4312[1,2.0,\"x\",{\"a\":[true,null]}]", await client.ReceiveTextAsync());

            await client.SendTextAsync("423[\"echo\"]");
            Assert.Equal("433[]", await client.ReceiveTextAsync());

            await client.SendTextAsync("40/custom,{}");
            Assert.StartsWith("40/custom,{\"sid\":", await client.ReceiveTextAsync());
            await client.SendTextAsync("42/custom,7[\"echo\",\"c\"]");
            Assert.Equal("43/custom,7[\"c\"]", await client.ReceiveTextAsync());
        }
    }

    [Fact]
    public async Task Event_without_ack_request_gets_no_reply()
    {
        await using var server = await TestServer.StartAsync();
        var (client, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (client)
        {
            await client.SendTextAsync("42[\"echo\",\"ignored\"]");
            await client.SendTextAsync("425[\"echo\",\"answered\"]");

            Assert.Equal("435[\"answered\"]", await client.ReceiveTextAsync());
        }
    }

    [Fact]
    public async Task Handler_return_value_is_the_single_ack_argument_and_SocketIOArgs_sends_several()
    {
        await using var server = await TestServer.StartAsync(setup: s =>
        {
            s.Of("/").On("one", (_, m, _) => ValueTask.FromResult<object?>(new { Value = m.Bind<int>() + 1, Error = "" }));
            s.Of("/").On("none", (_, _, _) => ValueTask.FromResult<object?>(new SocketIOArgs()));
            s.Of("/").On("null", (_, _, _) => ValueTask.FromResult<object?>(null));
            s.Of("/").On("many", (_, _, _) => ValueTask.FromResult<object?>(new SocketIOArgs(1, "two", null)));
        });
        var (client, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (client)
        {
            await client.SendTextAsync("421[\"one\",41.0]");
            Assert.Equal("431[{\"value\":42,\"error\":\"\"}]", await client.ReceiveTextAsync());
            await client.SendTextAsync("422[\"none\"]");
            Assert.Equal("432[]", await client.ReceiveTextAsync());
            await client.SendTextAsync("423[\"null\"]");
            Assert.Equal("433[null]", await client.ReceiveTextAsync());
            await client.SendTextAsync("424[\"many\"]");
            Assert.Equal("434[1,\"two\",null]", await client.ReceiveTextAsync());
        }
    }

    [Fact]
    public async Task Work_registered_after_the_ack_runs_once_the_ack_is_sent_and_before_the_next_event()
    {
        await using var server = await TestServer.StartAsync(setup: s =>
        {
            s.Of("/").On("sign-in", (socket, m, _) =>
            {
                m.AfterAck(() => socket.EmitAsync("welcome", new { N = 1 }));
                return ValueTask.FromResult<object?>(new { Error = "" });
            });
            s.Of("/").On("next", (_, _, _) => ValueTask.FromResult<object?>("after"));
            s.Of("/").On("quiet", (socket, m, _) =>
            {
                m.AfterAck(() => socket.EmitAsync("done"));
                return ValueTask.FromResult<object?>(null);
            });
        });
        var (client, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (client)
        {
            await client.SendTextAsync("421[\"sign-in\",{}]");
            await client.SendTextAsync("422[\"next\"]");

            Assert.Equal("431[{\"error\":\"\"}]", await client.ReceiveTextAsync());
            Assert.Equal("42[\"welcome\",{\"n\":1}]", await client.ReceiveTextAsync());
            Assert.Equal("432[\"after\"]", await client.ReceiveTextAsync());

            await client.SendTextAsync("42[\"quiet\"]");
            Assert.Equal("42[\"done\"]", await client.ReceiveTextAsync());
        }
    }

    [Fact]
    public async Task Server_emit_and_emit_with_ack_round_trip()
    {
        var connected = Events.Create<SocketIOSocket>();
        await using var server = await TestServer.StartAsync(setup: s => s.Of("/").Connected += socket =>
        {
            connected.TrySetResult(socket);
            return ValueTask.CompletedTask;
        });
        var (client, id) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (client)
        {
            var socket = await connected.WithTimeout();
            Assert.Equal(id, socket.Id);
            Assert.Contains(id, socket.Rooms);

            await socket.EmitAsync("news", new { Title = "hi", Count = 3 }, 2.5);
            Assert.Equal("42[\"news\",{\"title\":\"hi\",\"count\":3},2.5]", await client.ReceiveTextAsync());

            var ack = socket.EmitWithAckAsync("question", TestServer.Timeout, CancellationToken.None, "q");
            Assert.Equal("420[\"question\",\"q\"]", await client.ReceiveTextAsync());
            await client.SendTextAsync("430[{\"answer\":42.0},\"extra\"]");
            var args = await ack.WithTimeout();
            Assert.Equal(2, args.Count);
            Assert.Equal(42, args[0].GetProperty("answer").GetDouble());

            var second = socket.EmitWithAckAsync("question", TestServer.Timeout, CancellationToken.None);
            Assert.Equal("421[\"question\"]", await client.ReceiveTextAsync());
            await client.SendTextAsync("431[]");
            Assert.Empty(await second.WithTimeout());
        }
    }

    [Fact]
    public async Task Emit_with_ack_times_out()
    {
        var connected = Events.Create<SocketIOSocket>();
        await using var server = await TestServer.StartAsync(setup: s => s.Of("/").Connected += socket =>
        {
            connected.TrySetResult(socket);
            return ValueTask.CompletedTask;
        });
        var (client, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (client)
        {
            var socket = await connected.WithTimeout();
            await Assert.ThrowsAsync<TimeoutException>(() => socket.EmitWithAckAsync("never", TimeSpan.FromMilliseconds(100), CancellationToken.None));
        }
    }

    [Fact]
    public async Task Binary_event_from_client_is_acked_with_binary_attachments()
    {
        await using var server = await TestServer.StartAsync();
        var (client, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (client)
        {
            await client.SendTextAsync("452-3[\"echo\",{\"_placeholder\":true,\"num\":0},{\"meta\":1,\"blob\":{\"_placeholder\":true,\"num\":1}}]");
            await client.SendBinaryAsync([1, 2, 3]);
            await client.SendBinaryAsync([9, 8]);

            Assert.Equal("462-3[{\"_placeholder\":true,\"num\":0},{\"meta\":1,\"blob\":{\"_placeholder\":true,\"num\":1}}]", await client.ReceiveTextAsync());
            Assert.Equal([1, 2, 3], await client.ReceiveBinaryAsync());
            Assert.Equal([9, 8], await client.ReceiveBinaryAsync());
        }
    }

    [Fact]
    public async Task Binary_message_exposes_placeholders_and_attachments()
    {
        var received = Events.Create<SocketIOMessage>();
        await using var server = await TestServer.StartAsync(setup: s => s.Of("/").On("upload", (_, m, _) =>
        {
            received.TrySetResult(m);
            return ValueTask.FromResult<object?>(null);
        }));
        var (client, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (client)
        {
            await client.SendTextAsync("451-[\"upload\",{\"name\":\"save\",\"data\":{\"_placeholder\":true,\"num\":0}}]");
            await client.SendBinaryAsync([7, 7, 7]);

            var message = await received.WithTimeout();
            Assert.False(message.WantsAck);
            Assert.True(message.Args[0].GetProperty("data").GetProperty("_placeholder").GetBoolean());
            Assert.True(message.TryGetBinary(message.Args[0].GetProperty("data"), out var data));
            Assert.Equal([7, 7, 7], data.ToArray());
            var bound = message.Bind<Upload>();
            Assert.Equal("save", bound!.Name);
            Assert.Equal([7, 7, 7], bound.Data);
        }
    }

    [Fact]
    public async Task Server_emits_binary_at_top_level_and_inside_objects_and_dictionaries()
    {
        var connected = Events.Create<SocketIOSocket>();
        await using var server = await TestServer.StartAsync(setup: s => s.Of("/").Connected += socket =>
        {
            connected.TrySetResult(socket);
            return ValueTask.CompletedTask;
        });
        var (client, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (client)
        {
            var socket = await connected.WithTimeout();
            await socket.EmitAsync(
                "blobs",
                new byte[] { 1 },
                new Upload { Name = "n", Data = [2, 2] },
                new Dictionary<string, object?> { ["raw"] = new ReadOnlyMemory<byte>([3]) });

            Assert.Equal(
                "453-[\"blobs\",{\"_placeholder\":true,\"num\":0},{\"name\":\"n\",\"data\":{\"_placeholder\":true,\"num\":1}},{\"raw\":{\"_placeholder\":true,\"num\":2}}]",
                await client.ReceiveTextAsync());
            Assert.Equal([1], await client.ReceiveBinaryAsync());
            Assert.Equal([2, 2], await client.ReceiveBinaryAsync());
            Assert.Equal([3], await client.ReceiveBinaryAsync());

            var ack = socket.EmitWithAckMessageAsync("want-blob", TestServer.Timeout, CancellationToken.None);
            Assert.Equal("420[\"want-blob\"]", await client.ReceiveTextAsync());
            await client.SendTextAsync("461-0[{\"_placeholder\":true,\"num\":0}]");
            await client.SendBinaryAsync([5, 6]);
            var reply = await ack.WithTimeout();
            Assert.True(reply.TryGetBinary(reply.Args[0], out var data));
            Assert.Equal([5, 6], data.ToArray());
        }
    }

    [Fact]
    public async Task Invalid_namespace_is_refused_with_connect_error()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawWebSocket.ConnectAsync(server.WebSocketUri());
        await client.ReceiveTextAsync();

        await client.SendTextAsync("40/nope,{}");
        Assert.Equal("44/nope,{\"message\":\"Invalid namespace\"}", await client.ReceiveTextAsync());

        await client.SendTextAsync("40");
        Assert.StartsWith("40{\"sid\":", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Middleware_can_refuse_and_dynamic_namespaces_are_configured_once()
    {
        var configured = 0;
        await using var server = await TestServer.StartAsync(setup: s =>
        {
            s.Of("/guarded").Use((socket, ct) => ValueTask.FromResult(socket.Auth.TryGetProperty("token", out var unused) ? null : "Not authorized"));
            s.AllowNamespaces(name => name.StartsWith("/room-", StringComparison.Ordinal), ns =>
            {
                Interlocked.Increment(ref configured);
                ns.On("where", (socket, _, _) => ValueTask.FromResult<object?>(socket.Namespace.Name));
            });
        });
        await using var client = await RawWebSocket.ConnectAsync(server.WebSocketUri());
        await client.ReceiveTextAsync();

        await client.SendTextAsync("40/guarded,");
        Assert.Equal("44/guarded,{\"message\":\"Not authorized\"}", await client.ReceiveTextAsync());
        await client.SendTextAsync("40/guarded,{\"token\":1}");
        Assert.StartsWith("40/guarded,{\"sid\":", await client.ReceiveTextAsync());

        await client.SendTextAsync("40/room-1,");
        Assert.StartsWith("40/room-1,{\"sid\":", await client.ReceiveTextAsync());
        await client.SendTextAsync("42/room-1,1[\"where\"]");
        Assert.Equal("43/room-1,1[\"/room-1\"]", await client.ReceiveTextAsync());

        await using var other = await RawWebSocket.ConnectAsync(server.WebSocketUri());
        await other.ReceiveTextAsync();
        await other.SendTextAsync("40/room-1,");
        Assert.StartsWith("40/room-1,{\"sid\":", await other.ReceiveTextAsync());
        Assert.Equal(1, configured);
    }

    [Fact]
    public async Task Disconnect_from_client_and_from_server()
    {
        var disconnected = Events.Create<string>();
        var connected = Events.Create<SocketIOSocket>();
        await using var server = await TestServer.StartAsync(setup: s =>
        {
            s.Of("/").Disconnected += (_, reason) =>
            {
                disconnected.TrySetResult(reason);
                return ValueTask.CompletedTask;
            };
            s.Of("/custom").Connected += socket =>
            {
                connected.TrySetResult(socket);
                return ValueTask.CompletedTask;
            };
        });
        var (client, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (client)
        {
            await client.SendTextAsync("41");
            Assert.Equal(DisconnectReasons.ClientNamespaceDisconnect, await disconnected.WithTimeout());
            Assert.Empty(server.Server.Of("/").Sockets);

            await client.SendTextAsync("40/custom,");
            await client.ReceiveTextAsync();
            var socket = await connected.WithTimeout();
            var token = socket.DisconnectToken;
            await socket.DisconnectAsync();
            Assert.Equal("41/custom,", await client.ReceiveTextAsync());
            Assert.False(socket.IsConnected);
            Assert.True(token.IsCancellationRequested);

            // The engine connection stays open: the client can join again.
            await client.SendTextAsync("40");
            Assert.StartsWith("40{\"sid\":", await client.ReceiveTextAsync());
        }
    }

    [Fact]
    public async Task Disconnect_with_close_transport_closes_the_connection()
    {
        var connected = Events.Create<SocketIOSocket>();
        await using var server = await TestServer.StartAsync(setup: s => s.Of("/").Connected += socket =>
        {
            connected.TrySetResult(socket);
            return ValueTask.CompletedTask;
        });
        var (client, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (client)
        {
            var socket = await connected.WithTimeout();
            await socket.DisconnectAsync(closeTransport: true);
            Assert.Equal("41", await client.ReceiveTextAsync());
            Assert.Equal(WebSocketCloseStatus.NormalClosure, await client.WaitForCloseAsync());
        }
    }

    [Fact]
    public async Task Heartbeat_keeps_a_responsive_client_and_drops_a_silent_one()
    {
        var reasons = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        var silentGone = Events.Create<string>();
        await using var server = await TestServer.StartAsync(
            o =>
            {
                o.PingInterval = TimeSpan.FromMilliseconds(100);
                o.PingTimeout = TimeSpan.FromMilliseconds(1000);
            },
            s => s.Of("/").Disconnected += (socket, reason) =>
            {
                reasons[socket.Id] = reason;
                silentGone.TrySetResult(socket.Id);
                return ValueTask.CompletedTask;
            });
        var (responsive, responsiveId) = await RawWebSocket.ConnectAndJoinAsync(server);
        var (silent, silentId) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (responsive)
        await using (silent)
        {
            Assert.Matches("\"pingInterval\":100,\"pingTimeout\":1000", EngineOpen(server));
            var silentClosed = silent.WaitForCloseAsync();

            for (var i = 0; i < 5; i++)
            {
                Assert.Equal("2", await responsive.ReceiveTextAsync());
                await responsive.SendTextAsync("3");
            }

            Assert.Equal(silentId, await silentGone.WithTimeout());
            Assert.Equal(DisconnectReasons.PingTimeout, reasons[silentId]);
            Assert.NotNull(await silentClosed.WithTimeout());
            Assert.False(reasons.ContainsKey(responsiveId));
            await responsive.SendTextAsync("421[\"echo\",\"alive\"]");
            Assert.Equal("431[\"alive\"]", await responsive.ReceiveTextSkippingPingsAsync());
        }
    }

    [Fact]
    public async Task Message_larger_than_max_payload_closes_only_that_connection()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxPayload = 1000);
        var (big, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        var (other, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (big)
        await using (other)
        {
            Assert.Contains("\"maxPayload\":1000}", EngineOpen(server));
            await big.SendTextAsync("421[\"echo\",\"" + new string('x', 2000) + "\"]");
            Assert.Equal(WebSocketCloseStatus.MessageTooBig, await big.WaitForCloseAsync());
            Assert.True(server.Logs.Contains(9004));

            await other.SendTextAsync("421[\"echo\",\"" + new string('y', 900) + "\"]");
            Assert.StartsWith("431[\"yyy", await other.ReceiveTextAsync());
        }
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    [InlineData("4")]
    [InlineData("49")]
    [InlineData("42[\"echo\"")]
    [InlineData("42{\"not\":\"an array\"}")]
    [InlineData("42[]")]
    [InlineData("42[\"echo\",]")]
    [InlineData("43[1]")]
    [InlineData("41{}")]
    [InlineData("45x-[\"echo\"]")]
    [InlineData("4599-[\"echo\"]")]
    [InlineData("42[\"disconnect\"]")]
    [InlineData("2")]
    [InlineData("42[\"echo\"] trailing")]
    public async Task Malformed_packet_closes_that_connection_and_others_are_unaffected(string garbage)
    {
        await using var server = await TestServer.StartAsync();
        var (bad, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        var (good, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (bad)
        await using (good)
        {
            await bad.SendTextAsync(garbage);
            Assert.NotNull(await bad.WaitForCloseAsync());
            Assert.True(server.Logs.Contains(9003), "the reason is logged");

            await good.SendTextAsync("421[\"echo\",\"fine\"]");
            Assert.Equal("431[\"fine\"]", await good.ReceiveTextAsync());
        }
    }

    [Fact]
    public async Task Unexpected_binary_frame_closes_the_connection()
    {
        await using var server = await TestServer.StartAsync();
        var (client, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (client)
        {
            await client.SendBinaryAsync([1, 2, 3]);
            Assert.NotNull(await client.WaitForCloseAsync());
        }
    }

    [Fact]
    public async Task Handler_exception_is_logged_without_ack_and_the_connection_survives()
    {
        await using var server = await TestServer.StartAsync(setup: s => s.Of("/").On("boom", (_, _, _) => throw new InvalidOperationException("boom")));
        var (client, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (client)
        {
            await client.SendTextAsync("421[\"boom\"]");
            await client.SendTextAsync("422[\"echo\",\"next\"]");
            Assert.Equal("432[\"next\"]", await client.ReceiveTextAsync());
            Assert.Contains(server.Logs.Entries, e => e.Id.Id == 9006 && e.Exception is InvalidOperationException);
        }
    }

    [Fact]
    public async Task Unserializable_ack_result_is_logged_and_later_events_still_run()
    {
        await using var server = await TestServer.StartAsync(setup: s => s.Of("/").On("cycle", static (_, _, _) =>
        {
            var cycle = new List<object?>();
            cycle.Add(cycle);
            return ValueTask.FromResult<object?>(cycle);
        }));
        var (client, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (client)
        {
            await client.SendTextAsync("421[\"cycle\"]");
            await client.SendTextAsync("422[\"echo\",\"next\"]");
            Assert.Equal("432[\"next\"]", await client.ReceiveTextSkippingPingsAsync());
            Assert.Contains(server.Logs.Entries, e => e.Id.Id == 9006);
        }
    }

    [Fact]
    public async Task Events_of_one_socket_run_in_order_off_the_read_loop()
    {
        var release = Events.Create<bool>();
        var order = new System.Collections.Concurrent.ConcurrentQueue<int>();
        await using var server = await TestServer.StartAsync(
            o =>
            {
                o.PingInterval = TimeSpan.FromMilliseconds(100);
                o.PingTimeout = TimeSpan.FromMilliseconds(1000);
            },
            s => s.Of("/").On("step", async (_, m, _) =>
            {
                var n = m.Bind<int>();
                if (n == 0)
                {
                    await release.Task;
                }

                order.Enqueue(n);
                return n;
            }));
        var (client, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (client)
        {
            for (var i = 0; i < 20; i++)
            {
                await client.SendTextAsync($"42{i}[\"step\",{i}.0]");
            }

            // The first handler blocks: heartbeats must still flow and the connection must stay up.
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal("2", await client.ReceiveTextAsync());
                await client.SendTextAsync("3");
            }

            Assert.Empty(order);
            release.SetResult(true);
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal($"43{i}[{i}]", await client.ReceiveTextSkippingPingsAsync());
            }

            Assert.Equal(Enumerable.Range(0, 20), order);
        }
    }

    [Fact]
    public async Task Unordered_events_of_one_socket_run_beside_each_other_and_are_acked_as_they_finish()
    {
        var release = Events.Create<bool>();
        await using var server = await TestServer.StartAsync(setup: s => s.Of("/").OnUnordered("check", async (_, m, _) =>
        {
            var n = m.Bind<int>();
            if (n == 0)
            {
                await release.Task;
            }

            return n;
        }));
        var (client, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (client)
        {
            for (var i = 0; i < 5; i++)
            {
                await client.SendTextAsync($"42{i}[\"check\",{i}.0]");
            }

            // The first check waits; the four after it are answered meanwhile, each under its own ack id.
            var early = new List<string>();
            for (var i = 1; i < 5; i++)
            {
                early.Add(await client.ReceiveTextSkippingPingsAsync());
            }

            Assert.Equal(["431[1]", "432[2]", "433[3]", "434[4]"], early.Order(StringComparer.Ordinal));
            release.SetResult(true);
            Assert.Equal("430[0]", await client.ReceiveTextSkippingPingsAsync());
        }
    }

    [Fact]
    public async Task Slow_reader_is_disconnected_when_the_outbound_queue_overflows()
    {
        var connected = Events.Create<SocketIOSocket>();
        var disconnected = Events.Create<string>();
        await using var server = await TestServer.StartAsync(
            o => o.MaxOutboundQueue = 16,
            s =>
            {
                s.Of("/").Connected += socket =>
                {
                    connected.TrySetResult(socket);
                    return ValueTask.CompletedTask;
                };
                s.Of("/").Disconnected += (_, reason) =>
                {
                    disconnected.TrySetResult(reason);
                    return ValueTask.CompletedTask;
                };
            });
        var (client, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (client)
        {
            var socket = await connected.WithTimeout();
            var payload = new string('z', 64 * 1024);

            // The client never reads, so socket buffers fill up and packets pile up in the queue.
            var sent = 0;
            while (socket.IsConnected && sent < 100_000)
            {
                await socket.EmitAsync("flood", payload);
                sent++;
            }

            Assert.Equal(DisconnectReasons.TransportError, await disconnected.WithTimeout());
            Assert.True(server.Logs.Contains(9005));
            Assert.Equal(0, server.Server.ConnectionCount);
        }
    }

    [Fact]
    public async Task Rooms_and_broadcasts_reach_the_right_sockets()
    {
        var sockets = new System.Collections.Concurrent.ConcurrentQueue<SocketIOSocket>();
        await using var server = await TestServer.StartAsync(setup: s => s.Of("/").Connected += socket =>
        {
            sockets.Enqueue(socket);
            return ValueTask.CompletedTask;
        });
        var (a, idA) = await RawWebSocket.ConnectAndJoinAsync(server);
        var (b, idB) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (a)
        await using (b)
        {
            var ns = server.Server.Of("/");
            var socketA = ns.GetSocket(idA)!;
            Assert.NotNull(ns.GetSocket(idB));
            socketA.Join("red");
            Assert.Contains("red", socketA.Rooms);
            Assert.Equal([idA], ns.SocketsIn("red").Select(s => s.Id));
            Assert.Empty(ns.SocketsIn("blue"));

            await ns.To("red").EmitAsync("only-red", 1);
            await ns.EmitAsync("all", new byte[] { 4 });
            await ns.Except("red").EmitAsync("not-red");

            Assert.Equal("42[\"only-red\",1]", await a.ReceiveTextAsync());
            Assert.Equal("451-[\"all\",{\"_placeholder\":true,\"num\":0}]", await a.ReceiveTextAsync());
            Assert.Equal([4], await a.ReceiveBinaryAsync());
            Assert.Equal("451-[\"all\",{\"_placeholder\":true,\"num\":0}]", await b.ReceiveTextAsync());
            Assert.Equal([4], await b.ReceiveBinaryAsync());
            Assert.Equal("42[\"not-red\"]", await b.ReceiveTextAsync());

            socketA.Leave("red");
            Assert.Empty(ns.SocketsIn("red"));
            await ns.To("red").EmitAsync("nobody");
            await ns.To(idA).EmitAsync("direct");
            Assert.Equal("42[\"direct\"]", await a.ReceiveTextAsync());
        }
    }

    [Fact]
    public async Task Shutdown_closes_websockets_normally_with_server_shutting_down()
    {
        var reason = Events.Create<string>();
        var server = await TestServer.StartAsync(setup: s => s.Of("/").Disconnected += (_, r) =>
        {
            reason.TrySetResult(r);
            return ValueTask.CompletedTask;
        });
        var (client, _) = await RawWebSocket.ConnectAndJoinAsync(server);
        await using (client)
        {
            var closed = client.WaitForCloseAsync();
            using (var timeout = new CancellationTokenSource(TestServer.Timeout))
            {
                await server.Listener.StopAsync(timeout.Token);
            }

            Assert.Equal(WebSocketCloseStatus.NormalClosure, await closed.WithTimeout());
            Assert.Equal(DisconnectReasons.ServerShuttingDown, await reason.WithTimeout());
            Assert.Equal(0, server.Server.ConnectionCount);
        }

        await server.DisposeAsync();
    }

    [Fact]
    public async Task Connection_without_namespace_is_closed_after_connect_timeout()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.ConnectTimeout = TimeSpan.FromMilliseconds(200);
            o.PingInterval = TimeSpan.FromMilliseconds(100);
        });
        await using var client = await RawWebSocket.ConnectAsync(server.WebSocketUri());
        Assert.StartsWith("0{", await client.ReceiveTextAsync());
        var status = await ReceiveUntilCloseAnsweringPings(client);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
    }

    [Fact]
    public async Task Path_without_trailing_slash_works()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawWebSocket.ConnectAsync(server.WebSocketUri(path: "/socket.io"));
        Assert.StartsWith("0{\"sid\":", await client.ReceiveTextAsync());
    }

    private static async Task<WebSocketCloseStatus?> ReceiveUntilCloseAnsweringPings(RawWebSocket client)
    {
        while (true)
        {
            var (type, data) = await client.ReceiveAsync();
            if (type == WebSocketMessageType.Close)
            {
                await client.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return client.Socket.CloseStatus;
            }

            if (Encoding.UTF8.GetString(data) == "2")
            {
                await client.SendTextAsync("3");
            }
        }
    }

    private static string EngineOpen(TestServer server)
        => EngineSessionOpen(server.Server.Options);

    private static string EngineSessionOpen(SocketIOServerOptions options)
        => Engine.EngineSession.BuildOpenPacket("x", upgradable: false, options);

    private sealed class Upload
    {
        public string Name { get; set; } = "";

        public byte[] Data { get; set; } = [];
    }
}
