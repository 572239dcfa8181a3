#!/usr/bin/env bash
# The server, client, connection (and framing, handshake, deflate) tests under ThreadSanitizer and
# AddressSanitizer: `swift test --sanitize=thread` and `--sanitize=address`, each in its own build
# folder (.build-tsan, .build-asan; the first build of each takes several minutes).
#
#   scripts/sanitize.sh [thread|address]...     default: both
#
# A sanitizer report fails the run (TSAN_OPTIONS / ASAN_OPTIONS halt_on_error=1). Prints one ok /
# not ok line per sanitizer and ends with `N passed, N failed` (one per sanitizer).
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SWIFT="${SWIFT:-swift}"
FILTER="${SANITIZE_FILTER:-ServerTests|ConnectionTests|FramingTests|HandshakeTests|DeflateTests}"
KINDS=("$@")
[ ${#KINDS[@]} -eq 0 ] && KINDS=(thread address)
passed=0
failed=0
cd "$ROOT"
# scripts/tsan-suppressions.txt lists the known false positives in Swift's own runtime (each with
# its reason); nothing of WSLab's is suppressed.
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$ROOT/scripts/tsan-suppressions.txt${TSAN_OPTIONS:+ $TSAN_OPTIONS}"
# Bounded waits in the socket tests are stretched: the sanitizers slow everything down.
export WSLAB_TEST_TIME_SCALE="${WSLAB_TEST_TIME_SCALE:-10}"
export ASAN_OPTIONS="halt_on_error=1 detect_leaks=0${ASAN_OPTIONS:+ $ASAN_OPTIONS}"
for kind in "${KINDS[@]}"; do
  case "$kind" in
    thread) scratch=.build-tsan ;;
    address) scratch=.build-asan ;;
    *) echo "usage: scripts/sanitize.sh [thread|address]..." >&2; exit 2 ;;
  esac
  log="$(mktemp)"
  start=$SECONDS
  echo "# swift test --sanitize=$kind --filter '$FILTER' (build folder $scratch)"
  timeout -k 10 3000 "$SWIFT" test --sanitize="$kind" --scratch-path "$scratch" --filter "$FILTER" >"$log" 2>&1 </dev/null
  status=$?
  summary="$(grep -E "Executed [0-9]+ tests?, with [0-9]+ failures?" "$log" | tail -1 | sed -E 's/^[[:space:]]+//')"
  if [ "$status" -eq 0 ] && ! grep -qE "WARNING: ThreadSanitizer|ERROR: AddressSanitizer" "$log"; then
    passed=$((passed + 1))
    echo "ok - $kind sanitizer: ${summary:-tests passed} ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1))
    echo "not ok - $kind sanitizer (status $status): $(grep -m1 -E 'WARNING: ThreadSanitizer|ERROR: AddressSanitizer|error:|failed' "$log" | cut -c1-300)"
    grep -E -A30 "WARNING: ThreadSanitizer|ERROR: AddressSanitizer" "$log" | head -60
    grep -E "error:|Test Case .* failed" "$log" | cut -c1-400 | head -20
    tail -5 "$log"
  fi
  rm -f "$log"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
