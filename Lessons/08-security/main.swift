// Lesson 08 — security (RFC 6455 §10).
//
// Real WSLab servers and clients on loopback, as in lesson 5: wss:// with a certificate the lesson
// makes (Ed25519, from a fixed seed, so its bytes and every TLS record length are the same on every
// run), an Origin check, the masking that defeats proxy cache poisoning, and the server's limits,
// each traced. Ciphertext and TLS random values differ on every run; the lesson shows their
// lengths, which do not.

import Connection
import Crypto
import Deflate
import Foundation
import Framing
import Handshake
import LessonSupport
import NIOCore
import Server
import SwiftASN1
import Trace
import X509

var lesson = Lesson(number: 8, title: "security", chinese: chinese)

/// Waits (bounded) until the sink's text contains `marker` `occurrences` times.
func wait(for sink: TraceSink, until marker: String, occurrences: Int = 1, seconds: Double = 10) async {
  let deadline = Date().addingTimeInterval(seconds)
  while sink.contents.components(separatedBy: marker).count - 1 < occurrences && Date() < deadline {
    try? await Task.sleep(for: .milliseconds(10))
  }
}

/// Forgets what the sink traced so far, text and events alike (a wait counts its markers in the
/// text).
func reset(_ sink: TraceSink) {
  _ = sink.drain()
  _ = sink.drainEvents()
}

/// Shows what the sink traced since the last call, masked; `keep` picks the events to show.
@MainActor func showEvents(
  _ sink: TraceSink, ports: [Int], keep: (String?, TraceEvent) -> Bool = { _, _ in true }
) {
  _ = sink.drain()
  let mask = TraceMask(ports: ports)
  for (source, event) in sink.drainEvents() where keep(source, event) {
    lesson.show(mask.event(event), source: source)
  }
  lesson.line()
}

/// What a defence looks like once the connection is open: the client's frames, notes, state
/// changes and the server's close frame (the opening handshake was shown in section 2).
final class AfterOpen {
  private var open: Set<String> = []
  func keep(_ source: String?, _ event: TraceEvent) -> Bool {
    let id = source ?? ""
    guard open.contains(id) else {
      if case .transition(_, let to, _) = event, to == "OPEN" { open.insert(id) }
      return false
    }
    if case .note(let text) = event { return !text.hasPrefix("app ← opened") }
    return true
  }
}

/// The bytes as a byte-stream proxy would take them: printable ASCII as is, CR LF as \r\n,
/// anything else as a middle dot.
func asText(_ bytes: some Collection<UInt8>) -> String {
  String(
    bytes.flatMap { byte -> [Character] in
      switch byte {
      case 13: ["\\", "r"]
      case 10: ["\\", "n"]
      case 0x20..<0x7f: [Character(Unicode.Scalar(byte))]
      default: ["·"]
      }
    })
}

func serverConfiguration() -> ServerConfiguration {
  var config = ServerConfiguration()
  config.port = 0
  config.deflate = .disabled
  config.keepaliveInterval = nil
  config.idleTimeout = nil
  config.shutdownGracePeriod = .seconds(2)
  return config
}

func clientConfiguration(seed: UInt64) -> ClientConfiguration {
  var config = ClientConfiguration()
  config.deflate = .disabled
  config.deterministicSeed = seed
  return config
}

@MainActor func firstMessage(_ socket: WebSocket) async throws -> WebSocketMessage? {
  for try await message in socket.messages { return message }
  return nil
}

lesson.banner(
  "What RFC 6455 §10 asks of every deployment: TLS, the Origin check, masking, limits, and where authentication goes.")

// MARK: - 1. wss://
lesson.heading("wss://: what an observer on the wire sees (§10.6, §1.8)")
lesson.say(
  """
  The chat of lesson 5 again, over TLS this time. The lesson first makes a certificate for \
  127.0.0.1, signed by its own key: an Ed25519 key from a fixed seed, so that the certificate, \
  and with it every length below, is the same on every run. The client trusts exactly this \
  certificate (as `wslab connect --cacert cert.pem` does) and checks it as it would a real \
  one, address included.
  """)
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wslab-lesson08-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
var seeded = SeededRandom(seed: 8)
let keySeed = (0..<32).map { _ in UInt8.random(in: 0...255, using: &seeded) }
let signingKey = try Curve25519.Signing.PrivateKey(rawRepresentation: keySeed)
let privateKey = Certificate.PrivateKey(signingKey)
let subject = try DistinguishedName { CommonName("WSLab lesson 8 test certificate") }
let certificate = try Certificate(
  version: .v3, serialNumber: Certificate.SerialNumber(bytes: [0x08]), publicKey: privateKey.publicKey,
  notValidBefore: Date(timeIntervalSince1970: 1_767_225_600),  // 2026-01-01
  notValidAfter: Date(timeIntervalSince1970: 2_082_758_400),  // 2036-01-01
  issuer: subject, subject: subject, signatureAlgorithm: .ed25519,
  extensions: try Certificate.Extensions {
    SubjectAlternativeNames([.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
  },
  issuerPrivateKey: privateKey)
var der = DER.Serializer()
try der.serialize(certificate)
let certificateDER = der.serializedBytes
let certPath = directory.appendingPathComponent("cert.pem").path
let keyPath = directory.appendingPathComponent("key.pem").path
try PEMDocument(type: "CERTIFICATE", derBytes: certificateDER).pemString.write(
  toFile: certPath, atomically: true, encoding: .utf8)
try privateKey.serializeAsPEM().pemString.write(toFile: keyPath, atomically: true, encoding: .utf8)
let fingerprint = SHA256.hash(data: certificateDER).map { Trace.hex($0) }.joined()
lesson.table(
  ["the lesson's certificate", ""],
  [
    ["subject", "CN=WSLab lesson 8 test certificate (self-signed)"],
    ["valid for", "IP address 127.0.0.1 (subjectAltName)"],
    ["key", "Ed25519 (RFC 8410), from seed 8"],
    ["size", "\(certificateDER.count) bytes of DER"],
    ["SHA-256", String(fingerprint.prefix(32))],
    ["", String(fingerprint.dropFirst(32))],
  ])

let tlsSink = TraceSink.memory()
let wire = CaptureFile.memory()
var tlsConfig = serverConfiguration()
tlsConfig.mode = .chat
tlsConfig.tlsCertificatePath = certPath
tlsConfig.tlsPrivateKeyPath = keyPath
tlsConfig.trace = tlsSink
tlsConfig.capture = wire
let tlsServer = WebSocketServer(configuration: tlsConfig)
let tlsPort = try await tlsServer.start().port!
var aliceConfig = clientConfiguration(seed: 1)
aliceConfig.trustedCertificatesPath = certPath
let alice = try await WebSocketClient.connect(to: "wss://127.0.0.1:\(tlsPort)/lobby", configuration: aliceConfig)
var bobConfig = clientConfiguration(seed: 2)
bobConfig.trustedCertificatesPath = certPath
let bob = try await WebSocketClient.connect(to: "wss://127.0.0.1:\(tlsPort)/lobby", configuration: bobConfig)
try await alice.send(text: "hi, room")
_ = try await firstMessage(bob)
await wait(for: tlsSink, until: "[c2] ▶ server → client  frame: text")
// Alice's record with the frame left her before Bob's copy: it is in the capture by now.

lesson.say(
  """
  Alice and Bob join /lobby over wss:// and Alice says "hi, room". This is everything an \
  observer between Alice and the server reads (a Wi-Fi neighbour, an ISP, a proxy): TLS \
  records, each a 5-byte header in the clear and a body. The first record travels in the clear \
  and names itself:
  """)
// Each direction of Alice's connection (the server's capture numbers it 1) as a byte stream, cut
// into records by the TLS record reader. The two directions are shown apart: which of them
// sent first at a given moment depends on scheduling, the order within each does not.
var records: [Role: [TLSRecordReader.Record]] = [.client: [], .server: []]
var readers: [Role: TLSRecordReader] = [.client: TLSRecordReader(), .server: TLSRecordReader()]
for segment in wire.takeSegments() where segment.connection == 1 {
  records[segment.from]! += readers[segment.from]!.feed(segment.bytes)
}
// What the endpoints know each encrypted record carried: the server traced the plaintext.
let tlsEvents = tlsSink.drainEvents()
_ = tlsSink.drain()
var plaintexts: [Role: [(Int, String)]] = [.client: [], .server: []]
for (source, event) in tlsEvents where source == "c1" {
  guard case .bytes(let record) = event else { continue }
  let from: Role = record.direction == .clientToServer ? .client : .server
  // The size is in its own column.
  let title = record.title.replacingOccurrences(of: #" \(\d+ bytes\)$"#, with: "", options: .regularExpression)
    .replacingOccurrences(of: #", \d+ bytes\)$"#, with: ")", options: .regularExpression)
  plaintexts[from]!.append((record.bytes.count, title))
}
if let first = records[.client]!.first {
  lesson.show(first.traceRecord(direction: .clientToServer, encrypted: false))
  lesson.markKeyBytes("What an observer reads of wss://: record headers in the clear, the ClientHello, lengths.")
}
/// The records one side sent, with what the endpoints know is inside each. TLS 1.3 encrypts
/// the handshake after the ServerHello (RFC 8446 §2): the server's certificate and proof, then
/// each side's Finished, then the server's session tickets.
@MainActor func recordRows(from role: Role) -> [[String]] {
  var hidden =
    role == .client
    ? ["the client's Finished"]
    : ["EncryptedExtensions, Certificate, CertificateVerify, Finished", "NewSessionTicket (for resumption)"]
  var rows: [[String]] = []
  for (i, record) in records[role]!.enumerated() {
    let inside: String
    if record.contentType == 23 {
      if let match = plaintexts[role]!.first(where: { $0.0 == record.plaintextLength }) {
        plaintexts[role]!.removeAll { $0 == match }
        inside = match.1
      } else {
        inside = hidden.isEmpty ? "TLS handshake messages" : hidden.removeFirst()
      }
      rows.append(["\(i + 1)", record.header.hexString, "\(record.length)", "\(record.plaintextLength)", inside])
    } else if record.contentType == 20 {
      rows.append(["\(i + 1)", record.header.hexString, "\(record.length)", "", "change_cipher_spec (RFC 8446 D.4)"])
    } else {
      let name = (record.handshakeTypeName ?? record.contentTypeName) + ", in the clear"
      rows.append(["\(i + 1)", record.header.hexString, "\(record.length)", "", name])
    }
  }
  return rows
}
lesson.say(
  """
  Every record of Alice's connection, as the observer reads them. "length" is the header's; \
  "plain" is how many bytes the endpoints decrypt from it, and the last column what they are \
  (the server's trace, and TLS's own messages):
  """)
let header = ["#", "header", "length", "plain", "what the endpoints know is inside"]
lesson.line("From Alice (→):")
lesson.table(header, recordRows(from: .client).map { ["→" + $0[0]] + $0.dropFirst() })
lesson.line("From the server (←):")
lesson.table(header, recordRows(from: .server).map { ["←" + $0[0]] + $0.dropFirst() })
lesson.say(
  """
  The ClientHello and ServerHello are in the clear, and large: most of their bytes are key \
  shares for the key exchange. From then on every record says application_data and hides its \
  real type; the change_cipher_spec records do nothing and are there because middleboxes \
  expect them (RFC 8446 D.4). The observer learns that Alice talks to 127.0.0.1 on this port, \
  when, and how much: an encrypted record is 17 bytes longer than what it carries (a 16-byte \
  authentication tag and the hidden type), so its length gives away the size of the upgrade \
  request, of the 101, and of every frame. Not one byte of the handshake, of the key, or of \
  "hi, room", and nobody on the way can change a byte without the receiver noticing: the \
  confidentiality and integrity §10.6 asks TLS for. After decrypting, the endpoints see what \
  lesson 5 showed. The server's trace of the frame in Alice's last record, and of the copy it \
  sent Bob:
  """)
let mask = TraceMask(ports: [tlsPort])
for (source, event) in tlsEvents {
  guard case .bytes(let record) = event, record.title.hasPrefix("frame:") else { continue }
  lesson.show(mask.event(event), source: source)
}
lesson.line()
_ = try await bob.close(code: .normalClosure, reason: "")
_ = try await alice.close(code: .normalClosure, reason: "")
try await tlsServer.shutdown()
_ = wire.takeSegments()
// --pcap: section 1's two wss:// connections as the server's socket saw them (TLS records only).
if let path = lesson.pcapPath, !FileManager.default.createFile(atPath: path, contents: Data(wire.takeBytes())) {
  fatalError("cannot write \(path)")
}
lesson.say(
  """
  Why wss:// matters beyond secrecy:
  - Browsers block ws:// from a page loaded over https:// (mixed content): an https site \
  must use wss://.
  - Proxies: a middlebox that does not know WebSocket may cache, buffer or cut an Upgrade it \
  sees in the clear; inside TLS it sees only records. §1.8 notes that connections on port 443 \
  succeed "significantly" more often than on port 80 for that reason.
  - Client masking (section 3) does not replace TLS: anyone who reads the frame reads its key.
  """)

// MARK: - 2. Origin
lesson.heading("Origin and cross-site WebSocket hijacking (§10.2, §10.1)")
lesson.say(
  """
  A browser attaches the cookies of a site to every request to it, also to a WebSocket \
  handshake that a page from another site starts. If chat.example authenticates its sockets by \
  cookie alone, a page on evil.example can open one in the victim's name and read every \
  message: cross-site WebSocket hijacking. WebSocket has no same-origin rule of its own, so \
  the browser sends the page's origin in the Origin header and leaves the decision to the \
  server (§10.2: refuse with 403). This server allows only https://chat.example \
  (`wslab serve --allow-origin https://chat.example`); the victim's browser, on a page of \
  evil.example:
  """)
let originSink = TraceSink.memory()
var originConfig = serverConfiguration()
originConfig.allowedOrigins = ["https://chat.example"]
originConfig.trace = originSink
let originServer = WebSocketServer(configuration: originConfig)
let originPort = try await originServer.start().port!
var victim = clientConfiguration(seed: 3)
victim.origin = "https://evil.example"
victim.headers = [("Cookie", "session=7d1f3a")]
do {
  _ = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(originPort)/lobby", configuration: victim)
  lesson.line("unexpected: the server accepted Origin https://evil.example")
} catch {}
await wait(for: originSink, until: "TCP connection closed")
showEvents(originSink, ports: [originPort]) { _, event in
  if case .note(let text) = event { return !text.hasPrefix("TCP connection") }
  return true
}
lesson.say(
  """
  Refused before anything else happened, with the reason in the body. Now the same request \
  from a program (curl, Python, `wslab connect --origin`): it sends whatever Origin it likes, \
  and the server cannot tell (§10.1):
  """)
var script = clientConfiguration(seed: 4)
script.origin = "https://chat.example"
let forged = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(originPort)/lobby", configuration: script)
await wait(for: originSink, until: "app ← opened")
showEvents(originSink, ports: [originPort]) { _, event in
  if case .note(let text) = event { return !text.hasPrefix("TCP connection") }
  return true
}
_ = try await forged.close(code: .normalClosure, reason: "")
try await originServer.shutdown()
reset(originSink)
lesson.say(
  """
  So the Origin check protects users' browsers from other sites, not the server from \
  anyone: it is not authentication. A program has no victim's cookies to send; a page in a \
  browser has them but cannot lie about its origin. Check both (section 5), and mark session \
  cookies SameSite=Lax or Strict, which current browsers leave out of a handshake a page of \
  another site starts.
  """)

// MARK: - 3. Masking
lesson.heading("Why clients mask: talking to yourself for fun and profit (§10.3)")
lesson.say(
  """
  In 2011 Huang, Chen, Barth, Rescorla and Jackson ("Talking to Yourself for Fun and Profit") \
  showed what unmasked client frames would allow. A script on the attacker's page opens a \
  socket to the attacker's own server (allowed: it is the attacker's origin) and sends a \
  message whose bytes read as an HTTP request for another site's script. A transparent proxy \
  on the victim's network that does not understand the Upgrade keeps reading the connection \
  as HTTP, takes those bytes for a request to chat.example, and caches the attacker's answer \
  as chat.example's /app.js: every user behind that proxy then runs the attacker's code. \
  They ran the experiment on real networks through an advertisement network and found \
  proxies that could be poisoned this way, which is why RFC 6455 masks. The message the \
  script would send:
  """)
let hostile = Array("GET /app.js HTTP/1.1\r\nHost: chat.example\r\n\r\n".utf8)
let plainLog = TraceLog()
let plainFrame = FrameEncoder(direction: .clientToServer, observer: plainLog).frameBytes(
  opcode: .text, payload: hostile)
lesson.say("Unmasked (what a client that did not mask would put on the wire):")
lesson.show(plainLog.records[0])
lesson.line("What a byte-stream proxy reads from the payload on:")
lesson.line("  " + asText(plainFrame.dropFirst(2)))
lesson.line()
lesson.say(
  """
  Every byte after the 2-byte header is the script's choice. With masking the browser, not \
  the script, picks a fresh 32-bit key for every frame from a strong source of randomness \
  (§10.3: the key must be unpredictable, and the application must not be able to choose it or \
  see it before the frame is sent), and XORs the payload with it. The same message, twice, \
  with two keys from the lesson's seeded generator:
  """)
var maskRandom = SeededRandom(seed: 10)
for _ in 0..<2 {
  let key = MaskingKey((0..<4).map { _ in UInt8.random(in: 0...255, using: &maskRandom) })!
  let log = TraceLog()
  let frame = FrameEncoder(direction: .clientToServer, observer: log).frameBytes(
    opcode: .text, maskingKey: key, payload: hostile)
  lesson.line("key \(key.bytes.hexString): the proxy reads")
  lesson.line("  " + asText(frame.dropFirst(6)))
}
lesson.line()
lesson.say(
  """
  No proxy takes that for a request, and the script cannot steer it: it never learns the key \
  in time. A server unmasks with the key in the frame, so masking hides nothing from anyone \
  who reads the frame; it only takes the choice of bytes on the wire away from the script. \
  Servers do not mask (§5.1): their bytes come from the server, not from a page.
  """)

// MARK: - 4. Limits
lesson.heading("The server's defences, traced (§10.4, §10.7)")
lesson.say(
  """
  A server on a public port meets clients that mean harm or are merely broken. §10.4 asks for \
  limits on frame and message size; the rest a server needs as well. Each defence below runs on \
  a real WSLab server with small limits so that it trips at once; `wslab serve` has them all, \
  with the defaults in brackets.
  """)
lesson.say(
  """
  A decompression bomb (`--max-message-size`, 16 MiB): a client with permessage-deflate sends \
  1 MiB of spaces, which deflate to about a kilobyte. The server inflates while it counts, \
  and stops at its limit (64 KiB here), without ever holding the megabyte:
  """)
let defenceSink = TraceSink.memory()
var bombConfig = serverConfiguration()
bombConfig.deflate = DeflateOptions()
bombConfig.maxMessageSize = 64 << 10
bombConfig.trace = defenceSink
let bombServer = WebSocketServer(configuration: bombConfig)
let bombPort = try await bombServer.start().port!
var bomber = clientConfiguration(seed: 5)
bomber.deflate = DeflateOptions()
let bomb = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(bombPort)/", configuration: bomber)
try await bomb.send(text: String(repeating: " ", count: 1 << 20))
let bombOutcome = try await bomb.closed
await wait(for: defenceSink, until: "TCP connection closed")
// The frame's dissection depends on how much of it had arrived when the limit tripped (TCP
// decides); its length field does not.
let bombEvents = defenceSink.drainEvents()
_ = defenceSink.drain()
for (_, event) in bombEvents {
  guard case .bytes(let record) = event, record.direction == .clientToServer,
    let length = record.fields.first(where: { $0.name == "ext. length" })
  else { continue }
  lesson.line("The client's frame: RSV1 = 1 (compressed), a payload of \(length.value) bytes.")
}
let bombView = AfterOpen()
let bombMask = TraceMask(ports: [bombPort])
for (source, event) in bombEvents where bombView.keep(source, event) {
  if case .bytes(let record) = event, record.direction == .clientToServer { continue }
  lesson.show(bombMask.event(event), source: source)
}
lesson.line()
lesson.line("The client reports: \(bombOutcome)")
lesson.line()
try await bombServer.shutdown()
reset(defenceSink)

lesson.say(
  """
  Slowloris (`--handshake-timeout`, 10 s): a client opens TCP and sends its request a few \
  bytes at a time, or never finishes it, to tie up the server's connections. WSLab gives the \
  whole request head a deadline (300 ms here) and closes the connection when it passes:
  """)
var slowConfig = serverConfiguration()
slowConfig.handshakeTimeout = .milliseconds(300)
slowConfig.trace = defenceSink
let slowServer = WebSocketServer(configuration: slowConfig)
let slowPort = try await slowServer.start().port!
let partial = "GET /lobby HTTP/1.1\r\nHost: 127.0.0.1\r\n"
let slowloris = try RawSocket(port: slowPort)
slowloris.send(Array(partial.utf8))
let slowlorisRead = slowloris.readUntilClosed(seconds: 5)
await wait(for: defenceSink, until: "TCP connection closed")
lesson.line("the client sent: " + Trace.quoted(Array(partial.utf8)) + ", then nothing")
showEvents(defenceSink, ports: [slowPort]) { _, event in
  if case .note(let text) = event { return !text.hasPrefix("TCP connection from") }
  return true
}
lesson.line(
  slowlorisRead.closed
    ? "The client reads \(slowlorisRead.bytes.count) bytes, then the end of the stream: no answer"
    : "The client reads nothing, and the connection is still open")
lesson.line()
try await slowServer.shutdown()
reset(defenceSink)

lesson.say(
  """
  A slow reader (`--max-queued-bytes`, 4 MiB): a member of a chat room who stops reading. The \
  kernel's buffers fill, then the server's queue for that connection grows with every message \
  the room sends. WSLab caps the queue (256 KiB here) and closes the connection with 1008 \
  (policy violation) when it is full, so one stalled client cannot eat the server's memory. \
  The reader here is a raw socket with a small receive buffer that completed its handshake and \
  then read nothing; Alice sends 64 KiB messages to the room:
  """)
var queueConfig = serverConfiguration()
queueConfig.mode = .chat
queueConfig.maxQueuedBytes = 256 << 10
queueConfig.closeTimeout = .milliseconds(500)
queueConfig.trace = defenceSink
let queueServer = WebSocketServer(configuration: queueConfig)
let queuePort = try await queueServer.start().port!
let reader = try RawSocket(port: queuePort, receiveBuffer: 4096)
var readerHandshake = ClientHandshake(
  options: .init(host: "127.0.0.1:\(queuePort)", path: "/lobby"), keyBytes: Array(repeating: 8, count: 16))
reader.send(readerHandshake.requestBytes())
_ = reader.readHead(seconds: 5)
_ = readerHandshake
let sender = try await WebSocketClient.connect(
  to: "ws://127.0.0.1:\(queuePort)/lobby", configuration: clientConfiguration(seed: 6))
var sentMessages = 0
let chunk = String(repeating: "x", count: 64 << 10)
while sentMessages < 400 && !defenceSink.contents.contains("[c1] note: TCP connection closed") {
  try await sender.send(text: chunk)
  sentMessages += 1
  try? await Task.sleep(for: .milliseconds(2))
}
await wait(for: defenceSink, until: "[c1] note: TCP connection closed")
let afterOpen = AfterOpen()
showEvents(defenceSink, ports: [queuePort]) { source, event in
  guard source == "c1", afterOpen.keep(source, event) else { return false }
  if case .bytes(let record) = event { return record.title.hasPrefix("frame: close") }
  return true
}
_ = try await sender.close(code: .normalClosure, reason: "")
reader.close()
try await queueServer.shutdown()
reset(defenceSink)

lesson.say(
  """
  Too many connections (`--max-connections`, 10,000): beyond its limit the server answers \
  `503 Service Unavailable` with a Retry-After, before reading the request, and closes; a \
  client that retries later finds room. With a limit of 2, a third client's view:
  """)
var fullConfig = serverConfiguration()
fullConfig.maxConnections = 2
let fullServer = WebSocketServer(configuration: fullConfig)
let fullPort = try await fullServer.start().port!
let first = try await WebSocketClient.connect(
  to: "ws://127.0.0.1:\(fullPort)/", configuration: clientConfiguration(seed: 11))
let second = try await WebSocketClient.connect(
  to: "ws://127.0.0.1:\(fullPort)/", configuration: clientConfiguration(seed: 12))
var thirdConfig = clientConfiguration(seed: 13)
let clientSink = TraceSink.memory()
thirdConfig.trace = clientSink
do {
  _ = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(fullPort)/", configuration: thirdConfig)
  lesson.line("unexpected: a third connection was accepted")
} catch {
  await wait(for: clientSink, until: "503")
  showEvents(clientSink, ports: [fullPort]) { _, event in
    if case .bytes(let record) = event { return record.direction == .serverToClient }
    return true
  }
  lesson.line("The client reports: \(error)")
  lesson.line()
}
_ = try await first.close(code: .normalClosure, reason: "")
_ = try await second.close(code: .normalClosure, reason: "")
try await fullServer.shutdown()
lesson.table(
  ["defence", "wslab serve option", "default", "what the client gets"],
  [
    ["frame too big", "--max-frame-size", "16 MiB", "close 1009"],
    ["message too big, bombs", "--max-message-size", "16 MiB", "close 1009"],
    ["slow request head", "--handshake-timeout", "10 s", "TCP closed"],
    ["slow reader", "--max-queued-bytes", "4 MiB", "close 1008"],
    ["silent client", "--idle-timeout", "120 s", "close 1001"],
    ["too many clients", "--max-connections", "10000", "503, Retry-After: 5"],
    ["foreign page", "--allow-origin", "any", "403"],
    ["no credentials", "--auth-token", "none", "401"],
    ["bad UTF-8, bad frames", "(always)", "", "close 1007, 1002"],
  ])

// MARK: - 5. Authentication
lesson.heading("Authentication belongs in the handshake (§10.5)")
lesson.say(
  """
  RFC 6455 defines no way for a client to log in: §10.5 says a server may use anything a \
  plain HTTP server uses, cookies, HTTP authentication or TLS client certificates. The place \
  is the handshake: the server checks the credentials before it answers 101, so a stranger \
  costs it one refused request, not an open connection waiting for a login message, and the \
  application never sees an unauthenticated socket. A browser's WebSocket API cannot add \
  headers, so a browser sends the site's session cookie (checked together with Origin, \
  section 2); a program sends `Authorization: Bearer TOKEN`. Avoid tokens in the URL: URLs \
  end up in logs. `wslab serve --auth-token TOKEN` checks either; without a token:
  """)
let authSink = TraceSink.memory()
var authConfig = serverConfiguration()
authConfig.authorizer = ServerConfiguration.tokenAuthorizer("s3cr3t")
authConfig.trace = authSink
let authServer = WebSocketServer(configuration: authConfig)
let authPort = try await authServer.start().port!
do {
  _ = try await WebSocketClient.connect(
    to: "ws://127.0.0.1:\(authPort)/", configuration: clientConfiguration(seed: 14))
  lesson.line("unexpected: the server accepted a request without credentials")
} catch {}
await wait(for: authSink, until: "TCP connection closed")
showEvents(authSink, ports: [authPort]) { _, event in
  if case .bytes(let record) = event { return record.direction == .serverToClient }
  if case .note(let text) = event { return !text.hasPrefix("TCP connection") }
  return true
}
lesson.say("With the token, the request (the response is the usual 101):")
var tokenConfig = clientConfiguration(seed: 15)
tokenConfig.headers = [("Authorization", "Bearer s3cr3t")]
let authorized = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(authPort)/", configuration: tokenConfig)
await wait(for: authSink, until: "app ← opened")
showEvents(authSink, ports: [authPort]) { _, event in
  if case .bytes(let record) = event { return record.direction == .clientToServer }
  return false
}
_ = try await authorized.close(code: .normalClosure, reason: "")
try await authServer.shutdown()
lesson.say(
  """
  Over ws:// that token crosses the network readable by anyone on the way: credentials in the \
  handshake need wss:// (section 1).
  """)

lesson.box(
  "Common misconceptions",
  [
    "Masking is not encryption: the key travels in the frame. It protects proxies from scripts, not messages from eavesdroppers; only TLS (wss://) does that.",
    "An Origin check is not authentication: any program can send any Origin (§10.1). It protects users' browsers from other sites' pages.",
    "TLS does not hide everything: the server's address, the timing and the length of every message stay visible.",
    "Authentication is not done in WebSocket messages after the 101: the server checks credentials in the handshake, like any HTTP request (§10.5).",
  ])

lesson.exercises([
  Exercise(
    """
    An encrypted TLS 1.3 record with AES-GCM carries a server frame with the 5-byte text \
    "hello". How long is the record, header included?
    """,
    answer: """
      The frame is 2 + 5 = 7 bytes (a server does not mask). TLS 1.3 adds the hidden content \
      type (1 byte) and the 16-byte authentication tag: a body of 24 bytes, so the length field \
      says 24 and the record is 29 bytes with its 5-byte header. An observer cannot read \
      "hello", but can tell a 5-byte message went by.
      """),
  Exercise(
    """
    Start `wslab serve --allow-origin https://chat.example` and connect with `wslab connect \
    ws://127.0.0.1:9001/ --origin https://evil.example --trace`, then with \
    `--origin https://chat.example`. What status does each get, and what does that prove?
    """,
    answer: """
      403 Forbidden, with the reason in the body, then 101 Switching Protocols. The server only \
      sees the Origin header, which a program sets at will: the check stops pages in browsers \
      (which cannot lie about their origin), not programs. It is no authentication.
      """),
  Exercise(
    """
    A script wants the bytes "GET /" (47 45 54 20 2f) on the wire in a client frame. With the \
    masking key 12 34 56 78, what bytes does the browser actually send as the payload?
    """,
    answer: """
      Each byte XORed with key byte (i mod 4): 47^12 = 55, 45^34 = 71, 54^56 = 02, 20^78 = 58, \
      2f^12 = 3d, so 55 71 02 58 3d. The script would need the key in advance to choose the \
      bytes, and the browser never gives it one.
      """),
  Exercise(
    """
    Run `wslab serve --auth-token s3cr3t` and connect with `wslab connect ws://127.0.0.1:9001/ \
    --header "Cookie: wslab_token=s3cr3t"`. Why does a browser need the cookie form, and what \
    does the server answer without it?
    """,
    answer: """
      The browser's WebSocket API cannot set headers such as Authorization, but it sends the \
      site's cookies with the handshake, so a login page sets the cookie and the socket \
      carries it. Without it the server answers 401 Unauthorized with WWW-Authenticate: \
      Bearer realm="wslab", before any WebSocket connection exists.
      """),
])
lesson.finish(next: nil)

/// A blocking TCP socket for the attacks a real client library would never make: a request
/// that never ends, a reader that stops reading.
final class RawSocket {
  let fd: Int32

  init(port: Int, receiveBuffer: Int32? = nil) throws {
    fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EMFILE) }
    if var size = receiveBuffer {
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard result == 0 else {
      Glibc.close(fd)
      throw POSIXError(.ECONNREFUSED)
    }
  }

  func send(_ bytes: [UInt8]) {
    _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
  }

  /// Reads until the response head ends (an empty line) or `seconds` pass.
  func readHead(seconds: Int) -> [UInt8] {
    var out: [UInt8] = []
    var byte: UInt8 = 0
    let deadline = Date().addingTimeInterval(Double(seconds))
    while Date() < deadline, recv(fd, &byte, 1, 0) == 1 {
      out.append(byte)
      if out.suffix(4) == [13, 10, 13, 10] { break }
    }
    return out
  }

  /// Reads until the peer closes (or `seconds` pass): what arrived, and whether it closed.
  func readUntilClosed(seconds: Int) -> (bytes: [UInt8], closed: Bool) {
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    let deadline = Date().addingTimeInterval(Double(seconds))
    while Date() < deadline {
      let n = recv(fd, &buffer, buffer.count, 0)
      if n == 0 { return (out, true) }
      if n < 0 { return (out, errno == ECONNRESET) }
      out += buffer[0..<n]
    }
    return (out, false)
  }

  func close() { Glibc.close(fd) }
}
