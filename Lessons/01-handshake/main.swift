// Lesson 01 — the opening handshake (RFC 6455 §1.3, §4).
//
// Every request and response below is built or parsed by WSLab's real ClientHandshake and
// ServerHandshake, and every annotation comes from the trace records they report.

import Crypto
import Foundation
import Framing
import Handshake
import LessonSupport
import Trace

var lesson = Lesson(number: 1, title: "the opening handshake", chinese: chinese)

/// The 16 bytes the RFC's example nonce encodes: the ASCII text "the sample nonce".
let rfcNonce = Array("the sample nonce".utf8)
/// The RFC 6455 §1.3 example client: a chat application on server.example.com.
let rfcOptions = ClientHandshake.Options(
  host: "server.example.com", path: "/chat", origin: "http://example.com", subprotocols: ["chat", "superchat"])

lesson.banner(
  "How an HTTP/1.1 connection becomes a WebSocket: RFC 6455 §4, checked against the §1.3 example.")

// MARK: - 1. Overview
lesson.heading("Why a handshake, and what it proves")
lesson.say(
  """
  A WebSocket starts life as an ordinary HTTP/1.1 request on an ordinary TCP (or TLS) \
  connection, so it passes through the same ports, proxies and servers as the web. The client \
  asks to switch protocols with `Upgrade: websocket`; a server that speaks WebSocket answers \
  `101 Switching Protocols`, and from the next byte on both sides speak frames (lesson 2).

  The handshake also proves something: that the server really understood a WebSocket request. \
  The client sends a random Sec-WebSocket-Key; the server must answer with a value only a \
  WebSocket server would compute from it. A plain HTTP server, or a cache replaying an old \
  response, cannot produce it (§1.3, §4.2.2).
  """)

// MARK: - 2. The key
lesson.heading("The key: 16 random bytes, base64 (RFC 6455 §4.1, item 7)")
lesson.say(
  """
  For every connection the client picks a fresh 16-byte nonce and sends it base64-encoded as \
  Sec-WebSocket-Key. A real client uses a cryptographic random source. This lesson injects a \
  seeded one (so the output is the same on every run); here are its first 16 bytes and the key \
  the real ClientHandshake makes of them:
  """)
var seeded = SeededRandom(seed: 6455)
let seededClient = ClientHandshake(options: rfcOptions, using: &seeded)
lesson.line("nonce bytes:        \(seededClient.keyBytes.hexString)")
lesson.line("Sec-WebSocket-Key:  \(seededClient.key)  (24 characters: 16 bytes in base64, with == padding)")
lesson.line()
lesson.say(
  """
  The RFC's own example uses the nonce whose bytes spell "the sample nonce" in ASCII. From here \
  on the lesson uses that nonce, so every value can be checked against RFC 6455 §1.3:
  """)
let client0 = ClientHandshake(options: rfcOptions, keyBytes: rfcNonce)
lesson.line("nonce bytes:        \(client0.keyBytes.hexString)")
lesson.line("as ASCII:           \(Trace.quoted(client0.keyBytes))")
lesson.line("Sec-WebSocket-Key:  \(client0.key)")
lesson.line(
  "RFC 6455 §1.3:      dGhlIHNhbXBsZSBub25jZQ==  \(client0.key == "dGhlIHNhbXBsZSBub25jZQ==" ? "✓ identical" : "✗ DIFFERENT")"
)
lesson.line()

// MARK: - 3. The request
lesson.heading("The client's request, line by line (RFC 6455 §4.1)")
lesson.say(
  """
  The client sends a GET request for the resource (path and query) it wants, with the headers \
  §4.1 requires: Host, `Upgrade: websocket`, `Connection: Upgrade`, the key, and \
  `Sec-WebSocket-Version: 13`. A browser always adds Origin; this client also offers two \
  subprotocols, most preferred first. Each line ends with CR LF (shown as \\r\\n), and an empty \
  line ends the head:
  """)
let clientLog = TraceLog()
var client = ClientHandshake(options: rfcOptions, keyBytes: rfcNonce, observer: clientLog)
let request = client.requestBytes()
lesson.show(clientLog.drain())
lesson.markKeyBytes(
  "The client's request (RFC 6455 §4.1). The 101 answers with base64(SHA-1(key + GUID)) (§4.2.2).")

// MARK: - 4. The server reads it
lesson.heading("The server parses and validates the request (RFC 6455 §4.2.1)")
lesson.say(
  """
  The server's parser is incremental: TCP delivers bytes in arbitrary pieces, so it accepts \
  them in any chunking and knows exactly where the head ends. Here the \(request.count) bytes \
  arrive one at a time. The server then checks, in order: the method is GET over HTTP/1.1 or \
  later; Host is present; Upgrade contains `websocket` and Connection contains `Upgrade` \
  (case-insensitive tokens in comma lists, as `Connection: keep-alive, Upgrade` from Firefox); \
  the key decodes to exactly 16 bytes; the version is 13. This server supports the subprotocol \
  "chat" only, so that is the one it picks from the client's offer.
  """)
let serverLog = TraceLog()
var server = ServerHandshake(policy: ServerHandshakePolicy(subprotocols: ["chat"]), observer: serverLog)
var serverResult: ServerHandshakeResult?
var fedBytes = 0
for byte in request where serverResult == nil {
  serverResult = server.feed([byte])
  fedBytes += 1
}
lesson.line("head complete after byte \(fedBytes) of \(request.count); decisions the server reported:")
for event in serverLog.events {
  if case .note(let text) = event { lesson.line("  " + text) }
}
lesson.line()
guard case .accept(let accepted)? = serverResult else {
  fatalError("the server rejected the RFC's own example request: \(String(describing: serverResult))")
}

// MARK: - 5. The accept value
lesson.heading("Computing Sec-WebSocket-Accept (RFC 6455 §1.3, §4.2.2 item 5.4)")
lesson.say(
  """
  The server appends the fixed GUID 258EAFA5-E914-47DA-95CA-C5AB0DC85B11 to the key exactly as \
  received (the base64 text, not the decoded bytes), takes the SHA-1 digest of that string, and \
  base64-encodes the 20 digest bytes. Step by step, with WSLab's WebSocketAccept (SHA-1 from \
  swift-crypto):
  """)
let concatenated = WebSocketAccept.concatenated(key: accepted.key)
let digest = WebSocketAccept.sha1(key: accepted.key)
lesson.line("1. key + GUID:        \(concatenated)")
lesson.line("                      (\(concatenated.utf8.count) ASCII bytes: 24 of key, 36 of GUID)")
lesson.line("2. SHA-1 (20 bytes):  \(Array(digest[0..<10]).hexString)")
lesson.line("                      \(Array(digest[10..<20]).hexString)")
lesson.line("3. base64:            \(accepted.accept)")
lesson.line(
  "   RFC 6455 §1.3:     s3pPLMBiTxaQ9kYGzzhZRbK+xOo=  \(accepted.accept == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" ? "✓ identical" : "✗ DIFFERENT")"
)
lesson.line()

// MARK: - 6. The response
lesson.heading("The server's answer: 101 Switching Protocols (RFC 6455 §4.2.2)")
lesson.say(
  """
  Any status other than 101 means the connection did not become a WebSocket. The response \
  repeats Upgrade and Connection, carries the accept value and the chosen subprotocol:
  """)
lesson.show(HandshakeTrace.record(forHead: accepted.responseBytes, direction: .serverToClient))

// MARK: - 7. The client checks it
lesson.heading("The client validates the response (RFC 6455 §4.1, \"the client MUST\")")
lesson.say(
  """
  The client checks the status is 101, `Upgrade: websocket`, `Connection: Upgrade`, that \
  Sec-WebSocket-Accept equals what it computed from its own key (compared as a string: item 4 \
  of the client's checks), and that any subprotocol or \
  extension in the answer is one it offered. If anything is off, it must fail the connection. \
  The server's first frame may arrive in the same TCP segment as the head; here the response is \
  followed by the frame 81 05 48 65 6c 6c 6f (the server's "Hello", lesson 2), and the parser \
  hands those bytes over untouched, because they belong to the frame layer:
  """)
let firstFrameLog = TraceLog()
let firstFrame = FrameEncoder(direction: .serverToClient, observer: firstFrameLog).frameBytes(
  opcode: .text, payload: Array("Hello".utf8))
// The capture (--pcap): this connection's request, and the response with the frame behind it.
let accepting = lesson.openConnection()
lesson.wire(accepting, from: .client, request)
lesson.wire(accepting, from: .server, accepted.responseBytes + firstFrame, frames: firstFrameLog.records)
clientLog.drain().forEach { _ in }
do {
  if let (outcome, leftover) = try client.feed(accepted.responseBytes + firstFrame) {
    for event in clientLog.drain() { if case .note(let text) = event { lesson.line(text) } }
    lesson.line("expected accept:  \(client.expectedAccept)")
    lesson.line("subprotocol:      \(outcome.subprotocol ?? "none")")
    lesson.line("bytes after head: \(leftover.hexString)  → handed to the frame decoder")
    var decoder = FrameDecoder(role: .client)
    decoder.append(contentsOf: leftover)
    if let frame = try? decoder.next() {
      lesson.line("first message:    \(Trace.quoted(frame.payload.readableBytesView))")
    }
    lesson.line()
  }
} catch {
  lesson.line("✗ \(error)")
}

// MARK: - 8. Rejections
lesson.heading("Rejected handshakes, and what each side sees (RFC 6455 §4.2.1, §4.4)")
lesson.say(
  """
  A server that cannot accept a request answers with an ordinary HTTP error and closes the \
  connection. The status tells the client why: 400 Bad Request for a malformed handshake, 426 \
  Upgrade Required with `Sec-WebSocket-Version: 13` when the client speaks another version (so \
  it can retry with one the server supports, §4.4), 403 Forbidden for an Origin the server does \
  not serve (a policy, §10.2), 431 when the head is too large. Each request below is built by \
  the real ClientHandshake with one thing changed; each answer is the real ServerHandshake's.
  """)

@MainActor func reject(_ title: String, _ request: [UInt8], policy: ServerHandshakePolicy = ServerHandshakePolicy()) {
  lesson.line(title + ":")
  lesson.line()
  let log = TraceLog()
  var server = ServerHandshake(policy: policy, observer: log)
  let result = server.feed(request)
  // Each refused request on a connection of its own in the capture, closed by the server.
  let id = lesson.openConnection()
  lesson.wire(id, from: .client, request)
  if case .reject(let rejection)? = result {
    lesson.wire(id, from: .server, rejection.responseBytes)
    lesson.closeWire(id, from: .server)
    lesson.closeWire(id, from: .client)
  }
  guard case .reject(let rejection)? = result else {
    lesson.line("✗ unexpectedly accepted")
    return
  }
  lesson.show(log.drain())
  lesson.line("→ HTTP \(rejection.status): \(rejection.error)")
  lesson.line()
}

func requestReplacing(_ name: String, with value: String?) -> [UInt8] {
  // Rebuild the request with one header changed, using the real builder for the rest.
  var options = rfcOptions
  options.subprotocols = []
  let base = ClientHandshake(options: options, keyBytes: rfcNonce).requestBytes()
  var lines = String(decoding: base, as: UTF8.self).components(separatedBy: "\r\n")
  if let i = lines.firstIndex(where: { $0.lowercased().hasPrefix(name.lowercased() + ":") }) {
    if let value { lines[i] = "\(name): \(value)" } else { lines.remove(at: i) }
  }
  return Array(lines.joined(separator: "\r\n").utf8)
}

reject("(a) a client that speaks version 8, an older draft", requestReplacing("Sec-WebSocket-Version", with: "8"))
reject("(b) no Sec-WebSocket-Key", requestReplacing("Sec-WebSocket-Key", with: nil))
reject(
  "(c) an Origin this server does not serve", requestReplacing("Origin", with: "http://evil.example"),
  policy: ServerHandshakePolicy(originPolicy: { $0 == "http://example.com" }))

lesson.say(
  """
  Break it, line by line: every line of the RFC's request removed, and every line the server \
  checks given a wrong value, each variant through the same ServerHandshake (with an Origin \
  policy that allows http://example.com). This is `wslab break --handshake`:
  """)
let handshakeBreaks = HandshakeBreaker.variants(
  of: ClientHandshake(options: rfcOptions, keyBytes: rfcNonce).requestBytes(),
  policy: ServerHandshakePolicy(originPolicy: { $0 == "http://example.com" }))
let handshakeTable = HandshakeBreaker.rows(handshakeBreaks)
lesson.table(handshakeTable.header, handshakeTable.rows)
let stillAccepted = handshakeBreaks.filter { $0.status == 101 }.map(\.change)
lesson.say(
  """
  Still accepted: \(stillAccepted.joined(separator: ", ")) (the subprotocol line is an offer; \
  without it the server picks none). Every other change fails a check, each with its status: \
  400 for a request that is not \
  a WebSocket handshake, 426 when the version is not 13 (with the versions the server speaks), \
  403 when the Origin policy says no.
  """)

lesson.say(
  """
  The client can be the one that refuses, too. Suppose a server computed the accept value with \
  MD5 instead of SHA-1 (a mistake some tutorials teach). The client compares, finds a \
  mismatch, and must fail the connection (§4.1):
  """)
let md5 = Base64.encode(Array(Insecure.MD5.hash(data: Array(concatenated.utf8))))
var wrongResponse = String(decoding: accepted.responseBytes, as: UTF8.self)
wrongResponse = wrongResponse.replacingOccurrences(of: accepted.accept, with: md5)
lesson.line("(d) a response whose Sec-WebSocket-Accept is base64(MD5(key + GUID)),")
lesson.line("    as the client's parser traced it:")
lesson.line()
let md5Log = TraceLog()
var md5Client = ClientHandshake(options: rfcOptions, keyBytes: rfcNonce, observer: md5Log)
do {
  _ = try md5Client.feed(Array(wrongResponse.utf8))
  for record in md5Log.records { lesson.show(record) }
  lesson.line("✗ unexpectedly accepted")
} catch {
  for record in md5Log.records where record.direction == .serverToClient { lesson.show(record) }
  lesson.line("→ the client fails the connection: \(error)")
}
lesson.line()

lesson.box(
  "Common misconceptions",
  [
    "The accept value uses SHA-1, not MD5. For the RFC key, MD5 would give \(md5), and a client must reject it: only s3pPLMBiTxaQ9kYGzzhZRbK+xOo= is right. SHA-1 is not there for security either: the handshake relies on no security property of it (§10.8), only on a value a non-WebSocket server would not produce.",
    "The client sends the key and the server answers with the accept value, never the reverse. The server never sends a Sec-WebSocket-Key.",
    "The key is hashed as the base64 text the client sent, not as the 16 decoded bytes.",
    "The handshake proves that the server speaks WebSocket; it is not authentication. Anyone can compute the accept value. Authenticate with cookies, a token, or TLS client certificates, and check Origin for browser clients.",
  ])

/// What the real ServerHandshake answers to the RFC's request with one header changed.
func verdict(_ name: String, _ value: String) -> String {
  var server = ServerHandshake(policy: ServerHandshakePolicy())
  switch server.feed(requestReplacing(name, with: value)) {
  case .accept?: return "accepted (101)"
  case .reject(let rejection)?: return "refused with \(rejection.status)"
  case nil: return "no answer (incomplete head)"
  }
}
let seededAccept = WebSocketAccept.value(forKey: seededClient.key)
lesson.exercises([
  Exercise(
    """
    Compute the accept value for the seeded key of section 2 (\(seededClient.key)) with a shell: \
    `printf '%s' 'KEY258EAFA5-E914-47DA-95CA-C5AB0DC85B11' | openssl sha1 -binary | base64`. \
    What is it, and does it match WebSocketAccept.value(forKey:)?
    """,
    answer: """
      Yes: both give \(seededAccept). The key is hashed as the 24 characters of base64 text, \
      followed by the GUID; hashing the 16 decoded bytes instead gives a different value.
      """,
    check:
      "printf '%s' '\(seededClient.key)258EAFA5-E914-47DA-95CA-C5AB0DC85B11' | openssl sha1 -binary | base64"),
  Exercise(
    """
    Which of these should a server accept: `Connection: keep-alive, Upgrade`; `Upgrade: \
    WebSocket`; `Sec-WebSocket-Version: 13, 8`? Explain each answer from §4.2.1.
    """,
    answer: """
      `Connection: keep-alive, Upgrade` is \(verdict("Connection", "keep-alive, Upgrade")): \
      Connection is a list of tokens, and it must include Upgrade. `Upgrade: WebSocket` is \
      \(verdict("Upgrade", "WebSocket")): the value is compared case-insensitively. \
      `Sec-WebSocket-Version: 13, 8` is \(verdict("Sec-WebSocket-Version", "13, 8")): the \
      version must be exactly 13, and a server that does not get it answers 426 with the \
      versions it speaks (§4.2.2, §4.4). These verdicts come from the real ServerHandshake.
      """),
  Exercise(
    """
    The server's first frame can arrive in the same read as the 101 response. What would go \
    wrong in a client that threw away everything after the empty line? In section 7's read, \
    how many bytes follow the head?
    """,
    answer: """
      It would lose the frames that came with the head: in section 7, the 7 bytes of the \
      server's "Hello" (81 05 48 65 6c 6c 6f). Worse, when a read ends inside a frame, the decoder would start \
      in the middle of it and take payload bytes for a header, and fail the connection (or \
      misread every later frame). The parser hands the bytes after the head to the frame \
      decoder untouched for that reason.
      """),
])
lesson.finish(next: "lesson 2, frames.")
