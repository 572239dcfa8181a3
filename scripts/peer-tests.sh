#!/usr/bin/env bash
# Real-peer interoperability tests: peers nobody here wrote, against `wslab serve` and `wslab connect`.
#
#   Python websockets client -> wslab serve            (Tests/Peers/python_client.py)
#   Python websockets client -> wslab serve --no-deflate
#   Node ws client           -> wslab serve            (Tests/Peers/node_client.js)
#   headless Chromium        -> the page at / over http:// + ws:// and https:// + wss://
#                                                      (Tests/Peers/browser_test.py)
#   headless Chromium        -> the live trace: the page's own frames, the teacher view at /trace
#                                                      (Tests/Peers/live_trace_test.py)
#   Python websockets client -> wslab serve over wss:// (test certificate made at run time)
#   wslab connect            -> Python websockets server, ws:// and wss://
#                               (Tests/Peers/python_server.py, checked by Tests/Peers/wslab_connect_test.py)
#   graceful shutdown        -> SIGTERM: clients get 1012 (service restart), the server exits 0
#
# Everything runs on 127.0.0.1 with bounded time. Each check prints `ok - name` or
# `not ok - name: why`; the last line is `N passed, N failed`; the exit status is non-zero when
# anything failed. Peers are installed first (scripts/install-peers.sh); a peer that cannot be
# installed fails the run.
#
# The wslab binary: $WSLAB, or $(swift build --show-bin-path)/wslab (build it first).
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEERS="$ROOT/Tests/Peers"
PYTHON="${PYTHON:-python3}"
NODE="${NODE:-node}"
export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"
export PYTHONDONTWRITEBYTECODE=1
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"

PEER_TIMEOUT="${PEER_TIMEOUT:-120}"   # seconds for one peer script
READY_TIMEOUT=20                      # seconds for `wslab serve` to print its ready line

work="$(mktemp -d /tmp/wslab-peers.XXXXXX)"
passed=0
failed=0
peer_runs=0
groups=()   # process groups this script started (each background process runs under `timeout`,
            # which makes itself a process-group leader; its pid is the group id)

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  local pgid
  for pgid in "${groups[@]}"; do kill -TERM -- "-$pgid" 2>/dev/null; done
  sleep 0.3
  for pgid in "${groups[@]}"; do kill -KILL -- "-$pgid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }

summary_and_exit() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

# run_peer NAME COMMAND...: runs a peer script under `timeout`, prints its output and counts its
# ok / not ok lines. A script that crashes or times out without saying why counts as a failure.
run_peer() {
  local name="$1"; shift
  peer_runs=$((peer_runs + 1))
  local out="$work/peer.$peer_runs.out" status pid
  timeout -k 5 "$PEER_TIMEOUT" "$@" >"$out" 2>&1 </dev/null &
  pid=$!
  groups+=("$pid")
  wait "$pid"; status=$?
  kill -KILL -- "-$pid" 2>/dev/null   # stragglers (chromedriver, chromium) of that group
  cat "$out"
  local p f
  p=$(grep -c '^ok - ' "$out")
  f=$(grep -c '^not ok - ' "$out")
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    not_ok "$name: killed after $PEER_TIMEOUT s"
  elif [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
    not_ok "$name: exited with status $status without reporting a failed check"
  elif [ "$status" -eq 0 ] && [ "$f" -ne 0 ]; then
    not_ok "$name: reported failures but exited 0"
  elif [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
    not_ok "$name: ran no check"
  fi
}

# start_serve NAME ARGS...: starts `wslab serve --host 127.0.0.1 --port 0 ARGS` in the background
# and waits for its ready line. Sets SERVE_PID (its process group), SERVE_URL, SERVE_OUT, SERVE_ERR.
# Returns non-zero (after a `not ok` line) when it does not come up.
start_serve() {
  local name="$1"; shift
  SERVE_OUT="$work/$name.out"; SERVE_ERR="$work/$name.err"; SERVE_URL=""
  timeout -k 5 900 "$WSLAB" serve --host 127.0.0.1 --port 0 "$@" >"$SERVE_OUT" 2>"$SERVE_ERR" </dev/null &
  SERVE_PID=$!
  groups+=("$SERVE_PID")
  local deadline=$((SECONDS + READY_TIMEOUT)) line
  while [ "$SECONDS" -lt "$deadline" ]; do
    line="$(grep -m1 -E '^wslab: listening on wss?://127\.0\.0\.1:[0-9]+/' "$SERVE_OUT" 2>/dev/null)"
    if [ -n "$line" ]; then
      SERVE_URL="$(sed -E 's#^wslab: listening on (wss?://127\.0\.0\.1:[0-9]+/).*#\1#' <<<"$line")"
      echo "# $name: $line"
      return 0
    fi
    if ! kill -0 "$SERVE_PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  local why="no ready line within $READY_TIMEOUT s"
  kill -0 "$SERVE_PID" 2>/dev/null || { wait "$SERVE_PID"; why="exited with status $? before its ready line"; }
  not_ok "start wslab serve $*: $why; stdout: $(head -c 300 "$SERVE_OUT" | tr '\n' ' ') stderr: $(tail -c 600 "$SERVE_ERR" | tr '\n' ' ')"
  stop_group "$SERVE_PID"
  return 1
}

# check_ready_line NAME PATTERN: the ready line says what the contract says.
check_ready_line() {
  local name="$1" pattern="$2" line
  line="$(grep -m1 '^wslab: listening on' "$SERVE_OUT")"
  if grep -qE "$pattern" <<<"$line"; then ok "$name: ready line '$line'"
  else not_ok "$name: ready line '$line' does not match /$pattern/"; fi
}

stop_group() {
  kill -TERM -- "-$1" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$1" 2>/dev/null
  wait "$1" 2>/dev/null
}

http_url() { sed -E 's#^ws://#http://#; s#^wss://#https://#' <<<"$1"; }

echo "# wslab peer tests ($(date -u +%Y-%m-%dT%H:%M:%SZ))"

# --- 0. Peers and the binary under test ---------------------------------------------------------
if timeout -k 5 900 bash "$ROOT/scripts/install-peers.sh" </dev/null; then
  ok "install peers (python websockets, selenium, node ws, chromium, chromium-driver)"
else
  not_ok "install peers: scripts/install-peers.sh failed (see above); the peer tests cannot run"
  summary_and_exit
fi

if [ -z "${WSLAB:-}" ]; then
  bin="$(cd "$ROOT" && timeout 120 swift build --show-bin-path 2>/dev/null | tail -1)" || bin="$ROOT/.build/debug"
  WSLAB="$bin/wslab"
fi
if [ -x "$WSLAB" ] && timeout 20 "$WSLAB" serve --help >/dev/null 2>&1; then
  ok "wslab binary $WSLAB (serve --help works)"
else
  not_ok "wslab binary: $WSLAB is missing or 'wslab serve --help' fails (build it first: swift build)"
  summary_and_exit
fi

# --- 1. Clients nobody here wrote -> wslab serve (permessage-deflate on) ----------------------
if start_serve serve-deflate; then
  check_ready_line "wslab serve" '^wslab: listening on ws://127\.0\.0\.1:[0-9]+/ \(mode echo, permessage-deflate on\)$'
  run_peer "python client" "$PYTHON" "$PEERS/python_client.py" "$SERVE_URL"
  run_peer "node client" "$NODE" "$PEERS/node_client.js" "$SERVE_URL"
  run_peer "browser (ws)" "$PYTHON" "$PEERS/browser_test.py" "$(http_url "$SERVE_URL")"

  # Graceful shutdown: on SIGTERM a connected client gets 1012 (service restart: reconnect), the
  # server exits 0.
  ready="$work/shutdown.ready"
  timeout -k 5 40 "$PYTHON" "$PEERS/shutdown_client.py" "$SERVE_URL" "$ready" 1012 >"$work/shutdown.out" 2>&1 </dev/null &
  client_pid=$!
  groups+=("$client_pid")
  for _ in $(seq 100); do [ -e "$ready" ] || ! kill -0 "$client_pid" 2>/dev/null && break; sleep 0.1; done
  kill -TERM "$SERVE_PID" 2>/dev/null   # `timeout` passes SIGTERM on to wslab and returns its status
  server_status=timeout
  for _ in $(seq 150); do
    if ! kill -0 "$SERVE_PID" 2>/dev/null; then wait "$SERVE_PID"; server_status=$?; break; fi
    sleep 0.1
  done
  wait "$client_pid"
  cat "$work/shutdown.out"
  passed=$((passed + $(grep -c '^ok - ' "$work/shutdown.out")))
  failed=$((failed + $(grep -c '^not ok - ' "$work/shutdown.out")))
  grep -qE '^(not )?ok - ' "$work/shutdown.out" || not_ok "graceful shutdown: the client reported nothing"
  if [ "$server_status" = 0 ]; then ok "graceful shutdown: wslab serve exits 0 on SIGTERM"
  else not_ok "graceful shutdown: wslab serve exit status after SIGTERM: $server_status (want 0 within 15 s); stderr: $(tail -c 400 "$SERVE_ERR" | tr '\n' ' ')"; fi
  stop_group "$SERVE_PID"
fi

# --- 2. The same server with --no-deflate -------------------------------------------------------
if start_serve serve-no-deflate --no-deflate; then
  check_ready_line "wslab serve --no-deflate" '^wslab: listening on ws://127\.0\.0\.1:[0-9]+/ \(mode echo, permessage-deflate off\)$'
  run_peer "python client (server --no-deflate)" "$PYTHON" "$PEERS/python_client.py" --server-no-deflate "$SERVE_URL"
  run_peer "browser (ws, server --no-deflate)" "$PYTHON" "$PEERS/browser_test.py" --expect-no-deflate "$(http_url "$SERVE_URL")"
  stop_group "$SERVE_PID"
fi

# --- 2b. The live trace in the browser: the page's own connection, and the teacher view -------------
if start_serve serve-live-trace --live-trace --no-deflate; then
  run_peer "live trace (browser)" "$PYTHON" "$PEERS/live_trace_test.py" "$(http_url "$SERVE_URL")"
  stop_group "$SERVE_PID"
fi

# --- 3. https:// + wss:// with a certificate made now -------------------------------------------
if timeout 60 openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
     -addext subjectAltName=IP:127.0.0.1 -days 1 \
     -keyout "$work/key.pem" -out "$work/cert.pem" >"$work/openssl.log" 2>&1; then
  if start_serve serve-tls --tls-cert "$work/cert.pem" --tls-key "$work/key.pem"; then
    check_ready_line "wslab serve --tls-cert" '^wslab: listening on wss://127\.0\.0\.1:[0-9]+/ \(mode echo, permessage-deflate on\)$'
    run_peer "browser (wss)" "$PYTHON" "$PEERS/browser_test.py" "$(http_url "$SERVE_URL")"
    run_peer "python client (wss)" "$PYTHON" "$PEERS/python_client.py" --cafile "$work/cert.pem" "$SERVE_URL"
    stop_group "$SERVE_PID"
  fi
  have_cert=1
else
  not_ok "generate a test certificate with openssl: $(tr '\n' ' ' <"$work/openssl.log")"
  have_cert=0
fi

# --- 4. wslab connect -> a Python websockets server (ws://, then wss:// with the test certificate) --
# python_server_run NAME SCHEME EXTRA_SERVER_ARGS...: starts python_server.py, runs wslab_connect_test.py.
python_server_run() {
  local name="$1" scheme="$2"; shift 2
  local server_log="$work/$name.log" py_pid py_port=""
  : >"$server_log"
  timeout -k 5 300 "$PYTHON" "$PEERS/python_server.py" "$server_log" --lifetime 240 "$@" \
    >"$work/$name.out" 2>"$work/$name.err" </dev/null &
  py_pid=$!
  groups+=("$py_pid")
  for _ in $(seq $((READY_TIMEOUT * 10))); do
    py_port="$(sed -nE 's/^PORT ([0-9]+)$/\1/p' "$work/$name.out")"
    [ -n "$py_port" ] || ! kill -0 "$py_pid" 2>/dev/null && break
    sleep 0.1
  done
  if [ -n "$py_port" ]; then
    run_peer "wslab connect -> python server ($scheme)" "$PYTHON" "$PEERS/wslab_connect_test.py" \
      "$WSLAB" "$scheme://127.0.0.1:$py_port/" "$server_log"
  else
    not_ok "start the python websockets server ($scheme): $(tail -c 500 "$work/$name.err" | tr '\n' ' ')"
  fi
  stop_group "$py_pid"
}
python_server_run python-server ws
if [ "$have_cert" = 1 ]; then
  python_server_run python-server-tls wss --tls-cert "$work/cert.pem" --tls-key "$work/key.pem"
fi

summary_and_exit
