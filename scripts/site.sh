#!/usr/bin/env bash
# The HTML edition of the lessons: runs every lesson and writes an index and one self-contained
# page per lesson (inline CSS and JavaScript; nothing is loaded from elsewhere, so the pages work
# opened from disk, offline, and `wslab serve` serves them at /lessons/).
#
#   scripts/site.sh                 release build, pages in site/ (what `make site` runs)
#   OUT=DIR BIN=DIR JSON=1 scripts/site.sh
#                                   lessons from BIN, pages in DIR, and with JSON=1 each lesson's
#                                   traced records as DIR/NN-topic.json (for scripts/site-test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT="${SWIFT:-swift}"
OUT="${OUT:-site}"
if [ -z "${BIN:-}" ]; then
  BIN="$("$SWIFT" build -c release --show-bin-path)"
  if [ ! -x "$BIN/Lesson01" ]; then
    echo "site: building the lessons in release mode (the first build takes about 5 minutes)..." >&2
  fi
  "$SWIFT" build -c release -q
fi
mkdir -p "$OUT"
for dir in Lessons/[0-9][0-9]-*/; do
  name="$(basename "$dir")"
  nn="${name:0:2}"
  args=(--no-pause --no-color --site "$OUT")
  [ -n "${JSON:-}" ] && args+=(--trace-json "$OUT/$name.json")
  "$BIN/Lesson$nn" "${args[@]}" >/dev/null
  echo "site: $OUT/$name.html ($(wc -c <"$OUT/$name.html") bytes)"
done
# The Chinese edition: the lessons translated so far (a README.zh-CN.md beside the README), in
# $OUT/zh-CN/ with its own index and handout; every page links its twin in the other language.
for dir in Lessons/[0-9][0-9]-*/; do
  name="$(basename "$dir")"
  [ -f "$dir/README.zh-CN.md" ] || continue
  nn="${name:0:2}"
  args=(--no-pause --no-color --lang zh-CN --site "$OUT/zh-CN")
  [ -n "${JSON:-}" ] && args+=(--trace-json "$OUT/zh-CN/$name.json")
  mkdir -p "$OUT/zh-CN"
  "$BIN/Lesson$nn" "${args[@]}" >/dev/null
  echo "site: $OUT/zh-CN/$name.html ($(wc -c <"$OUT/zh-CN/$name.html") bytes)"
done
echo "site: $OUT/handout.html, the printable handout (one page per lesson)"
echo "site: open $OUT/index.html in a browser (it works from disk), or run \`wslab serve\` and visit /lessons/"
