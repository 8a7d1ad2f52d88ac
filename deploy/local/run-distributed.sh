#!/usr/bin/env bash
# Starts the distributed topology on this machine: PostgreSQL 15 and Redis on free loopback ports, then the host binary
# as 2 Directors, 2 Realm replicas (one realm), 2 Matchmakers and a Sidecar process, each with only its module on.
# Game servers are dev game servers launched by the Realm replicas. Ctrl+C stops everything.
#   deploy/local/run-distributed.sh            # Director ports 3001/3002, Realm ports 3011/3012, HTTP 3000, 3100-3105
# Settings exported before it reach every process, e.g. Redwood__Director__Auth__Pbkdf2Iterations=1 for a load run.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
command -v redis-server >/dev/null || { echo "redis-server is missing (apt-get install redis-server)"; exit 1; }
[ -x "$PG_BIN/postgres" ] || { echo "PostgreSQL 15 is missing (apt-get install postgresql-15)"; exit 1; }

echo "== building the host and the dev game server"
dotnet build -c Release -v q -nologo "$ROOT/src/Redwood.Host" >/dev/null
dotnet build -c Release -v q -nologo "$ROOT/src/Redwood.DevGameServer" >/dev/null
HOST_DLL="$ROOT/src/Redwood.Host/bin/Release/net10.0/Redwood.Host.dll"
GAME_DLL="$ROOT/src/Redwood.DevGameServer/bin/Release/net10.0/Redwood.DevGameServer.dll"

WORK=$(mktemp -d /tmp/redwood-distributed.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -f "$WORK/pg/postmaster.pid" ]; then kill -INT "$(head -n 1 "$WORK/pg/postmaster.pid")" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  echo "== stopped; logs were in $WORK"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

free_port() {
  local port
  while :; do
    port=$(( (RANDOM % 20000) + 30000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

run_pg() { "$@"; }
PG_USER=$(id -un)
if [ "$(id -u)" -eq 0 ]; then PG_USER=nobody; run_pg() { runuser -u nobody -- "$@"; }; fi
mkdir -p "$WORK/pg" "$WORK/pgsock" && chown "$PG_USER" "$WORK/pg" "$WORK/pgsock"
PG_PORT=$(free_port)
run_pg "$PG_BIN/initdb" -D "$WORK/pg" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1
# Seven processes share it: each pool is capped below so that together they stay under max_connections.
run_pg "$PG_BIN/postgres" -D "$WORK/pg" -p "$PG_PORT" -h 127.0.0.1 -k "$WORK/pgsock" -c max_connections=400 >"$WORK/postgres.log" 2>&1 &
PIDS+=($!)
REDIS_PORT=$(free_port)
REDIS_PASSWORD=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --requirepass "$REDIS_PASSWORD" --save '' --appendonly no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break; sleep 0.2; done
echo "== PostgreSQL on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT (with a password)"

# What every process shares (the settings a deployment gives each container).
export ASPNETCORE_ENVIRONMENT=Production
export Redwood__Redis__Configuration="127.0.0.1:$REDIS_PORT,password=$REDIS_PASSWORD"
export Redwood__Persistence__Provider=Postgres
export ConnectionStrings__Redwood="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Maximum Pool Size=50"
REALM_SECRET=$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
export Redwood__Realm__Secret="$REALM_SECRET"
export Redwood__Director__Realms__0__Id=default
export Redwood__Director__Realms__0__Name=Default
export Redwood__Director__Realms__0__Uri=ws://localhost:3011
export Redwood__Director__Realms__0__Secret="$REALM_SECRET"
# A game server already exported (e.g. the natively published dev game server) is kept.
export Redwood__GameServers__Local__Executable="${Redwood__GameServers__Local__Executable:-$GAME_DLL}"
export Redwood__GameServers__Local__LogDirectory="$WORK/game-servers"

# start <name> <module> <http port> [extra VAR=value ...]
start() {
  local name=$1 module=$2 http=$3
  shift 3
  local flags=()
  for m in Director Realm Matchmaking Sidecar; do
    if [ "$m" = "$module" ]; then flags+=("Redwood__Modules__${m}__Enabled=true"); else flags+=("Redwood__Modules__${m}__Enabled=false"); fi
  done
  env "${flags[@]}" Redwood__Http__Port="$http" "$@" dotnet "$HOST_DLL" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  echo "   $name ($module): log $WORK/$name.log, http :$http"
}

echo "== starting the processes"
start director-1 Director 3000 Redwood__Director__Port=3001
sleep 3
start director-2 Director 3100 Redwood__Director__Port=3002
start sidecar Sidecar 3101
start realm-1 Realm 3102 Redwood__Realm__Port=3011 Redwood__GameServers__Local__GamePortBase=7000 Redwood__Sidecar__BasePort=3020
start realm-2 Realm 3103 Redwood__Realm__Port=3012 Redwood__GameServers__Local__GamePortBase=7100 Redwood__Sidecar__BasePort=3520
start matchmaking-1 Matchmaking 3104
start matchmaking-2 Matchmaking 3105
for port in 3000 3100 3101 3102 3103 3104 3105; do
  for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break; sleep 0.2; done
done
echo "== ready: players connect to ws://localhost:3001 or :3002 (Director) and ws://localhost:3011 or :3012 (Realm)"
echo "   Ctrl+C stops everything"
wait
