#!/usr/bin/env bash
# Builds the lessons (release) and runs them in order. Usage: lessons.sh [N] [extra args passed to the lesson]
# Lesson NN lives in Lessons/NN-topic/ and builds as the executable LessonNN.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT="${SWIFT:-swift}"
only="${1:-}"
shift || true
if [ -n "$only" ] && { ! [[ "$only" =~ ^[0-9]+$ ]] || ! ls -d Lessons/"$(printf '%02d' "$((10#$only))")"-* >/dev/null 2>&1; }; then
  echo "no lesson numbered '$only'; lessons: $(ls -d Lessons/[0-9][0-9]-* | xargs -n1 basename | tr '\n' ' ')" >&2
  exit 2
fi
# Release: lesson 6 measures live, and unoptimised code would misstate what costs what.
bin="$("$SWIFT" build -c release --show-bin-path)"
if [ ! -x "$bin/Lesson01" ]; then
  echo "lessons: building the lessons in release mode (the first build takes about 5 minutes)..." >&2
fi
"$SWIFT" build -c release -q
for dir in Lessons/[0-9][0-9]-*/; do
  nn="$(basename "$dir" | cut -c1-2)"
  if [ -n "$only" ] && [ "$((10#$nn))" -ne "$((10#$only))" ]; then continue; fi
  "$bin/Lesson$nn" "$@"
done
