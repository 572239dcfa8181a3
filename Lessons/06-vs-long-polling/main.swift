// Lesson 06 — why WebSocket: a short, live comparison with HTTP long polling.
//
// Starts a real WSLab server on 127.0.0.1 and measures, in this process, the same echo over a
// WebSocket and over long polling. Bytes are counted exactly; times are measured, so they vary
// from run to run (the golden test masks them). `make bench` is the full, careful version.

import Foundation
import Framing
import LessonSupport
import NIOCore
import Server
import Trace

var lesson = Lesson(number: 6, title: "WebSocket against long polling", chinese: chinese)
let quick = CommandLine.arguments.contains("--quick")

/// Microseconds, formatted.
func us(_ d: Duration) -> String {
  let v = Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12
  return String(format: "%.0f µs", v)
}

func median(_ xs: [Duration]) -> Duration { xs.sorted()[xs.count / 2] }
func percentile(_ xs: [Duration], _ p: Double) -> Duration {
  let s = xs.sorted()
  return s[min(s.count - 1, Int(Double(s.count) * p))]
}

/// This process's resident memory in bytes (Linux: /proc/self/statm, in pages).
func residentBytes() -> Int {
  guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
  let fields = text.split(separator: " ")
  return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}

lesson.banner("The same echo over a WebSocket and over HTTP long polling, measured live on this machine.")

lesson.heading("The setup")
lesson.say(
  """
  One WSLab server (echo mode, one event loop, compression off) listens on 127.0.0.1. A client \
  in this process sends small messages and waits for each echo (ping-pong), first over a \
  WebSocket, then over long polling: `POST /poll/send` to send, `GET /poll/recv` to collect. \
  Bytes are exact (counted from the real encoder and the real HTTP exchanges); times are \
  measured now, on a shared machine, so they vary between runs. For careful numbers with peers \
  (SwiftNIO's own WebSocket server, raw TCP), run `make bench`.
  """)
#if DEBUG
  let debugBuild = true
#else
  let debugBuild = false
#endif
lesson.line(
  lesson.either(
    debugBuild, "build: debug (unoptimised, see section 5; `make lesson N=6` runs the release build)",
    "build: release (optimised, as a server would run)"))
lesson.line()
var config = ServerConfiguration()
config.port = 0
config.deflate = .disabled
config.keepaliveInterval = nil
config.idleTimeout = nil
config.maxConnections = 100_000
// --pcap: the server's own capture of every connection (real ports and times).
config.capture = lesson.pcapPath.map { path in
  do { return try CaptureFile(path: path) } catch { fatalError("\(error)") }
}
let server = WebSocketServer(configuration: config)
let port = try await server.start().port!

// MARK: - bytes
lesson.heading("Bytes per message")
let message = Array(#"{"user":"ada","text":"hi"}"#.utf8)
let wsUp = FrameEncoder().frameBytes(opcode: .text, maskingKey: MaskingKey(1, 2, 3, 4), payload: message).count
let wsDown = FrameEncoder().frameBytes(opcode: .text, payload: message).count
let poller = try await LongPollClient.connect(host: "127.0.0.1", port: port, client: "lesson")
let send = try await poller.send(message)
let recv = try await poller.receive()
let pollTotal = send.requestBytes + send.responseBytes + recv.requestBytes + recv.responseBytes
lesson.table(
  ["a \(message.count)-byte chat message, echoed", "bytes on the wire", "overhead"],
  [
    ["WebSocket: 1 frame each way", "\(wsUp + wsDown)", "\(wsUp + wsDown - 2 * message.count) bytes of headers"],
    [
      "long polling: POST + 204, GET + 200", "\(pollTotal)",
      "\(pollTotal - 2 * message.count) bytes of HTTP "
        + "(\(String(format: "%.1f", Double(pollTotal) / Double(wsUp + wsDown)))× the bytes)",
    ],
  ])
lesson.say(
  """
  A frame header is 2 bytes from the server and 6 from a client (with the mask). Each HTTP \
  exchange repeats a request line, Host, content headers and a status line; a browser adds \
  cookies and a user agent to every request, so on the web the gap is several times wider.
  """)

// MARK: - latency
lesson.heading("Round trips: ping-pong latency")
let rounds = quick ? 300 : 2000
let socket = try await WebSocketClient.connect(
  to: "ws://127.0.0.1:\(port)/",
  configuration: {
    var c = ClientConfiguration()
    c.deflate = .disabled
    return c
  }())
let clock = ContinuousClock()
let big = ByteBuffer(repeating: 0x61, count: 256 * 1024)
let bigRounds = quick ? 20 : 60

/// Ping-pong over the socket: `rounds` small messages, then `bigRounds` large ones (one
/// iterator for the socket's whole life: its messages have one consumer).
func webSocketRoundTrips(_ socket: WebSocket) async throws -> (small: [Duration], big: [Duration]) {
  var iterator = socket.messages.makeAsyncIterator()
  var small: [Duration] = []
  var large: [Duration] = []
  for (payload, count) in [(ByteBuffer(bytes: message), rounds), (big, bigRounds)] {
    for _ in 0..<count {
      let start = clock.now
      try await socket.send(.binary(payload))
      _ = try await iterator.next()
      if payload.readableBytes == message.count {
        small.append(clock.now - start)
      } else {
        large.append(clock.now - start)
      }
    }
  }
  return (small, large)
}
let (wsTimes, bigWS) = try await webSocketRoundTrips(socket)
var pollTimes: [Duration] = []
for _ in 0..<(rounds / 4) {
  let start = clock.now
  _ = try await poller.send(message)
  _ = try await poller.receive()
  pollTimes.append(clock.now - start)
}
lesson.table(
  ["echo of one message", "p50", "p99", "round trips per message"],
  [
    ["WebSocket", us(median(wsTimes)), us(percentile(wsTimes, 0.99)), "1 (the frame out, the echo back)"],
    ["long polling", us(median(pollTimes)), us(percentile(pollTimes, 0.99)), "2 (POST/204, then GET/200)"],
  ])
let smallRatio = median(pollTimes) / median(wsTimes)
lesson.say(
  """
  Measured here, long polling's median round trip took \(String(format: "%.1f", smallRatio))× \
  the WebSocket's. \
  Long polling needs two HTTP exchanges per message here: one to send, one to receive. And \
  the server can push only while a GET is waiting: a second message that arrives while the \
  client is between two GETs waits for the next one (head-of-line waiting), so under load its \
  latency grows with the message rate. A WebSocket is open both ways all the time.
  """)

// MARK: - idle clients
lesson.heading("What an idle client costs the server")
let idleCount = quick ? 100 : 300
let before = residentBytes()
var idle: [WebSocket] = []
for _ in 0..<idleCount {
  idle.append(
    try await WebSocketClient.connect(
      to: "ws://127.0.0.1:\(port)/",
      configuration: {
        var c = ClientConfiguration()
        c.deflate = .disabled
        return c
      }()))
}
let after = residentBytes()
let perClient = max(0, after - before) / idleCount
lesson.say(
  """
  \(idleCount) idle WebSocket clients were opened (client and server both live in this \
  process, so the figure counts both ends): about \(perClient / 1024) KiB per connection, a \
  socket and a few buffers, and no work at all until a message or a keepalive ping (every \
  30 s by default). An idle long-polling client instead holds a connection and a pending \
  request open the whole time, and re-sends its GET every time the held request times out \
  (`--poll-timeout`, 25 s): a full HTTP request and response per client per timeout even when \
  nothing happens, and one more per message delivered. (Its memory is not measured here.)
  """)
for s in idle { _ = try? await s.close() }

// MARK: - where long polling holds up
lesson.heading("Where long polling does well")
var bigPoll: [Duration] = []
let bigBytes = Array(repeating: UInt8(0x61), count: 256 * 1024)
var bigPollTotal = 0
for _ in 0..<bigRounds {
  let start = clock.now
  let sent = try await poller.send(bigBytes)
  let received = try await poller.receive()
  bigPoll.append(clock.now - start)
  bigPollTotal = sent.requestBytes + sent.responseBytes + received.requestBytes + received.responseBytes
}
// The headers of this exchange, not of the small one: Content-Length has more digits here.
let bigPollHeaders = bigPollTotal - 2 * bigBytes.count
let bigWSHeaders =
  FrameEncoder().frameBytes(opcode: .binary, maskingKey: MaskingKey(1, 2, 3, 4), payload: bigBytes).count
  + FrameEncoder().frameBytes(opcode: .binary, payload: bigBytes).count - 2 * bigBytes.count
let bigRatio = median(bigPoll) / median(bigWS)
lesson.table(
  ["echo of a 256 KiB message", "p50", "header bytes / payload bytes"],
  [
    [
      "WebSocket", us(median(bigWS)),
      "\(bigWSHeaders) / \(2 * bigBytes.count) = "
        + String(format: "%.5f", Double(bigWSHeaders) / Double(2 * bigBytes.count)),
    ],
    [
      "long polling", us(median(bigPoll)),
      "\(bigPollHeaders) / \(2 * bigBytes.count) = "
        + String(format: "%.5f", Double(bigPollHeaders) / Double(2 * bigBytes.count)),
    ],
  ])
lesson.table(
  ["message", "long polling ÷ WebSocket (p50)"],
  [
    ["\(message.count) bytes", String(format: "%.1f×", smallRatio)],
    ["256 KiB", String(format: "%.1f×", bigRatio)],
  ])
let narrows = lesson.either(
  bigRatio < smallRatio, "In this run the gap narrowed as messages grew (the second table).",
  "In this run the gap did not narrow (the second table): the machine was busy, or the build is unoptimised.")
lesson.say(
  """
  For large messages the HTTP headers are noise next to the payload (the last column of the \
  first table), and the time goes into moving the bytes, which both do over the same TCP. \
  \(narrows) Long polling's extra costs are per \
  message (headers, a second exchange, a request that must be waiting), so it holds up for \
  rare, large updates and falls behind on frequent, small ones: chat, games, live dashboards. \
  A WebSocket client also masks every byte it sends and the server unmasks it (RFC 6455 §5.3); \
  optimised, that is about ten microseconds per megabyte. (In an unoptimised debug build all \
  per-byte work, masking and copying, is many times slower: enough to let long polling catch \
  up here.)
  """)

_ = try await socket.close()
await poller.close()
try await server.shutdown()

lesson.box(
  "Common misconceptions",
  [
    "WebSocket is not faster at moving bytes: TCP is the same underneath. It saves per-message costs: headers, round trips, and a request that must be waiting.",
    "Long polling is not broken: it works through every proxy and needs nothing special on the server. It costs more per message and per idle client.",
    "Latency figures from one machine's loopback are not your network's; ratios measured in the same run are what carry over.",
  ])

lesson.exercises([
  Exercise(
    """
    Run `make bench-quick` and compare its WebSocket and long-polling rows with this lesson's. \
    How many bytes does one echo of the lesson's 26-byte JSON take over a WebSocket, both \
    frames together?
    """,
    answer: """
      \(checkedAnswer("6.1")) bytes for the WebSocket echo (a masked client frame and an unmasked \
      server frame). The benchmark runs many connections at once, with the server alone on one core and the \
      loader on the other, so its absolute figures differ from this lesson's one-client ping-pong \
      in one process. Compare ratios measured in the same run: long polling costs several times \
      the server CPU per small message in both, and the gap shrinks for large messages.
      """,
    check: "make bench-quick"),
  Exercise(
    """
    Send messages from two tasks at once over long polling (section 3). What happens to p99, \
    and why? Over a WebSocket the two messages go out as two client frames: how many bytes \
    together?
    """,
    answer: """
      p99 grows much more than p50. A message can be delivered only while a GET is waiting: one \
      that arrives while the client is between two GETs waits for the next one, and each GET \
      returns one message, so the two tasks' messages queue behind each other (head-of-line \
      waiting). Over a WebSocket both just travel as frames. \
      The two WebSocket frames take \(checkedAnswer("6.2")) bytes together, sent at once.
      """),
  Exercise(
    """
    Which of this lesson's rows would change with permessage-deflate on, and which would not? \
    How many payload bytes does the JSON compress to the first time, and the second time with \
    context takeover?
    """,
    answer: """
      The WebSocket bytes would change: the 26-byte JSON barely compresses alone, but with \
      context takeover a repeated message shrinks to a few bytes, and the 256 KiB of "a" to a \
      few hundred; the times change a little (compression costs CPU, fewer bytes cost less to \
      move). The long-polling rows would not: WSLab's long polling does not compress (no \
      Content-Encoding), and HTTP never compresses headers in HTTP/1.1. \
      Compressed, the JSON takes \(checkedAnswer("6.3").split(separator: " ").first ?? "?") \
      bytes of payload the first time and \(checkedAnswer("6.3").split(separator: " ").last ?? "?") \
      the second.
      """),
])
lesson.finish(next: "lesson 7, when one server is not enough: three servers share a room.")
