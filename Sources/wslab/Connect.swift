import ArgumentParser
import Connection
import Deflate
import Dispatch
import Foundation
import Framing
import Logging
import NIOCore
import Server
import Trace

/// `wslab connect`: a client for humans, scripts and Autobahn's client-role cases.
struct Connect: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Connect to a WebSocket server: stdin lines become messages, replies are printed.",
    discussion: """
      With --send, sends each message, prints each reply as "< TEXT" (binary: "< binary N bytes: HEX"), \
      closes with --close-code and prints "closed: CODE ...". Exit status: 0 after a clean close with \
      1000 or 1001, 1 for any other close, 2 when the connection or handshake failed.
      With --echo, sends every received message back as the same kind (text or binary) until the server \
      closes, then prints "closed: CODE ..." with the same exit status (for conformance suites).
      With --reconnect (interactive, stdin lines become messages), a connection the server closes with \
      1001, 1011, 1012, 1013 or 1014, or that breaks (1006), or that cannot be opened, is opened again \
      after an exponential backoff with jitter (0.1 s doubling up to --reconnect-max, each delay between \
      half and all of that); lines typed meanwhile are sent once it is back. It ends at the end of \
      stdin, or when the server closes with any other code (1000: done; 1002, 1003, 1007-1010: \
      reconnecting would fail again).
      With --long-poll the URL is http://HOST:PORT and messages go over the long-polling endpoints.
      With --autobahn the URL is an Autobahn|Testsuite fuzzing server (wstest -m fuzzingserver), \
      ws://HOST:PORT: reads /getCaseCount, opens /runCase?case=N&agent=AGENT for every case and \
      echoes every message, then asks for /updateReports?agent=AGENT. One line per case on stderr; \
      exit status 0 when every case ran, 1 when a case could not connect or timed out.
      """)

  @Argument(help: "ws://host:port/path, wss://…, or http://host:port with --long-poll.") var url: String
  @Option(help: "Send this message (repeat for several) and exit after the replies.") var send: [String] = []
  @Option(help: "Send each --send message this many times.") var count = 1
  @Flag(help: "Send messages as binary (the text's UTF-8 bytes).") var binary = false
  @Option(help: "Extra request header 'Name: value' (repeat).") var header: [String] = []
  @Option(help: "Offer this subprotocol (repeat).") var subprotocol: [String] = []
  @Option(help: "Origin header to send.") var origin: String?
  @Flag(help: "Do not offer permessage-deflate.") var noDeflate = false
  @Flag(help: "Print every byte, annotated.") var trace = false
  @Option(help: "The trace's language: en or zh-CN (default: the locale, as the lessons choose).") var lang: String?
  @Option(help: "Write the connection's bytes as a pcapng capture for Wireshark (TLS records for wss://).")
  var pcap: String?
  @Option(help: "Write the TLS session keys (NSS key log format), so Wireshark can decrypt a wss:// capture.")
  var keylog: String?
  @Option(help: "Close code to send when done.") var closeCode: Int = 1000
  @Flag(help: "Reconnect with exponential backoff and jitter when the server restarts or the connection drops.")
  var reconnect = false
  @Option(help: "With --reconnect: the longest wait between attempts, in seconds.") var reconnectMax = 10.0
  @Option(help: "Seconds to wait for each reply.") var timeout = 10.0
  @Flag(help: "Do not verify the server certificate (test certificates).") var insecure = false
  @Option(help: "Trust the certificates in this PEM file for wss:// (a test certificate, still verified).")
  var cacert: String?
  @Flag(help: "Use HTTP long polling instead of WebSocket.") var longPoll = false
  @Flag(help: "Echo every received message back (same kind) until the server closes.") var echo = false
  @Flag(help: "Run every case of the Autobahn|Testsuite fuzzing server at URL (ws://HOST:PORT) as an echo client.")
  var autobahn = false
  @Option(help: "With --autobahn: the agent name in Autobahn's reports (letters, digits, . _ -).") var agent = "wslab"
  @Option(help: "With --autobahn: seconds one case may take before it is abandoned.") var caseTimeout = 120.0

  func run() async throws {
    let sink = trace ? try traceSink(path: nil, tag: lang) : nil
    if longPoll { return try await runLongPoll(sink) }
    var config = ClientConfiguration()
    config.deflate = noDeflate ? .disabled : DeflateOptions()
    config.subprotocols = subprotocol
    config.origin = origin
    config.verifiesCertificate = !insecure
    config.trustedCertificatesPath = cacert
    config.trace = sink
    do {
      config.capture = try pcap.map { try CaptureFile(path: $0) }
      config.keyLog = try keylog.map { try KeyLogFile(path: $0) }
    } catch {
      fail("\(error)")
    }
    for h in header {
      guard let colon = h.firstIndex(of: ":") else { fail("--header needs 'Name: value', got \"\(h)\"") }
      config.headers.append(
        (
          String(h[..<colon]).trimmingCharacters(in: .whitespaces),
          String(h[h.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        ))
    }
    if autobahn {
      if !send.isEmpty || echo { fail("--autobahn does not go with --send or --echo") }
      return try await runAutobahn(config)
    }
    if reconnect {
      if !send.isEmpty || echo { fail("--reconnect is for interactive use: it does not go with --send or --echo") }
      return try await runReconnecting(config)
    }
    let socket: WebSocket
    do {
      socket = try await WebSocketClient.connect(to: url, configuration: config)
    } catch {
      FileHandle.standardError.write(Data("wslab connect: \(error)\n".utf8))
      throw ExitCode(2)
    }
    let negotiated = socket.opened.extensions.isEmpty ? "none" : socket.opened.extensions.joined(separator: ", ")
    FileHandle.standardError.write(
      Data(
        "connected to \(url) (subprotocol \(socket.opened.subprotocol ?? "none"), extensions \(negotiated))\n".utf8))
    if echo {
      if !send.isEmpty { fail("--echo and --send do not go together") }
      return try await runEcho(socket)
    }
    let messages: [String]
    if send.isEmpty {
      messages = []
      // Interactive: a reader task prints replies while stdin lines are sent.
      let reader = Task {
        for try await message in socket.messages { Self.show(message) }
      }
      while let line = readLine() {
        do { try await socket.send(binary ? .binary(ByteBuffer(string: line)) : .text(line)) } catch { break }
      }
      _ = try? await socket.close(code: CloseCode(rawValue: UInt16(clamping: closeCode)))
      _ = try? await reader.value
    } else {
      messages = Array(repeating: send, count: max(1, count)).flatMap { $0 }
    }
    if !messages.isEmpty {
      // Replies are printed as they come; the messages go out one after another.
      let expected = messages.count
      let replies = Task {
        var seen = 0
        for try await message in socket.messages {
          Self.show(message)
          seen += 1
          if seen == expected { break }
        }
        return seen
      }
      for message in messages {
        try await socket.send(binary ? .binary(ByteBuffer(string: message)) : .text(message))
      }
      do {
        _ = try await withTimeout(timeout) { try await replies.value }
      } catch is TimeoutError {
        replies.cancel()
        FileHandle.standardError.write(Data("wslab connect: not every reply arrived within \(timeout) s\n".utf8))
      }
    }
    let outcome: CloseOutcome
    do {
      outcome = try await socket.close(code: CloseCode(rawValue: UInt16(clamping: closeCode)))
    } catch {
      outcome = try await socket.closed
    }
    print(
      "closed: \(outcome.code.rawValue) \(outcome.code.name)" + (outcome.reason.isEmpty ? "" : " \"\(outcome.reason)\"")
    )
    fflush(nil)
    let clean = outcome.wasClean && (outcome.code == .normalClosure || outcome.code == .goingAway)
    if !clean { throw ExitCode(1) }
  }

  /// Echo mode: every message goes back as it came until the connection closes; nothing of ours
  /// starts the close. Exit status as without --echo.
  func runEcho(_ socket: WebSocket) async throws {
    do {
      for try await message in socket.messages { try await socket.send(message) }
    } catch {
      // The connection failed or closed while echoing; the outcome below says how.
    }
    let outcome = try await socket.closed
    print(
      "closed: \(outcome.code.rawValue) \(outcome.code.name)" + (outcome.reason.isEmpty ? "" : " \"\(outcome.reason)\"")
    )
    fflush(nil)
    let clean = outcome.wasClean && (outcome.code == .normalClosure || outcome.code == .goingAway)
    if !clean { throw ExitCode(1) }
  }

  /// Autobahn|Testsuite's client-testee convention (its fuzzing server drives everything): ask how
  /// many cases there are, run each one as an echo client, then ask for the reports to be written.
  /// Every case is a new connection through the public `WebSocketClient` API.
  func runAutobahn(_ config: ClientConfiguration) async throws {
    guard !agent.isEmpty, agent.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
    else { fail("--agent needs letters, digits, '.', '_' or '-', got \"\(agent)\"") }
    let base = url.hasSuffix("/") ? String(url.dropLast()) : url
    if base.dropFirst(6).contains("/") || base.contains("?") {
      fail("--autobahn needs the fuzzing server's ws://HOST:PORT without a path, got \"\(url)\"")
    }
    let log = { (line: String) in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    // /getCaseCount: one text message with the number, then the server closes.
    let count: Int
    do {
      let socket = try await WebSocketClient.connect(to: base + "/getCaseCount", configuration: config)
      var text: String?
      for try await message in socket.messages { if case .text(let t) = message { text = t } }
      guard let text, let n = Int(text.trimmingCharacters(in: .whitespaces)), n >= 0 else {
        log(
          "wslab connect: \(base)/getCaseCount sent \(text.map { "\"\($0)\"" } ?? "no text message"), not a case count")
        throw ExitCode(2)
      }
      count = n
    } catch let error as ExitCode {
      throw error
    } catch {
      log("wslab connect: \(base)/getCaseCount: \(error)")
      throw ExitCode(2)
    }
    log("autobahn: \(count) cases at \(base) as agent \(agent)")
    var problems = 0
    let started = ContinuousClock.now
    for n in stride(from: 1, through: count, by: 1) {
      let caseURL = base + "/runCase?case=\(n)&agent=\(agent)"
      let caseStart = ContinuousClock.now
      let outcome: String
      do {
        outcome = try await withTimeout(caseTimeout) {
          let socket = try await WebSocketClient.connect(to: caseURL, configuration: config)
          do {
            for try await message in socket.messages { try await socket.send(message) }
          } catch {
            // The case ended the connection (often on purpose); `closed` says how.
          }
          let closed = try await socket.closed
          return "closed \(closed.code.rawValue)\(closed.wasClean ? "" : " (not clean)")"
        }
      } catch is TimeoutError {
        problems += 1
        outcome = "abandoned after \(caseTimeout) s"
      } catch {
        // A handshake the case refused or broke on purpose: Autobahn grades it.
        outcome = "no connection: \(error)"
      }
      let ms = (ContinuousClock.now - caseStart).components
      log(
        "autobahn: case \(n)/\(count): \(outcome) (\(ms.seconds * 1000 + ms.attoseconds / 1_000_000_000_000_000) ms)")
    }
    do {
      let socket = try await WebSocketClient.connect(
        to: base + "/updateReports?agent=\(agent)", configuration: config)
      for try await _ in socket.messages {}
      _ = try await socket.closed
    } catch {
      log("wslab connect: \(base)/updateReports: \(error)")
      throw ExitCode(2)
    }
    log("autobahn: \(count) cases in \(ContinuousClock.now - started); reports updated for agent \(agent)")
    if problems > 0 { throw ExitCode(1) }
  }

  /// Close codes after which reconnecting makes sense: the server went away, restarts, is
  /// overloaded, or the connection broke. Not 1000 (done) nor the codes that say our messages were
  /// wrong (they would be again).
  static let reconnectCodes: Set<UInt16> = [1001, 1006, 1011, 1012, 1013, 1014]

  /// Interactive with --reconnect: one stdin reader for the whole run; a session per connection.
  func runReconnecting(_ config: ClientConfiguration) async throws {
    let outbox = ReconnectingOutbox()
    let (lines, input) = AsyncStream<String>.makeStream()
    let stdinThread = Thread {
      standardInputLines { input.yield($0) }
      input.finish()
    }
    stdinThread.start()
    let closeCode = CloseCode(rawValue: UInt16(clamping: self.closeCode))
    let pump = Task {
      for await line in lines { await outbox.send(line, binary: binary) }
      await outbox.finish(code: closeCode)
    }
    defer { pump.cancel() }
    var backoff = ReconnectBackoff(initial: 0.1, maximum: max(0.1, reconnectMax))
    while true {
      let socket: WebSocket
      do {
        socket = try await WebSocketClient.connect(to: url, configuration: config)
      } catch {
        if await outbox.isFinished { throw ExitCode(2) }
        let delay = backoff.next()
        Self.say("wslab connect: \(error); reconnecting in \(Self.seconds(delay)) (attempt \(backoff.attempt))")
        try await Task.sleep(for: .seconds(delay))
        continue
      }
      backoff.reset()
      Self.say("connected to \(url)")
      await outbox.attach(socket)
      do {
        for try await message in socket.messages { Self.show(message) }
      } catch {}
      await outbox.detach()
      let outcome = try await socket.closed
      print(
        "closed: \(outcome.code.rawValue) \(outcome.code.name)"
          + (outcome.reason.isEmpty ? "" : " \"\(outcome.reason)\""))
      fflush(nil)
      let finished = await outbox.isFinished
      if finished || !Self.reconnectCodes.contains(outcome.code.rawValue) {
        let clean = outcome.wasClean && (outcome.code == .normalClosure || outcome.code == .goingAway)
        if !clean && !finished { throw ExitCode(1) }
        return
      }
      let delay = backoff.next()
      Self.say("reconnecting in \(Self.seconds(delay)) (attempt \(backoff.attempt))")
      try await Task.sleep(for: .seconds(delay))
    }
  }

  static func say(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }

  static func seconds(_ value: Double) -> String {
    value < 1 ? "\(Int((value * 1000).rounded())) ms" : "\(Double(Int(value * 10)) / 10) s"
  }

  static func show(_ message: WebSocketMessage) {
    switch message {
    case .text(let text): print("< \(text)")
    case .binary(let bytes):
      print(
        "< binary \(bytes.readableBytes) bytes: \(Array(bytes.readableBytesView.prefix(64)).hexString)"
          + (bytes.readableBytes > 64 ? " …" : ""))
    }
    fflush(nil)
  }

  func runLongPoll(_ sink: TraceSink?) async throws {
    guard url.hasPrefix("http://"), let parsed = try? WebSocketURL("ws://" + url.dropFirst(7)) else {
      fail("--long-poll needs http://host:port, got \"\(url)\"")
    }
    let client: LongPollClient
    do {
      client = try await LongPollClient.connect(
        host: parsed.host, port: parsed.port, client: "c\(UInt32.random(in: 1...UInt32.max))",
        room: parsed.target.split(separator: "?").first.map(String.init) ?? "/", trace: sink)
    } catch {
      FileHandle.standardError.write(Data("wslab connect: \(error)\n".utf8))
      throw ExitCode(2)
    }
    let messages =
      send.isEmpty ? Array(AnyIterator { readLine() }) : Array(repeating: send, count: max(1, count)).flatMap { $0 }
    for message in messages {
      let sent = try await client.send(Array(message.utf8))
      let reply = try await client.receive()
      if reply.status == 200 {
        Self.show(binary ? .binary(ByteBuffer(bytes: reply.body)) : .text(String(decoding: reply.body, as: UTF8.self)))
      }
      FileHandle.standardError.write(
        Data(
          "  (\(sent.requestBytes + sent.responseBytes + reply.requestBytes + reply.responseBytes) bytes on the wire for \(message.utf8.count) bytes of message, both ways)\n"
            .utf8))
    }
    await client.close()
    print("closed: long polling done")
  }
}

/// `wslab connect --reconnect`: the open socket, and the lines typed while there is none (sent
/// when the connection is back; at most 10,000 lines wait).
actor ReconnectingOutbox {
  private var socket: WebSocket?
  private var waiting: [(String, Bool)] = []
  private(set) var isFinished = false

  func attach(_ socket: WebSocket) async {
    self.socket = socket
    let queued = waiting
    waiting = []
    for (line, binary) in queued { await send(line, binary: binary) }
  }

  func detach() { socket = nil }

  func send(_ line: String, binary: Bool) async {
    guard let socket else {
      if waiting.count < 10_000 { waiting.append((line, binary)) }
      return
    }
    do {
      try await socket.send(binary ? .binary(ByteBuffer(string: line)) : .text(line))
    } catch {
      waiting.append((line, binary))
    }
  }

  /// The end of stdin: close the connection (if one is open) and stop reconnecting.
  func finish(code: CloseCode) async {
    isFinished = true
    _ = try? await socket?.close(code: code)
  }
}
