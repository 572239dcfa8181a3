// Lesson 02 — frames (RFC 6455 §5).
//
// Every byte below is produced by the real FrameEncoder or consumed by the real FrameDecoder and
// MessageAssembler, and rendered from the trace records they report. Nothing is hand-formatted.

import Connection
import Framing
import Handshake
import LessonSupport
import NIOCore
import Trace

var lesson = Lesson(number: 2, title: "frames", chinese: chinese)
let rfcKey = MaskingKey(0x37, 0xfa, 0x21, 0x3d)  // the masking key of RFC 6455 §5.7
let hello = Array("Hello".utf8)

/// Encodes one frame with the real encoder and returns its bytes and trace.
func encode(
  _ opcode: Opcode, fin: Bool = true, rsv: UInt8 = 0, key: MaskingKey? = nil, _ payload: [UInt8],
  direction: TraceDirection
) -> (bytes: [UInt8], record: TraceRecord) {
  let log = TraceLog()
  let encoder = FrameEncoder(direction: direction, observer: log)
  let bytes = encoder.frameBytes(opcode: opcode, fin: fin, rsv: rsv, maskingKey: key, payload: payload)
  return (bytes, log.records[0])
}

/// Compares real output with a vector quoted from the RFC.
@MainActor func check(_ bytes: [UInt8], against rfc: String, _ source: String) {
  let ok = bytes.hexString == rfc
  let width = max(source.count, 13)
  lesson.line(source.padded(to: width) + "  " + rfc)
  lesson.line("WSLab encoder".padded(to: width) + "  " + bytes.hexString + "  " + (ok ? "✓ identical" : "✗ DIFFERENT"))
  lesson.line()
}

lesson.banner(
  "What travels after the handshake: frames, bit by bit. RFC 6455 §5, checked against the §5.7 examples.")

// MARK: - 1. The header
lesson.heading("The frame header (RFC 6455 §5.2)")
lesson.say(
  """
  After the opening handshake both sides stop speaking HTTP and exchange frames. Every frame \
  starts with a 2-byte header, optionally followed by an extended length (2 or 8 bytes) and a \
  4-byte masking key, then the payload:

    byte 0:  FIN (1 bit) | RSV1 RSV2 RSV3 (1 bit each) | opcode (4 bits)
    byte 1:  MASK (1 bit) | payload length (7 bits: 0-125, or 126 / 127)
    then:    extended length (16-bit if 126, 64-bit if 127), big-endian
    then:    masking key (4 bytes, only if MASK = 1)
    then:    payload

  So a header is 2 to 14 bytes. In the dissections below, the "bits" column shows which bits of \
  a byte a field occupies (dots are the other bits).
  """)

// MARK: - 2. Unmasked Hello
lesson.heading("A single-frame unmasked text message: \"Hello\" (RFC 6455 §5.7)")
lesson.say(
  """
  A server sends "Hello" to a client. Servers never mask (§5.1), so the payload travels as plain \
  UTF-8. The encoder writes FIN=1 (the message is complete in this frame), opcode 0x1 (text) and \
  length 5:
  """)
let unmasked = encode(.text, hello, direction: .serverToClient)
lesson.show(unmasked.record)
check(unmasked.bytes, against: "81 05 48 65 6c 6c 6f", "RFC 6455 §5.7")

// MARK: - 3. Masked Hello
lesson.heading("The same message from a client: masked (RFC 6455 §5.3)")
lesson.say(
  """
  A client must mask every frame it sends (§5.1), with a fresh unpredictable 32-bit key per frame \
  (§5.3) so that a malicious page cannot choose the bytes that cross a proxy. The RFC's example \
  uses the key 37 fa 21 3d; MASK becomes 1, the key follows the length, and each payload byte i \
  is XORed with key byte (i mod 4):
  """)
let masked = encode(.text, key: rfcKey, hello, direction: .clientToServer)
lesson.show(masked.record)
lesson.markKeyBytes("\"Hello\" from a client, masked with the key of RFC 6455 §5.7.")
check(masked.bytes, against: "81 85 37 fa 21 3d 7f 9f 4d 51 58", "RFC 6455 §5.7")

lesson.say("The server decodes it. Here is the byte-by-byte unmasking the decoder performs:")
var serverDecoder = FrameDecoder(role: .server)
serverDecoder.append(contentsOf: masked.bytes)
let decodedHello = try! serverDecoder.next()!
let wirePayload = Array(masked.bytes.suffix(hello.count))
let unmaskedPayload = Array(decodedHello.payload.readableBytesView)
lesson.table(
  ["i", "masked byte", "key byte (i mod 4)", "unmasked", "char"],
  (0..<wirePayload.count).map { i in
    [
      String(i), Trace.hex(wirePayload[i]), "\(Trace.hex(rfcKey[i])) (key[\(i % 4)])", Trace.hex(unmaskedPayload[i]),
      Trace.quoted([unmaskedPayload[i]]),
    ]
  })
lesson.say(
  """
  XOR is its own inverse: masking twice with the same key gives the original bytes back, which is \
  why one function serves both the client (masking) and the server (unmasking). WSLab's hot path \
  does this 32 bytes per step with the key rotated to the starting offset; a per-byte version \
  exists only as the reference the tests compare it with.
  """)

// MARK: - 4. Lengths
lesson.heading("Payload lengths: 7, 16 or 64 bits (RFC 6455 §5.2)")
lesson.say(
  """
  Lengths up to 125 fit in the 7-bit field. 126 means "the real length is in the next 2 bytes", \
  127 means "in the next 8 bytes". The sender must use the shortest form (§5.2: "the minimal \
  number of bytes MUST be used"), so every length has exactly one encoding. The headers the encoder \
  writes at the boundaries (unmasked binary frames, as a server sends them):
  """)
let boundaries = [0, 125, 126, 256, 65535, 65536, 1 << 20]
lesson.table(
  ["payload bytes", "header bytes", "header size", "length field"],
  boundaries.map { n in
    let header = FrameHeader(opcode: .binary, payloadLength: n)
    let form = n <= 125 ? "7-bit" : (n <= 0xffff ? "126 + 16-bit" : "127 + 64-bit")
    return [String(n), header.bytes.hexString, "\(header.bytes.count)", form]
  })
lesson.say("The RFC's own examples, 256 bytes and 64 KiB of binary data, dissected (payloads abbreviated):")
let b256 = encode(.binary, [UInt8](repeating: 0xab, count: 256), direction: .serverToClient)
lesson.show(b256.record)
check(Array(b256.bytes.prefix(4)), against: "82 7e 01 00", "RFC 6455 §5.7 (header)")
let b64k = encode(.binary, [UInt8](repeating: 0xcd, count: 65536), direction: .serverToClient)
lesson.show(b64k.record)
check(Array(b64k.bytes.prefix(10)), against: "82 7f 00 00 00 00 00 01 00 00", "RFC 6455 §5.7 (header)")

// MARK: - 5. Fragmentation
lesson.heading("Fragmentation, with a ping in the middle (RFC 6455 §5.4)")
lesson.say(
  """
  A message may be split into fragments: the first frame carries the type (text or binary) with \
  FIN=0, the following frames are continuations (opcode 0x0), and the last has FIN=1. Control \
  frames (close, ping, pong) may be injected between fragments, so a long message never delays a \
  ping, but they cannot be fragmented themselves. A client sends a text message in three \
  fragments and a ping between the second and the third:
  """)
var stream: [UInt8] = []
var fragmentRecords: [TraceRecord] = []
let keys = [
  MaskingKey(0x37, 0xfa, 0x21, 0x3d), MaskingKey(0x4e, 0x92, 0x0b, 0x71), MaskingKey(0xc3, 0x18, 0x5a, 0xe6),
  MaskingKey(0x0f, 0x66, 0xd4, 0x29),
]
for (opcode, fin, text, key) in [
  (Opcode.text, false, "Hel", keys[0]), (.continuation, false, "lo, ", keys[1]),
  (.ping, true, "are you there?", keys[2]),
  (.continuation, true, "world!", keys[3]),
] {
  let encoded = encode(opcode, fin: fin, key: key, Array(text.utf8), direction: .clientToServer)
  stream += encoded.bytes
  fragmentRecords.append(encoded.record)
}
lesson.say(
  "The server receives these \(stream.count) bytes, here fed to the decoder one byte at a time (any chunking works):")
let log = TraceLog()
var decoder = FrameDecoder(role: .server, observer: log)
var assembler = MessageAssembler()
for byte in stream {
  decoder.append(contentsOf: [byte])
  while let frame = try! decoder.next() {
    lesson.show(log.drain())
    switch try! assembler.append(frame) {
    case nil:
      lesson.line("→ assembler: fragment buffered (\(assembler.bufferedBytes) bytes of a text message so far)")
    case .ping(let payload)?:
      lesson.line("→ assembler: ping delivered at once, between fragments: \(Trace.quoted(payload.readableBytesView))")
    case .text(let text)?:
      lesson.line("→ assembler: message complete: text \(Trace.quoted(Array(text.utf8)))")
    case let other?:
      lesson.line("→ assembler: \(other)")
    }
    lesson.line()
  }
}
lesson.say(
  """
  Only the FIN=1 continuation completes the message; the ping was handed up immediately (an \
  endpoint answers it with a pong, lesson 3). Text is checked as UTF-8 fragment by fragment: the \
  check fails at the first byte that can no longer be part of valid UTF-8, even if the message \
  is not complete yet (§8.1).
  """)

// MARK: - 6. Invalid frames
lesson.heading("Invalid frames and the close code each one earns (RFC 6455 §7.1.7, §7.4.1)")
lesson.say(
  """
  A receiver that finds a frame breaking a rule must fail the connection: send a close frame with \
  the right status code (if it still can) and drop the TCP connection. The decoder checks each \
  rule as soon as the byte carrying it arrives. The bytes below are what a broken or hostile peer \
  sends; the dissection and the verdict come from the real decoder. Where the encoder can produce \
  the frame (a rule the receiver enforces, not the sender), it does.
  """)

struct BadCase {
  let title: String
  let receiver: Role
  let bytes: [UInt8]
  var maxFrameSize = 16 << 20
  var maxMessageSize = 16 << 20
}
let enc = FrameEncoder()
let badCases: [BadCase] = [
  BadCase(
    title: "RSV1 set, but no extension was negotiated", receiver: .client,
    bytes: enc.frameBytes(opcode: .text, rsv: 0x40, payload: hello)),
  BadCase(
    title: "reserved opcode 0x3", receiver: .client,
    bytes: enc.frameBytes(opcode: Opcode(rawValue: 0x3), payload: hello)),
  BadCase(
    title: "a fragmented ping (FIN = 0)", receiver: .client,
    bytes: enc.frameBytes(opcode: .ping, fin: false, payload: hello)),
  BadCase(
    title: "a ping with 126 bytes of payload", receiver: .client,
    bytes: enc.frameBytes(opcode: .ping, payload: [UInt8](repeating: 0x61, count: 126))),
  BadCase(
    title: "an unmasked frame sent to a server", receiver: .server, bytes: enc.frameBytes(opcode: .text, payload: hello)
  ),
  BadCase(
    title: "a masked frame sent to a client", receiver: .client,
    bytes: enc.frameBytes(opcode: .text, maskingKey: rfcKey, payload: hello)),
  BadCase(
    title: "length 5 written in the 16-bit form (non-minimal)", receiver: .client,
    bytes: [0x81, 0x7e, 0x00, 0x05] + hello),
  BadCase(
    title: "64-bit length with the most significant bit set", receiver: .client,
    bytes: [0x82, 0x7f, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05]),
  BadCase(
    title: "a 2000-byte frame to a receiver whose frame limit is 1024", receiver: .client,
    bytes: enc.frameBytes(opcode: .binary, payload: [UInt8](repeating: 0, count: 2000)), maxFrameSize: 1024),
  BadCase(
    title: "a continuation frame with no message started", receiver: .client,
    bytes: enc.frameBytes(opcode: .continuation, payload: hello)),
  BadCase(
    title: "a new text frame while a fragmented message is open", receiver: .client,
    bytes: enc.frameBytes(opcode: .text, fin: false, payload: Array("Hel".utf8))
      + enc.frameBytes(opcode: .text, payload: Array("lo".utf8))),
  BadCase(
    title: "text that is not UTF-8 (0xc3 0x28: a lead byte followed by a non-continuation)", receiver: .client,
    bytes: enc.frameBytes(opcode: .text, payload: [0x48, 0x69, 0xc3, 0x28])),
  BadCase(
    title: "a UTF-8 surrogate (U+D800, ed a0 80) in a fragment of a message still in progress", receiver: .client,
    bytes: enc.frameBytes(opcode: .text, fin: false, payload: Array("ok ".utf8) + [0xed, 0xa0, 0x80])),
  BadCase(
    title: "a text message that ends in the middle of a character (e2 82 without its last byte)", receiver: .client,
    bytes: enc.frameBytes(opcode: .text, payload: Array("price: ".utf8) + [0xe2, 0x82])),
]
var verdicts: [[String]] = []
for (n, bad) in badCases.enumerated() {
  lesson.line("(\(Character(Unicode.Scalar(UInt8(97 + n))))) \(bad.title), received by a \(bad.receiver.rawValue):")
  lesson.line()
  let log = TraceLog()
  var decoder = FrameDecoder(
    configuration: .init(role: bad.receiver, maxFrameSize: bad.maxFrameSize), observer: log)
  var assembler = MessageAssembler(configuration: .init(maxMessageSize: bad.maxMessageSize))
  decoder.append(contentsOf: bad.bytes)
  var verdict = "accepted (unexpected!)"
  do {
    while let frame = try decoder.next() {
      lesson.show(log.drain())
      if try assembler.append(frame) == nil {
        lesson.line("→ assembler: fragment buffered, message not complete yet")
        lesson.line()
      }
    }
  } catch {
    lesson.show(log.drain())
    lesson.line("✗ \(error)")
    lesson.line()
    verdict = "\(error.closeCode.rawValue) — \(error.section)"
  }
  verdicts.append([String(Character(Unicode.Scalar(UInt8(97 + n)))), bad.title, verdict])
}
lesson.say("Summary:")
lesson.table(["", "frame", "close code — rule"], verdicts)
lesson.say(
  """
  1002 (protocol error) is for broken framing, 1007 (invalid payload data) for a text message \
  that is not UTF-8, 1009 (message too big) for a frame or message over the receiver's limit. \
  The limit is the receiver's choice: the RFC allows frames up to 2^63-1 bytes, so an endpoint \
  that sets no limit can be made to buffer without bound (§10.4).

  One rule above is the sender's in the RFC, and failing on it is WSLab's choice: §5.2 says a \
  sender must use the minimal length encoding (g), but does not tell a receiver what to do \
  with a longer one. WSLab chooses to fail the connection, as the Autobahn|Testsuite expects; \
  lesson 3 shows the same choice for close codes no endpoint may send (§7.4).
  """)

// MARK: - 7. Break it
lesson.heading("Break it: every header bit of the masked \"Hello\", flipped")
lesson.say(
  """
  Which rule guards which bit? Take the valid masked "Hello" of section 3 and flip its 16 \
  header bits one at a time (bit 0 is FIN, the most significant bit of byte 0; bit 8 is MASK). \
  Each variant goes through a real receiving Connection, the server's, as `wslab break` does:
  """)
let broken = try! FrameBreaker.variants(of: masked.bytes, bits: Array(0..<16))
let brokenTable = FrameBreaker.rows(broken.variants)
lesson.table(brokenTable.header, brokenTable.rows)
let guarded = broken.variants.filter { if case .invalid = $0.outcome { true } else { false } }.count
lesson.say(
  """
  \(guarded) of the 16 bits are guarded by a rule here: the reserved bits (no extension was \
  negotiated), the opcode bits that make a reserved opcode or a continuation with nothing to \
  continue, MASK (a client must mask), and two length bits that make the frame shorter, so \
  that its last payload bytes are read as the next frame's header, which breaks a rule of its \
  own. Clearing FIN is legal (the first fragment of a message), so is turning text into a ping; \
  a longer length just waits for bytes. Try your own: `wslab break --all HEX` flips every bit.
  """)

// MARK: - 8. Step by step
lesson.heading("Step by step: the masked \"Hello\", one byte at a time")
lesson.say(
  """
  TCP may deliver a frame in any number of pieces, down to single bytes, so the decoder keeps \
  its place between reads: in a header, with the fields it has so far, or in a payload, with \
  the bytes still to come and the key byte the next one is unmasked with. Here the server's \
  decoder gets the masked "Hello" one byte at a time; each row is read from its state after \
  that byte (`wslab decode --step` does the same for any bytes; `--step` on this lesson shows \
  one row at a time):
  """)
let stepped = FrameStepper.steps(masked.bytes)
lesson.steps(
  ["byte", "hex", "what the decoder knows now"],
  stepped.steps.map { [String($0.index), Trace.hex($0.byte), $0.summary] })
lesson.say(
  """
  The header is complete after byte 5, and each payload byte is unmasked the moment it \
  arrives: the decoder never waits for the whole frame, and holds at most the 13 bytes of a \
  header that arrived in pieces.
  """)

lesson.box(
  "Common misconceptions",
  [
    "Masking is not encryption: the key travels in the clear right before the payload. It exists to stop a script from choosing the bytes a cache or proxy sees (RFC 6455 §10.3).",
    "Servers do not mask. A client that receives a masked frame must fail the connection, and so must a server that receives an unmasked one.",
    "A frame is not a message: one message may be many frames, and the application sees only whole messages (or a stream of parts), never frame boundaries.",
    "Control frames have at most 125 bytes of payload and are never fragmented, so a pong can always be sent between two fragments of a long message.",
  ])

// Exercise answers, computed: the header of a 126-byte client frame, and what a server's real
// decoder says to each one-bit change of the masked "Hello"'s two header bytes.
let header126 =
  FrameEncoder().frameBytes(opcode: .text, maskingKey: rfcKey, payload: [UInt8](repeating: 0x61, count: 126)).count
  - 126
let keyBreaks = try! FrameBreaker.variants(of: masked.bytes, bits: [16, 26]).variants
/// What the receiver made of the two key flips: the byte that replaced the "H" (when the server
/// refused it), and the message delivered for the other flip.
let keyFlips: (top: String, other: String) = {
  var top = "a valid message (unexpected!)"
  if case .invalid(let failure) = keyBreaks[0].outcome, failure.closeCode == .invalidPayloadData {
    top = "\(Trace.hex(hello[0] ^ 0x80)) where the \"H\" was"
  }
  var other = "nothing (unexpected!)"
  if case .valid(let what) = keyBreaks[1].outcome { other = String(what.dropFirst("delivers ".count)) }
  return (top, other)
}()
lesson.exercises([
  Exercise(
    """
    Encode a 126-byte text frame from a client. How long is its header, and why is 126 the first \
    length that needs the 16-bit form?
    """,
    answer: """
      \(header126) bytes: 2, then 2 of extended length, then the 4-byte masking key. The 7-bit \
      field holds 0–127, but 126 and 127 are taken as the markers "16-bit length follows" and \
      "64-bit length follows", so 125 is the largest length it can say directly (§5.2).
      """,
    check: "wslab decode --from client 81 fe 00 7e 37 fa 21 3d"),
  Exercise(
    """
    Section 7 flipped the header bits. Flip the bits of the masking key instead (bits 16-47): \
    why does the top bit of each key byte give a close code, while every other key bit just \
    changes a letter of the message? Which close code does flipping bit 16 earn?
    """,
    answer: """
      A key bit flips the same bit of every fourth unmasked byte. "Hello" is ASCII, whose bytes \
      all have the top bit clear: flipping key bit 16 gives \(keyFlips.top), a lead byte without \
      its continuation, so the text is not UTF-8 (1007, §8.1). The other bits keep the byte \
      ASCII: bit 26 makes the "e" an "E", and the server delivers \(keyFlips.other).
      """,
    check: "wslab break --bits 16-47 81 85 37 fa 21 3d 7f 9f 4d 51 58"),
  Exercise(
    """
    Split the fragmented stream of section 5 at other points (two chunks, or 3 bytes at a time). \
    Does the output change? Why not? What text does the server deliver from it?
    """,
    answer: """
      No. The decoder keeps its place (in a header, or in a payload with the bytes still to come \
      and the key offset) between reads, so the frames and messages it hands out do not depend on \
      where TCP cut the bytes; only when they come out does. Tests/FramingTests feeds every \
      vector split at every point and one byte at a time.
      """),
  Exercise(
    """
    Why may a ping appear between two fragments of a message, but a text frame may not? Which \
    close code does a text frame there earn?
    """,
    answer: """
      Control frames may be injected in the middle of a fragmented message (§5.4), so that a long \
      message never holds up a ping, a pong or a close. A data frame would start a second \
      message while the first is open, and the fragments of two messages must not interleave \
      (§5.4): case (k) of section 6 fails with 1002.
      """),
])
// The capture (--pcap): one connection, opened by a real handshake, carrying the valid frames of
// sections 2-5 in the directions they were built for (the invalid ones of section 6 are not
// traffic a peer would accept, and are left out).
let captureRequest = ClientHandshake(
  options: .init(host: "server.example.com", path: "/chat"), keyBytes: Array("the sample nonce".utf8))
var captureServer = ServerHandshake(policy: ServerHandshakePolicy())
if case .accept(let accepted)? = captureServer.feed(captureRequest.requestBytes()) {
  let id = lesson.openConnection()
  lesson.wire(id, from: .client, captureRequest.requestBytes())
  lesson.wire(id, from: .server, accepted.responseBytes)
  lesson.wire(id, from: .server, unmasked.bytes, frames: [unmasked.record])
  lesson.wire(id, from: .client, masked.bytes, frames: [masked.record])
  lesson.wire(id, from: .server, b256.bytes + b64k.bytes, frames: [b256.record, b64k.record])
  lesson.wire(id, from: .client, stream, frames: fragmentRecords)
}

lesson.finish(next: "lesson 3, the connection state machine and the closing handshake.")
