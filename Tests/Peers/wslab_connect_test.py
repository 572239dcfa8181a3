#!/usr/bin/env python3
"""`wslab connect` -> the Python `websockets` echo server (python_server.py), both ways checked.

Usage: wslab_connect_test.py WSLAB ws://127.0.0.1:PORT/ SERVER_LOGFILE
       wslab_connect_test.py WSLAB wss://127.0.0.1:PORT/ SERVER_LOGFILE   (self-signed: --insecure)

Runs `wslab connect URL --send ...` (non-interactive form) and checks
  - what wslab printed: one `< TEXT` (or `< binary N bytes: HEX`) line per echo, in order, byte
    for byte, then `closed: 1000`, and exit status 0;
  - what the Python server logged: the same messages arrived (type, length, SHA-256), whether
    permessage-deflate was offered/negotiated and whether the messages arrived compressed, and
    the close code it received.
Every wslab run is bounded by a timeout. Prints `ok - name` / `not ok - name: why` per check.
"""

import hashlib
import os
import re
import subprocess
import sys
import time

from peerlib import Report

RUN_TIMEOUT = 20  # seconds for one `wslab connect`


def large_text(n):
    words = ["frame", "mask", "opcode", "deflate", "close", "ping", "pong", "fin", "rsv1", "payload"]
    out, i = [], 0
    while sum(map(len, out)) < n:
        out.append(words[(i * 7 + i // 3) % len(words)] + " ")
        i += 1
    return "".join(out)[:n]


class Run:
    def __init__(self, wslab, url, logfile):
        self.wslab, self.url, self.logfile = wslab, url, logfile

    def connect(self, *args):
        """Runs `wslab connect URL ARGS`; returns (exit status, stdout lines, stderr, server log lines)."""
        start = os.path.getsize(self.logfile) if os.path.exists(self.logfile) else 0
        cmd = [self.wslab, "connect", self.url, "--timeout", "10", *args]
        if self.url.startswith("wss:"):
            cmd.append("--insecure")  # the runner's test certificate is self-signed
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=RUN_TIMEOUT, stdin=subprocess.DEVNULL)
            status, out, err = proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired as e:
            status = "timeout"
            out = (e.stdout or b"").decode("utf-8", "replace")
            err = (e.stderr or b"").decode("utf-8", "replace")
        # The server logs the close after the connection ends; give it a moment (bounded).
        deadline = time.monotonic() + 3
        while True:
            with open(self.logfile, encoding="utf-8") as f:
                f.seek(start)
                log = f.read().splitlines()
            if any(" close " in line for line in log) or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        return status, out.splitlines(), err, log


def reply_lines(out):
    return [line for line in out if line.startswith("< ")]


def closed_line(out):
    lines = [line for line in out if line.startswith("closed:")]
    return lines[-1] if lines else None


def received(log):
    """(kind, length, sha256, compressed) for every message the server logged."""
    result = []
    for line in log:
        m = re.search(r"recv (text|binary) (\d+) B compressed=(yes|no) sha256=([0-9a-f]+)", line)
        if m:
            result.append((m.group(1), int(m.group(2)), m.group(4), m.group(3) == "yes"))
    return result


def open_line(log):
    for line in log:
        m = re.search(r'open path=(\S*) offered="([^"]*)" negotiated="([^"]*)"', line)
        if m:
            return m.group(1), m.group(2), m.group(3)
    return None


def close_code(log):
    for line in log:
        m = re.search(r"close code=(\S+)", line)
        if m:
            return m.group(1)
    return None


def sha(data):
    return hashlib.sha256(data).hexdigest()


def check_exchange(report, run, name, messages, binary=False, deflate=True, close=1000, expect_compressed=None):
    args = []
    for m in messages:
        args += ["--send", m]
    if binary:
        args.append("--binary")
    if not deflate:
        args.append("--no-deflate")
    if close != 1000:
        args += ["--close-code", str(close)]
    status, out, err, log = run.connect(*args)
    context = f"exit {status}; stdout {out[:3]}{'...' if len(out) > 3 else ''}; stderr {err.strip()[:200]!r}"

    # 1. What wslab printed.
    if binary:
        expected = [f"< binary {len(m.encode())} bytes: {m.encode().hex()}" for m in messages]
        got = [re.sub(r"\s+", "", line[2:]).lower() for line in reply_lines(out)]
        want = [re.sub(r"\s+", "", line[2:]).lower() for line in expected]
    else:
        want = [f"< {m}" for m in messages]
        got = reply_lines(out)
    if got == want:
        report.ok(f"{name}: wslab printed every echo")
    elif len(got) != len(want):
        report.fail(f"{name}: wslab printed every echo", f"expected {len(want)} reply lines, got {len(got)}; {context}")
    else:
        i = next(i for i, (a, b) in enumerate(zip(want, got)) if a != b)
        report.fail(f"{name}: wslab printed every echo",
                    f"reply {i} differs (expected {len(want[i])} chars, got {len(got[i])}: {got[i][:60]!r}); {context}")

    line = closed_line(out)
    # Exit 0 after a clean 1000/1001 close; for other codes only "connected and finished" (not 2).
    if close in (1000, 1001):
        name_close, status_ok = f"{name}: wslab printed closed: {close} and exited 0", status == 0
    else:
        name_close, status_ok = f"{name}: wslab printed closed: {close}", status in (0, 1)
    report.check(name_close, line is not None and line.split()[1:2] == [str(close)] and status_ok,
                 f"closed line {line!r}; {context}")

    # 2. What the Python server saw.
    opened = open_line(log)
    if opened is None:
        report.fail(f"{name}: server saw the handshake", f"no connection in the server log; {context}")
        return
    path, offered, negotiated = opened
    if deflate:
        report.check(f"{name}: permessage-deflate offered and negotiated",
                     "permessage-deflate" in offered and "permessage-deflate" in negotiated,
                     f"offered {offered!r}, negotiated {negotiated!r}")
    else:
        report.check(f"{name}: --no-deflate offers no extension", offered == "" and negotiated == "",
                     f"offered {offered!r}, negotiated {negotiated!r}")

    want_rx = [("binary" if binary else "text", len(m.encode()), sha(m.encode())) for m in messages]
    got_rx = [r[:3] for r in received(log)]
    report.check(f"{name}: server received the same bytes", got_rx == want_rx,
                 f"expected {[(k, n) for k, n, _ in want_rx]}, server logged {[(k, n) for k, n, _ in got_rx]}"
                 + ("" if [r[:2] for r in got_rx] != [r[:2] for r in want_rx] else " (content differs)"))
    if expect_compressed is not None:
        flags = [r[3] for r in received(log)]
        report.check(f"{name}: client frames {'compressed (RSV1)' if expect_compressed else 'not compressed'}",
                     flags and all(f == expect_compressed for f in flags),
                     f"compressed flags per message: {flags}")
    report.check(f"{name}: server received close {close}", close_code(log) == str(close),
                 f"server logged close code {close_code(log)}")


def main():
    if len(sys.argv) != 4:
        print("usage: wslab_connect_test.py WSLAB ws://127.0.0.1:PORT/ SERVER_LOGFILE", file=sys.stderr)
        return 2
    wslab, url, logfile = sys.argv[1:]
    tls = url.startswith("wss:")
    report = Report(f"wslab connect -> python server{' (wss)' if tls else ''}: ")
    run = Run(wslab, url, logfile)
    big = large_text(70000)
    for deflate in ((True,) if tls else (True, False)):
        mode = "deflate" if deflate else "no-deflate"
        check_exchange(report, run, f"{mode}: text", ["hello", "héllo wörld — ✓ 🎉"], deflate=deflate)
        check_exchange(report, run, f"{mode}: binary", ["hello", "\x01\x02 binary é"], binary=True,
                       deflate=deflate)
        check_exchange(report, run, f"{mode}: 70000-byte text", [big], deflate=deflate,
                       expect_compressed=deflate)
    if not tls:
        check_exchange(report, run, "deflate: close 4000", ["bye"], close=4000)
    report.exit()


if __name__ == "__main__":
    sys.exit(main())
