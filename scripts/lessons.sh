#!/usr/bin/env bash
# Runs lessons in order. Usage: lessons.sh [N] [extra args passed to the lesson]
# Lesson NN lives in Lessons/NN-topic/ and builds as the executable LessonNN.
set -euo pipefail
cd "$(dirname "$0")/.."
only="${1:-}"
shift || true
bin="$(swift build --show-bin-path)"
found=0
for dir in Lessons/[0-9][0-9]-*/; do
  nn="$(basename "$dir" | cut -c1-2)"
  if [ -n "$only" ] && [ "$((10#$nn))" -ne "$((10#$only))" ]; then continue; fi
  found=1
  "$bin/Lesson$nn" "$@"
done
if [ "$found" -eq 0 ]; then
  echo "no lesson numbered '$only'; lessons: $(ls -d Lessons/[0-9][0-9]-* | xargs -n1 basename | tr '\n' ' ')" >&2
  exit 2
fi
