#!/usr/bin/env python3
"""tshark reads the lessons' captures and must see what WSLab's own trace says, frame for frame.

Usage: capture_test.py BIN_DIR WORK_DIR LESSON...   (LESSON: 01, 03, 04, ...)

Each lesson runs with --pcap (the capture) and --pcap-frames (the records WSLab's codec made of
the frames it put in the capture, with the message they inflate to when compressed). tshark
(Wireshark's dissectors, nothing of WSLab's) reads the capture as PDML; for each direction of
each TCP stream, the WebSocket frames it finds are compared in order with WSLab's records:
FIN, RSV1, opcode, MASK, masking key, payload length, the unmasked text or control payload, and
the inflated text of compressed messages. Handshake-only connections are checked for their HTTP
status lines. Prints `ok - name` / `not ok - name: why`; exits 1 if any check failed.
"""

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Peers"))
from peerlib import Report  # noqa: E402

SERVER_PORT = "80"  # the lessons' captures put the server on 127.0.0.1:80


def tshark_frames(pcap):
    """{(stream, side): [frame]} and [(stream, side, http status or method)] from tshark's PDML."""
    out = subprocess.run(["tshark", "-r", pcap, "-T", "pdml", "-o", "websocket.enable_pmc:TRUE"],
                         capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        out = subprocess.run(["tshark", "-r", pcap, "-T", "pdml"], capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"tshark failed: {out.stderr.strip()[:300]}")
    frames, http = {}, []
    for packet in ET.fromstring(out.stdout).iter("packet"):
        fields = {f.get("name"): f for f in packet.iter("field")}
        stream = fields["tcp.stream"].get("show")
        side = "server" if fields["tcp.srcport"].get("show") == SERVER_PORT else "client"
        packet_frames = []
        for proto in packet.iter("proto"):
            if proto.get("name") == "http":
                for f in proto.iter("field"):
                    if f.get("name") == "http.response.code":
                        http.append((stream, side, f.get("show")))
                    if f.get("name") == "http.request.method":
                        http.append((stream, side, f.get("show")))
            if proto.get("name") in ("data", "fake-field-wrapper") and packet_frames:
                # A binary payload is handed to the "data" dissector, right after its frame.
                for f in proto.iter("field"):
                    if f.get("name") == "data.data":
                        packet_frames[-1].setdefault("data.data", f.get("value"))
                continue
            if proto.get("name") != "websocket":
                continue
            frame = {}
            for f in proto.iter("field"):
                name, show, value = f.get("name"), f.get("show"), f.get("value")
                if name in ("websocket.fin", "websocket.mask", "websocket.opcode", "websocket.payload_length",
                            "websocket.payload_length_ext_16", "websocket.payload_length_ext_64",
                            "websocket.pmc", "websocket.payload.close.status_code"):
                    frame.setdefault(name, show)
                elif name == "websocket.masking_key":
                    frame.setdefault(name, value)
                elif name in ("websocket.payload.text", "websocket.payload.ping", "websocket.payload.pong",
                              "data.data"):
                    frame.setdefault(name, value)
            frames.setdefault((stream, side), []).append(frame)
            packet_frames.append(frame)
    return frames, http


def wslab_frame(record):
    """The fields of WSLab's record, as tshark names them."""
    fields = {f["name"]: f for f in record["fields"]}
    wire = bytes.fromhex(record["bytes"].replace(" ", ""))
    out = {
        "websocket.fin": fields["FIN"]["value"],
        "websocket.opcode": str(int(fields["opcode"]["value"], 16)),
        "websocket.mask": fields["MASK"]["value"],
        "rsv1": fields["RSV1-3"]["value"][0],
        "length": fields["ext. length"]["value"] if "ext. length" in fields else fields["length"]["value"],
    }
    key = b""
    if "masking key" in fields:
        key = bytes.fromhex(fields["masking key"]["value"].replace(" ", ""))
        out["websocket.masking_key"] = key.hex()
    if "payload" in fields:
        p = fields["payload"]
        payload = wire[p["start"]:p["end"]]
        if key:
            payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
        out["payload"] = payload
        out["value"] = p["value"]
    if "status code" in fields:
        out["status"] = fields["status code"]["value"]
    return out


def compare(report, name, theirs, ours):
    """One direction of one stream: tshark's frames against WSLab's records, in order."""
    if not report.check(f"{name}: {len(ours)} frames, as many as WSLab traced", len(theirs) == len(ours),
                        f"tshark found {len(theirs)}, WSLab traced {len(ours)}"):
        return
    fragments = b""
    for i, (t, entry) in enumerate(zip(theirs, ours)):
        w = wslab_frame(entry["record"])
        tlen = t.get("websocket.payload_length_ext_64") or t.get("websocket.payload_length_ext_16") \
            or t.get("websocket.payload_length")
        problems = []
        for key in ("websocket.fin", "websocket.opcode", "websocket.mask", "websocket.masking_key"):
            if key in w and t.get(key) != w[key]:
                problems.append(f"{key}: tshark {t.get(key)}, WSLab {w[key]}")
        if tlen != w["length"]:
            problems.append(f"length: tshark {tlen}, WSLab {w['length']}")
        if (t.get("websocket.pmc") == "1") != (w["rsv1"] == "1"):
            problems.append(f"RSV1/compressed: tshark {t.get('websocket.pmc')}, WSLab {w['rsv1']}")
        opcode = int(w["websocket.opcode"])
        payload = w.get("payload", b"")
        if w["rsv1"] == "1":
            text = bytes.fromhex(t.get("websocket.payload.text", "")).decode("utf-8", "replace")
            if text != entry.get("message"):
                problems.append(f"inflated text: tshark {text!r}, WSLab {entry.get('message')!r}")
        elif opcode in (0, 1):
            fragments = (fragments if opcode == 0 else b"") + payload
            if w["websocket.fin"] == "1":
                text = bytes.fromhex(t.get("websocket.payload.text", "")).decode("utf-8", "replace")
                if text != fragments.decode("utf-8", "replace"):
                    problems.append(f"text: tshark {text!r}, WSLab {fragments!r}")
        elif opcode in (9, 10):
            key = "websocket.payload.ping" if opcode == 9 else "websocket.payload.pong"
            if t.get(key, "") != payload.hex():
                problems.append(f"{key}: tshark {t.get(key)}, WSLab {payload.hex()}")
        elif opcode == 2:
            if t.get("data.data", "") != payload.hex():
                problems.append(f"binary: tshark {t.get('data.data', '')[:40]}, WSLab {payload.hex()[:40]}")
        elif opcode == 8 and "status" in w:
            if t.get("websocket.payload.close.status_code") != w["status"]:
                problems.append(f"close code: tshark {t.get('websocket.payload.close.status_code')}, "
                                f"WSLab {w['status']}")
        report.check(f"{name} frame {i + 1} ({entry['record']['title']}): tshark agrees", not problems,
                     "; ".join(problems))


def check_server_capture(report, bin_dir, work, lesson, expected_text):
    """Lessons 5 and 6 capture through their real server: tshark must find the WebSocket traffic
    (decoded as HTTP on the server's ports, which are not 80) and the lesson's message."""
    pcap = os.path.join(work, f"lesson{lesson}.pcapng")
    run = subprocess.run([os.path.join(bin_dir, f"Lesson{lesson}"), "--no-pause", "--no-color", "--pcap", pcap],
                         capture_output=True, timeout=600)
    if not report.check(f"lesson {lesson}: runs and its server writes the capture",
                        run.returncode == 0 and os.path.getsize(pcap) > 0, f"status {run.returncode}"):
        return
    syns = subprocess.run(["tshark", "-r", pcap, "-Y", "tcp.flags == 0x002", "-T", "fields", "-e", "tcp.dstport"],
                          capture_output=True, text=True, timeout=120).stdout.split()
    decode = [arg for port in sorted(set(syns)) for arg in ("-d", f"tcp.port=={port},http")]
    texts = subprocess.run(["tshark", "-r", pcap, *decode, "-Y", "websocket", "-T", "fields",
                            "-e", "websocket.opcode", "-e", "websocket.payload.text"],
                           capture_output=True, text=True, timeout=120).stdout.splitlines()
    if expected_text is None:
        # Lesson 6's ping-pong: binary messages, hundreds of them each way.
        binary = sum(1 for line in texts if line.split("\t")[0] == "2")
        report.check(f"lesson {lesson}: tshark finds {len(syns)} connections and {binary} binary frames in the "
                     "server's capture", binary >= 200 and len(syns) >= 2, f"{len(syns)} SYNs, {len(texts)} frames")
        return
    found = sum(1 for line in texts if line.split("\t")[-1] == expected_text)
    report.check(f"lesson {lesson}: tshark finds {len(syns)} connections and the message "
                 f"{expected_text!r} ({found} times) in the server's capture", found >= 2 and len(syns) >= 2,
                 f"{len(syns)} SYNs, {len(texts)} frames, {found} with the text")


def main():
    bin_dir, work, lessons = sys.argv[1], sys.argv[2], sys.argv[3:]
    report = Report()
    os.makedirs(work, exist_ok=True)
    for lesson in lessons:
        if lesson in ("05", "06"):
            check_server_capture(report, bin_dir, work, lesson, "hi, room" if lesson == "05" else None)
            continue
        pcap = os.path.join(work, f"lesson{lesson}.pcapng")
        sidecar = os.path.join(work, f"lesson{lesson}.frames.json")
        run = subprocess.run([os.path.join(bin_dir, f"Lesson{lesson}"), "--no-pause", "--no-color",
                              "--pcap", pcap, "--pcap-frames", sidecar],
                             capture_output=True, timeout=300)
        if not report.check(f"lesson {lesson}: runs and writes its capture", run.returncode == 0
                            and os.path.getsize(pcap) > 0, f"status {run.returncode}"):
            continue
        try:
            theirs, http = tshark_frames(pcap)
        except Exception as e:  # noqa: BLE001
            report.fail(f"lesson {lesson}: tshark reads the capture", e)
            continue
        report.ok(f"lesson {lesson}: tshark reads the capture ({len(http)} HTTP heads, "
                  f"{sum(len(v) for v in theirs.values())} WebSocket frames)")
        ours = {}
        for entry in json.load(open(sidecar, encoding="utf-8")):
            stream = str(entry["connection"] - 1)  # connections are numbered from 1, streams from 0
            ours.setdefault((stream, entry["from"]), []).append(entry)
        for key in sorted(set(theirs) | set(ours)):
            compare(report, f"lesson {lesson} stream {key[0]} {key[1]}", theirs.get(key, []), ours.get(key, []))
        if lesson == "01":
            statuses = [s for _, side, s in http if side == "server"]
            report.check("lesson 01: tshark reads the statuses 101, 426, 400, 403", statuses == ["101", "426", "400", "403"],
                         f"got {statuses}")
    report.exit()


if __name__ == "__main__":
    main()
