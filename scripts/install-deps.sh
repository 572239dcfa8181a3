#!/usr/bin/env bash
# Installs what WSLab's build and tests need on a fresh Debian machine with the Swift toolchain.
# Idempotent and quiet when everything is already there.
set -euo pipefail

need_apt=()
# System zlib headers (permessage-deflate links the system zlib).
if [ ! -f /usr/include/zlib.h ]; then need_apt+=(zlib1g-dev); fi

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install-deps: installing ${need_apt[*]} with apt-get"
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: need root to apt-get install ${need_apt[*]}; run: sudo apt-get install -y ${need_apt[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || { echo "install-deps: apt-get update failed" >&2; exit 1; }
  apt-get install -y -qq "${need_apt[@]}" >/dev/null || {
    echo "install-deps: could not install ${need_apt[*]}" >&2
    exit 1
  }
fi

# PostgreSQL: lesson 7 and the cluster tests start a server of their own (scripts/postgres.sh).
bash "$(dirname "$0")/postgres.sh" install

command -v swift >/dev/null || { echo "install-deps: swift is not on PATH (Swift 6.1 or later needed)" >&2; exit 1; }
