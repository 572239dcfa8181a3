#!/usr/bin/env bash
# Regenerates every lesson's golden file from the real lesson output (plain text, no pauses).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(swift build --show-bin-path)"
for dir in Lessons/[0-9][0-9]-*/; do
  name="$(basename "$dir")"
  nn="${name:0:2}"
  html=()
  # Lesson 6 measures live: its page is checked in the browser, not against a golden file.
  [ "$nn" != "06" ] && html=(--html "Tests/LessonTests/Golden/$name.html")
  env -u COLUMNS "$bin/Lesson$nn" --no-color --no-pause "${html[@]}" > "Tests/LessonTests/Golden/$name.txt"
  echo "golden: Tests/LessonTests/Golden/$name.txt ($(wc -l < "Tests/LessonTests/Golden/$name.txt") lines)${html:+, $name.html}"
done
