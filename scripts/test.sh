#!/usr/bin/env bash
# The whole test suite: unit, RFC-vector, golden-lesson and real-socket tests (XCTest), then the
# real peers (Python websockets, Node ws, headless Chromium) against wslab, then the lessons' HTML
# edition in headless Chromium (scripts/site-test.sh), the captures in tshark, three cluster
# nodes on PostgreSQL (scripts/cluster-test.sh), then the Autobahn
# |Testsuite in both roles, groups 1-10 (scripts/autobahn.sh quick; `make conformance-full` runs all
# 517 cases per role), then the attacks and load scaled down (scripts/stress.sh quick). Ends with
# one line, "N passed, N failed", counting them all (Autobahn: one per case and role).
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT="${SWIFT:-swift}"
log="$(mktemp)"
peers_log="$(mktemp)"
trap 'rm -f "$log" "$peers_log"' EXIT

"$SWIFT" build --build-tests
status=0
"$SWIFT" test --skip-build --disable-swift-testing 2>&1 | tee "$log" || status=$?
summary="$(grep -E 'Executed [0-9]+ tests?, with [0-9]+ failures?' "$log" | tail -1 || true)"
if [ -z "$summary" ]; then
  echo "test: the XCTest summary is missing from the output" >&2
  exit 1
fi
total="$(sed -E 's/.*Executed ([0-9]+) tests?.*/\1/' <<<"$summary")"
failed="$(sed -E 's/.*with ([0-9]+) failures?.*/\1/' <<<"$summary")"
passed=$((total - failed))

# Real peers. A peer that cannot be installed fails the run; it is never skipped.
peer_status=0
if bash scripts/install-peers.sh; then
  WSLAB="$("$SWIFT" build --show-bin-path)/wslab" bash scripts/peer-tests.sh >"$peers_log" 2>&1 || peer_status=$?
  # Show the peers' report, but keep its own summary line out of the way of the final one.
  grep -vE '^[0-9]+ passed, [0-9]+ failed$' "$peers_log" || true
  peer_summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$peers_log" | tail -1 || true)"
  if [ -n "$peer_summary" ]; then
    passed=$((passed + $(cut -d' ' -f1 <<<"$peer_summary")))
    failed=$((failed + $(cut -d' ' -f3 <<<"$peer_summary")))
  else
    echo "test: the peer tests printed no summary" >&2
    failed=$((failed + 1))
  fi
else
  echo "test: the real peers could not be installed" >&2
  failed=$((failed + 1))
  peer_status=1
fi

# part NAME CMD...: runs a part that ends with its own "N passed, N failed" line, shows its report
# (without that line) and adds its counts; a part with no summary or a non-zero exit fails.
part_status=0
part() {
  local name="$1" out status=0 line
  shift
  out="$(mktemp)"
  "$@" >"$out" 2>&1 || status=$?
  grep -vE '^[0-9]+ passed, [0-9]+ failed$' "$out" || true
  line="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -1 || true)"
  if [ -n "$line" ]; then
    passed=$((passed + $(cut -d' ' -f1 <<<"$line")))
    failed=$((failed + $(cut -d' ' -f3 <<<"$line")))
  else
    echo "test: $name printed no summary" >&2
    failed=$((failed + 1))
  fi
  [ "$status" -eq 0 ] || part_status=1
  rm -f "$out"
}

bin="$("$SWIFT" build --show-bin-path)"
# The HTML edition of the lessons, opened from disk in headless Chromium (installed with the peers).
part "site" env BIN="$bin" SWIFT="$SWIFT" bash scripts/site-test.sh
# The lessons' captures read by tshark, frame for frame against WSLab's own records.
part "captures" env BIN="$bin" SWIFT="$SWIFT" bash scripts/capture-test.sh
# Scale-out: three cluster nodes on a real PostgreSQL server (installed when missing).
part "cluster" env WSLAB="$bin/wslab" SWIFT="$SWIFT" bash scripts/cluster-test.sh
# Autobahn|Testsuite, groups 1-10 in both roles (the compression groups 12 and 13 take minutes:
# make conformance-full).
part "Autobahn" env WSLAB="$bin/wslab" bash scripts/autobahn.sh quick
# Attacks and load, scaled down (make stress runs the full sizes).
part "stress" env WSLAB="$bin/wslab" bash scripts/stress.sh quick

echo "$passed passed, $failed failed"
if [ "$status" -ne 0 ] || [ "$peer_status" -ne 0 ] || [ "$part_status" -ne 0 ] || [ "$failed" -ne 0 ]; then
  exit 1
fi
