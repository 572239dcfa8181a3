#!/usr/bin/env bash
# WSLab's end-to-end benchmarks on loopback (issue 6).
#   scripts/bench.sh quick   about a minute: fewer points, one short run each   (make bench-quick)
#   scripts/bench.sh full    about ten minutes: every point, 3 × 2 s runs       (make bench)
# Builds in release, starts the servers (wslab serve, the NIOWebSocket peer, SwiftNIO's raw TCP
# echo and the C epoll echo: SwiftNIO's ceiling and the machine's),
# pins servers to core 0 and the loader to core 1 when there are two cores, runs the loader,
# writes Benchmarks/results/latest.{md,json,svg}, and stops everything it started.
set -euo pipefail

PROFILE=${1:-full}
case "$PROFILE" in quick|full) ;; *) echo "usage: scripts/bench.sh [quick|full]" >&2; exit 2;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/Benchmarks"
RESULTS="$BENCH/results"
RAW="$RESULTS/raw"
SWIFT=${SWIFT:-swift}
# Our own scratch path: never the root package's .build (the lead builds there) nor the
# microbenchmarks' .build-micro. wslab is built from here too, as the Benchmarks package's
# dependency: one release build of WSLab and SwiftNIO serves the servers and the loader.
BENCH_SCRATCH="$BENCH/.build-e2e"
mkdir -p "$RAW"

bash "$ROOT/scripts/install-deps.sh"

step() { printf '\033[1mbench:\033[0m %s\n' "$*" >&2; }
[ -t 2 ] || step() { printf 'bench: %s\n' "$*" >&2; }

if [ ! -x "$BENCH_SCRATCH/release/Loader" ]; then
  step "first run: building WSLab, SwiftNIO, the loader and the peers in release (most of this command's time:"
  step "  about 10 minutes on 2 cores; later runs rebuild only what changed)"
else
  step "building wslab, the loader and the peers (release; only what changed)"
fi
# SwiftPM keeps its build plan for a path dependency (WSLab, from here) even when files were added
# to it: drop the plan (not the build) so that it is made again.
rm -f "$BENCH_SCRATCH/release/description.json" "$BENCH_SCRATCH/release.yaml"
for product in wslab PeerNIOEcho PeerTCPEcho PeerAsyncEcho Loader Report; do
  "$SWIFT" build -c release -q --scratch-path "$BENCH_SCRATCH" --package-path "$BENCH" --product "$product"
done
step "compiling the C epoll echo (cc -O2)"
CC=${CC:-cc}
"$CC" -O2 -o "$BENCH_SCRATCH/c-echo" "$BENCH/CEcho/echo.c"
BIN="$("$SWIFT" build -c release --scratch-path "$BENCH_SCRATCH" --package-path "$BENCH" --show-bin-path)"
WSLAB="$BIN/wslab"

# 1000 connections (and C × W long-polling sockets) need more descriptors than the usual 1024.
HARD=$(ulimit -Hn)
if [ "$HARD" = unlimited ] || [ "$HARD" -ge 65536 ]; then ulimit -n 65536; else ulimit -n "$HARD"; fi
step "file descriptors: $(ulimit -n)"

SERVER_PIN=()
LOADER_PIN=()
PINNED=()
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  SERVER_PIN=(taskset -c 0)
  LOADER_PIN=(taskset -c 1)
  PINNED=(--pinned)
  step "pinning: servers on core 0, loader on core 1"
else
  step "not pinning: $(nproc) core(s) or no taskset; numbers will be noisier"
fi

PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME LOGFILE COMMAND...: starts a server in the background, waits for its
# "listening on ...://127.0.0.1:PORT/" line, sets PORT and PID.
start() {
  local name=$1 log=$2
  shift 2
  "${SERVER_PIN[@]}" "$@" >"$log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
  PORT=
  for _ in $(seq 1 200); do
    PORT=$(sed -n 's#.*listening on [a-z]*://127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$log" | head -n1)
    [ -n "$PORT" ] && break
    kill -0 "$PID" 2>/dev/null || { echo "bench: $name exited:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$PORT" ] || { echo "bench: $name did not say it was listening:" >&2; cat "$log" >&2; exit 1; }
  step "$name on port $PORT (pid $PID)"
}

# The WebSocket rows run without permessage-deflate (the loader does not offer it anyway);
# a second wslab with deflate serves the deflate rows. Long polling uses the first one.
start "wslab serve --no-deflate" "$RAW/wslab.log" "$WSLAB" serve --port 0 --no-deflate \
  --max-connections 20000 --poll-timeout 5 --shutdown-grace 0.5
WSLAB_T="$PORT:$PID"
start "wslab serve (deflate)" "$RAW/wslab-deflate.log" "$WSLAB" serve --port 0 --shutdown-grace 0.5
DEFLATE_T="$PORT:$PID"
start "PeerNIOEcho" "$RAW/nio.log" "$BIN/PeerNIOEcho" --port 0
NIO_T="$PORT:$PID"
start "PeerAsyncEcho" "$RAW/async.log" "$BIN/PeerAsyncEcho" --port 0
ASYNC_T="$PORT:$PID"
start "PeerTCPEcho" "$RAW/tcp.log" "$BIN/PeerTCPEcho" --port 0
TCP_T="$PORT:$PID"
start "C epoll echo" "$RAW/c-echo.log" "$BENCH_SCRATCH/c-echo" --port 0
CTCP_T="$PORT:$PID"

step "running the $PROFILE profile"
"${LOADER_PIN[@]}" "$BIN/Loader" suite --profile "$PROFILE" --wslab "$WSLAB_T" --nio "$NIO_T" --tcp "$TCP_T" --ctcp "$CTCP_T" --wslab-async "$ASYNC_T" \
  --wslab-deflate "$DEFLATE_T" "${PINNED[@]}" --out "$RAW/runs.json"

# stop PID: stops one server started with `start` (its memory and descriptors are needed next).
stop() {
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# Memory per idle connection and broadcast fan-out (issue 17), each on fresh servers of its own:
# 15,000 idle connections, 10,000 subscribers (fewer when the descriptor limit is lower).
FDS=$(ulimit -n)
IDLE_N=$(( FDS - 1000 < 15000 ? FDS - 1000 : 15000 ))
FANOUT_N=$(( FDS - 1000 < 10000 ? FDS - 1000 : 10000 ))
FANOUT_ARGS=(--single 20 --burst 20)
[ "$PROFILE" = quick ] && FANOUT_ARGS=(--single 5 --burst 5)
start "wslab serve (idle row)" "$RAW/idle-wslab.log" "$WSLAB" serve --port 0 --no-deflate --max-connections 20000
IDLE_W="$PORT:$PID"; IDLE_WPID=$PID
start "PeerNIOEcho (idle row)" "$RAW/idle-nio.log" "$BIN/PeerNIOEcho" --port 0
IDLE_N_T="$PORT:$PID"; IDLE_NPID=$PID
step "memory per idle connection: $IDLE_N connections to each"
"${LOADER_PIN[@]}" "$BIN/Loader" idle --server "wslab=$IDLE_W" --server "nio=$IDLE_N_T" --connections "$IDLE_N" \
  --out "$RAW/idle.json" --markdown "$RAW/idle.md" >/dev/null
stop "$IDLE_WPID"; stop "$IDLE_NPID"
start "wslab serve --mode broadcast" "$RAW/fanout-wslab.log" "$WSLAB" serve --port 0 --no-deflate --mode broadcast \
  --max-connections 20000
FAN_W="$PORT:$PID"; FAN_WPID=$PID
start "PeerNIOEcho --broadcast" "$RAW/fanout-nio.log" "$BIN/PeerNIOEcho" --port 0 --broadcast
FAN_N="$PORT:$PID"; FAN_NPID=$PID
step "broadcast fan-out: $FANOUT_N subscribers"
"${LOADER_PIN[@]}" "$BIN/Loader" fanout --server "wslab=$FAN_W" --server "nio=$FAN_N" --connections "$FANOUT_N" \
  "${FANOUT_ARGS[@]}" --out "$RAW/fanout.json" --markdown "$RAW/fanout.md" >/dev/null
stop "$FAN_WPID"; stop "$FAN_NPID"

# permessage-deflate against gorilla/websocket (Go, from Debian) and Python websockets (PyPI) on a
# JSON chat stream, with and without context takeover; WSLab at zlib level 6 (its default) and 1.
# The peers are installed when missing; a peer that cannot be installed is left out, with a note.
DEFLATE_SERVERS=()
start "wslab serve (deflate row)" "$RAW/deflate-wslab.log" "$WSLAB" serve --port 0 --shutdown-grace 0.5
DEFLATE_SERVERS+=(--server "wslab=$PORT:$PID"); DEFLATE_PIDS=("$PID")
start "wslab serve --deflate-level 1" "$RAW/deflate-wslab1.log" "$WSLAB" serve --port 0 --deflate-level 1 \
  --shutdown-grace 0.5
DEFLATE_SERVERS+=(--server "wslab level 1=$PORT:$PID"); DEFLATE_PIDS+=("$PID")
if ! command -v go >/dev/null || [ ! -d /usr/share/gocode/src/github.com/gorilla/websocket ]; then
  step "installing golang-go and golang-github-gorilla-websocket-dev (apt-get) for the gorilla row"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go \
    golang-github-gorilla-websocket-dev; } >"$RAW/apt-go.log" 2>&1 || step "could not install Go or gorilla: no gorilla row"
fi
if command -v go >/dev/null && [ -d /usr/share/gocode/src/github.com/gorilla/websocket ]; then
  mkdir -p "$BENCH_SCRATCH/gorilla"
  cp "$BENCH/Peers/gorilla-echo.go" "$BENCH_SCRATCH/gorilla/main.go"
  if (cd "$BENCH_SCRATCH/gorilla" && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$BENCH_SCRATCH/gocache" \
    GOFLAGS= go build -o "$BENCH_SCRATCH/gorilla-echo" main.go) >"$RAW/go-build.log" 2>&1; then
    start "gorilla-echo" "$RAW/gorilla.log" "$BENCH_SCRATCH/gorilla-echo" -port 0
    DEFLATE_SERVERS+=(--server "gorilla=$PORT:$PID"); DEFLATE_PIDS+=("$PID")
  else
    step "gorilla-echo did not build ($RAW/go-build.log): no gorilla row"
  fi
fi
PYTHON=${PYTHON:-python3}
"$PYTHON" -c "import websockets.asyncio.server" 2>/dev/null \
  || "$PYTHON" -m pip install -q "websockets>=13" >"$RAW/pip-websockets.log" 2>&1 || true
if "$PYTHON" -c "import websockets.asyncio.server" 2>/dev/null; then
  start "Python websockets echo" "$RAW/websockets.log" "$PYTHON" "$BENCH/Peers/websockets-echo.py" --port 0
  DEFLATE_SERVERS+=(--server "websockets=$PORT:$PID"); DEFLATE_PIDS+=("$PID")
else
  step "Python websockets (13 or later) is not available: no websockets row"
fi
DEFLATE_SECONDS=2
[ "$PROFILE" = quick ] && DEFLATE_SECONDS=1
step "permessage-deflate against the peers"
"${LOADER_PIN[@]}" "$BIN/Loader" deflate "${DEFLATE_SERVERS[@]}" --seconds "$DEFLATE_SECONDS" \
  --out "$RAW/deflate.json" --markdown "$RAW/deflate.md" >/dev/null
for pid in "${DEFLATE_PIDS[@]}"; do stop "$pid"; done

# The cluster row: one chat node without a database, and three cluster nodes on a PostgreSQL
# server of our own (scripts/postgres.sh; installed when missing), stopped with everything else.
PG_DIR="$BENCH/.build-e2e-postgres"
bash "$ROOT/scripts/postgres.sh" stop "$PG_DIR"
trap 'cleanup; bash "$ROOT/scripts/postgres.sh" stop "$PG_DIR"' EXIT
PG_URL="$(bash "$ROOT/scripts/postgres.sh" start "$PG_DIR")"
PG_PID="$(head -n1 "$PG_DIR/data/postmaster.pid")"
step "PostgreSQL on port $(cat "$PG_DIR/port") (postmaster pid $PG_PID)"
start "wslab serve --mode chat" "$RAW/chat.log" "$WSLAB" serve --port 0 --no-deflate --mode chat --shutdown-grace 0.5
SINGLE_T="$PORT:$PID"
NODES_T=""
for n in 1 2 3; do
  start "cluster node n$n" "$RAW/node$n.log" "$WSLAB" serve --port 0 --no-deflate --mode chat --shutdown-grace 0.5 \
    --cluster "$PG_URL" --node "n$n" --cluster-table bench_messages
  NODES_T="$NODES_T${NODES_T:+,}$PORT:$PID"
done
CLUSTER_SECONDS=2
[ "$PROFILE" = quick ] && CLUSTER_SECONDS=1
step "running the cluster row"
"${LOADER_PIN[@]}" "$BIN/Loader" cluster --single "$SINGLE_T" --nodes "$NODES_T" --postgres "$PG_PID" \
  --seconds "$CLUSTER_SECONDS" --out "$RAW/cluster.json" --markdown "$RAW/cluster.md" >/dev/null

NOTES=()
[ -f "$BENCH/results/notes.md" ] && NOTES=(--notes "$BENCH/results/notes.md")
"$BIN/Report" --raw "$RAW/runs.json" --out "$RESULTS" \
  --swift-version "$("$SWIFT" --version 2>/dev/null | head -n1)" "${NOTES[@]}" >/dev/null
for part in idle fanout deflate cluster; do { echo; cat "$RAW/$part.md"; } >>"$RESULTS/latest.md"; done
echo
cat "$RESULTS/latest.md"
echo
step "results: $RESULTS/latest.md, latest.json, latest.svg (raw runs: $RAW/runs.json)"
