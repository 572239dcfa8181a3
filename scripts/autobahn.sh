#!/usr/bin/env bash
# The Autobahn|Testsuite (unmodified wstest 25.10.1, installed by scripts/install-autobahn.sh) against
# wslab in both roles, each compared case by case with Tests/Autobahn/expected-{server,client}.json:
#
#   server role: wstest -m fuzzingclient  ->  wslab serve (echo, permessage-deflate on)
#   client role: wstest -m fuzzingserver  <-  wslab connect --autobahn ws://127.0.0.1:PORT
#
#   scripts/autobahn.sh quick   groups 1-10 (about a minute per role; part of make test)
#   scripts/autobahn.sh full    all 517 cases per role (make conformance-full)
#
# The wslab binary: $WSLAB, else `swift build --show-bin-path`/wslab (build it first).
# AUTOBAHN_CASES / AUTOBAHN_EXCLUDE override the case globs (wstest syntax, comma-separated).
# Reports (Autobahn's own HTML and JSON): .build/autobahn/{server,client}/index.html.
# Prints one `ok` / `not ok` line per difference or failure and ends with `N passed, N failed`,
# where N counts cases (a case passes when both of Autobahn's verdicts match the expected file).
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SWIFT="${SWIFT:-swift}"
PYTHON="${PYTHON:-python3}"
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"
scope="${1:-quick}"
case "$scope" in
  quick) cases="${AUTOBAHN_CASES:-1.*,2.*,3.*,4.*,5.*,6.*,7.*,9.*,10.*}"; role_timeout=900 ;;
  full) cases="${AUTOBAHN_CASES:-*}"; role_timeout=3600 ;;
  *) echo "usage: scripts/autobahn.sh quick|full" >&2; exit 2 ;;
esac
exclude="${AUTOBAHN_EXCLUDE:-}"
passed=0
failed=0

finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }

install_out="$(bash "$ROOT/scripts/install-autobahn.sh" 2>&1)"
wstest="$(sed -n 's/^wstest: //p' <<<"$install_out" | tail -1)"
grep -v '^wstest: ' <<<"$install_out" || true
if [ -z "$wstest" ] || [ ! -x "$wstest" ]; then
  echo "not ok - install Autobahn|Testsuite: $(tail -3 <<<"$install_out" | tr '\n' ' ')"
  failed=$((failed + 1))
  finish
fi

if [ -z "${WSLAB:-}" ]; then
  WSLAB="$(cd "$ROOT" && "$SWIFT" build --show-bin-path 2>/dev/null | tail -1)/wslab"
fi
if ! [ -x "$WSLAB" ] || ! timeout 20 "$WSLAB" connect --help >/dev/null 2>&1; then
  echo "not ok - wslab binary: $WSLAB is missing or does not run (build it first: swift build --product wslab)"
  failed=$((failed + 1))
  finish
fi
echo "# Autobahn|Testsuite ($scope: cases $cases${exclude:+, excluding $exclude}) against $WSLAB"

# run_role ROLE ARGS...: runs one role, prints autobahn.py's table and differences, and counts.
run_role() {
  local role="$1" out status considered differ
  shift
  out="$(mktemp)"
  timeout -k 10 $((role_timeout + 120)) "$PYTHON" "$ROOT/Tests/Autobahn/autobahn.py" "$role" --wstest "$wstest" \
    --cases "$cases" --exclude "$exclude" --timeout "$role_timeout" "$@" | tee "$out"
  status=${PIPESTATUS[0]}
  considered="$(sed -nE 's/^# ([0-9]+) cases as expected.*/\1/p' "$out" | tail -1)"
  differ="$(sed -nE 's/^# ([0-9]+) of ([0-9]+) cases differ.*/\1 \2/p' "$out" | tail -1)"
  if [ "$status" -eq 0 ] && [ -n "$considered" ]; then
    passed=$((passed + considered))
    echo "ok - Autobahn $role role: $considered cases as expected"
  elif [ -n "$differ" ]; then
    passed=$((passed + ${differ#* } - ${differ% *}))
    failed=$((failed + ${differ% *}))
    echo "not ok - Autobahn $role role: ${differ% *} of ${differ#* } cases differ from Tests/Autobahn/expected-$role.json"
  else
    failed=$((failed + 1))
    echo "not ok - Autobahn $role role did not complete (status $status)"
  fi
  rm -f "$out"
}

run_role server --serve "$WSLAB serve --host 127.0.0.1 --port 0 --mode echo"
run_role client --testee "$WSLAB connect --autobahn {url} --agent {agent}"
finish
