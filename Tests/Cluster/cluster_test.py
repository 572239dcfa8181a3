"""Three `wslab serve --cluster` nodes on a real PostgreSQL server (scripts/cluster-test.sh).

usage: cluster_test.py WSLAB URL PSQL_DIR OUT

Every member of a room on every node receives every message once, in one order; 100 KiB and
1 MiB messages cross nodes; a node's database sessions are terminated during traffic and its
clients miss nothing; a node stopped with SIGTERM closes its clients with 1012 and `wslab connect
--reconnect` comes back; broadcast reaches every client of every node; bad configuration gives a
clear error. One line per check, then `N passed, N failed`.
"""

import asyncio
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Peers"))
from peerlib import Report, describe_exception  # noqa: E402

from websockets.asyncio.client import connect  # noqa: E402

WSLAB, URL, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
report = Report("cluster: ")
nodes = {}


def psql(sql):
    out = subprocess.run(["psql", URL, "-qAt", "-c", sql], capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise RuntimeError(f"psql: {out.stderr.strip()}")
    return out.stdout.strip()


class Node:
    """One `wslab serve` process; its output goes to OUT/NAME.log."""

    def __init__(self, name, *extra, mode="chat", url=URL, port=0):
        self.name = name
        self.log_path = os.path.join(OUT, f"{name}.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [WSLAB, "serve", "--port", str(port), "--mode", mode, "--cluster", url, "--node", name,
             "--trace-file", os.path.join(OUT, f"{name}.trace"), "--lang", "en", "--shutdown-grace", "2", "--lessons", OUT, *extra],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.port = None
        deadline = time.time() + 30
        while time.time() < deadline and self.proc.poll() is None:
            m = re.search(r"listening on ws://127\.0\.0\.1:(\d+)/", open(self.log_path).read())
            if m:
                self.port = int(m.group(1))
                break
            time.sleep(0.05)
        if self.port is None:
            raise RuntimeError(f"{name} did not start: {open(self.log_path).read()[-400:]}")
        nodes[name] = self

    def url(self, path):
        return f"ws://127.0.0.1:{self.port}{path}"

    def trace(self):
        return open(os.path.join(OUT, f"{self.name}.trace")).read()

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


async def receive(ws, count, timeout=20):
    got = []
    for _ in range(count):
        got.append(await asyncio.wait_for(ws.recv(), timeout))
    return got


async def nothing_more(ws, wait=0.3):
    try:
        extra = await asyncio.wait_for(ws.recv(), wait)
        return extra
    except asyncio.TimeoutError:
        return None


def configuration_errors():
    cases = [
        ("unreachable database", ["--cluster", "postgres://wslab@127.0.0.1:1/wslab", "--mode", "chat"],
         "cannot reach PostgreSQL at postgres://wslab@127.0.0.1:1/wslab: connection refused"),
        ("wrong password", ["--cluster", re.sub(r":wslab@", ":wrong@", URL), "--mode", "chat"],
         'password authentication failed for user "wslab"'),
        ("missing database", ["--cluster", URL.rsplit("/", 1)[0] + "/nosuchdb", "--mode", "chat"],
         'database "nosuchdb" does not exist'),
        ("echo mode", ["--cluster", URL], "add --mode chat or --mode broadcast"),
        ("bad URL", ["--cluster", "mysql://x@y/z", "--mode", "chat"], "it must start with postgres://"),
        ("table cannot be created", ["--cluster", re.sub(r"//wslab:wslab@", "//reader:reader@", URL), "--mode",
                                     "chat", "--cluster-table", "reader_messages"],
         "ask the database owner to run:\nCREATE TABLE IF NOT EXISTS reader_messages ("),
    ]
    for name, args, expected in cases:
        try:
            out = subprocess.run([WSLAB, "serve", "--port", "0", *args], capture_output=True, text=True, timeout=30,
                                 stdin=subprocess.DEVNULL)
            text = out.stdout + out.stderr
            report.check(f"clear error: {name}", out.returncode != 0 and expected in text,
                         f"exit {out.returncode}, output {text[-300:]!r}")
        except subprocess.TimeoutExpired:
            report.fail(f"clear error: {name}", "wslab serve did not exit within 30 s")


async def chat():
    n1, n2, n3 = Node("n1"), Node("n2"), Node("n3")
    report.check("the first node created the table", "created the table wslab_messages" in
                 "".join(n.trace() for n in (n1, n2, n3)), "no node says so in its trace")
    # Two talkers and one observer per node in /a, one member per node in /b.
    talkers = {f"{n.name}t{i}": await connect(n.url("/a"), max_size=None) for n in (n1, n2, n3) for i in range(2)}
    observers = {n.name: await connect(n.url("/a"), max_size=None) for n in (n1, n2, n3)}
    others = {n.name: await connect(n.url("/b"), max_size=None) for n in (n1, n2, n3)}
    per_talker = 40

    async def talk(name, ws):
        for i in range(per_talker):
            await ws.send(f"{name}:{i}")

    await asyncio.gather(*(talk(name, ws) for name, ws in talkers.items()))
    total = per_talker * len(talkers)
    seen = {name: await receive(ws, total) for name, ws in observers.items()}
    first = seen["n1"]
    report.check("every observer on every node got every message once",
                 all(sorted(s) == sorted(f"{t}:{i}" for t in talkers for i in range(per_talker))
                     for s in seen.values()), f"counts {[len(s) for s in seen.values()]}")
    report.check("all nodes delivered the room's messages in one order",
                 all(s == first for s in seen.values()), "the observers' sequences differ")
    report.check("each talker's messages stay in the order it sent them",
                 all([m for m in first if m.startswith(t + ":")] == [f"{t}:{i}" for i in range(per_talker)]
                     for t in talkers), "a talker's messages were reordered")
    ok = True
    for name, ws in talkers.items():
        got = await receive(ws, total - per_talker)
        if got != [m for m in first if not m.startswith(name + ":")]:
            ok = False
    report.check("talkers got everyone else's messages (not their own), in the same order", ok)
    extra = [await nothing_more(ws) for ws in list(observers.values()) + list(others.values())]
    report.check("nothing twice, and nothing leaks into another room", all(e is None for e in extra),
                 f"extra: {[e for e in extra if e is not None][:3]}")

    # Large messages cross nodes through the table (NOTIFY carries only the id).
    big_text = "x" * (100 * 1024)
    big_binary = os.urandom(1024 * 1024)
    await talkers["n1t0"].send(big_text)
    await talkers["n1t0"].send(big_binary)
    for name in ("n2", "n3"):
        got = await receive(observers[name], 2)
        report.check(f"100 KiB text and 1 MiB binary crossed to {name}", got == [big_text, big_binary],
                     f"got {[len(g) for g in got]}")
    await receive(observers["n1"], 2)
    for name, ws in talkers.items():
        if name != "n1t0":
            await receive(ws, 2)
    trace1, trace2 = n1.trace(), n2.trace()
    report.check("the trace shows the hop: INSERT and NOTIFY on the publishing node",
                 re.search(r"\[n1\] note: c\d+ → PostgreSQL: INSERT INTO wslab_messages \(id from the sequence\) and "
                           r"NOTIFY wslab, '<id> n1 \d+ text /a 6\\nn1t0:0'", trace1) is not None, trace1[-300:])
    report.check("the trace shows the hop: the NOTIFY arriving on another node",
                 re.search(r"\[n2\] note: PostgreSQL → NOTIFY id \d+ from n1 c\d+ \(room /a, 1048576 bytes, "
                           r"read from the row\) → 3 member\(s\) here", trace2) is not None, trace2[-300:])

    # n2 loses its database sessions during traffic: its members miss nothing.
    async def burst():
        for i in range(300):
            await talkers["n1t0"].send(f"burst:{i}")
            await talkers["n3t0"].send(f"burst3:{i}")
            if i == 100:
                killed = psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                              "WHERE application_name LIKE 'wslab n2 %'")
                report.check("terminated n2's database sessions during traffic", killed in ("2", "3"),
                             f"terminated {killed}")
            if i == 200:
                psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                     "WHERE application_name = 'wslab n1 publish'")

    sender = asyncio.create_task(burst())
    got2 = await receive(observers["n2"], 600, timeout=30)
    got1 = await receive(observers["n1"], 600, timeout=30)
    await sender
    report.check("n2's members missed nothing while its sessions were down, in the same order as n1's",
                 got2 == got1 and sorted(got2) == sorted([f"burst:{i}" for i in range(300)] +
                                                          [f"burst3:{i}" for i in range(300)]),
                 f"n2 got {len(got2)}, equal to n1: {got2 == got1}")
    report.check("n2 caught up from the table after reconnecting",
                 "listening again: LISTEN wslab, then read the rows after id" in n2.trace(), n2.trace()[-300:])
    report.check("n1 retried its publishing batch after losing its session (no duplicates)",
                 "publishing session back" in n1.trace() and await nothing_more(observers["n2"]) is None)
    await receive(observers["n3"], 600, timeout=30)
    for ws in list(talkers.values()):
        while await nothing_more(ws, 0.05) is not None:
            pass

    # SIGTERM on n3: 1012 to its clients; `wslab connect --reconnect` comes back when n3 does.
    client_out = open(os.path.join(OUT, "reconnect.out"), "w")
    client_err = open(os.path.join(OUT, "reconnect.err"), "w")
    client = subprocess.Popen([WSLAB, "connect", "--reconnect", "--reconnect-max", "1", n3.url("/a")],
                              stdin=subprocess.PIPE, stdout=client_out, stderr=client_err)
    time.sleep(0.5)
    port3 = n3.port
    n3.stop(signal.SIGTERM)
    closes = []
    for name in ("n3t0", "n3t1"):
        try:
            await asyncio.wait_for(talkers[name].wait_closed(), 10)
            closes.append(talkers[name].close_code)
        except asyncio.TimeoutError:
            closes.append(None)
    report.check("SIGTERM closes the node's clients with 1012 (service restart)", closes == [1012, 1012],
                 f"close codes {closes}")
    new3 = Node("n3b", port=port3)
    deadline = time.time() + 15
    while time.time() < deadline and open(os.path.join(OUT, "reconnect.err")).read().count("connected to") < 2:
        time.sleep(0.1)
    await talkers["n1t0"].send("after the restart")
    deadline = time.time() + 10
    while time.time() < deadline and "< after the restart" not in open(os.path.join(OUT, "reconnect.out")).read():
        time.sleep(0.1)
    err = open(os.path.join(OUT, "reconnect.err")).read()
    out = open(os.path.join(OUT, "reconnect.out")).read()
    report.check("wslab connect --reconnect reconnected with backoff and got a message from n1",
                 "closed: 1012 service restart" in out and "reconnecting in" in err and
                 "< after the restart" in out, f"stdout {out[-200:]!r} stderr {err[-300:]!r}")
    client.stdin.close()
    try:
        client.wait(10)
    except subprocess.TimeoutExpired:
        client.kill()
    for ws in list(talkers.values()) + list(observers.values()) + list(others.values()):
        await ws.close()
    for n in (n1, n2, new3):
        n.stop()


async def broadcast():
    b1 = Node("b1", "--cluster-table", "broadcast_messages", mode="broadcast")
    b2 = Node("b2", "--cluster-table", "broadcast_messages", mode="broadcast")
    clients = [await connect(b.url(p)) for b in (b1, b2) for p in ("/", "/x")]
    await clients[0].send("to everyone")
    got = [await receive(ws, 1) for ws in clients]
    report.check("broadcast reaches every client of every node, the sender too",
                 all(g == ["to everyone"] for g in got), f"got {got}")
    for ws in clients:
        await ws.close()
    b1.stop()
    b2.stop()


async def main():
    try:
        configuration_errors()
        await chat()
        await broadcast()
    except Exception as e:  # a check that could not finish fails the run
        report.fail("the cluster test finished", describe_exception(e))
    finally:
        for n in nodes.values():
            if n.proc.poll() is None:
                n.proc.kill()
    print(f"{report.passed} passed, {report.failed} failed")
    report.exit()


asyncio.run(main())
