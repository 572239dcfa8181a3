#!/usr/bin/env bash
# Installs the real WebSocket peers that scripts/peer-tests.sh runs against wslab:
#   - Python `websockets` and `selenium` (pip)
#   - Debian's node-ws (Node `ws` module), chromium and chromium-driver, tshark (apt)
# Idempotent: installs only what is missing. Prints one line per peer with its version.
# Exits non-zero with a clear message when anything cannot be installed: a peer that
# cannot be installed fails the run, it is never skipped.
set -euo pipefail

PYTHON="${PYTHON:-python3}"
NODE="${NODE:-node}"

fail() { echo "install-peers: $*" >&2; exit 1; }

command -v "$PYTHON" >/dev/null || fail "$PYTHON not found (Python 3.9 or later needed for the websockets peer)"
command -v "$NODE" >/dev/null || fail "$NODE not found (Node.js needed for the ws peer)"

# --- Python packages -------------------------------------------------------------------------
py_missing=()
for mod in websockets selenium; do
  "$PYTHON" -c "import $mod" 2>/dev/null || py_missing+=("$mod")
done
if [ ${#py_missing[@]} -gt 0 ]; then
  echo "install-peers: pip install ${py_missing[*]}"
  "$PYTHON" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "${py_missing[@]}" \
    || fail "pip could not install ${py_missing[*]}"
fi
# websockets >= 13 has the new asyncio API (websockets.asyncio.client/server) the peers use.
"$PYTHON" - <<'EOF' || fail "websockets >= 13 is needed; upgrade with: $PYTHON -m pip install -U websockets"
import websockets, sys
major = int(websockets.__version__.split(".")[0])
sys.exit(0 if major >= 13 else 1)
EOF

# --- Debian packages -------------------------------------------------------------------------
apt_missing=()
for pkg in node-ws chromium chromium-driver openssl tshark; do
  dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed' || apt_missing+=("$pkg")
done
if [ ${#apt_missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || fail "need root to install ${apt_missing[*]}; run: sudo apt-get install -y ${apt_missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  echo "install-peers: apt-get install ${apt_missing[*]}"
  # Refresh the package lists once if one of the packages is not known (fresh machine).
  for pkg in "${apt_missing[@]}"; do
    if ! apt-cache show "$pkg" >/dev/null 2>&1; then
      apt-get update -qq || fail "apt-get update failed"
      break
    fi
  done
  apt-get install -y -qq "${apt_missing[@]}" >/dev/null \
    || fail "apt-get could not install ${apt_missing[*]}"
fi

# --- Check that each peer actually loads and print its version ---------------------------------
pyver() { "$PYTHON" -c "import $1; print($1.__version__)" 2>/dev/null || fail "python module $1 does not import"; }
echo "peer: python websockets $(pyver websockets) (python $("$PYTHON" -c 'import platform; print(platform.python_version())'))"
echo "peer: python selenium $(pyver selenium)"

export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"
ws_ver="$("$NODE" -e "require('ws'); console.log(require('ws/package.json').version)" 2>/dev/null)" \
  || fail "node cannot require('ws') with NODE_PATH=$NODE_PATH"
echo "peer: node ws $ws_ver (node $("$NODE" --version))"

[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium missing after install"
[ -x /usr/bin/chromedriver ] || fail "/usr/bin/chromedriver missing after install"
chromium_ver="$(/usr/bin/chromium --version 2>/dev/null | head -1)" || fail "chromium --version failed"
driver_ver="$(/usr/bin/chromedriver --version 2>/dev/null | head -1)" || fail "chromedriver --version failed"
echo "peer: $chromium_ver"
command -v tshark >/dev/null || fail "tshark missing after install"
echo "peer: $(tshark -v 2>/dev/null | head -1)"
echo "peer: $driver_ver"
echo "peer: $(openssl version)"
