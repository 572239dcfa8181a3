// Lesson 05 — on the wire.
//
// A real WSLab server and real clients on loopback (127.0.0.1). Everything shown is what the
// server's live tracer (`wslab serve --trace`) recorded while they talked; only port numbers,
// which the operating system picks, are replaced by letters of the same length (PPPPP), so the
// text is the same on every run and every byte offset still adds up.

import Connection
import Deflate
import Foundation
import Framing
import LessonSupport
import NIOCore
import Server
import Trace

var lesson = Lesson(number: 5, title: "on the wire", chinese: chinese)

/// Shows what the server traced since the last call, each event tagged with its connection.
@MainActor func showEvents(_ sink: TraceSink, port: Int) {
  _ = sink.drain()  // the same events as text; the lesson renders the events themselves
  let mask = TraceMask(ports: [port])
  for (source, event) in sink.drainEvents() {
    lesson.show(mask.event(event), source: source)
  }
  lesson.line()
}

/// Waits (bounded) until the server's trace contains `marker`, then shows what it traced.
@MainActor func showTrace(_ sink: TraceSink, port: Int, until marker: String, occurrences: Int = 1) async {
  let deadline = Date().addingTimeInterval(10)
  while sink.contents.components(separatedBy: marker).count - 1 < occurrences && Date() < deadline {
    try? await Task.sleep(for: .milliseconds(10))
  }
  showEvents(sink, port: port)
}

func clientConfiguration(seed: UInt64) -> ClientConfiguration {
  var config = ClientConfiguration()
  config.deflate = .disabled
  config.deterministicSeed = seed
  return config
}

lesson.banner("A real server and real clients on loopback: the traced bytes, and long polling for comparison.")

// MARK: - 1
lesson.heading("A chat server, traced live")
lesson.say(
  """
  Everything so far ran in memory. Here a real WSLab server listens on 127.0.0.1 (SwiftNIO, \
  one event loop), in chat mode: every message goes to the other clients connected to the same \
  path. Its tracer is on, as with `wslab serve --mode chat --trace`: every byte each connection \
  sends or receives is printed as the codec decodes it, each line tagged with the connection \
  ([c1], [c2]). Compression is off so that the payloads stay readable (lesson 4 covers it), \
  and the clients use seeded masks so the bytes are the same on every run.

  Two clients join the room /lobby:
  """)
let sink = TraceSink.memory()
var config = ServerConfiguration()
config.port = 0
config.mode = .chat
config.deflate = .disabled
config.keepaliveInterval = .milliseconds(400)
config.idleTimeout = nil
config.shutdownGracePeriod = .seconds(2)
config.trace = sink
// --pcap: the server's own capture of every connection (real ports and times).
let captureFile = lesson.pcapPath.map { path in
  do { return try CaptureFile(path: path) } catch { fatalError("\(error)") }
}
config.capture = captureFile
let server = WebSocketServer(configuration: config)
let port = try await server.start().port!
let url = "ws://127.0.0.1:\(port)/lobby"

var aliceConfig = clientConfiguration(seed: 1)
aliceConfig.traceID = 1
let alice = try await WebSocketClient.connect(to: url, configuration: aliceConfig)
await showTrace(sink, port: port, until: "app ← opened")
let bob = try await WebSocketClient.connect(to: url, configuration: clientConfiguration(seed: 2))
await showTrace(sink, port: port, until: "app ← opened")

// MARK: - 2
lesson.heading("A message to the room")
lesson.say(
  """
  Alice (c1) sends "hi, room". The server decodes her masked frame and sends the message on to \
  Bob (c2), unmasked: one frame in, one frame out, each with a 2-byte header (plus Alice's \
  4-byte mask).
  """)
try await alice.send(text: "hi, room")
@MainActor func firstMessage(_ socket: WebSocket) async throws -> WebSocketMessage? {
  for try await message in socket.messages { return message }
  return nil
}
_ = try await firstMessage(bob)
await showTrace(sink, port: port, until: "[c2] ▶ server → client  frame: text")
lesson.markKeyBytes("What the server sends on to Bob: 2 bytes of header, no mask (§5.1).")

// MARK: - 3
lesson.heading("Bob leaves: a close from the client side (§7.1.1)")
lesson.say(
  """
  Bob closes with 1000. The server answers with its own close frame, echoing the code, and then \
  closes the TCP connection itself, so that the TIME_WAIT state stays on the server's side.
  """)
_ = try await bob.close(code: .normalClosure, reason: "bye")
await showTrace(sink, port: port, until: "[c2] note: TCP connection closed")

// MARK: - 4
lesson.heading("A keepalive ping (§5.5.2)")
lesson.say(
  """
  Alice stays quiet. After \(config.keepaliveInterval.map { "\($0)" } ?? "a while") without \
  receiving anything from her, the server pings her; her client answers with a pong carrying \
  the same payload, which proves the connection (and any proxy on the way) is still alive. \
  (`wslab serve` pings after 30 s of silence by default, and closes with 1001 after 120 s.)
  """)
await showTrace(sink, port: port, until: "app ← pong")

// MARK: - 5
lesson.heading("The server leaves: a close from the server side")
lesson.say(
  """
  The server shuts down, as `wslab serve` does on Ctrl-C (SIGINT): it closes every WebSocket \
  with 1001 (going away), waits for the answers, and closes TCP. (On SIGTERM, what a service \
  manager sends to restart it, it says 1012 instead, service restart: come back. Lesson 7 \
  shows why that matters.)
  """)
try await server.shutdown()
await showTrace(sink, port: port, until: "[c1] note: TCP connection closed")
let outcome = try await alice.closed
lesson.line("Alice's client reports: \(outcome)")
lesson.line()

// MARK: - 6
lesson.heading("The same message over HTTP long polling")
lesson.say(
  """
  Before WebSocket, a server could only push by holding a request open: the client asks "any \
  news?" with a GET that the server answers when a message is ready (or after a timeout, and \
  the client asks again). Sending is a separate POST. WSLab serves this baseline too, at \
  /poll/send and /poll/recv, with the same echo semantics. Here a long-polling client sends \
  "hi, room" to an echo server and collects it back; the trace shows what each message costs \
  on the wire:
  """)
let pollSink = TraceSink.memory()
var pollConfig = ServerConfiguration()
pollConfig.capture = captureFile
pollConfig.port = 0
pollConfig.deflate = .disabled
let pollServer = WebSocketServer(configuration: pollConfig)
let pollPort = try await pollServer.start().port!
let poller = try await LongPollClient.connect(
  host: "127.0.0.1", port: pollPort, client: "alice", room: "/lobby", trace: pollSink)
let sent = try await poller.send(Array("hi, room".utf8))
let received = try await poller.receive()
showEvents(pollSink, port: pollPort)
await poller.close()
try await pollServer.shutdown()

// The same message as WebSocket frames, from the real encoder.
let payload = Array("hi, room".utf8)
let up = FrameEncoder().frameBytes(opcode: .text, maskingKey: MaskingKey(1, 2, 3, 4), payload: payload).count
let down = FrameEncoder().frameBytes(opcode: .text, payload: payload).count
let pollUp = sent.requestBytes + sent.responseBytes
let pollDown = received.requestBytes + received.responseBytes
lesson.table(
  ["one 8-byte message", "client → server", "server → client", "total"],
  [
    ["WebSocket (frames)", "\(up) bytes (1 frame)", "\(down) bytes (1 frame)", "\(up + down) bytes"],
    [
      "long polling (HTTP)", "\(pollUp) bytes (POST + 204)", "\(pollDown) bytes (GET + 200)",
      "\(pollUp + pollDown) bytes",
    ],
  ])
lesson.say(
  """
  A frame costs 2 to 14 bytes of header; an HTTP exchange costs a request line and headers each \
  way, here about \((pollUp + pollDown) / max(1, up + down)) times the bytes for the same 8 \
  bytes of message (real browsers add cookies and user-agent strings, so the gap is usually \
  wider). Latency differs even more: after each message a long-polling client needs a fresh \
  request to be waiting on the server, so a second message that arrives meanwhile waits for \
  it (head-of-line waiting), and every message costs a round trip that a WebSocket, already \
  open in both directions, does not. Long polling holds its own for large, rare messages, \
  where headers are noise. Lesson 6 measures all of this.
  """)

lesson.box(
  "Common misconceptions",
  [
    "A WebSocket is not HTTP after the handshake: no headers per message, and the server may send at any time.",
    "Keepalive pings are not application messages: the client's Connection answers each ping by itself, and the server's application is not asked to. The server's trace shows the answer arrive (app ← pong): the pong is reported as an event, but it is not a message, and nothing in the application has to handle it for the connection to stay open.",
    "The client does not close TCP first after a close handshake; the server does (§7.1.1). A client that waits forever is protected by a timeout.",
  ])

lesson.exercises([
  Exercise(
    """
    Run `wslab serve --mode chat --trace` and connect two `wslab connect ws://127.0.0.1:9001/lobby` \
    in other terminals; type in one. Find your messages in the trace. How many bytes is the \
    frame the server sends on for an 8-byte message such as "hi, room"?
    """,
    answer: """
      Each message shows up twice, as in section 2 (the frame sent on is \(checkedAnswer("5.1")) \
      bytes: 2 of header, 8 of payload, no mask): the frame your client sent, on its \
      connection ([c1], client → server, masked, with the payload unmasked in the annotation), \
      and the frame the server sent on to the other member ([c2], server → client, unmasked). \
      Your own client gets nothing back: chat mode sends a message to the others in the room.
      """,
    check: "wslab serve --mode chat --trace"),
  Exercise(
    """
    Open http://127.0.0.1:9001/ in a browser: which extension did it negotiate? Compare the \
    trace with and without `--no-deflate`.
    """,
    answer: """
      The browser's request offers permessage-deflate (Chromium: `permessage-deflate; \
      client_max_window_bits`), and the server's 101 accepts it in Sec-WebSocket-Extensions; \
      the browser's frames then carry RSV1 and a compressed payload, and the trace shows them \
      inflated. With `--no-deflate` the 101 has no Sec-WebSocket-Extensions line and every \
      payload travels as plain text, with RSV1 clear.
      """),
  Exercise(
    """
    Run `wslab connect --long-poll http://127.0.0.1:9001 --trace --send hello`. Which headers \
    could the client leave out, and which could it not? And how many bytes does "hello" take as \
    one client frame?
    """,
    answer: """
      Only Content-Type: the server treats the body as bytes whatever it says. Host is required \
      in every HTTP/1.1 request (RFC 9112 §3.2), and Content-Length tells the server where the \
      body of the POST ends (RFC 9112 §6.2). A browser would add many more (User-Agent, Accept, \
      cookies) to every request: the cost section 6 measured, and lesson 6 again. As a client \
      frame "hello" takes \(checkedAnswer("5.3")) bytes: 2 of header, 4 of masking key, 5 of \
      payload.
      """,
    check: "wslab connect --long-poll http://127.0.0.1:9001 --trace --send hello"),
])
lesson.finish(next: "lesson 6, WebSocket against long polling, measured.")
