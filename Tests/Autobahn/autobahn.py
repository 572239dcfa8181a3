#!/usr/bin/env python3
"""Runs the unmodified Autobahn|Testsuite (wstest) against wslab in one role and compares the
results, case by case, with a checked-in expected file.

  autobahn.py server --wstest W --serve 'wslab serve --host 127.0.0.1 --port 0' [--cases 1.*,2.*]
  autobahn.py client --wstest W --testee 'wslab connect --autobahn {url} --agent {agent}'
  autobahn.py compare --role server --index DIR/index.json     (compare an existing run again)
  autobahn.py expected --role server --index DIR/index.json    (print the expected file's policy)

Server role: `wstest -m fuzzingclient` connects to the server under test. Client role: `wstest -m
fuzzingserver` listens and the testee client runs every case (Autobahn's client convention).
wstest writes its reports (index.json, one JSON and HTML file per case) to --outdir.

The comparison covers both of Autobahn's verdicts per case: `behavior` (the case) and
`behaviorClose` (the closing handshake). Every difference is printed with the case id and
Autobahn's own reason (`result` / `resultClose` from the case's report). The run ends with a
per-group table (Markdown) and `# N cases as expected` or `# N of M cases differ from FILE`; exit
status 0 only when nothing differs.
"""

import argparse
import collections
import fnmatch
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))

GROUPS = collections.OrderedDict(
    [
        ("1", "Framing"),
        ("2", "Pings/Pongs"),
        ("3", "Reserved Bits"),
        ("4", "Opcodes"),
        ("5", "Fragmentation"),
        ("6", "UTF-8 Handling"),
        ("7", "Close Handling"),
        ("9", "Limits/Performance"),
        ("10", "Misc"),
        ("12", "Compression (payloads)"),
        ("13", "Compression (parameters)"),
    ]
)
VERDICTS = ["OK", "NON-STRICT", "INFORMATIONAL", "FAILED"]
# The cases Autobahn itself grades INFORMATIONAL (whatever the testee does, within reason).
INFORMATIONAL = {"7.1.6", "7.13.1", "7.13.2"}


def case_key(case_id):
    return [int(x) for x in case_id.split(".")]


def split_globs(value):
    return [x.strip() for x in (value or "").split(",") if x.strip()]


def selected(case_id, cases, exclude):
    def match(pats):
        return any(fnmatch.fnmatchcase(case_id, p) or case_id == p or case_id.startswith(p + ".") for p in pats)

    return (not cases or match(cases)) and not (exclude and match(exclude))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def log(msg):
    print(msg, flush=True)


class Process:
    """A child in its own process group, its output in a file, stopped with the whole group."""

    def __init__(self, name, argv, logpath, cwd=None):
        self.name = name
        self.logpath = logpath
        self.out = open(logpath, "wb")
        self.proc = subprocess.Popen(
            argv, stdout=self.out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=cwd, start_new_session=True
        )

    def alive(self):
        return self.proc.poll() is None

    def text(self):
        with open(self.logpath, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def tail(self, n=600):
        return self.text()[-n:].replace("\n", " | ")

    def wait(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, sig=signal.SIGTERM):
        if self.alive():
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            if self.wait(5) is None:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.wait(5)
        self.out.close()
        return self.proc.returncode


class Progress(threading.Thread):
    """Prints a line whenever wstest starts a new group of cases, with the count so far."""

    def __init__(self, proc, total, role):
        super().__init__(daemon=True)
        self.proc, self.total, self.role = proc, total, role
        self.stopped = threading.Event()
        self.started = time.monotonic()

    def run(self):
        seen, group = 0, None
        pos = 0
        while not self.stopped.wait(1.0):
            text = self.proc.text()
            for line in text[pos:].splitlines():
                if line.startswith("Running test case ID "):
                    seen += 1
                    g = line.split()[4].split(".")[0]
                    if g != group or seen % 50 == 0:
                        group = g
                        log(
                            "#   %s: [%d/%s] group %s (%s) after %.0f s"
                            % (self.role, seen, self.total or "?", g, GROUPS.get(g, "?"), time.monotonic() - self.started)
                        )
            pos = text.rfind("\n") + 1 if "\n" in text else 0

    def stop(self):
        self.stopped.set()


def wait_for(predicate, timeout, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


def write_spec(args, work, mode, **fields):
    """wstest's spec file for `mode`, with the selected cases; returns its path."""
    spec = dict(fields, cases=split_globs(args.cases) or ["*"], **{"exclude-cases": split_globs(args.exclude)})
    spec["exclude-agent-cases"] = {}
    path = os.path.join(work, mode + ".json")
    with open(path, "w") as f:
        json.dump(spec, f, indent=2)
    return path


def run_server_role(args, outdir, work):
    serve = Process("wslab serve", shlex.split(args.serve), os.path.join(work, "serve.log"))
    try:
        url = wait_for(lambda: next((l.split()[3] for l in serve.text().splitlines() if l.startswith("wslab: listening on ws://")), None) or (not serve.alive() and "dead"), 30)
        if not url or url == "dead":
            raise SystemExit("error: %s did not start listening within 30 s: %s" % (args.serve, serve.tail()))
        log("# server under test: %s at %s" % (args.serve, url))
        spec_path = write_spec(args, work, "fuzzingclient", outdir=outdir, servers=[{"agent": args.agent, "url": url.rstrip("/")}])
        wstest = Process("wstest", [args.wstest, "-m", "fuzzingclient", "-s", spec_path], os.path.join(work, "wstest.log"), cwd=work)
        progress = Progress(wstest, None, "server")
        progress.start()
        status = wstest.wait(args.timeout)
        progress.stop()
        if status is None:
            wstest.stop()
            raise SystemExit("error: wstest -m fuzzingclient still running after %d s (last output: %s)" % (args.timeout, wstest.tail()))
        wstest.stop()
        if not serve.alive():
            log("# wslab serve exited during the run: %s" % serve.tail())
        if status != 0:
            raise SystemExit("error: wstest -m fuzzingclient exited with %s: %s" % (status, wstest.tail()))
    finally:
        serve.stop(signal.SIGTERM)


def run_client_role(args, outdir, work):
    port = free_port()
    url = "ws://127.0.0.1:%d" % port
    spec_path = write_spec(args, work, "fuzzingserver", outdir=outdir, url=url)
    wstest = Process("wstest", [args.wstest, "-m", "fuzzingserver", "-s", spec_path, "-u", "0"], os.path.join(work, "wstest.log"), cwd=work)
    testee = None
    try:
        def listening():
            if not wstest.alive():
                return "dead"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return "yes"
            except OSError:
                return None

        if wait_for(listening, 60) != "yes":
            raise SystemExit("error: wstest -m fuzzingserver did not listen on %s within 60 s: %s" % (url, wstest.tail()))
        total = next((l.split()[3] for l in wstest.text().splitlines() if l.startswith("Ok, will run")), "?")
        command = args.testee.format(url=url, agent=args.agent)
        log("# fuzzing server at %s (%s cases); client under test: %s" % (url, total, command))
        testee = Process("testee", shlex.split(command), os.path.join(work, "testee.log"))
        progress = Progress(wstest, total, "client")
        progress.start()
        status = testee.wait(args.timeout)
        progress.stop()
        if status is None:
            testee.stop()
            raise SystemExit("error: the client under test still running after %d s (last output: %s)" % (args.timeout, testee.tail()))
        # The testee asked for /updateReports last; give wstest a moment to finish writing.
        if not wait_for(lambda: os.path.exists(os.path.join(outdir, "index.json")), 30):
            raise SystemExit("error: no index.json from wstest after the client exited with %s: %s" % (status, testee.tail()))
        if status != 0:
            log("# the client under test exited with %s: %s" % (status, testee.tail(300)))
    finally:
        if testee:
            testee.stop()
        wstest.stop()


def load_results(index_path):
    with open(index_path) as f:
        index = json.load(f)
    if len(index) != 1:
        raise SystemExit("error: %s has %d agents (%s); expected one" % (index_path, len(index), ", ".join(index)))
    agent, cases = next(iter(index.items()))
    outdir = os.path.dirname(index_path)
    results = {}
    for case_id, entry in cases.items():
        detail = {}
        report = os.path.join(outdir, entry.get("reportfile", ""))
        if entry.get("reportfile") and os.path.exists(report):
            with open(report) as f:
                detail = json.load(f)
        results[case_id] = {
            "behavior": entry["behavior"],
            "behaviorClose": entry["behaviorClose"],
            "remoteCloseCode": entry.get("remoteCloseCode"),
            "duration": entry.get("duration"),
            "result": detail.get("result", ""),
            "resultClose": detail.get("resultClose", ""),
        }
    return agent, results


def table(results):
    """Markdown: one row per group, the number of cases per Autobahn verdict."""
    counts = collections.OrderedDict((g, collections.Counter()) for g in GROUPS)
    for case_id, r in results.items():
        g = case_id.split(".")[0]
        counts.setdefault(g, collections.Counter())
        v = r["behavior"] if r["behavior"] in VERDICTS else "FAILED"
        counts[g][v] += 1
    lines = ["| group | cases | OK | NON-STRICT | INFORMATIONAL | FAILED |", "|---|---:|---:|---:|---:|---:|"]
    total = collections.Counter()
    for g, c in counts.items():
        n = sum(c.values())
        if not n:
            continue
        total.update(c)
        lines.append("| %s %s | %d | %s |" % (g, GROUPS.get(g, ""), n, " | ".join(str(c[v]) for v in VERDICTS)))
    lines.append("| **all** | **%d** | %s |" % (sum(total.values()), " | ".join("**%d**" % total[v] for v in VERDICTS)))
    return "\n".join(lines)


def compare(role, results, expected_path, cases, exclude):
    with open(expected_path) as f:
        expected = json.load(f)["cases"]
    differences = []
    considered = 0
    for case_id in sorted(set(expected) | set(results), key=case_key):
        if not selected(case_id, cases, exclude):
            continue
        considered += 1
        want = expected.get(case_id)
        got = results.get(case_id)
        if want is None:
            differences.append("%s: not in %s (got %s / close %s)" % (case_id, os.path.basename(expected_path), got["behavior"], got["behaviorClose"]))
        elif got is None:
            differences.append("%s: expected %s / close %s, but the case did not run" % (case_id, want[0], want[1]))
        elif [got["behavior"], got["behaviorClose"]] != want:
            reason = got["result"] if got["behavior"] != want[0] else got["resultClose"]
            differences.append(
                "%s: expected %s / close %s, got %s / close %s (remote close code %s): %s"
                % (case_id, want[0], want[1], got["behavior"], got["behaviorClose"], got["remoteCloseCode"], reason)
            )
    for d in differences:
        log("not ok - %s %s" % (role, d))
    if differences:
        log("# %d of %d cases differ from %s" % (len(differences), considered, os.path.basename(expected_path)))
        return 1
    log("# %d cases as expected (%s, behaviour and closing behaviour)" % (considered, os.path.basename(expected_path)))
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("role", choices=["server", "client", "compare", "expected"])
    p.add_argument("--wstest", help="the wstest command (scripts/install-autobahn.sh prints it)")
    p.add_argument("--serve", help="server role: the command that starts the server under test on a free port")
    p.add_argument("--testee", help="client role: the client under test; {url} and {agent} are filled in")
    p.add_argument("--agent", default="wslab")
    p.add_argument("--cases", default="", help="comma-separated case globs (wstest's syntax), default all")
    p.add_argument("--exclude", default="", help="comma-separated case globs to leave out")
    p.add_argument("--outdir", default=os.path.join(HERE, "..", "..", ".build", "autobahn"))
    p.add_argument("--timeout", type=int, default=3600, help="seconds for the whole role")
    p.add_argument("--expected", help="default: expected-ROLE.json beside this script")
    p.add_argument("--as-role", dest="as_role", choices=["server", "client"], help="compare/expected: the role")
    p.add_argument("--index", help="compare/expected: an index.json written by wstest")
    args = p.parse_args()

    role = args.role if args.role in ("server", "client") else args.as_role
    if not role:
        p.error("compare and expected need --as-role server|client")
    expected_path = args.expected or os.path.join(HERE, "expected-%s.json" % role)

    if args.role in ("server", "client"):
        if not args.wstest:
            p.error("--wstest is needed")
        if os.path.exists(args.wstest):
            args.wstest = os.path.abspath(args.wstest)  # wstest runs in a scratch folder
        outdir = os.path.abspath(os.path.join(args.outdir, role))
        if os.path.exists(outdir):
            for name in os.listdir(outdir):
                os.remove(os.path.join(outdir, name))
        os.makedirs(outdir, exist_ok=True)
        work = tempfile.mkdtemp(prefix="wslab-autobahn-")
        started = time.monotonic()
        try:
            if role == "server":
                if not args.serve:
                    p.error("server needs --serve")
                run_server_role(args, outdir, work)
            else:
                if not args.testee:
                    p.error("client needs --testee")
                run_client_role(args, outdir, work)
        except SystemExit as e:
            log("not ok - %s: %s" % (role, e))
            log("# logs kept in %s" % work)
            return 2
        index_path = os.path.join(outdir, "index.json")
        log("# %s role ran in %.0f s; reports in %s" % (role, time.monotonic() - started, outdir))
    else:
        index_path = args.index or os.path.join(os.path.abspath(args.outdir), role, "index.json")

    agent, results = load_results(index_path)
    if args.role == "expected":
        # The policy: OK for every case and its closing behaviour, except those Autobahn grades
        # INFORMATIONAL whatever the testee does.
        out = {}
        for case_id in sorted(results, key=case_key):
            out[case_id] = ["INFORMATIONAL", "INFORMATIONAL" if results[case_id]["behaviorClose"] == "INFORMATIONAL" else "OK"] if case_id in INFORMATIONAL else ["OK", "OK"]
        body = ",\n".join('    "%s": ["%s", "%s"]' % (k, v[0], v[1]) for k, v in out.items())
        print('{\n  "suite": "Autobahn|Testsuite 25.10.1",\n  "role": "%s",\n  "cases": {\n%s\n  }\n}' % (role, body))
        return 0
    log("# Autobahn results for agent %s (%s role):" % (agent, role))
    log(table(results))
    return compare(role, results, expected_path, split_globs(args.cases), split_globs(args.exclude))


if __name__ == "__main__":
    sys.exit(main())
