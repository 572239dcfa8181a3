#!/usr/bin/env bash
# The HTML edition in a real browser: writes the site from the lessons (with each lesson's traced
# records as JSON beside its page), then headless Chromium opens every page from disk and checks
# it against those records (Tests/Site/site_test.py). Part of `make test`.
#
# Pages and screenshots stay in .build/site-test/ (git-ignored) for review. The lessons come from
# $BIN, or the debug build folder. Last line: `N passed, N failed`.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
SWIFT="${SWIFT:-swift}"
PYTHON="${PYTHON:-python3}"
BIN="${BIN:-$("$SWIFT" build --show-bin-path)}"
OUT="$ROOT/.build/site-test"
export PYTHONDONTWRITEBYTECODE=1
rm -rf "$OUT"
mkdir -p "$OUT"
if ! OUT="$OUT" BIN="$BIN" JSON=1 bash scripts/site.sh >"$OUT/site.log" 2>&1; then
  echo "not ok - site: the lessons did not write the site: $(tail -3 "$OUT/site.log" | tr '\n' ' ')"
  echo "0 passed, 1 failed"
  exit 1
fi
echo "ok - site: $(ls "$OUT"/*.html | wc -l) pages written ($(du -sk "$OUT" | cut -f1) KiB)"
status=0
timeout -k 5 300 "$PYTHON" Tests/Site/site_test.py "$OUT" --screenshots "$OUT/screenshots" >"$OUT/test.log" 2>&1 || status=$?
cat "$OUT/test.log"
passed=$(( $(grep -c '^ok - ' "$OUT/test.log") + 1 ))
failed=$(grep -c '^not ok - ' "$OUT/test.log")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "not ok - site test exited with status $status without saying why"
  failed=1
fi
echo "site: pages and screenshots in .build/site-test/"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
