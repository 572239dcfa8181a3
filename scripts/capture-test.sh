#!/usr/bin/env bash
# The lessons' captures read by tshark (Wireshark's dissectors): every WebSocket frame tshark finds
# must match WSLab's own record of it (Tests/Captures/capture_test.py). Part of `make test`;
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
timeout -k 5 600 python3 Tests/Captures/capture_test.py "$BIN" "$OUT" 01 03 04 >"$OUT/test.log" 2>&1 || status=$?
cat "$OUT/test.log"
passed=$(grep -c '^ok - ' "$OUT/test.log")
failed=$(grep -c '^not ok - ' "$OUT/test.log")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "not ok - capture test exited with status $status without saying why"
  failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
