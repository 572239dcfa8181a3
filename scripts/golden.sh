#!/usr/bin/env bash
# Regenerates every lesson's golden file from the real lesson output (plain text, no pauses).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(swift build --show-bin-path)"
for dir in Lessons/[0-9][0-9]-*/; do
  name="$(basename "$dir")"
  nn="${name:0:2}"
  "$bin/Lesson$nn" --no-color --no-pause > "Tests/LessonTests/Golden/$name.txt"
  echo "golden: Tests/LessonTests/Golden/$name.txt ($(wc -l < "Tests/LessonTests/Golden/$name.txt") lines)"
done
