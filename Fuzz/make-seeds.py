#!/usr/bin/env python3
"""Writes the seed corpora in Fuzz/Corpus/TARGET from the RFC vectors (shared VECTORS.md, RFC 6455
§5.7, RFC 7692 §7.2.3) and the real clients' handshakes (Tests/HandshakeTests/Fixtures). Each
target's input starts with the choice bytes its source file reads first (flags, limits, a split
seed); the rest is the protocol bytes. Run it again after changing a target's input layout:

  python3 Fuzz/make-seeds.py
"""
import os
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "Tests", "HandshakeTests", "Fixtures")
OUT = os.path.join(HERE, "Corpus")
SEED = bytes([0x12, 0x34, 0x56, 0x79])  # a split seed (odd: random chunks)


def h(s):
    return bytes.fromhex(s.replace(" ", ""))


def mask(key, payload):
    return bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def frame(opcode, payload, key=None, fin=True, rsv=0):
    b0 = (0x80 if fin else 0) | rsv | opcode
    n = len(payload)
    m = 0x80 if key else 0
    if n < 126:
        head = bytes([b0, m | n])
    elif n < 65536:
        head = bytes([b0, m | 126]) + n.to_bytes(2, "big")
    else:
        head = bytes([b0, m | 127]) + n.to_bytes(8, "big")
    return head + (key + mask(key, payload) if key else payload)


KEY = h("37 fa 21 3d")
RFC_SERVER_FRAMES = {  # sent by a server (unmasked): the client receives
    "rfc6455-5.7-text": h("81 05 48 65 6c 6c 6f"),
    "rfc6455-5.7-fragments": h("01 03 48 65 6c 80 02 6c 6f"),
    "rfc6455-5.7-ping": h("89 05 48 65 6c 6c 6f"),
    "rfc6455-5.7-binary-256": h("82 7e 01 00") + bytes(range(256)),
    "close-1000": frame(8, h("03 e8") + b"bye"),
}
RFC_CLIENT_FRAMES = {  # sent by a client (masked): the server receives
    "rfc6455-5.7-masked-text": h("81 85 37 fa 21 3d 7f 9f 4d 51 58"),
    "rfc6455-5.7-masked-pong": h("8a 85 37 fa 21 3d 7f 9f 4d 51 58"),
    "masked-fragments-ping-between": frame(1, b"Hel", KEY, fin=False) + frame(9, b"p", KEY) + frame(0, b"lo", KEY),
    "masked-close-1001": frame(8, h("03 e9"), KEY),
    "masked-utf8": frame(1, "κόσμε".encode(), KEY),
    "masked-binary-300": frame(2, bytes(range(256)) + bytes(44), KEY),
}
DEFLATE_PAYLOADS = {  # RFC 7692 §7.2.3, tail removed
    "rfc7692-7.2.3.1-hello": h("f2 48 cd c9 c9 07 00"),
    "rfc7692-7.2.3.2-takeover": h("f2 00 11 00 00"),
    "rfc7692-7.2.3.3-stored": h("00 05 00 fa ff 48 65 6c 6c 6f 00"),
    "rfc7692-7.2.3.4-bfinal": h("f3 48 cd c9 c9 07 00 00"),
    "rfc7692-7.2.3.5-two-blocks": h("f2 48 05 00 00 00 ff ff ca c9 c9 07 00"),
}


def dynamic_huffman():
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = c.compress(b"WebSocket " * 40 + bytes(range(64))) + c.flush(zlib.Z_SYNC_FLUSH)
    return data[:-4]


DEFLATE_PAYLOADS["zlib-dynamic-huffman"] = dynamic_huffman()


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def handshakes():
    for name in sorted(os.listdir(FIXTURES)):
        if name.endswith(".http"):
            with open(os.path.join(FIXTURES, name), "rb") as f:
                raw = f.read()
            # Fixtures are stored with LF or CRLF; the wire has CRLF.
            yield name[:-5], raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def main():
    for name, data in RFC_SERVER_FRAMES.items():
        write("FuzzFrameDecoder", name, bytes([1, 255, 255]) + SEED + data)
        write("FuzzDecode", name, bytes([2]) + data)
    for name, data in RFC_CLIENT_FRAMES.items():
        write("FuzzFrameDecoder", name, bytes([0, 255, 255]) + SEED + data)
        write("FuzzConnection", name, bytes([0]) + SEED + data)
        write("FuzzDecode", name, bytes([0]) + data)
    write("FuzzFrameDecoder", "limit-1009", bytes([0, 0, 0]) + SEED + frame(2, bytes(64), KEY))
    for name, payload in DEFLATE_PAYLOADS.items():
        write("FuzzInflate", name, bytes([0, 255, 6]) + SEED + payload)
        write("FuzzDeflateDissector", name, bytes([255]) + payload)
        write("FuzzConnection", "deflate-" + name, bytes([1]) + SEED + frame(1, payload, KEY, rsv=0x40))
        write("FuzzDecode", "deflate-" + name, bytes([4 | 2]) + frame(1, payload, rsv=0x40))
    write("FuzzDecode", "hex-text", bytes([8]) + b"81 85 37 fa 21 3d 7f 9f 4d 51 58")
    write("FuzzDecode", "hex-text-prefixed", bytes([8]) + b"0x81,0x05:48656c6c6f")
    for name, raw in handshakes():
        write("FuzzServerHandshake", name, SEED + raw)
        ext = [l.split(b":", 1)[1].strip() for l in raw.split(b"\r\n") if l.lower().startswith(b"sec-websocket-extensions:")]
        for i, value in enumerate(ext):
            write("FuzzExtensions", "%s-%d" % (name, i), bytes([0, 7, 7, 0, 7, 7]) + value)
    write("FuzzServerHandshake", "rfc6455-1.3", SEED + (
        b"GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://example.com\r\n"
        b"Sec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Version: 13\r\n\r\n"))
    for i, value in enumerate([
        b"permessage-deflate; client_max_window_bits; server_max_window_bits=10",
        b'permessage-deflate; server_no_context_takeover; client_max_window_bits="12", x-webkit-deflate-frame',
        b"foo, bar; baz=1, permessage-deflate",
    ]):
        write("FuzzExtensions", "rfc7692-offer-%d" % i, bytes([1, 5, 7, 2, 3, 7]) + value)
    responses = [
        b"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=12\r\nSec-WebSocket-Protocol: chat\r\n\r\n",
        b"Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n\r\n",
        b"\r\n",
    ]
    for i, r in enumerate(responses):
        write("FuzzClientHandshake", "valid-start-%d" % i, bytes([1]) + SEED + r)
    write("FuzzClientHandshake", "rfc6455-1.3-response", bytes([0]) + SEED + (
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n\r\n"))
    write("FuzzClientHandshake", "404", bytes([0]) + SEED + b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")


if __name__ == "__main__":
    main()
