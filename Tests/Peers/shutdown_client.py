#!/usr/bin/env python3
"""Holds a connection to `wslab serve` open while the runner stops the server with SIGTERM.

Usage: shutdown_client.py ws://127.0.0.1:PORT/ READY_FILE [CODE]

Connects, checks one echo, writes READY_FILE, then waits (at most 20 s) for the server to close
the connection and checks that the Close frame carried CODE: 1012 (service restart, what
`wslab serve` sends on SIGTERM, the default) or 1001 (going away, on SIGINT).
Prints `ok - name` / `not ok - name: why`; exits 1 if any check failed.
"""

import asyncio
import sys

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from peerlib import Report, describe_exception


async def main(url, ready_file, code):
    report = Report("graceful shutdown: ")
    name = f"client gets close {code} when the server is stopped"
    try:
        async with connect(url, proxy=None, open_timeout=5, close_timeout=5, ping_interval=None) as ws:
            await ws.send("still here")
            await asyncio.wait_for(ws.recv(), 5)
            open(ready_file, "w").close()
            try:
                message = await asyncio.wait_for(ws.recv(), 20)
                report.fail(name, f"got a message instead of a close: {message!r}")
            except ConnectionClosed:
                rcvd = ws.protocol.close_rcvd
                if rcvd is None:
                    report.fail(name, "the connection dropped without a Close frame")
                else:
                    report.check(name, int(rcvd.code) == code,
                                 f"close code {int(rcvd.code)} {rcvd.reason!r}, expected {code}")
    except asyncio.TimeoutError:
        report.fail(name, "no close within 20 s of the ready signal")
    except Exception as e:  # noqa: BLE001
        report.fail(name, describe_exception(e))
    return report


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        print("usage: shutdown_client.py ws://127.0.0.1:PORT/ READY_FILE [CODE]", file=sys.stderr)
        sys.exit(2)
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) == 4 else 1012)).exit()
