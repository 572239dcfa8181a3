#!/usr/bin/env bash
# Builds and runs the whole test suite, then prints a one-line summary ("N passed, N failed").
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT="${SWIFT:-swift}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
"$SWIFT" build --build-tests
status=0
"$SWIFT" test --skip-build --disable-swift-testing 2>&1 | tee "$log" || status=$?
# XCTest's last "Executed N tests, with M failures" line is the total.
summary="$(grep -E 'Executed [0-9]+ tests?, with [0-9]+ failures?' "$log" | tail -1 || true)"
if [ -n "$summary" ]; then
  total="$(sed -E 's/.*Executed ([0-9]+) tests?.*/\1/' <<<"$summary")"
  failed="$(sed -E 's/.*with ([0-9]+) failures?.*/\1/' <<<"$summary")"
  echo "$((total - failed)) passed, $failed failed"
else
  echo "test summary not found in the XCTest output" >&2
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
