#!/usr/bin/env bash
# Runs every test against real PostgreSQL 15 and Redis started here on free loopback ports.
# Installs what is missing (Debian packages), prints "N passed, N failed" last, exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

PG_BIN=/usr/lib/postgresql/15/bin
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x "$PG_BIN/postgres" ] || missing+=(postgresql-15)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# The dev game server's native (AOT) publish, which a smoke test runs, links with clang or, failing that, gcc.
{ command -v clang || command -v gcc; } >/dev/null 2>&1 || missing+=(clang)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

echo "== npm packages for the JavaScript interop tests"
while IFS= read -r manifest; do
  dir=$(dirname "$manifest")
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
done < <(find tests -name package.json -not -path '*/node_modules/*' | sort)

WORK=$(mktemp -d /tmp/redwood-test.XXXXXX)
chmod 755 "$WORK"
PG_PID=""
REDIS_PID=""
cleanup() {
  [ -n "$REDIS_PID" ] && kill "$REDIS_PID" 2>/dev/null || true
  # Signal the postmaster itself (runuser does not forward signals): SIGINT is PostgreSQL's fast shutdown.
  if [ -f "$WORK/pg/postmaster.pid" ]; then kill -INT "$(head -n 1 "$WORK/pg/postmaster.pid")" 2>/dev/null || true; fi
  for _ in $(seq 1 100); do
    alive=0
    for pid in $PG_PID $REDIS_PID; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  local port
  while :; do
    port=$(( (RANDOM % 20000) + 30000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

# PostgreSQL refuses to run as root: as root, the cluster belongs to an unprivileged user.
PG_USER=$(id -un)
run_pg() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  PG_USER=nobody
  run_pg() { runuser -u nobody -- "$@"; }
fi
mkdir -p "$WORK/pg" "$WORK/pgsock"
chown "$PG_USER" "$WORK/pg" "$WORK/pgsock"
PG_PORT=$(free_port)
echo "== PostgreSQL 15 on 127.0.0.1:$PG_PORT"
run_pg "$PG_BIN/initdb" -D "$WORK/pg" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 \
  || { cat "$WORK/initdb.log"; exit 1; }
run_pg "$PG_BIN/postgres" -D "$WORK/pg" -p "$PG_PORT" -h 127.0.0.1 -k "$WORK/pgsock" \
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=500 >"$WORK/postgres.log" 2>&1 &
PG_PID=$!

REDIS_PORT=$(free_port)
# Redis requires a password, as a deployment's should: the tests reach it only through REDWOOD_TEST_REDIS, which
# carries the password in StackExchange.Redis syntax. The password sits in a private config file, not on a command line.
REDIS_PASSWORD=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
( umask 077; printf 'requirepass %s\n' "$REDIS_PASSWORD" >"$WORK/redis.conf" )
echo "== Redis on 127.0.0.1:$REDIS_PORT (password required)"
redis-server "$WORK/redis.conf" --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!

for _ in $(seq 1 100); do
  if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null; then break; fi
  sleep 0.2
done
"$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" || { echo "PostgreSQL did not start:"; cat "$WORK/postgres.log"; exit 1; }

export REDWOOD_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Maximum Pool Size=20"
export REDWOOD_TEST_REDIS="127.0.0.1:$REDIS_PORT,password=$REDIS_PASSWORD"
ulimit -n 65536 2>/dev/null || true

echo "== dotnet test"
set +e
dotnet test "$ROOT/Redwood.sln" --logger "trx" --results-directory "$WORK/results" 2>&1 | tee "$WORK/dotnet-test.log"
status=${PIPESTATUS[0]}
set -e

passed=0
failed=0
shopt -s nullglob
for trx in "$WORK"/results/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $status (build or test host failure)"
  failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
