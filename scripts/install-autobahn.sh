#!/usr/bin/env bash
# Installs the unmodified Autobahn|Testsuite (`wstest`, PyPI autobahntestsuite 25.10.1) into a
# git-ignored project folder, $AUTOBAHN_HOME (default .autobahn/), and prints the command that runs
# it. Nothing outside that folder is touched.
#
# wstest runs on Python 2.7 only, and Debian 12 has no python2.7. So:
#   1. a private apt state (.autobahn/apt: its own sources list, lists and cache) reads Debian 11
#      (bullseye) and `apt-get download`s python2.7 and the libraries it needs from Debian 11;
#   2. `dpkg -x` unpacks them into .autobahn/root (no dpkg database, no maintainer scripts);
#   3. pip 20.3.4 (the last pip for Python 2.7) is bootstrapped from its wheel, then Autobahn's own
#      requirement pins (autobahntestsuite's requires.txt: Twisted 19.10.0, autobahn 0.10.9 with
#      wsaccel, ...) and the suite itself are installed into .autobahn/root/usr/local.
# Cached: a second run finds .autobahn/ready and only prints. Run as root on a fresh machine
# (apt-get download needs no root, but `apt-get update` of the private state writes only there).
#
# Output: the last line is `wstest: CMD` where CMD runs wstest (an env wrapper script).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
HOME_DIR="${AUTOBAHN_HOME:-$ROOT/.autobahn}"
VERSION=25.10.1
PIP_VERSION=20.3.4
# python2.7 and the shared libraries it loads that Debian 12 no longer has (libssl1.1, libffi7),
# and the headers wsaccel (autobahn[accelerate]) compiles against.
DEBS=(python2.7 python2.7-minimal libpython2.7 libpython2.7-minimal libpython2.7-stdlib
  libpython2.7-dev python2.7-dev libssl1.1 libffi7)

fail() { echo "install-autobahn: $*" >&2; exit 1; }

if [ -f "$HOME_DIR/ready-$VERSION" ] && [ -x "$HOME_DIR/wstest" ]; then
  echo "wstest: $HOME_DIR/wstest"
  exit 0
fi

command -v apt-get >/dev/null || fail "apt-get not found (Debian or Ubuntu needed)"
command -v dpkg >/dev/null || fail "dpkg not found"
command -v python3 >/dev/null || fail "python3 not found (used to download the pip and autobahntestsuite files)"
command -v gcc >/dev/null || fail "gcc not found (wsaccel, Autobahn's accelerator, is compiled)"

echo "install-autobahn: installing Autobahn|Testsuite $VERSION into $HOME_DIR (Python 2.7 from Debian 11)"
rm -rf "$HOME_DIR"
mkdir -p "$HOME_DIR"/apt/{lists/partial,cache/archives/partial,sources.list.d,preferences.d} \
  "$HOME_DIR"/debs "$HOME_DIR"/root "$HOME_DIR"/dist
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || fail "$keyring missing (install debian-archive-keyring)"
# The mirror Debian 12 uses here, with the bullseye suite.
mirror="$( (grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
  grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | grep -oE 'https?://[^ ]+') | grep -E '/debian/?$' | head -1 || true)"
mirror="${mirror:-http://deb.debian.org/debian}"
echo "deb [signed-by=$keyring] ${mirror%/} bullseye main" >"$HOME_DIR/apt/sources.list"
apt_private=(
  -o "Dir::State=$HOME_DIR/apt" -o "Dir::State::Lists=$HOME_DIR/apt/lists" -o "Dir::State::status=/dev/null"
  -o "Dir::Cache=$HOME_DIR/apt/cache" -o "Dir::Etc::SourceList=$HOME_DIR/apt/sources.list"
  -o "Dir::Etc::SourceParts=$HOME_DIR/apt/sources.list.d" -o "Dir::Etc::Preferences=/dev/null"
  -o "Dir::Etc::PreferencesParts=$HOME_DIR/apt/preferences.d" -o "APT::Sandbox::User=root"
  -o "Debug::NoLocking=1" -o "Acquire::Languages=none"
)
apt-get "${apt_private[@]}" update -qq >"$HOME_DIR/apt.log" 2>&1 \
  || fail "apt-get update of the private Debian 11 state failed: $(tail -3 "$HOME_DIR/apt.log" | tr '\n' ' ')"
ls "$HOME_DIR"/apt/lists/*bullseye*Packages* >/dev/null 2>&1 \
  || fail "no Debian 11 package list from ${mirror%/} (apt-get update said: $(tail -3 "$HOME_DIR/apt.log" | tr '\n' ' '))"
(cd "$HOME_DIR/debs" && apt-get "${apt_private[@]}" download -qq "${DEBS[@]}" >>"$HOME_DIR/apt.log" 2>&1) \
  || fail "apt-get download ${DEBS[*]} from Debian 11 failed: $(tail -3 "$HOME_DIR/apt.log" | tr '\n' ' ')"
for deb in "$HOME_DIR"/debs/*.deb; do dpkg -x "$deb" "$HOME_DIR/root"; done

usr="$HOME_DIR/root/usr"
# The wrapper every later step (and the caller) uses: Debian 11's python2.7 with its own prefix.
cat >"$HOME_DIR/python2.7" <<EOF
#!/bin/sh
export LD_LIBRARY_PATH="$usr/lib/x86_64-linux-gnu\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
export PYTHONHOME="$usr" PYTHONDONTWRITEBYTECODE=1 PYTHONIOENCODING=utf-8
unset PYTHONPATH PIP_REQUIRE_VIRTUALENV
exec "$usr/bin/python2.7" "\$@"
EOF
chmod +x "$HOME_DIR/python2.7"
"$HOME_DIR/python2.7" -c 'import ssl, zlib, ctypes' || fail "the unpacked python2.7 does not start"

python3 -m pip download --quiet --disable-pip-version-check --no-deps -d "$HOME_DIR/dist" \
  "pip==$PIP_VERSION" "autobahntestsuite==$VERSION" || fail "pip download of pip $PIP_VERSION / autobahntestsuite $VERSION failed"
pip2=("$HOME_DIR/python2.7" -m pip --disable-pip-version-check --no-cache-dir --quiet)
"$HOME_DIR/python2.7" "$HOME_DIR/dist/pip-$PIP_VERSION-py2.py3-none-any.whl/pip" install --quiet \
  --disable-pip-version-check --no-cache-dir --no-warn-script-location "$HOME_DIR/dist/pip-$PIP_VERSION-py2.py3-none-any.whl" \
  2>&1 | grep -v DEPRECATION || true
"$HOME_DIR/python2.7" -m pip --version >/dev/null 2>&1 || fail "pip $PIP_VERSION did not install"
# Autobahn's own pins, as its sdist lists them (its setup.py looks for a requirements.txt that the
# sdist does not ship, so they are installed from requires.txt first).
tar -xzf "$HOME_DIR/dist/autobahntestsuite-$VERSION.tar.gz" -C "$HOME_DIR/dist"
pins="$HOME_DIR/dist/autobahntestsuite-$VERSION/autobahntestsuite.egg-info/requires.txt"
[ -s "$pins" ] || fail "$pins is missing from the autobahntestsuite sdist"
"${pip2[@]}" install --no-warn-script-location setuptools==44.0.0 wheel==0.37.1 2>&1 | grep -v DEPRECATION || true
# wsaccel's C extension needs the headers unpacked above, not the system's.
if ! CFLAGS="-I$usr/include/python2.7 -I$usr/include" "${pip2[@]}" install --no-warn-script-location -r "$pins" >"$HOME_DIR/pip.log" 2>&1; then
  fail "pip install of Autobahn's pins failed: $(grep -E 'ERROR|Error' "$HOME_DIR/pip.log" | tail -5 | tr '\n' ' ')"
fi
"${pip2[@]}" install --no-warn-script-location --no-deps "$HOME_DIR/dist/autobahntestsuite-$VERSION.tar.gz" >>"$HOME_DIR/pip.log" 2>&1 \
  || fail "pip install autobahntestsuite $VERSION failed: $(tail -5 "$HOME_DIR/pip.log" | tr '\n' ' ')"

cat >"$HOME_DIR/wstest" <<EOF
#!/bin/sh
exec "$HOME_DIR/python2.7" "$usr/local/bin/wstest" "\$@"
EOF
chmod +x "$HOME_DIR/wstest"
"$HOME_DIR/wstest" --autobahnversion >"$HOME_DIR/version.txt" 2>&1 || fail "wstest does not start: $(tail -5 "$HOME_DIR/version.txt")"
grep -q "$VERSION" "$HOME_DIR/version.txt" || fail "wstest reports $(cat "$HOME_DIR/version.txt"), not $VERSION"
rm -rf "$HOME_DIR/debs" "$HOME_DIR/apt/cache" "$HOME_DIR/dist/autobahntestsuite-$VERSION"
touch "$HOME_DIR/ready-$VERSION"
echo "install-autobahn: $(tr '\n' ' ' <"$HOME_DIR/version.txt")"
echo "wstest: $HOME_DIR/wstest"
