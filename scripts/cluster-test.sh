#!/usr/bin/env bash
# Scale-out on a real PostgreSQL server (Tests/Cluster/cluster_test.py): three `wslab serve
# --cluster` nodes, clients on each, sessions terminated during traffic, a node restarted, bad
# configuration. Starts its own PostgreSQL (scripts/postgres.sh, installed when missing) in
# .build/cluster-test/ and stops it at the end, also on failure. Last line: `N passed, N failed`.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
SWIFT="${SWIFT:-swift}"
WSLAB="${WSLAB:-$("$SWIFT" build --show-bin-path)/wslab}"
OUT="$ROOT/.build/cluster-test"
PG="$OUT/postgres"
export PYTHONDONTWRITEBYTECODE=1
bash scripts/postgres.sh stop "$PG" 2>/dev/null
rm -rf "$OUT"
mkdir -p "$OUT"
trap 'bash scripts/postgres.sh stop "$PG"' EXIT
if ! url="$(bash scripts/postgres.sh start "$PG" 2>"$OUT/postgres.err")"; then
  echo "not ok - cluster: PostgreSQL did not start: $(tail -c 400 "$OUT/postgres.err")"
  echo "0 passed, 1 failed"
  exit 1
fi
echo "# PostgreSQL $(psql "$url" -qAt -c 'SHOW server_version') at ${url/:wslab@/:***@}"
timeout -k 5 600 python3 Tests/Cluster/cluster_test.py "$WSLAB" "$url" "$OUT"
