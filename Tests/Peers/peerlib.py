"""Small helpers shared by the Python peer scripts (TAP-like output, RSV1 counting)."""

import sys
import traceback

from websockets.extensions.permessage_deflate import PerMessageDeflate
from websockets.frames import Opcode


class Report:
    """Prints one line per check: `ok - name` or `not ok - name: why`."""

    def __init__(self, prefix=""):
        self.prefix = prefix
        self.passed = 0
        self.failed = 0

    def ok(self, name):
        self.passed += 1
        print(f"ok - {self.prefix}{name}", flush=True)

    def fail(self, name, why):
        self.failed += 1
        why = " ".join(str(why).split())  # one line
        if len(why) > 300:
            why = why[:300] + "..."
        print(f"not ok - {self.prefix}{name}: {why}", flush=True)

    def check(self, name, condition, why=""):
        if condition:
            self.ok(name)
        else:
            self.fail(name, why or "check failed")
        return condition

    def exit(self):
        sys.exit(1 if self.failed else 0)


def describe_exception(e):
    """One-line description of an exception, including its type."""
    text = str(e) or repr(e)
    return f"{type(e).__name__}: {text}"


def short(data, limit=40):
    """Short printable form of a message for failure messages."""
    if isinstance(data, str):
        return repr(data[:limit]) + (f"... ({len(data)} chars)" if len(data) > limit else "")
    if isinstance(data, (bytes, bytearray)):
        head = bytes(data[:limit // 2]).hex()
        return f"bytes[{len(data)}] {head}" + ("..." if len(data) > limit // 2 else "")
    return repr(data)


def diff(expected, got):
    """Why two messages differ, in one line."""
    if type(expected) is not type(got):
        return f"expected {type(expected).__name__}, got {type(got).__name__} ({short(got)})"
    if len(expected) != len(got):
        return f"expected {len(expected)} {'chars' if isinstance(expected, str) else 'bytes'}, got {len(got)}"
    for i, (a, b) in enumerate(zip(expected, got)):
        if a != b:
            return f"first difference at offset {i}: expected {a!r}, got {b!r}"
    return "equal"


# --- Count compressed (RSV1) data frames received, per permessage-deflate extension instance ---
# websockets strips RSV1 while inflating, so wrap its decoder to remember how many data frames
# the peer actually sent compressed. Read it with compressed_frames(connection).

_original_decode = PerMessageDeflate.decode


def _counting_decode(self, frame, *args, **kwargs):
    if frame.opcode in (Opcode.TEXT, Opcode.BINARY) and frame.rsv1:
        self.wslab_rsv1_frames = getattr(self, "wslab_rsv1_frames", 0) + 1
    return _original_decode(self, frame, *args, **kwargs)


PerMessageDeflate.decode = _counting_decode


def compressed_frames(connection):
    """Number of compressed messages received so far on a websockets connection."""
    return sum(getattr(ext, "wslab_rsv1_frames", 0) for ext in connection.protocol.extensions)


def print_traceback_to_stderr():
    traceback.print_exc(file=sys.stderr)
