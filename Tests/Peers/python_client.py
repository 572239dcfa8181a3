#!/usr/bin/env python3
"""Python `websockets` client -> `wslab serve` (echo mode).

Usage: python_client.py [--server-no-deflate] [--cafile PEM] ws[s]://127.0.0.1:PORT/

Runs every check twice: with permessage-deflate negotiated (websockets' default offer) and
without (compression=None). Each check opens its own connection so that one failure does not
hide the others. Every echo is compared byte for byte. Every wait is bounded.
Prints `ok - name` / `not ok - name: why` per check; exits 1 if any check failed.
"""

import asyncio
import os
import ssl
import sys

from websockets.asyncio.client import connect
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
from websockets.frames import CloseCode

from peerlib import Report, compressed_frames, describe_exception, diff

STEP_TIMEOUT = 15  # seconds for any single check (connect + exchange + close)
MAX_SIZE = 16 * 1024 * 1024
# --server-no-deflate: the server under test runs with --no-deflate, so even the "deflate" mode
# (which offers permessage-deflate) must end up with no extension negotiated.
SERVER_NO_DEFLATE = False
# --cafile PEM: for wss://, trust this certificate (the runner's self-signed test certificate).
SSL_CONTEXT = None


def payload(n, seed):
    """n pseudo-random (incompressible) bytes, reproducible."""
    return bytes((i * 131 + seed * 17 + (i >> 8) * 7) & 0xFF for i in range(n)) if n < 4096 else os.urandom(n)


def text_of(n):
    """n bytes of UTF-8 text (ASCII), compressible."""
    base = "WSLab echoes every byte. "
    return (base * (n // len(base) + 1))[:n]


async def echo(ws, message):
    await ws.send(message)
    return await ws.recv()


def make_echo_check(message):
    async def run(ws, report, name):
        got = await echo(ws, message)
        report.check(name, got == message, diff(message, got))
    return run


async def check_fragmented_text(ws, report, name):
    fragments = ["frag", "mented ", "text ", "é", "🎉", " end"]
    got = await echo(ws, iter(fragments))
    expected = "".join(fragments)
    report.check(name, got == expected, diff(expected, got))


async def check_fragmented_binary(ws, report, name):
    fragments = [payload(1, 1), payload(200, 2), b"", payload(70000, 3), payload(5, 4)]
    got = await echo(ws, iter(fragments))
    expected = b"".join(fragments)
    report.check(name, got == expected, diff(expected, got))


async def check_fragmented_async(ws, report, name):
    async def gen():
        for i in range(64):
            yield f"[{i:02d}]"
            await asyncio.sleep(0)
    got = await echo(ws, gen())
    expected = "".join(f"[{i:02d}]" for i in range(64))
    report.check(name, got == expected, diff(expected, got))


async def check_ping(ws, report, name):
    pong = await ws.ping(b"wslab-ping")
    latency = await asyncio.wait_for(pong, 5)
    # The connection must still work after the ping.
    got = await echo(ws, "after ping")
    report.check(name, got == "after ping", diff("after ping", got))
    print(f"# ping round trip {latency * 1000:.2f} ms", flush=True)


async def check_interleaved(ws, report, name):
    # Several messages in flight at once: echoes come back in order.
    messages = [f"msg {i}" if i % 2 == 0 else payload(300 + i, i) for i in range(20)]
    for m in messages:
        await ws.send(m)
    got = [await ws.recv() for _ in messages]
    bad = [i for i, (a, b) in enumerate(zip(messages, got)) if a != b]
    report.check(name, not bad, f"messages {bad} differ")


async def check_server_compresses(ws, report, name):
    message = text_of(70000)
    before = compressed_frames(ws)
    got = await echo(ws, message)
    if got != message:
        report.fail(name, diff(message, got))
        return
    report.check(name, compressed_frames(ws) > before,
                 "the echo of a 70000-byte compressible text came back without RSV1 (not compressed)")


# Each entry: (name, function(ws, report, name)); closing is done by the caller.
CHECKS = [
    ("text", make_echo_check("Hello, WSLab")),
    ("text UTF-8", make_echo_check("héllo wörld — ✓ 🎉 日本語")),
    ("binary", make_echo_check(bytes(range(256)))),
    ("text 0 B", make_echo_check("")),
    ("binary 0 B", make_echo_check(b"")),
    ("binary 125 B", make_echo_check(payload(125, 1))),
    ("binary 126 B", make_echo_check(payload(126, 2))),
    ("binary 65535 B", make_echo_check(payload(65535, 3))),
    ("binary 65536 B", make_echo_check(payload(65536, 4))),
    ("text 125 B", make_echo_check(text_of(125))),
    ("text 126 B", make_echo_check(text_of(126))),
    ("text 65535 B", make_echo_check(text_of(65535))),
    ("text 65536 B", make_echo_check(text_of(65536))),
    ("binary 1 MiB", make_echo_check(payload(1 << 20, 5))),
    ("text 1 MiB compressible", make_echo_check(text_of(1 << 20))),
    ("fragmented text", check_fragmented_text),
    ("fragmented binary", check_fragmented_binary),
    ("fragmented text, 64 fragments", check_fragmented_async),
    ("ping/pong", check_ping),
    ("20 messages in flight", check_interleaved),
]


async def run_check(url, mode, name, fn, report):
    compression = "deflate" if mode == "deflate" else None
    full = f"{mode}: {name}"
    ws = None
    try:
        ws = await connect(url, ssl=SSL_CONTEXT, compression=compression, max_size=MAX_SIZE, proxy=None,
                           open_timeout=5, close_timeout=5, ping_interval=None)
        await fn(ws, report, full)
    except Exception as e:  # noqa: BLE001 -- every failure becomes a "not ok" line
        report.fail(full, describe_exception(e))
    finally:
        if ws is not None:
            await ws.close()


async def check_negotiation(url, mode, report):
    expect_deflate = mode == "deflate" and not SERVER_NO_DEFLATE
    name = f"{mode}: handshake negotiates {'permessage-deflate' if expect_deflate else 'no extension'}"
    compression = "deflate" if mode == "deflate" else None
    try:
        async with connect(url, ssl=SSL_CONTEXT, compression=compression, proxy=None, open_timeout=5, close_timeout=5,
                           ping_interval=None) as ws:
            header = ws.response.headers.get("Sec-WebSocket-Extensions")
            names = [ext.name for ext in ws.protocol.extensions]
            print(f"# {mode}: response Sec-WebSocket-Extensions: {header!r}; active: {names}", flush=True)
            if mode == "deflate" and SERVER_NO_DEFLATE:
                report.check(name, not names and header is None,
                             f"the server runs with --no-deflate, yet answered Sec-WebSocket-Extensions {header!r}")
            elif mode == "deflate":
                report.check(name, names == ["permessage-deflate"] and header and "permessage-deflate" in header,
                             f"Sec-WebSocket-Extensions {header!r}, active extensions {names}")
            else:
                report.check(name, not names and header is None,
                             f"no extension was offered, yet the response has Sec-WebSocket-Extensions {header!r}")
    except Exception as e:  # noqa: BLE001
        report.fail(name, describe_exception(e))


async def check_close_code(url, mode, code, reason, report):
    name = f"{mode}: close {code}" + (" with reason" if reason else "")
    compression = "deflate" if mode == "deflate" else None
    try:
        ws = await connect(url, ssl=SSL_CONTEXT, compression=compression, proxy=None, open_timeout=5, close_timeout=5,
                           ping_interval=None)
        got = await echo(ws, "before close")
        if got != "before close":
            report.fail(name, diff("before close", got))
            await ws.close()
            return
        await ws.close(code, reason)
        rcvd = ws.protocol.close_rcvd
        if rcvd is None:
            report.fail(name, "the server sent no Close frame back (connection dropped)")
        else:
            print(f"# {mode}: sent close {code} {reason!r}, server answered {int(rcvd.code)} {rcvd.reason!r}",
                  flush=True)
            report.check(name, int(rcvd.code) == code, f"server answered close code {int(rcvd.code)}, expected {code}")
    except Exception as e:  # noqa: BLE001
        report.fail(name, describe_exception(e))


# Offers with the RFC 7692 parameters: the server may accept (websockets checks that the response
# agrees with the offer) or decline; either way five large messages in a row (context takeover, or
# not) must echo intact in both directions.
DEFLATE_OFFERS = [
    {"server_no_context_takeover": True},
    {"client_no_context_takeover": True},
    {"server_max_window_bits": 10},
    {"client_max_window_bits": 9},
    {"server_max_window_bits": 8},
    {"server_no_context_takeover": True, "client_no_context_takeover": True,
     "server_max_window_bits": 9, "client_max_window_bits": 9},
]


async def check_deflate_offer(url, offer, report):
    described = "; ".join(k if v is True else f"{k}={v}" for k, v in offer.items())
    name = f"deflate: offer with {described}"
    try:
        async with connect(url, ssl=SSL_CONTEXT, extensions=[ClientPerMessageDeflateFactory(**offer)],
                           compression=None, max_size=MAX_SIZE, proxy=None, open_timeout=5, close_timeout=5,
                           ping_interval=None) as ws:
            header = ws.response.headers.get("Sec-WebSocket-Extensions")
            print(f"# offer {described!r} -> {header!r}", flush=True)
            for i in range(5):
                for message in (text_of(40000 + i) + str(i), os.urandom(20000 + i)):
                    got = await echo(ws, message)
                    if got != message:
                        report.fail(name, f"message {i}: {diff(message, got)} (negotiated {header!r})")
                        return
            report.ok(name)
    except Exception as e:  # noqa: BLE001
        report.fail(name, describe_exception(e))


async def main(url):
    flags = (" --no-deflate" if SERVER_NO_DEFLATE else "") + (" (wss)" if url.startswith("wss:") else "")
    report = Report(f"python client -> wslab serve{flags}: ")
    for mode in ("deflate", "no-deflate"):
        await bounded(check_negotiation(url, mode, report), f"{mode}: handshake", report)
        for name, fn in CHECKS:
            await bounded(run_check(url, mode, name, fn, report), f"{mode}: {name}", report)
        if mode == "deflate":
            for offer in DEFLATE_OFFERS:
                await bounded(check_deflate_offer(url, offer, report), f"{mode}: offer {offer}", report)
        if mode == "deflate" and not SERVER_NO_DEFLATE:
            await bounded(run_check(url, mode, "server compresses its echo (RSV1)", check_server_compresses, report),
                          f"{mode}: server compresses", report)
        await bounded(check_close_code(url, mode, 4000, "bye from python", report), f"{mode}: close 4000", report)
        await bounded(check_close_code(url, mode, int(CloseCode.NORMAL_CLOSURE), "", report),
                      f"{mode}: close 1000", report)
    return report


async def bounded(coro, name, report):
    try:
        await asyncio.wait_for(coro, STEP_TIMEOUT)
    except asyncio.TimeoutError:
        report.fail(name, f"timed out after {STEP_TIMEOUT} s")


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--server-no-deflate" in args:
        args.remove("--server-no-deflate")
        SERVER_NO_DEFLATE = True
    if "--cafile" in args:
        i = args.index("--cafile")
        SSL_CONTEXT = ssl.create_default_context(cafile=args[i + 1])
        del args[i:i + 2]
    if len(args) != 1:
        print("usage: python_client.py [--server-no-deflate] [--cafile PEM] ws[s]://127.0.0.1:PORT/", file=sys.stderr)
        sys.exit(2)
    result = asyncio.run(main(args[0]))
    result.exit()
