#!/usr/bin/env python3
"""A Python `websockets` echo server on 127.0.0.1, the peer for `wslab connect`.

Usage: python_server.py LOGFILE [--port 0] [--lifetime SECONDS] [--tls-cert PEM --tls-key PEM]

Prints `PORT N` on stdout when it listens (wss:// with --tls-cert/--tls-key). Echoes text as text and binary as binary. Appends
one line per event to LOGFILE, so that the runner can check what arrived on this side:

    conn 3 open path=/ offered="permessage-deflate; client_max_window_bits" negotiated="permessage-deflate; ..."
    conn 3 recv text 70000 B compressed=yes sha256=...
    conn 3 close code=1000 reason=""

`compressed=yes` means the message arrived with RSV1 set (the client really deflated it).
Stops on SIGTERM/SIGINT, and by itself after --lifetime seconds (default 300) so it can never
outlive a broken run.
"""

import argparse
import asyncio
import hashlib
import itertools
import signal
import ssl
import sys

from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed

from peerlib import compressed_frames

counter = itertools.count(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("logfile")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--lifetime", type=float, default=300)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    args = parser.parse_args()
    log = open(args.logfile, "a", buffering=1, encoding="utf-8")

    def record(line):
        log.write(line + "\n")
        log.flush()

    async def handler(ws):
        conn = next(counter)
        offered = ws.request.headers.get("Sec-WebSocket-Extensions", "")
        negotiated = ws.response.headers.get("Sec-WebSocket-Extensions", "")
        record(f'conn {conn} open path={ws.request.path} offered="{offered}" negotiated="{negotiated}"')
        try:
            while True:
                before = compressed_frames(ws)
                message = await ws.recv()
                compressed = "yes" if compressed_frames(ws) > before else "no"
                kind = "text" if isinstance(message, str) else "binary"
                data = message.encode("utf-8") if kind == "text" else message
                record(f"conn {conn} recv {kind} {len(data)} B compressed={compressed} "
                       f"sha256={hashlib.sha256(data).hexdigest()}")
                await ws.send(message)
        except ConnectionClosed:
            pass
        rcvd = ws.protocol.close_rcvd
        if rcvd is None:
            record(f"conn {conn} close code=none (no Close frame received)")
        else:
            record(f'conn {conn} close code={int(rcvd.code)} reason="{rcvd.reason}"')

    async def run():
        loop = asyncio.get_running_loop()
        stop = loop.create_future()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
        loop.call_later(args.lifetime, lambda: stop.done() or stop.set_result(None))
        context = None
        if args.tls_cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(args.tls_cert, args.tls_key)
        async with serve(handler, "127.0.0.1", args.port, ssl=context, max_size=16 * 1024 * 1024,
                         open_timeout=10, close_timeout=5) as server:
            port = server.sockets[0].getsockname()[1]
            print(f"PORT {port}", flush=True)
            await stop

    asyncio.run(run())


if __name__ == "__main__":
    sys.exit(main())
