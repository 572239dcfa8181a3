#!/usr/bin/env bash
# Attacks and load against a real `wslab serve` on 127.0.0.1 (Tests/Stress/stress.py):
# decompression bomb, slowloris, slow reader, many connections with checksummed echoes, graceful
# shutdown under load.
#
#   scripts/stress.sh quick   200 slowloris connections, 1,000 x 64 MiB load, 200 at shutdown (make test)
#   scripts/stress.sh full    1,000 slowloris, 10,000 connections x 1 GiB, 1,000 at shutdown (make stress)
#
# The wslab binary: $WSLAB, else `swift build --show-bin-path`/wslab. Ends with `N passed, N failed`.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SWIFT="${SWIFT:-swift}"
PYTHON="${PYTHON:-python3}"
scale="${1:-quick}"
shift || true
if [ -z "${WSLAB:-}" ]; then
  WSLAB="$(cd "$ROOT" && "$SWIFT" build --show-bin-path 2>/dev/null | tail -1)/wslab"
fi
if ! "$PYTHON" -c 'import numpy' 2>/dev/null; then
  echo "stress: pip install numpy (masking at load speed)"
  "$PYTHON" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore numpy \
    || { echo "not ok - stress: numpy cannot be installed"; echo "0 passed, 1 failed"; exit 1; }
fi
echo "# stress ($scale) against $WSLAB"
timeout -k 10 2400 "$PYTHON" "$ROOT/Tests/Stress/stress.py" --wslab "$WSLAB" --scale "$scale" "$@"
