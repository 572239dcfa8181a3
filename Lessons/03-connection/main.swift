// Lesson 03 — a conversation (RFC 6455 §5.5, §7).
//
// A client Connection and a server Connection, wired together in memory: no sockets. Every
// arrow, frame and state change below is what the two state machines reported while they ran.

import Connection
import Framing
import Handshake
import LessonSupport
import NIOCore
import Trace

var lesson = Lesson(number: 3, title: "a conversation", chinese: chinese)

/// Collects what one endpoint reports, so the lesson can print it next to the other's.
final class Side: TraceObserver {
  let role: Role
  var events: [TraceEvent] = []
  /// The frames this side encoded and has not yet put on the wire (for the capture).
  var unsent: [TraceRecord] = []
  init(_ role: Role) { self.role = role }
  func record(_ event: TraceEvent) {
    events.append(event)
    if case .bytes(let record) = event, record.direction == role.sendDirection, record.title.hasPrefix("frame") {
      unsent.append(record)
    }
  }
  func sentFrames() -> [TraceRecord] {
    defer { unsent.removeAll() }
    return unsent
  }
  func drain() -> [TraceEvent] {
    defer { events.removeAll() }
    return events
  }
}

/// The wire between the two: moves bytes, and prints every step as a sequence diagram with the
/// sender's dissection of the bytes and the receiver's decisions.
struct Wire {
  var client: Connection
  var server: Connection
  let clientSide: Side
  let serverSide: Side
  var clientTCPOpen = true
  var serverTCPOpen = true
  /// Full dissections, or arrows only.
  var dissect = true
  /// The connection in the lesson's capture (`--pcap`).
  var captured: Int?

  init(clientConfiguration: Connection.Configuration, serverConfiguration: Connection.Configuration) {
    let clientSide = Side(.client)
    let serverSide = Side(.server)
    self.clientSide = clientSide
    self.serverSide = serverSide
    var random = SeededRandom(seed: 3)
    // Key and masks from a seeded source: the same bytes on every run.
    let options = ClientHandshake.Options(host: "server.example.com", path: "/chat", subprotocols: ["chat"])
    client = Connection(
      client: options, configuration: clientConfiguration, random: SeededRandom(seed: random.next()),
      observer: clientSide)
    server = Connection(
      server: ServerHandshakePolicy(subprotocols: ["chat"]), configuration: serverConfiguration, observer: serverSide)
  }

  /// Prints what `side` reported: its own outgoing bytes as arrows with dissections, its state
  /// changes and notes beside its lane. Bytes it received were already shown by the sender.
  @MainActor func report(_ side: Side) {
    let lane: TraceDirection = side.role == .client ? .clientToServer : .serverToClient
    for event in side.drain() {
      switch event {
      case .bytes(let record):
        guard record.direction == side.role.sendDirection else { continue }
        lesson.diagram(.arrow(lane, record.title))
        if dissect { lesson.diagram(.record(record)) }
      case .transition(let from, let to, let reason):
        lesson.diagram(.note(lane, "\(side.role.rawValue): \(from) → \(to)"))
        lesson.diagram(.note(lane, "  (\(reason))"))
      case .note(let text):
        lesson.diagram(.note(lane, text))
      }
    }
  }

  /// Moves bytes until neither side has anything to send; TCP closes travel as end of stream.
  @MainActor mutating func run() {
    let id = captured ?? lesson.openConnection()
    captured = id
    report(clientSide)
    report(serverSide)
    var progress = true
    while progress {
      progress = false
      if let bytes = client.takeOutbound() {
        lesson.wire(id, from: .client, bytes.readableBytesView, frames: clientSide.sentFrames())
        server.receive(bytes)
        _ = server.drainEvents()  // the application's view; the trace already shows each event
        report(serverSide)
        progress = true
      }
      if let bytes = server.takeOutbound() {
        lesson.wire(id, from: .server, bytes.readableBytesView, frames: serverSide.sentFrames())
        client.receive(bytes)
        _ = client.drainEvents()
        report(clientSide)
        progress = true
      }
      if server.shouldCloseTransport && serverTCPOpen && server.queuedBytes == 0 {
        serverTCPOpen = false
        lesson.diagram(.arrow(.serverToClient, "TCP FIN: the server closes the connection"))
        lesson.closeWire(id, from: .server)
        client.receiveEOF()
        _ = client.drainEvents()
        report(clientSide)
        progress = true
      }
      if client.shouldCloseTransport && clientTCPOpen && client.queuedBytes == 0 {
        clientTCPOpen = false
        lesson.diagram(.arrow(.clientToServer, "TCP FIN: the client closes its end"))
        lesson.closeWire(id, from: .client)
        server.receiveEOF()
        _ = server.drainEvents()
        report(serverSide)
        progress = true
      }
    }
    lesson.line()
  }
}

lesson.banner(
  "Two real state machines talking in memory: handshake, messages, ping/pong, closing. RFC 6455 §5.5, §7.")

// MARK: - 1
lesson.heading("Two endpoints, no sockets")
lesson.say(
  """
  WSLab's Connection is a sans-IO state machine: you give it the bytes that arrived and the \
  time, it gives back events for the application and bytes to send. Here a client Connection \
  and a server Connection are wired together in memory, so the whole conversation is \
  deterministic and every step can be printed. The diagram below is drawn from what the two \
  machines reported: the sender's dissection of each message (lessons 1 and 2), the state \
  changes (CONNECTING → OPEN → CLOSING → CLOSED), and what each application received.

  The client masks with keys from a seeded random source, so the bytes are the same on every run.
  """)
var wire = Wire(clientConfiguration: .init(role: .client), serverConfiguration: .init(role: .server))
lesson.diagram(.lanes(left: "client", right: "server"))
lesson.line()
wire.dissect = false
wire.run()
lesson.say(
  """
  Arrows only, for the opening handshake: lesson 1 shows these two heads line by line. Both \
  machines are now OPEN; from here on every arrow is a frame, dissected by the sender.
  """)
wire.dissect = true

// MARK: - 2
lesson.heading("A text message and a binary message")
lesson.say(
  """
  The client's application sends "Hello" and three bytes of binary data. The client masks both \
  (§5.3); the server's decoder unmasks them, checks the text is UTF-8 and hands whole messages \
  to its application. The server echoes the text back, unmasked.
  """)
try! wire.client.send(text: "Hello")
try! wire.client.send(binary: [0x01, 0x02, 0x03])
wire.run()
try! wire.server.send(text: "Hello")
wire.run()

// MARK: - 3
lesson.heading("A fragmented message with a ping in the middle (§5.4, §5.5.2)")
lesson.say(
  """
  The client streams a message in three parts, and pings between the second and the third. \
  Each frame reaches the server in a read of its own, as it would when the parts are sent \
  some time apart. The server's application sees the ping at once (and its Connection answers \
  with a pong carrying the same payload, §5.5.3), but the message only when its last fragment \
  arrives:
  """)
try! wire.client.sendFragment(text: "Hel", isLast: false)
wire.run()
try! wire.client.sendFragment(text: "lo, ", isLast: false)
wire.run()
try! wire.client.ping(ByteBuffer(string: "are you there?"))
wire.run()
try! wire.client.sendFragment(text: "world", isLast: true)
wire.run()

// MARK: - 4
lesson.heading("The closing handshake, and who closes TCP first (§5.5.1, §7.1.1)")
lesson.say(
  """
  Either side may start closing by sending a close frame with a status code and an optional \
  reason. The other side answers with a close frame, echoing the code (§5.5.1), and after that \
  neither sends anything more. Then the TCP connection goes: the server closes it first, so \
  that the TIME_WAIT state (which keeps the closing side's address and port pair reserved for \
  twice the maximum segment lifetime, 60 s on Linux) lands on the \
  server, not on a client that may need to reconnect soon (§7.1.1). The client waits for the \
  server's FIN, and closes its end only then, or when a timeout passes.

  The client closes with 1000 (normal closure) and a reason:
  """)
try! wire.client.close(code: .normalClosure, reason: "done chatting")
wire.run()
lesson.markKeyBytes("The closing handshake's answer: the server echoes the client's 1000 (§5.5.1).")
lesson.say(
  """
  Both report a clean close with the code 1000. Had the TCP connection dropped before the close \
  frames were exchanged, each side would report 1006 (abnormal closure), a code that exists only \
  in reports and never on the wire.
  """)

// MARK: - 5
lesson.heading("Violations, and the close code each one earns (§7.1.7, §7.4.1)")
lesson.say(
  """
  When an endpoint receives something that breaks the protocol, it fails the connection: it \
  sends a close frame whose code says why (if it can still send one), stops processing input, \
  and closes TCP. Below, a misbehaving peer sends four kinds of bad data to a server \
  Connection. The bytes of each bad frame are the peer's; the dissection, the verdict and the \
  close frame the server sends back are the real server's.
  """)

struct Violation {
  let title: String
  let bytes: [UInt8]
  var configuration = Connection.Configuration(role: .server)
}
let evilKey = MaskingKey(0x37, 0xfa, 0x21, 0x3d)
let raw = FrameEncoder()
let violations = [
  Violation(
    title: "(a) a client frame without a mask", bytes: raw.frameBytes(opcode: .text, payload: Array("Hello".utf8))),
  Violation(
    title: "(b) text that is not UTF-8 (c3 28)",
    bytes: raw.frameBytes(opcode: .text, maskingKey: evilKey, payload: [0x48, 0x69, 0xc3, 0x28])),
  Violation(
    title: "(c) a 2000-byte message to a server that accepts at most 1024",
    bytes: raw.frameBytes(opcode: .binary, maskingKey: evilKey, payload: [UInt8](repeating: 0x2a, count: 2000)),
    configuration: .init(role: .server, maxMessageSize: 1024)),
  Violation(
    title: "(d) a close frame with code 1005, which must never be sent",
    bytes: raw.frameBytes(opcode: .close, maskingKey: evilKey, payload: [0x03, 0xed])),
]
var summary: [[String]] = []
for violation in violations {
  lesson.line(violation.title + ":")
  lesson.line()
  let log = TraceLog()
  var server = Connection(openWith: violation.configuration, observer: log)
  server.receive(violation.bytes)
  for event in log.drain() {
    lesson.show(event)
    if case .bytes = event { lesson.line() }
  }
  var code = "-"
  for event in server.drainEvents() {
    if case .failed(let failure) = event {
      code = "\(failure.closeCode.rawValue) \(failure.closeCode.name)"
    }
  }
  lesson.line("→ TCP: the server closes the connection (shouldCloseTransport = \(server.shouldCloseTransport))")
  lesson.line()
  summary.append([violation.title, code])
}
lesson.table(["violation", "close code sent"], summary)

// MARK: - 6
lesson.heading("Close codes (§7.4.1, §7.4.2, IANA registry)")
lesson.say(
  """
  The codes an endpoint may send, and the ones it only reports. The "on the wire" column is \
  CloseCode.isValidOnWire, the same check the Connection applies to every close frame it \
  receives. RFC 6455 (§7.4) only says which codes an endpoint may send; failing a received \
  close frame that carries any other code, with 1002, is a choice WSLab makes (it is what the \
  Autobahn|Testsuite's cases 7.9.x expect).
  """)
let codes: [UInt16] = [
  1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015, 0, 999, 2999, 3000,
  4000, 4999, 5000,
]
lesson.table(
  ["code", "name", "on the wire", "meaning"],
  codes.map { raw in
    let code = CloseCode(rawValue: raw)
    return [String(raw), code.name, code.isValidOnWire ? "yes" : "never", code.meaning]
  })

lesson.box(
  "Common misconceptions",
  [
    "1000 is normal closure, the code for \"we are done\", not an error. Errors are 1002 (protocol), 1007 (invalid data), 1009 (too big), 1011 (server failure) and friends.",
    "0 is not a close code. Codes start at 1000; 0–999 are unused (§7.4.2), so no endpoint may send one. WSLab fails a close frame carrying one with 1002.",
    "1005 (no status), 1006 (abnormal closure) and 1015 (TLS failure) are never sent on the wire: an endpoint reports them to its application when a close frame had no code, or when there was no close frame at all.",
    "A close frame is not the end of the TCP connection. Data frames already in flight may still arrive after you sent yours; the server closes TCP after the closing handshake.",
  ])

// Exercise answers, computed with two more Connections wired by hand.
/// Frames in `bytes`, as a client decodes them.
func framesSent(byServer bytes: ByteBuffer?) -> [Frame] {
  var decoder = FrameDecoder(role: .client)
  if let bytes { decoder.append(bytes) }
  var frames: [Frame] = []
  while let frame = try? decoder.next() { frames.append(frame) }
  return frames
}
var closer = Connection(openWith: .init(role: .server))
var closed = Connection(openWith: .init(role: .client), random: SeededRandom(seed: 7))
try! closer.close(code: .goingAway)
closed.receive(closer.takeOutbound()!)
closer.receive(closed.takeOutbound()!)
let firstFIN = closer.shouldCloseTransport && !closed.shouldCloseTransport ? "the server" : "not the server"
var lazy = Connection(openWith: .init(role: .server, pongPolicy: .latestPerRead))
var pinger = Connection(openWith: .init(role: .client), random: SeededRandom(seed: 8))
try! pinger.ping(ByteBuffer(string: "one"))
try! pinger.ping(ByteBuffer(string: "two"))
lazy.receive(pinger.takeOutbound()!)
let pongs = framesSent(byServer: lazy.takeOutbound()).filter { $0.header.opcode == .pong }
let pongPayloads = pongs.map { Trace.quoted($0.payload.readableBytesView) }.joined(separator: ", ")
lesson.exercises([
  Exercise(
    """
    Let the server start the closing handshake instead (`server.close(code: .goingAway)`). Who \
    sends the first FIN now? Does anything else change?
    """,
    answer: """
      Still \(firstFIN): once its close frame is answered, the server's Connection asks for TCP \
      to be closed (shouldCloseTransport), while the client's waits for the server's FIN \
      (§7.1.1). What changes is who waits for an answer: the server's close frame carries 1001, \
      the client echoes it, and the server's close timer now runs.
      """),
  Exercise(
    """
    Send two pings in a row before the server reads anything, and configure the server with \
    `pongPolicy: .latestPerRead`. How many pongs come back, and which payload do they carry? Why \
    does RFC 6455 §5.5.3 allow this?
    """,
    answer: """
      \(pongs.count) pong\(pongs.count == 1 ? "" : "s"), carrying \(pongPayloads): the payload of the \
      last ping of the read. §5.5.3 lets an endpoint that has not yet answered earlier pings \
      answer only the most recent one, which caps the work a flood of pings can cause.
      """),
  Exercise(
    """
    In section 5, what would happen if the server processed the frame after the bad one? Find \
    the line in Connection.swift that stops it. How many messages does a server deliver from a \
    frame with RSV1 set (no extension negotiated) followed by a valid masked "Hello"?
    """,
    answer: """
      None. Otherwise it would act on bytes from a peer that already broke the protocol: deliver \
      a message after failing the connection, or read payload bytes as a header. §7.1.7 says to stop processing \
      input. In Sources/Connection/Connection.swift, receive(_:) drops every byte in the holding \
      and closed phases (`case .holding, .closed:`), and FrameDecoder stays failed after its \
      first error.
      """),
])
lesson.finish(next: "lesson 4, compression (permessage-deflate).")
