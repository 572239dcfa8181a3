#!/usr/bin/env python3
"""Attacks and load against a real `wslab serve` on 127.0.0.1, each bounded in time.

  stress.py --wslab PATH [--scale quick|full] [scenario ...]

Scenarios (all by default):
  bomb          a ~1 MiB compressed message that inflates to 1 GiB: refused with 1009, RSS bounded
  slowloris     N connections sending one header byte per second: cut at the handshake timeout
                while a new client's echo still completes in under 100 ms
  slow-reader   a client that never reads: closed with 1008 at --max-queued-bytes, RSS bounded
  load          N connections at once from 127.0.0.2 and up, random messages of random sizes,
                every byte checksummed: nothing lost, duplicated or reordered; RSS per connection
  shutdown      SIGTERM with N clients mid-transfer: every client gets 1012 (service restart)
                after the echoes of the messages the server took, and the process exits 0 within the grace period

Each scenario starts its own server, prints its measurements and one `ok - ...` or
`not ok - ...` line; the run ends with `N passed, N failed`.
"""

import argparse
import asyncio
import base64
import hashlib
import os
import random
import re
import signal
import socket
import struct
import subprocess
import sys
import time
import zlib

import numpy as np

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
SCALES = {
    # scenario parameters: quick runs inside `make test`, full is `make stress`
    "quick": {"slowloris": 200, "load_conns": 1000, "load_bytes": 64 << 20, "shutdown_clients": 200},
    "full": {"slowloris": 1000, "load_conns": 10000, "load_bytes": 1 << 30, "shutdown_clients": 1000},
}


def log(msg):
    print(msg, flush=True)


def mib(n):
    return "%.1f MiB" % (n / (1 << 20))


class Server:
    """`wslab serve` on a free port in its own process group; RSS from /proc."""

    def __init__(self, wslab, *args):
        self.proc = subprocess.Popen(
            [wslab, "serve", "--host", "127.0.0.1", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        self.port = None
        self.output = []
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline().decode(errors="replace")
            if not line:
                break
            self.output.append(line)
            m = re.match(r"wslab: listening on ws://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.port = int(m.group(1))
                break
        if self.port is None:
            self.stop()
            raise RuntimeError("wslab serve did not start: " + "".join(self.output)[-500:])

    def status(self, field):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
        return 0

    def rss(self):
        return self.status("VmRSS")

    def peak_rss(self):
        return self.status("VmHWM")

    def reset_peak(self):
        # Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0).
        try:
            with open("/proc/%d/clear_refs" % self.proc.pid, "w") as f:
                f.write("5")
            return True
        except OSError:
            return False

    def signal(self, sig):
        os.killpg(self.proc.pid, sig)

    def wait(self, timeout):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(10)


def mask(payload, key):
    if not payload:
        return b""
    n = len(payload)
    k = np.frombuffer((key * ((n + 3) // 4))[:n], dtype=np.uint8)
    return (np.frombuffer(payload, dtype=np.uint8) ^ k).tobytes()


def frame(opcode, payload, rsv1=False, fin=True):
    """A masked client frame."""
    b0 = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", b0, 0x80 | n)
    elif n < 65536:
        head = struct.pack("!BBH", b0, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", b0, 0x80 | 127, n)
    key = os.urandom(4)
    return head + key + mask(payload, key)


class WS:
    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer

    async def read_frame(self):
        """(fin, opcode, payload) of the next server frame; raises on EOF."""
        b0, b1 = await self.reader.readexactly(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", await self.reader.readexactly(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", await self.reader.readexactly(8))[0]
        if b1 & 0x80:
            raise ValueError("the server sent a masked frame")
        return bool(b0 & 0x80), b0 & 0x0F, await self.reader.readexactly(n)

    async def read_message(self):
        """(opcode, payload) of the next data message, or ('close', code)."""
        parts, first = [], None
        while True:
            fin, op, payload = await self.read_frame()
            if op == 8:
                return "close", struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
            if op in (9, 10):
                continue
            first = first if first is not None else op
            parts.append(payload)
            if fin:
                return first, b"".join(parts)

    def close(self):
        try:
            self.writer.close()
        except Exception:
            pass


async def connect(port, path="/", deflate=False, local=None, timeout=20, rcvbuf=None):
    if rcvbuf:
        # A small receive buffer must be set before connecting (TCP window scaling).
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
        reader, writer = await asyncio.open_connection(sock=sock, limit=1 << 22)
    else:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port, local_addr=(local, 0) if local else None, limit=1 << 22),
            timeout)
    key = base64.b64encode(os.urandom(16))
    writer.write(
        b"GET " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: " % port + key + b"\r\nSec-WebSocket-Version: 13\r\n"
        + (b"Sec-WebSocket-Extensions: permessage-deflate\r\n" if deflate else b"")
        + b"\r\n"
    )
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
    accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
    if not head.startswith(b"HTTP/1.1 101") or accept not in head:
        raise RuntimeError("handshake refused: %r" % head[:200])
    return WS(reader, writer)


def source(i):
    """127.0.0.2 and up: 250 connections per address."""
    n = 2 + i // 250
    return "127.0.%d.%d" % (n // 254, 1 + n % 254) if n >= 255 else "127.0.0.%d" % n


# --- scenarios ---------------------------------------------------------------------------------


async def bomb_once(wslab, compressed, size, limit):
    args = ["--idle-timeout", "0", "--keepalive", "0"]
    if limit is not None:
        args += ["--max-message-size", str(limit)]
    server = Server(wslab, *args)
    try:
        ws = await connect(server.port, deflate=True)
        await asyncio.sleep(0.2)
        before = server.rss()
        server.reset_peak()
        t0 = time.monotonic()
        ws.writer.write(frame(2, compressed, rsv1=True))
        await ws.writer.drain()
        kind, code = await asyncio.wait_for(ws.read_message(), 30)
        took = time.monotonic() - t0
        ws.close()
        await asyncio.sleep(0.5)
        growth = server.peak_rss() - before
        retained = server.rss() - before
        cap = limit if limit is not None else 16 << 20
        log("#   bomb: %s compressed, %s inflated, --max-message-size %s: answered %s %s in %.2f s; RSS +%s at peak, "
            "+%s once refused" % (mib(len(compressed)), mib(size), mib(cap), kind, code, took, mib(growth), mib(retained)))
        # What is inflated is capped by the message limit (it is refused as soon as it would pass
        # it), so the server's memory grows by at most the limit plus the compressed frame, and
        # gives it back once the message is refused.
        ok = kind == "close" and code == 1009 and growth <= cap + len(compressed) + (2 << 20) and retained <= 4 << 20
        return ok, growth, retained, cap
    finally:
        server.stop()


async def bomb(wslab, scale):
    size = 1 << 30
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(1 << 20)
    compressed = b"".join(c.compress(chunk) for _ in range(size >> 20)) + c.flush(zlib.Z_SYNC_FLUSH)
    compressed = compressed[:-4]  # RFC 7692 §7.2.1: the tail is removed
    ok1, growth1, kept1, cap1 = await bomb_once(wslab, compressed, size, None)
    ok2, growth2, kept2, cap2 = await bomb_once(wslab, compressed, size, 1 << 20)
    return ok1 and ok2, (
        "decompression bomb (%s -> 1 GiB) refused with 1009: RSS +%s at peak, +%s after (limit %s); "
        "+%s at peak, +%s after (limit %s)" % (
            mib(len(compressed)), mib(growth1), mib(kept1), mib(cap1), mib(growth2), mib(kept2), mib(cap2)))


async def echo_latency(port):
    t0 = time.monotonic()
    ws = await connect(port)
    ws.writer.write(frame(1, b"still here?"))
    kind, payload = await asyncio.wait_for(ws.read_message(), 5)
    ms = (time.monotonic() - t0) * 1000
    ws.close()
    return ms, kind == 1 and payload == b"still here?"


async def slowloris(wslab, scale):
    n = SCALES[scale]["slowloris"]
    timeout = 5.0
    server = Server(wslab, "--handshake-timeout", str(timeout), "--max-connections", str(n + 100))
    try:
        head = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        closed_at = []
        t0 = time.monotonic()

        async def drip(i):
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port, local_addr=(source(i), 0))
            try:
                for b in head:
                    writer.write(bytes([b]))
                    try:
                        await writer.drain()
                    except ConnectionError:
                        break
                    try:
                        data = await asyncio.wait_for(reader.read(1), 1.0)
                        if data == b"":
                            break
                    except asyncio.TimeoutError:
                        continue
                closed_at.append(time.monotonic() - t0)
            finally:
                writer.close()

        tasks = [asyncio.create_task(drip(i)) for i in range(n)]
        await asyncio.sleep(1.5)
        ms, echoed = await echo_latency(server.port)
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout + 10)
        cut = [t for t in closed_at if t <= timeout + 2.5]
        log("#   slowloris: %d connections dripping one byte a second; %d cut by the server between %.1f and %.1f s "
            "(handshake timeout %.0f s); a new client's echo took %.1f ms" % (
                n, len(closed_at), min(closed_at or [0]), max(closed_at or [0]), timeout, ms))
        ok = echoed and ms < 100 and len(cut) == n
        return ok, "slowloris: %d/%d connections cut at the %.0f s handshake timeout, echo meanwhile in %.1f ms" % (
            len(cut), n, timeout, ms)
    finally:
        server.stop()


async def slow_reader(wslab, scale):
    """Two cases. Echo: a client that sends without reading is not read from either (TCP
    backpressure), so it cannot make the server buffer. Chat: a room member that never reads while
    another talks is closed with 1008 once --max-queued-bytes are queued for it; the talker goes
    on being served."""
    limit = 1 << 20
    chunk = os.urandom(64 << 10)

    # 1. Echo: send up to 64 MiB without reading; sending must stall, the server's RSS stay flat.
    server = Server(wslab, "--max-queued-bytes", str(limit), "--no-deflate")
    try:
        ws = await connect(server.port, rcvbuf=4096)
        ws.reader._transport.pause_reading()
        before = server.rss()
        server.reset_peak()
        sent = 0
        try:
            while sent < 1024:
                ws.writer.write(frame(2, chunk))
                await asyncio.wait_for(ws.writer.drain(), 2)
                sent += 1
        except (asyncio.TimeoutError, ConnectionError):
            pass
        echo_growth = server.peak_rss() - before
        ws.close()
        log("#   slow reader, echo: sending stalled after %s (the server stops reading a client it cannot "
            "write to); server RSS +%s" % (mib(sent * len(chunk)), mib(echo_growth)))
        echo_ok = sent < 1024 and echo_growth <= limit + (8 << 20)
    finally:
        server.stop()

    # 2. Chat: a member that never reads, a talker in the same room.
    trace = "/tmp/wslab-stress-slow-reader-%d.trace" % os.getpid()
    server = Server(wslab, "--mode", "chat", "--max-queued-bytes", str(limit), "--no-deflate", "--trace-file", trace, "--lang", "en")
    try:
        slow = await connect(server.port, path="/room", rcvbuf=4096)
        slow.reader._transport.pause_reading()
        talker = await connect(server.port, path="/room")
        before = server.rss()
        server.reset_peak()
        t0 = time.monotonic()
        for _ in range(64 * limit // len(chunk)):  # 64 times the limit, bounded
            talker.writer.write(frame(2, chunk))
            await asyncio.wait_for(talker.writer.drain(), 10)
        # The talker is still served: a ping is answered.
        talker.writer.write(frame(9, b"still here"))
        kind = None
        while kind != 10:
            _, kind, _ = await asyncio.wait_for(talker.read_frame(), 10)
        took = time.monotonic() - t0
        await asyncio.sleep(0.5)
        growth = server.peak_rss() - before
        slow.close()
        talker.close()
        await asyncio.sleep(0.5)
        # The member that does not read cannot see the close frame queued behind what it does not
        # read: the server's own trace says what it sent.
        with open(trace, errors="replace") as f:
            lines = [l.strip() for l in f if "1008" in l]
        decided = any("closing with 1008" in l for l in lines)
        closed = any("server → client" in l and "close 1008" in l for l in lines)
        log("#   slow reader, chat: a talker sent %s to the room in %.1f s and was still answered; the member "
            "that does not read: %s; server RSS +%s (--max-queued-bytes %s)" % (
                mib(64 * limit), took, lines[1][:60] if closed and len(lines) > 1 else "not closed", mib(growth), mib(limit)))
        ok = echo_ok and decided and closed and growth <= limit + (8 << 20)
        return ok, "slow reader: closed with 1008 at --max-queued-bytes %s (chat), RSS +%s; echo: reading paused, RSS +%s" % (
            mib(limit), mib(growth), mib(echo_growth))
    finally:
        server.stop()
        if os.path.exists(trace):
            os.remove(trace)


async def load(wslab, scale):
    conns, total = SCALES[scale]["load_conns"], SCALES[scale]["load_bytes"]
    server = Server(wslab, "--max-connections", str(conns + 100), "--idle-timeout", "0", "--keepalive", "0")
    try:
        base = server.rss()
        t0 = time.monotonic()
        sockets = []
        for start in range(0, conns, 500):
            batch = await asyncio.gather(*[connect(server.port, local=source(i)) for i in range(start, min(conns, start + 500))])
            sockets.extend(batch)
        connect_s = time.monotonic() - t0
        await asyncio.sleep(0.5)
        idle = server.rss()
        per_conn = (idle - base) / conns
        log("#   load: %d connections open in %.1f s from %d source addresses; server RSS %s -> %s: %.1f KiB per idle connection"
            % (conns, connect_s, len({source(i) for i in range(conns)}), mib(base), mib(idle), per_conn / 1024))
        per = total // conns
        rng = random.Random(6455)
        stats = {"sent": 0, "messages": 0, "sent_messages": 0, "bad": 0}

        async def run(ws, budget, seed):
            r = random.Random(seed)
            left = budget

            sent_msgs = 0
            pending = asyncio.Queue()

            async def send():
                nonlocal left, sent_msgs
                while left > 0:
                    size = min(left, r.choice([0, 1, 125, 126, 1000, 4096, 65535, 65536, r.randrange(0, 32768)]))
                    payload = r.randbytes(size)
                    op = 2 if r.random() < 0.5 else 1
                    if op == 1:
                        payload = base64.b64encode(payload)[:size]
                    await pending.put((zlib.crc32(payload), len(payload), op))
                    ws.writer.write(frame(op, payload))
                    await ws.writer.drain()
                    left -= max(1, len(payload))
                    sent_msgs += 1
                    stats["sent_messages"] += 1
                    stats["sent"] += len(payload)
                await pending.put(None)

            async def receive():
                while True:
                    item = await pending.get()
                    if item is None:
                        return
                    crc, size, op = item
                    kind, payload = await ws.read_message()
                    if kind != op or len(payload) != size or zlib.crc32(payload) != crc:
                        stats["bad"] += 1
                        raise RuntimeError("message %d: expected op %d, %d bytes, crc %08x; got %r, %d bytes" % (
                            sent_msgs, op, size, crc, kind, len(payload) if isinstance(payload, bytes) else -1))
                    stats["messages"] += 1

            await asyncio.gather(send(), receive())

        t1 = time.monotonic()
        results = await asyncio.wait_for(
            asyncio.gather(*[run(ws, per, rng.random()) for ws in sockets], return_exceptions=True),
            120 if scale == "quick" else 900)
        took = time.monotonic() - t1
        errors = [r for r in results if isinstance(r, BaseException)]
        peak = server.peak_rss()
        for ws in sockets:
            ws.close()
        log("#   load: %s echoed in %d messages over %d connections in %.1f s (%.0f MB/s each way); "
            "%d checksum mismatches, %d failed connections; peak RSS %s" % (
                mib(stats["sent"]), stats["sent_messages"], conns, took, stats["sent"] / took / 1e6, stats["bad"],
                len(errors), mib(peak)))
        for e in errors[:3]:
            log("#     %r" % e)
        ok = not errors and stats["bad"] == 0 and stats["messages"] == stats["sent_messages"]
        return ok, "load: %d connections, %s echoed and checksummed, %.1f KiB RSS per idle connection" % (
            conns, mib(stats["sent"]), per_conn / 1024)
    finally:
        server.stop()


async def shutdown(wslab, scale):
    n = SCALES[scale]["shutdown_clients"]
    grace = 3.0
    server = Server(wslab, "--shutdown-grace", str(grace), "--max-connections", str(n + 100))
    try:
        sockets = []
        for start in range(0, n, 500):
            sockets.extend(await asyncio.gather(*[connect(server.port, local=source(i)) for i in range(start, min(n, start + 500))]))
        outcomes = {"1012": 0, "other": [], "echoes": 0, "out_of_order": 0}

        async def client(ws, i):
            sent = []
            got = 0

            async def send():
                k = 0
                while True:
                    payload = b"%d:%d:" % (i, k) + b"x" * (k % 700)
                    sent.append(payload)
                    ws.writer.write(frame(1, payload))
                    try:
                        await ws.writer.drain()
                    except ConnectionError:
                        return
                    k += 1
                    await asyncio.sleep(0.01)

            sender = asyncio.create_task(send())
            try:
                while True:
                    kind, payload = await asyncio.wait_for(ws.read_message(), grace + 10)
                    if kind == "close":
                        if payload == 1012:
                            outcomes["1012"] += 1
                        else:
                            outcomes["other"].append(payload)
                        break
                    if got >= len(sent) or payload != sent[got]:
                        outcomes["out_of_order"] += 1
                        break
                    got += 1
                    outcomes["echoes"] += 1
            except Exception as e:
                outcomes["other"].append(repr(e)[:80])
            finally:
                sender.cancel()
                ws.close()

        tasks = [asyncio.create_task(client(ws, i)) for i, ws in enumerate(sockets)]
        await asyncio.sleep(1.5)
        t0 = time.monotonic()
        server.signal(signal.SIGTERM)
        status = await asyncio.get_running_loop().run_in_executor(None, server.wait, grace + 5)
        exited = time.monotonic() - t0
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), grace + 15)
        log("#   shutdown: SIGTERM with %d clients sending; %d got 1012 after %d in-order echoes; %d other endings %s; "
            "%d out of order; exit status %s after %.2f s (grace %.0f s)" % (
                n, outcomes["1012"], outcomes["echoes"], len(outcomes["other"]), outcomes["other"][:3],
                outcomes["out_of_order"], status, exited, grace))
        ok = outcomes["1012"] == n and outcomes["out_of_order"] == 0 and status == 0 and exited <= grace + 1
        return ok, "graceful shutdown: %d/%d clients got 1012 after their echoes, exit %s in %.2f s" % (
            outcomes["1012"], n, status, exited)
    finally:
        server.stop()


SCENARIOS = {"bomb": bomb, "slowloris": slowloris, "slow-reader": slow_reader, "load": load, "shutdown": shutdown}


async def main_async(args):
    passed = failed = 0
    for name in args.scenarios or list(SCENARIOS):
        t0 = time.monotonic()
        try:
            ok, what = await SCENARIOS[name](args.wslab, args.scale)
        except Exception as e:
            ok, what = False, "%s: %r" % (name, e)
        log("%s - %s (%.0f s)" % ("ok" if ok else "not ok", what, time.monotonic() - t0))
        passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)
    log("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--wslab", required=True)
    p.add_argument("--scale", choices=list(SCALES), default="quick")
    p.add_argument("scenarios", nargs="*", help="default: all")
    args = p.parse_args()
    for s in args.scenarios:
        if s not in SCENARIOS:
            p.error("unknown scenario %s (one of %s)" % (s, ", ".join(SCENARIOS)))
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
