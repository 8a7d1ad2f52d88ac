// Reference socket.io 4.x server with the same contract as tests/Redwood.SocketIO.ConformanceServer:
// namespaces "/" and "/custom"; "echo" acks with exactly the args received, "ping-me" emits "pong-you"
// with the args, "get-auth" acks with the CONNECT auth object.
// Usage: node server.js PORT [--ping-interval ms] [--ping-timeout ms] [--max-payload bytes]
"use strict";

const http = require("node:http");
const { Server } = require("socket.io");

const args = process.argv.slice(2);
const port = Number(args[0]);
if (!Number.isInteger(port) || port <= 0) {
  console.error("usage: node server.js PORT [--ping-interval ms] [--ping-timeout ms] [--max-payload bytes]");
  process.exit(2);
}

function option(name, fallback) {
  const i = args.indexOf(name);
  return i > 0 && i + 1 < args.length ? Number(args[i + 1]) : fallback;
}

const httpServer = http.createServer();
const io = new Server(httpServer, {
  pingInterval: option("--ping-interval", 25000),
  pingTimeout: option("--ping-timeout", 20000),
  maxHttpBufferSize: option("--max-payload", 1e6),
  cors: { origin: "*" },
});

function wire(nsp) {
  nsp.on("connection", (socket) => {
    socket.on("echo", (...received) => {
      const ack = typeof received[received.length - 1] === "function" ? received.pop() : null;
      if (ack) ack(...received);
    });
    socket.on("ping-me", (...received) => {
      if (typeof received[received.length - 1] === "function") received.pop();
      socket.emit("pong-you", ...received);
    });
    socket.on("get-auth", (...received) => {
      const ack = received[received.length - 1];
      if (typeof ack === "function") ack(socket.handshake.auth);
    });
  });
}

wire(io.of("/"));
wire(io.of("/custom"));

httpServer.listen(port, "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${port}`);
});

function shutdown() {
  io.close();
  process.exit(0);
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
