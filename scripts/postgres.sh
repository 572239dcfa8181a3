#!/usr/bin/env bash
# A throwaway PostgreSQL server for the cluster tests, lesson 7 and the benchmark.
#
#   scripts/postgres.sh install      installs Debian's postgresql when missing (root; apt-get)
#   scripts/postgres.sh start DIR    a new cluster in DIR on a free loopback port; prints its URL
#                                    (also in DIR/url): postgres://wslab:wslab@127.0.0.1:PORT/wslab
#                                    (and a role `reader`, password `reader`, that may not create
#                                    tables: for the error a node gives when it cannot)
#   scripts/postgres.sh stop DIR     stops it and removes DIR
#
# PostgreSQL refuses to run as root: the server runs as the `postgres` user Debian's package
# creates (or `nobody`). TCP on 127.0.0.1 only, password (SCRAM) authentication for TCP, so that
# a wrong password is refused for real. fsync is off: the data is thrown away at the end.
set -euo pipefail

fail() { echo "postgres.sh: $*" >&2; exit 1; }

bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

install() {
  bindir >/dev/null && command -v psql >/dev/null && return 0
  [ "$(id -u)" -eq 0 ] || fail "PostgreSQL is missing; run: sudo apt-get install -y postgresql"
  echo "postgres.sh: apt-get install postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || fail "apt-get update failed"
  apt-get install -y -qq postgresql >/dev/null || fail "apt-get could not install postgresql"
  bindir >/dev/null || fail "postgresql installed, but no initdb under /usr/lib/postgresql/*/bin"
}

run_as() {
  local user="$1"; shift
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}

start() {
  local dir="$1"
  install
  local bin user port
  bin="$(bindir)"
  if [ "$(id -u)" -eq 0 ]; then
    user=postgres
    id "$user" >/dev/null 2>&1 || user=nobody
  else
    user="$(id -un)"
  fi
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown "$user" "$dir"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  echo wslab >"$dir/password"
  [ "$(id -u)" -eq 0 ] && chown "$user" "$dir/password"
  run_as "$user" "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --pwfile="$dir/password" -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; fail "initdb failed"; }
  run_as "$user" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { cat "$dir/server.log" >&2; fail "the PostgreSQL server did not start"; }
  run_as "$user" "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE wslab LOGIN PASSWORD 'wslab'" -c "CREATE DATABASE wslab OWNER wslab" \
    -c "CREATE ROLE reader LOGIN PASSWORD 'reader'" >/dev/null \
    || fail "could not create the roles and the database wslab"
  echo "$port" >"$dir/port"
  echo "$user" >"$dir/user"
  echo "postgres://wslab:wslab@127.0.0.1:$port/wslab" | tee "$dir/url"
}

stop() {
  local dir="$1"
  [ -d "$dir" ] || return 0
  local bin user
  bin="$(bindir)" || true
  user="$(cat "$dir/user" 2>/dev/null || id -un)"
  if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
    run_as "$user" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  install) install ;;
  start) [ $# -eq 2 ] || fail "usage: postgres.sh start DIR"; start "$2" ;;
  stop) [ $# -eq 2 ] || fail "usage: postgres.sh stop DIR"; stop "$2" ;;
  *) fail "usage: postgres.sh install | start DIR | stop DIR" ;;
esac
