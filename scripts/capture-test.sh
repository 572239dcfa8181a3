#!/usr/bin/env bash
# The lessons' captures read by tshark (Wireshark's dissectors): every WebSocket frame tshark finds
# must match WSLab's own record of it (Tests/Captures/capture_test.py). Then a real `wslab serve
# --pcap` session over ws://, and one over wss:// with --keylog, read by tshark. Part of `make test`;
# tshark is installed with the peers (scripts/install-peers.sh). Captures stay in
# .build/capture-test/ for a look in Wireshark. Last line: `N passed, N failed`.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
SWIFT="${SWIFT:-swift}"
BIN="${BIN:-$("$SWIFT" build --show-bin-path)}"
OUT="$ROOT/.build/capture-test"
export PYTHONDONTWRITEBYTECODE=1
rm -rf "$OUT"
mkdir -p "$OUT"
if ! command -v tshark >/dev/null; then
  echo "not ok - tshark is not installed (scripts/install-peers.sh installs it)"
  echo "0 passed, 1 failed"
  exit 1
fi
echo "# $(tshark -v 2>/dev/null | head -1)"
status=0
timeout -k 5 600 python3 Tests/Captures/capture_test.py "$BIN" "$OUT" 01 02 03 04 05 06 >"$OUT/test.log" 2>&1 || status=$?

# A real server's capture: wslab serve --pcap over ws://, and over wss:// with --keylog: tshark
# finds the echoed "hello" in both directions, and over wss:// only with the keys (without them an
# observer sees TLS records and nothing else).
serve_capture() {
  local name="$1"; shift
  local log="$OUT/$name.serve.log" port=""
  timeout -k 5 120 "$BIN/wslab" serve --host 127.0.0.1 --port 0 --no-deflate --pcap "$OUT/$name.pcapng" "$@" \
    >"$log" 2>&1 </dev/null &
  local pid=$!
  for _ in $(seq 100); do
    port="$(sed -nE 's#^wslab: listening on wss?://127\.0\.0\.1:([0-9]+)/.*#\1#p' "$log")"
    [ -n "$port" ] && break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    echo "not ok - $name: wslab serve did not start: $(head -c 300 "$log")" >>"$OUT/test.log"
    kill "$pid" 2>/dev/null
    return 1
  fi
  local scheme=ws extra=()
  [ "$name" = "wss" ] && { scheme=wss; extra=(--insecure --keylog "$OUT/wss.client.keys"); }
  timeout -k 5 30 "$BIN/wslab" connect "$scheme://127.0.0.1:$port/" --no-deflate --send hello "${extra[@]}" \
    >"$OUT/$name.client.log" 2>&1 </dev/null
  kill -TERM "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  echo "$port"
}
texts() { tshark -r "$1" "${@:2}" -Y websocket.payload.text -T fields -e websocket.payload.text 2>/dev/null | grep -c '^hello$'; }
if port="$(serve_capture ws)"; then
  n="$(texts "$OUT/ws.pcapng" -d "tcp.port==$port,http")"
  if [ "$n" = 2 ]; then echo "ok - wslab serve --pcap: tshark reads the echoed hello both ways" >>"$OUT/test.log"
  else echo "not ok - wslab serve --pcap: tshark found 'hello' $n times, want 2" >>"$OUT/test.log"; fi
fi
if timeout 60 openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
     -days 1 -keyout "$OUT/key.pem" -out "$OUT/cert.pem" >/dev/null 2>&1 \
   && port="$(serve_capture wss --tls-cert "$OUT/cert.pem" --tls-key "$OUT/key.pem" --keylog "$OUT/wss.keys")"; then
  with="$(texts "$OUT/wss.pcapng" -o "tls.keylog_file:$OUT/wss.keys")"
  without="$(texts "$OUT/wss.pcapng")"
  if [ "$with" = 2 ] && [ "$without" = 0 ]; then
    echo "ok - wslab serve --pcap --keylog over wss://: tshark decrypts the echoed hello with the keys, sees only TLS without" >>"$OUT/test.log"
  else
    echo "not ok - wss:// capture: 'hello' found $with times with the key log (want 2), $without without (want 0)" >>"$OUT/test.log"
  fi
  client_keys="$(wc -l <"$OUT/wss.client.keys" 2>/dev/null || echo 0)"
  if [ "$client_keys" -gt 0 ]; then echo "ok - wslab connect --keylog writes the client's TLS keys ($client_keys lines)" >>"$OUT/test.log"
  else echo "not ok - wslab connect --keylog wrote no keys" >>"$OUT/test.log"; fi
fi
passed=$(grep -c '^ok - ' "$OUT/test.log")
failed=$(grep -c '^not ok - ' "$OUT/test.log")
cat "$OUT/test.log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "not ok - capture test exited with status $status without saying why"
  failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
