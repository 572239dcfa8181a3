#!/usr/bin/env bash
# Regenerates every lesson's golden files from the real lesson output (plain text, no pauses; the
# HTML page of lessons 1-5) and the exercises with their answers in each lesson's README.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(swift build --show-bin-path)"
for dir in Lessons/[0-9][0-9]-*/; do
  name="$(basename "$dir")"
  nn="${name:0:2}"
  html=()
  # Lesson 6 measures live: its page is checked in the browser, not against a golden file.
  [ "$nn" != "06" ] && html=(--html "Tests/LessonTests/Golden/$name.html")
  exercises="$(mktemp)"
  env -u COLUMNS -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 "$bin/Lesson$nn" --no-color --no-pause "${html[@]}" \
    --exercises-markdown "$exercises" \
    > "Tests/LessonTests/Golden/$name.txt"
  # The exercises and their answers, as the lesson computed them, into the lesson's README.
  python3 scripts/readme-exercises.py "Lessons/$name/README.md" "$exercises"
  rm -f "$exercises"
  echo "golden: Tests/LessonTests/Golden/$name.txt ($(wc -l < "Tests/LessonTests/Golden/$name.txt") lines)${html:+, $name.html}"
  # The Chinese edition, for the lessons translated so far (those with a README.zh-CN.md).
  if [ -f "Lessons/$name/README.zh-CN.md" ]; then
    mkdir -p Tests/LessonTests/Golden/zh-CN
    exercises="$(mktemp)"
    env -u COLUMNS -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 "$bin/Lesson$nn" --no-color --no-pause --lang zh-CN \
      --exercises-markdown "$exercises" > "Tests/LessonTests/Golden/zh-CN/$name.txt"
    python3 scripts/readme-exercises.py "Lessons/$name/README.zh-CN.md" "$exercises"
    rm -f "$exercises"
    echo "golden: Tests/LessonTests/Golden/zh-CN/$name.txt ($(wc -l < "Tests/LessonTests/Golden/zh-CN/$name.txt") lines)"
  fi
done
