// Runs one socket.io-client scenario against a Redwood.SocketIO server.
// Usage: node scenarios.mjs <scenario> <base url, e.g. http://127.0.0.1:3100>
// Exit code 0 = pass; anything else = failure (details on stderr).
import { io } from "socket.io-client";
import assert from "node:assert/strict";

const [scenario, baseUrl] = process.argv.slice(2);
if (!scenario || !baseUrl) {
  console.error("usage: node scenarios.mjs <scenario> <url>");
  process.exit(2);
}

const sockets = [];

function connect(path = "", options = {}) {
  const socket = io(baseUrl + path, { reconnection: false, timeout: 10000, forceNew: true, ...options });
  sockets.push(socket);
  return socket;
}

function once(emitter, event) {
  return new Promise((resolve) => emitter.once(event, (...args) => resolve(args)));
}

async function connected(socket) {
  if (socket.connected) return;
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", (err) => reject(new Error("connect_error: " + err.message)));
  });
}

const sample = [1, 2.5, "two", true, null, { a: 3, nested: { list: [1, "x", false] } }, [4, 5]];

async function echoRoundTrip(socket) {
  const reply = await socket.timeout(5000).emitWithAck("echo", ...sample);
  // emitWithAck resolves with the first ack argument; use the callback form to see all of them.
  assert.deepEqual(reply, sample[0]);
  const all = await new Promise((resolve, reject) =>
    socket.timeout(5000).emit("echo", ...sample, (err, ...args) => (err ? reject(err) : resolve(args))));
  assert.deepEqual(all, sample);
}

const scenarios = {
  async "websocket-only"() {
    const socket = connect("", { transports: ["websocket"] });
    await connected(socket);
    assert.equal(socket.io.engine.transport.name, "websocket");
    await echoRoundTrip(socket);
  },

  async "polling-only"() {
    const socket = connect("", { transports: ["polling"] });
    await connected(socket);
    assert.equal(socket.io.engine.transport.name, "polling");
    await echoRoundTrip(socket);
    const [args] = await Promise.all([once(socket, "pong-you"), Promise.resolve(socket.emit("ping-me", "over", "polling"))]);
    assert.deepEqual(args, ["over", "polling"]);
    assert.equal(socket.io.engine.transport.name, "polling");
  },

  async "polling-then-upgrade"() {
    const socket = connect("", { transports: ["polling", "websocket"] });
    let firstTransport = null;
    const upgraded = once(socket.io, "open").then(() => {
      firstTransport = socket.io.engine.transport.name;
      return once(socket.io.engine, "upgrade");
    });
    await connected(socket);
    await echoRoundTrip(socket);
    await Promise.race([upgraded, rejectAfter(5000, "no upgrade")]);
    assert.equal(firstTransport, "polling");
    assert.equal(socket.io.engine.transport.name, "websocket");
    await echoRoundTrip(socket);
  },

  async acks() {
    const socket = connect("", { transports: ["websocket"] });
    await connected(socket);
    const none = await new Promise((resolve, reject) =>
      socket.timeout(5000).emit("echo", (err, ...args) => (err ? reject(err) : resolve(args))));
    assert.deepEqual(none, []);
    const one = await socket.timeout(5000).emitWithAck("echo", { id: 7, name: "x" });
    assert.deepEqual(one, { id: 7, name: "x" });
    // Many acks in flight at once must each get their own answer.
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => socket.timeout(5000).emitWithAck("echo", i)));
    assert.deepEqual(replies, Array.from({ length: 50 }, (_, i) => i));
    // Without an ack request the server must not answer; a later ack still lines up.
    socket.emit("echo", "no-ack");
    assert.equal(await socket.timeout(5000).emitWithAck("echo", "after"), "after");
  },

  async "server-emits"() {
    const socket = connect("", { transports: ["websocket"] });
    await connected(socket);
    const received = once(socket, "pong-you");
    socket.emit("ping-me", "hello", 42, { deep: [1, 2, 3] });
    assert.deepEqual(await received, ["hello", 42, { deep: [1, 2, 3] }]);
    const custom = connect("/custom", { transports: ["websocket"] });
    await connected(custom);
    const fromCustom = once(custom, "pong-you");
    custom.emit("ping-me", "custom");
    assert.deepEqual(await fromCustom, ["custom"]);
  },

  async binary() {
    for (const transports of [["websocket"], ["polling"]]) {
      const socket = connect("", { transports });
      await connected(socket);
      const blob = Buffer.from([0, 1, 2, 253, 254, 255]);
      const big = Buffer.alloc(70000, 7);
      const args = await new Promise((resolve, reject) =>
        socket.timeout(5000).emit("echo", blob, { name: "file", data: big, list: [1, blob] }, "text",
          (err, ...a) => (err ? reject(err) : resolve(a))));
      assert.equal(args.length, 3);
      assert.ok(Buffer.from(args[0]).equals(blob), "first attachment");
      assert.equal(args[1].name, "file");
      assert.ok(Buffer.from(args[1].data).equals(big), "nested attachment");
      assert.equal(args[1].list[0], 1);
      assert.ok(Buffer.from(args[1].list[1]).equals(blob), "attachment in array");
      assert.equal(args[2], "text");
      const pong = once(socket, "pong-you");
      socket.emit("ping-me", { blob }, blob);
      const [obj, raw] = await pong;
      assert.ok(Buffer.from(obj.blob).equals(blob));
      assert.ok(Buffer.from(raw).equals(blob));
      socket.disconnect();
    }
  },

  async "bad-namespace"() {
    const socket = connect("/does-not-exist", { transports: ["websocket"] });
    const [err] = await Promise.race([once(socket, "connect_error"), rejectAfter(5000, "no connect_error")]);
    assert.equal(err.message, "Invalid namespace");
    // The main namespace still works on a fresh connection.
    const main = connect("", { transports: ["websocket"] });
    await connected(main);
  },

  async heartbeat() {
    const socket = connect("", { transports: ["websocket"] });
    await connected(socket);
    let pings = 0;
    let disconnectReason = null;
    socket.io.engine.on("ping", () => pings++);
    socket.on("disconnect", (reason) => (disconnectReason = reason));
    // Expects the server to run with a short ping interval (well under a second), so four pings take little time.
    const deadline = Date.now() + 15000;
    while (pings < 4) {
      assert.ok(Date.now() < deadline, "only " + pings + " pings in 15s");
      await sleep(50);
      assert.equal(disconnectReason, null, "disconnected: " + disconnectReason);
    }
    assert.ok(socket.connected);
    assert.equal(await socket.timeout(5000).emitWithAck("echo", "still here"), "still here");
  },

  async auth() {
    const auth = { token: "abc", n: 2, nested: { ok: true } };
    const socket = connect("/custom", { transports: ["websocket"], auth });
    await connected(socket);
    assert.deepEqual(await socket.timeout(5000).emitWithAck("get-auth"), auth);
    const plain = connect("", { transports: ["websocket"] });
    await connected(plain);
    assert.deepEqual(await plain.timeout(5000).emitWithAck("get-auth"), {});
  },
};

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function rejectAfter(ms, message) {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms));
}

const run = scenarios[scenario];
if (!run) {
  console.error(`unknown scenario ${scenario}; known: ${Object.keys(scenarios).join(", ")}`);
  process.exit(2);
}

const watchdog = setTimeout(() => {
  console.error(`scenario ${scenario} timed out`);
  process.exit(3);
}, 30000);

try {
  await run();
  console.log(`scenario ${scenario}: ok`);
  process.exitCode = 0;
} catch (err) {
  console.error(`scenario ${scenario} failed:`, err);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  for (const socket of sockets) socket.disconnect();
}
