// Lesson 04 — compression: permessage-deflate (RFC 7692).
//
// The negotiation is run by the real handshake and negotiation code, the payloads are
// compressed by the real codec (the system zlib), and the DEFLATE bits are read back by the
// Trace layer's own DEFLATE reader, which knows nothing of zlib.

import Connection
import Deflate
import DeflateReader
import Framing
import Handshake
import LessonSupport
import NIOCore
import Trace
import Workshop

var lesson = Lesson(number: 4, title: "compression (permessage-deflate)", chinese: chinese)

/// Prints a DEFLATE stream element by element, as the Trace layer's reader decoded it.
@MainActor func dissect(_ bytes: [UInt8], history: [UInt8] = [], note: String) {
  let result = DeflateDissector.dissect(bytes, history: history)
  lesson.say(note)
  lesson.table(
    ["bits", "binary", "element", "meaning"],
    result.elements.map { e in
      let range = e.bitCount <= 1 ? "\(e.bitOffset)" : "\(e.bitOffset)–\(e.bitOffset + e.bitCount - 1)"
      return [range, e.bits, elementName(e.kind), e.meaning]
    }, bitColumn: 1)
  lesson.line("decoded: \(Trace.quoted(result.output))" + (result.error.map { "  (stopped: \($0))" } ?? ""))
  lesson.line()
}

func elementName(_ kind: DeflateElement.Kind) -> String {
  switch kind {
  case .blockHeader: "block header"
  case .storedHeader: "LEN, NLEN"
  case .storedData: "stored bytes"
  case .padding: "padding"
  case .dynamicTableHeader: "HLIT HDIST HCLEN"
  case .codeLengthCode: "code length code"
  case .codeLengths: "code lengths"
  case .trailingBytes: "after the final block"
  case .literal: "literal"
  case .match: "match"
  case .endOfBlock: "end of block"
  }
}

/// The frame bytes the real encoder writes for a compressed payload (server → client).
func frameRecord(_ payload: ByteBuffer, title: String) -> TraceRecord {
  let log = TraceLog()
  var out = ByteBuffer()
  FrameEncoder(direction: .serverToClient, observer: log, allowedRSV: 0x40).encode(
    opcode: .text, rsv: 0x40, payload: payload, into: &out)
  var record = log.records[0]
  record.title = title
  return record
}

lesson.banner("Compressing messages: negotiation, the DEFLATE bits of \"Hello\", context takeover, and bombs.")

// MARK: - 1
lesson.heading("What permessage-deflate does (RFC 7692 §4, §6)")
lesson.say(
  """
  permessage-deflate compresses each message's payload with DEFLATE (RFC 1951), the algorithm \
  of gzip and zip. The sender sets RSV1 on the first frame of a compressed message (§6), and \
  may leave any message uncompressed (RSV1 clear). Control frames are never compressed. By \
  default both sides keep their LZ77 window from one message to the next ("context \
  takeover"), so a message can point back into earlier ones: repetitive traffic such as JSON \
  with the same keys compresses far better than each message alone.

  The extension must be negotiated in the opening handshake; without it RSV1 is a protocol \
  error (lesson 2).

  DEFLATE combines two ideas. LZ77 replaces a string that occurred recently by a \
  back-reference, "copy L bytes from D bytes back", into a window of the last 32 KiB at most \
  (the window that context takeover keeps between messages). Huffman coding then writes each \
  symbol (a literal byte, a length, a distance, the end of a block) with a variable number of \
  bits, fewer for frequent symbols; a "fixed" block uses a code table defined once in RFC 1951 \
  §3.2.6, a "dynamic" block sends its own table first (§3.2.7). Both are read bit by bit \
  below.
  """)

// MARK: - 2
lesson.heading("Negotiation: the offer and the answer (RFC 7692 §5, §7.1)")
lesson.say(
  """
  The client offers the extension in Sec-WebSocket-Extensions, with parameters: \
  `client_max_window_bits` says "you may limit my window", `server_max_window_bits=N` asks the \
  server to compress with at most 2^N bytes of window, `*_no_context_takeover` asks a side to \
  forget its window after every message. The server picks the first offer it can accept and \
  answers with the parameters that will apply. Here WSLab's client offers what browsers offer \
  and WSLab's server answers; only the extension lines of the two heads are shown:
  """)
let clientOptions = ClientHandshake.Options(
  host: "server.example.com", path: "/chat", extensionOffers: [PerMessageDeflateNegotiation.offer(DeflateOptions())])
let client = ClientHandshake(options: clientOptions, keyBytes: Array("the sample nonce".utf8))
var server = ServerHandshake(
  policy: ServerHandshakePolicy(extensionNegotiator: { offers in
    PerMessageDeflateNegotiation.accept(offers: offers, options: DeflateOptions()).response.map { [$0] } ?? []
  }))
let request = client.requestBytes()
guard case .accept(let accepted)? = server.feed(request) else { fatalError("the server refused the lesson's request") }
for (bytes, direction) in [(request, TraceDirection.clientToServer), (accepted.responseBytes, .serverToClient)] {
  let full = HandshakeTrace.record(forHead: bytes, direction: direction)
  for field in full.fields where field.name.lowercased() == "sec-websocket-extensions" {
    var line = field
    line.range = 0..<field.range.count
    lesson.show(
      TraceRecord(
        title: "\(full.title): the extension line", direction: direction, layout: .text,
        bytes: Array(bytes[field.range]), fields: [line]))
  }
}
lesson.say("More offers and what WSLab's server (default policy) answers:")
let offers = [
  "permessage-deflate",
  "permessage-deflate; client_max_window_bits=10",
  "permessage-deflate; server_max_window_bits=10; server_no_context_takeover",
  "permessage-deflate; client_no_context_takeover",
  "permessage-deflate; server_max_window_bits=16, permessage-deflate",
  "permessage-deflate; x-unknown=1",
]
lesson.table(
  ["client offers", "server answers"],
  offers.map { offer in
    let decision = PerMessageDeflateNegotiation.accept(
      offers: (try? ExtensionHeader.parse([offer])) ?? [], options: DeflateOptions())
    return [offer, decision.response?.formatted() ?? "(no extension: offer declined)"]
  })
lesson.say(
  """
  An offer with an unknown or invalid parameter is declined, not an error: the server moves to \
  the next offer or answers without the extension (§7.1). A client that gets an answer it \
  cannot accept (a parameter it did not offer, a window above what it asked for) must fail the \
  connection.

  A window of 8 bits is valid in the protocol, but zlib cannot compress raw DEFLATE with a \
  256-byte window. WSLab accepts 8 anyway: it inflates with a 9-bit window (a larger window \
  reads anything a smaller one wrote), and where its own compressor is limited to 8 it sends \
  every message uncompressed, which the RFC allows.
  """)

// MARK: - 3
lesson.heading("\"Hello\", compressed (RFC 7692 §7.2.3.1)")
lesson.say(
  """
  The codec compresses the payload with raw DEFLATE and a sync flush, which ends the output \
  with an empty stored block, `00 00 ff ff`. Every message would end with those 4 bytes, so the \
  sender removes them and the receiver appends them back before inflating (§7.2.1, §7.2.2):
  """)
let sender = PerMessageDeflate(parameters: DeflateParameters(), isServer: true)
let first = try! sender.compress(ByteBuffer(string: "Hello"), isLast: true)
let firstBytes = Array(first.readableBytesView)
lesson.line("payload after compression:  \(firstBytes.hexString)")
lesson.line(
  "RFC 7692 §7.2.3.1:          f2 48 cd c9 c9 07 00  \(firstBytes.hexString == "f2 48 cd c9 c9 07 00" ? "✓ identical" : "✗ DIFFERENT")"
)
lesson.line()
lesson.show(frameRecord(first, title: "frame: compressed text \"Hello\" (RSV1 set, 9 bytes)"))
lesson.markKeyBytes("\"Hello\" with permessage-deflate: RSV1 set, f2 48 cd c9 c9 07 00 (RFC 7692 §7.2.3.1).")
dissect(
  firstBytes + PerMessageDeflate.tail,
  note:
    "The payload with 00 00 ff ff appended, read bit by bit from the least significant bit of each byte (RFC 1951 §3.1.1). The binary column shows each number (BFINAL, BTYPE, LEN, extra bits) as its value, most significant bit first, although numbers are packed least significant bit first: BTYPE=01 arrives as 1, then 0. Huffman codes are shown in the order their bits arrive:"
)
lesson.say(
  """
  BTYPE=01 means fixed Huffman codes (RFC 1951 §3.2.6): literals 0–143 use 8-bit codes \
  starting at 00110000, so 'H' (0x48) is 00110000 + 0x48 = 01111000. End-of-block is the \
  7-bit code 0000000. Then the sync flush: a stored block (BTYPE=00) with BFINAL=0, padding to \
  the next byte, LEN=0 and its complement NLEN=0xffff — the four bytes 00 00 ff ff that the \
  sender removed. A receiver that forgot to append them would still get "Hello" out of this \
  message, but its inflater would stop inside the stored block's header, waiting for LEN and \
  NLEN. With context takeover the next message's first four bytes would then be read as LEN \
  and NLEN, and inflating fails (zlib: "invalid stored block lengths") or produces garbage.
  """)

lesson.say(
  """
  Break it: flip RSV1 and the three bits of the first DEFLATE block header (BFINAL is the \
  least significant bit of the first payload byte, BTYPE the next two) of this frame, and let \
  a client that negotiated permessage-deflate receive each variant (`wslab break --deflate`):
  """)
let firstFrame = FrameEncoder().frameBytes(opcode: .text, rsv: 0x40, payload: first.readableBytesView)
let deflateBreaks = try! FrameBreaker.variants(of: firstFrame, bits: [1, 21, 22, 23], from: .server, deflate: true)
var deflateTable = FrameBreaker.rows(deflateBreaks.variants)
let deflateNames = [21: "BTYPE bit 1", 22: "BTYPE bit 0", 23: "BFINAL"]
for (i, variant) in deflateBreaks.variants.enumerated() {
  if let name = deflateNames[variant.bit] { deflateTable.rows[i][2] = name }
}
lesson.table(deflateTable.header, deflateTable.rows)
lesson.say(
  """
  Without RSV1 the compressed bytes are taken as the text itself, which is not UTF-8 (1007). \
  BTYPE=11 is reserved and BTYPE=00 announces a stored block whose LEN and NLEN do not match: \
  both are invalid DEFLATE data (1007). BFINAL=1 is legal too (RFC 7692 §7.2.3.4 has an \
  example): "Hello" is then the last block of the stream.
  """)

// MARK: - 4
lesson.heading("The same message again: context takeover (RFC 7692 §7.2.3.2)")
lesson.say(
  """
  The server sends "Hello" a second time. With context takeover its compressor still holds \
  the first "Hello" in its window, so the message becomes the literal 'H' and one \
  back-reference: "copy 4 bytes from 5 bytes back". Why is the H not part of the match? The \
  only earlier "H" sits at position 0 of zlib's window, and zlib's hash chains use 0 to mean \
  "no earlier string", so a match that starts at position 0 is never found:
  """)
let second = try! sender.compress(ByteBuffer(string: "Hello"), isLast: true)
let secondBytes = Array(second.readableBytesView)

// The capture (--pcap): the negotiation of section 2, then the two compressed "Hello"s, as a
// server with context takeover sends them; Wireshark inflates them with the same window.
let captured = lesson.openConnection()
lesson.wire(captured, from: .client, request)
lesson.wire(captured, from: .server, accepted.responseBytes)
for payload in [first, second] {
  let log = TraceLog()
  var out = ByteBuffer()
  FrameEncoder(direction: .serverToClient, observer: log, allowedRSV: 0x40).encode(
    opcode: .text, rsv: 0x40, payload: payload, into: &out)
  lesson.wire(captured, from: .server, out.readableBytesView, frames: log.records, message: "Hello")
}
lesson.closeWire(captured, from: .server)
lesson.closeWire(captured, from: .client)
lesson.line("payload:            \(secondBytes.hexString)")
lesson.line(
  "RFC 7692 §7.2.3.2:  f2 00 11 00 00  \(secondBytes.hexString == "f2 00 11 00 00" ? "✓ identical" : "✗ DIFFERENT")")
lesson.line()
dissect(
  secondBytes + PerMessageDeflate.tail, history: Array("Hello".utf8),
  note: "Read with the first message as history (the receiver's window):")
let fresh = PerMessageDeflate(parameters: DeflateParameters(serverNoContextTakeover: true), isServer: true)
_ = try! fresh.compress(ByteBuffer(string: "Hello"), isLast: true)
let again = Array(try! fresh.compress(ByteBuffer(string: "Hello"), isLast: true).readableBytesView)
var shifted = PerMessageDeflate(parameters: DeflateParameters(), isServer: true)
let shiftedFirst = Array(try! shifted.compress(ByteBuffer(string: "xHello"), isLast: true).readableBytesView)
let shiftedSecond = Array(try! shifted.compress(ByteBuffer(string: "Hello"), isLast: true).readableBytesView)
lesson.say(
  """
  Had the first message been "xHello" (\(shiftedFirst.hexString)), its "H" would sit at \
  position 1, and the second "Hello" becomes a single match of all 5 bytes, starting on the \
  first byte after the flush: \(shiftedSecond.hexString).
  """)
dissect(
  shiftedSecond + PerMessageDeflate.tail, history: Array("xHello".utf8),
  note: "Read with \"xHello\" as history:")
lesson.say(
  """
  With server_no_context_takeover the compressor forgets its window after each message, and \
  the second "Hello" costs as much as the first: \(again.hexString). A receiver must then not \
  rely on history either; the agreement says which side forgets.
  """)

// MARK: - 5
lesson.heading("What context takeover is worth: a chat in JSON")
lesson.say(
  """
  Ten chat messages in JSON, as a chat application would send them one by one, each \
  compressed by a compressor that keeps its window (takeover) and by one that forgets it \
  after every message:
  """)
/// The chat of section 5: the one `wslab check 4.2` compresses too.
let chat = workshopChat
let takeover = PerMessageDeflate(parameters: DeflateParameters(), isServer: true)
let noTakeover = PerMessageDeflate(parameters: DeflateParameters(serverNoContextTakeover: true), isServer: true)
var rows: [[String]] = []
var totals = (0, 0, 0)
for (i, message) in chat.enumerated() {
  let raw = message.utf8.count
  let a = try! takeover.compress(ByteBuffer(string: message), isLast: true).readableBytes
  let b = try! noTakeover.compress(ByteBuffer(string: message), isLast: true).readableBytes
  totals = (totals.0 + raw, totals.1 + a, totals.2 + b)
  rows.append([String(i + 1), String(raw), String(a), String(b)])
}
rows.append(["all", String(totals.0), String(totals.1), String(totals.2)])
for (i, message) in chat.enumerated() { lesson.line("\(i + 1 < 10 ? " " : "")\(i + 1)  \(message)") }
lesson.line()
lesson.table(["message", "JSON bytes", "with takeover", "no takeover"], rows)
lesson.say(
  """
  Payload bytes only (each frame adds 2 to 14 bytes of header). Alone, a short JSON message \
  barely compresses: the keys and values are new to the compressor. With context takeover, \
  everything the previous messages said ("type", "room", "general", user names) becomes a \
  short back-reference. The price is memory, for as long as the connection lives: at zlib's \
  default settings a compressor needs about 256 KiB (2^(15+2) + 2^(8+9) bytes for windowBits \
  15 and memLevel 8, the 32 KiB window included) and a decompressor about 32 KiB of window plus \
  7 KiB (zlib's zconf.h), on each side that compresses or inflates. That is why a server may \
  ask for smaller windows or no context takeover.
  """)

// MARK: - 6
lesson.heading("A decompression bomb, refused with 1009 (RFC 6455 §10.4, RFC 7692 §8)")
lesson.say(
  """
  DEFLATE can express long runs in a few bits, so a small message can inflate to gigabytes. A \
  receiver must cap what it inflates. Here a client sends 16 MiB of zeros, compressed, to a \
  server whose cap is 1 MiB; the server inflates in bounded steps and fails the connection as \
  soon as the output would pass the cap, with 1009 (message too big):
  """)
let bomb = try! PerMessageDeflate(parameters: DeflateParameters(), isServer: false).compress(
  ByteBuffer(repeating: 0, count: 16 << 20), isLast: true)
let bombFrame = FrameEncoder().frameBytes(
  opcode: .binary, rsv: 0x40, maskingKey: MaskingKey(0x37, 0xfa, 0x21, 0x3d), payload: bomb.readableBytesView)
lesson.line("compressed payload: \(bomb.readableBytes) bytes for 16777216 bytes of zeros")
lesson.line()
let log = TraceLog()
let capped = DeflateOptions(maxDecompressedMessageSize: 1 << 20)
var target = Connection(
  openWith: .init(role: .server, deflate: capped),
  extensions: [
    PerMessageDeflateExtension(PerMessageDeflate(parameters: DeflateParameters(), options: capped, isServer: true))
  ],
  observer: log)
target.receive(bombFrame)
for event in log.drain() {
  switch event {
  case .bytes(let record) where record.direction == .clientToServer:
    var short = record
    short.title = "frame: the compressed bomb (RSV1, masked, \(bombFrame.count) bytes)"
    lesson.show(.bytes(short))
    lesson.line()
  default:
    lesson.show(event)
  }
}
lesson.line()

// MARK: - 7
lesson.heading("Step by step: a compressed message, one byte at a time")
lesson.say(
  """
  The frame of section 3, fed one byte at a time to a client that negotiated \
  permessage-deflate. The frame decoder does not inflate anything: it hands each payload \
  chunk on as it arrives, the extension inflates it straight into the message (appending \
  00 00 ff ff when the message ends), and the application gets the text when the message is \
  complete. Each row is read from the decoder's own state (`wslab decode --deflate --step`):
  """)
let steppedDeflate = FrameStepper.steps(firstFrame, from: .server, deflate: true)
lesson.steps(
  ["byte", "hex", "what the decoder knows now"],
  steppedDeflate.steps.map { step in
    let delivered = step.events.compactMap { event -> String? in
      if case .note(let text) = event, text.hasPrefix("app ← ") { text } else { nil }
    }
    return [String(step.index), Trace.hex(step.byte), ([step.summary] + delivered).joined(separator: "; ")]
  })

lesson.box(
  "Common misconceptions",
  [
    "Compression is per message, not per frame: RSV1 is set on the first frame only, and the fragments of a message form one DEFLATE stream.",
    "Control frames (ping, pong, close) are never compressed; RSV1 on one is a protocol error (1002).",
    "The 00 00 ff ff at the end of each message is removed by the sender and appended by the receiver: it is not a delimiter on the wire.",
    "Compression is not free of risk: compressing secrets together with data an attacker controls lets the attacker guess the secret from the compressed size (CRIME, BREACH; RFC 7692 §8). Do not compress messages that mix them.",
  ])

// Exercise answers, computed by the codec and the Trace layer's DEFLATE reader.
let twice = try! PerMessageDeflate(parameters: DeflateParameters(), isServer: true).compress(
  ByteBuffer(string: "Hello, Hello"), isLast: true)
let twiceElements = DeflateDissector.dissect(Array(twice.readableBytesView) + PerMessageDeflate.tail).elements
let twiceSymbols = twiceElements.compactMap { element -> String? in
  switch element.kind {
  case .literal(let byte): "'\(Character(Unicode.Scalar(byte)))'"
  case .match(let length, let distance): "a match of length \(length), distance \(distance)"
  default: nil
  }
}
func chatTotals(level: Int) -> (Int, Int) {
  let options = DeflateOptions(compressionLevel: level)
  let keep = PerMessageDeflate(parameters: DeflateParameters(), options: options, isServer: true)
  let forget = PerMessageDeflate(
    parameters: DeflateParameters(serverNoContextTakeover: true), options: options, isServer: true)
  var totals = (0, 0)
  for message in chat {
    totals.0 += try! keep.compress(ByteBuffer(string: message), isLast: true).readableBytes
    totals.1 += try! forget.compress(ByteBuffer(string: message), isLast: true).readableBytes
  }
  return totals
}
let levels = [1, 6, 9].map { ($0, chatTotals(level: $0)) }
let levelText = levels.map { "level \($0.0): \($0.1.0) with takeover, \($0.1.1) without" }.joined(separator: "; ")
let windowVerdict: String
do {
  let offered = DeflateOptions(serverMaxWindowBits: 10)
  let answer = try ExtensionHeader.parse(["permessage-deflate; server_max_window_bits=12"])[0]
  _ = try PerMessageDeflateNegotiation.validate(response: answer, offered: offered)
  windowVerdict = "WSLab's client accepts it (unexpected!)"
} catch {
  windowVerdict = "WSLab's client refuses it: \(error)"
}
lesson.exercises([
  Exercise(
    """
    Compress "Hello, Hello" as one message. Which elements does the reader show for the second \
    "Hello", and what are their length and distance?
    """,
    answer: """
      The reader shows \(twiceSymbols.joined(separator: ", ")). The second "Hello" is the literal \
      'H' and a match for "ello": the first "H" sits at position 0 of the window, which zlib's \
      hash chains cannot point to (section 4).
      """),
  Exercise(
    """
    Run section 5 with `DeflateOptions(compressionLevel: 1)` and with 9. How much do the totals \
    change? Give both totals with context takeover.
    """,
    answer: """
      Hardly: \(levelText) (payload bytes). Short messages give the compressor little to choose \
      between; the window kept by context takeover matters far more than the level.
      """),
  Exercise(
    """
    A client offered `server_max_window_bits=10` and the server answers with \
    `server_max_window_bits=12`. May the client accept? Why must it fail the connection?
    """,
    answer: """
      The client sized its inflater for a 1 KiB window (2^10), but the server announces it may \
      point up to 4 KiB back, further than the client keeps: the client could not resolve those \
      back-references. RFC 7692 §7.1.2.1 lets the server answer with an equal or smaller value \
      only, and a response the client cannot accept fails the connection (§7.1). \(windowVerdict).
      """),
])
lesson.finish(next: "lesson 5, a real server on the wire.")
