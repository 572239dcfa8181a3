import Connection
import Deflate
import Foundation
import Framing
import Handshake
import NIOConcurrencyHelpers
import NIOCore
import XCTest

@testable import Server

final class ServerTests: XCTestCase {
  // MARK: echo

  func testEchoesEverySizeWithAndWithoutDeflate() async throws {
    let (server, port) = try await startServer()
    for deflate in [true, false] {
      var config = ClientConfiguration()
      config.deflate = deflate ? DeflateOptions() : .disabled
      let socket = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/echo", configuration: config)
      XCTAssertEqual(socket.opened.extensions, deflate ? ["permessage-deflate"] : [])
      let sizes = [0, 1, 125, 126, 65535, 65536, 1 << 20]
      var sent: [WebSocketMessage] = []
      for (i, size) in sizes.enumerated() {
        let m: WebSocketMessage =
          i % 2 == 0
          ? .text(String(repeating: "é", count: size / 2) + (size % 2 == 1 ? "a" : ""))
          : .binary(ByteBuffer(bytes: (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7) }))
        sent.append(m)
        try await socket.send(m)
      }
      let received = try await collect(socket, sent.count, seconds: 10)
      XCTAssertEqual(received, sent, "deflate \(deflate)")
      let outcome = try await socket.close()
      XCTAssertEqual(outcome.code, .normalClosure)
      XCTAssertTrue(outcome.wasClean)
    }
    try await server.shutdown()
  }

  func testFragmentedMessageAndPingFromARawClient() async throws {
    let (server, port) = try await startServer { $0.deflate = .disabled }
    let (raw, head) = try await upgradedRawClient(port: port)
    let enc = FrameEncoder()
    let key = MaskingKey(1, 2, 3, 4)
    try await raw.send(
      enc.frameBytes(opcode: .text, fin: false, maskingKey: key, payload: Array("Hel".utf8))
        + enc.frameBytes(opcode: .ping, maskingKey: key, payload: Array("p".utf8))
        + enc.frameBytes(opcode: .continuation, maskingKey: key, payload: Array("lo".utf8)))
    let ok2 = await raw.wait { $0.bytes.count >= head + 3 + 7 }
    XCTAssertTrue(ok2)
    // The pong (answered at once, between the fragments) and the echo of the whole message.
    XCTAssertEqual(Array(raw.bytes[head...]), [0x8a, 0x01, 0x70] + [0x81, 0x05] + Array("Hello".utf8))
    await raw.close()
    try await server.shutdown()
  }

  /// A large echo still being written when the client's close arrives must go out whole, then
  /// the close; and a message of the default limit's size (16 MiB) is echoed, not refused.
  func testLargeEchoThenCloseArrivesIntact() async throws {
    let (server, port) = try await startServer { $0.deflate = .disabled }
    var config = ClientConfiguration()
    config.deflate = .disabled
    config.closeTimeout = .seconds(5 * testTimeScale)
    let socket = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/", configuration: config)
    let big = ByteBuffer(bytes: (0..<(8 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
    try await socket.send(.binary(big))
    let reader = Task { () -> [WebSocketMessage] in
      var got: [WebSocketMessage] = []
      for try await m in socket.messages { got.append(m) }
      return got
    }
    let outcome = try await socket.close()
    let received = try await reader.value
    XCTAssertEqual(received, [.binary(big)])
    XCTAssertEqual(outcome.code, .normalClosure)
    XCTAssertTrue(outcome.wasClean)
    let huge = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/", configuration: config)
    try await huge.send(.binary(ByteBuffer(repeating: 7, count: 16 << 20)))
    let echoed = try await collect(huge, 1, seconds: 20)
    XCTAssertEqual(echoed.first.map { if case .binary(let b) = $0 { b.readableBytes } else { 0 } }, 16 << 20)
    _ = try await huge.close()
    try await server.shutdown()
  }

  func testClosedConnectionsAreFreed() async throws {
    let before = WebSocketHandler.live.withLockedValue { $0 }
    let (server, port) = try await startServer()
    for _ in 0..<20 {
      let socket = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/")
      try await socket.send(text: String(repeating: "compress me ", count: 100))
      _ = try await collect(socket, 1)
      _ = try await socket.close()
    }
    let deadline = Date().addingTimeInterval(5 * testTimeScale)
    while WebSocketHandler.live.withLockedValue({ $0 }) > before && Date() < deadline {
      try await Task.sleep(for: .milliseconds(20))
    }
    XCTAssertEqual(WebSocketHandler.live.withLockedValue { $0 }, before, "no handler (or zlib stream) leaks")
    try await server.shutdown()
  }

  // MARK: limits, each with its status or close code

  func testOversizeMessageGets1009() async throws {
    let (server, port) = try await startServer { $0.maxMessageSize = 1000 }
    let socket = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/")
    try await socket.send(.binary(ByteBuffer(repeating: 1, count: 2000)))
    let outcome = try await socket.closed
    XCTAssertEqual(outcome.code, .messageTooBig)
    try await server.shutdown()
  }

  func testTooManyConnectionsGet503() async throws {
    let (server, port) = try await startServer { $0.maxConnections = 1 }
    let first = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/")
    let second = try await RawClient(port: port)
    let ok3 = await second.wait { $0.isClosed }
    XCTAssertTrue(ok3)
    XCTAssertTrue(second.text.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"), second.text)
    _ = try await first.close()
    try await server.shutdown()
  }

  func testSlowlorisHandshakeIsCut() async throws {
    let (server, port) = try await startServer { $0.handshakeTimeout = .milliseconds(300) }
    let raw = try await RawClient(port: port)
    try await raw.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgr")
    let start = Date()
    let ok4 = await raw.wait(3) { $0.isClosed }
    XCTAssertTrue(ok4)
    XCTAssertLessThan(Date().timeIntervalSince(start), 2.5)
    try await server.shutdown()
  }

  func testOriginNotAllowedGets403() async throws {
    let (server, port) = try await startServer { $0.allowedOrigins = ["http://good.example"] }
    let raw = try await RawClient(port: port)
    try await raw.send(upgradeRequest(port: port, extra: "Origin: http://evil.example\r\n"))
    let ok5 = await raw.wait { $0.isClosed }
    XCTAssertTrue(ok5)
    XCTAssertTrue(raw.text.hasPrefix("HTTP/1.1 403 Forbidden\r\n"), raw.text)
    var config = ClientConfiguration()
    config.origin = "http://good.example"
    let ok = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/", configuration: config)
    _ = try await ok.close()
    try await server.shutdown()
  }

  /// `wslab serve --auth-token`: 401 with WWW-Authenticate without the token, in, with it as a
  /// Bearer header or as the wslab_token cookie; a wrong token is refused the same way.
  func testAuthTokenGets401UnlessTheHandshakeCarriesIt() async throws {
    let (server, port) = try await startServer { $0.authorizer = ServerConfiguration.tokenAuthorizer("s3cr3t") }
    for extra in ["", "Authorization: Bearer s3cr3u\r\n", "Cookie: a=1; wslab_token=s3cr3\r\n"] {
      let raw = try await RawClient(port: port)
      try await raw.send(upgradeRequest(port: port, extra: extra))
      let closed = await raw.wait { $0.isClosed }
      XCTAssertTrue(closed, extra)
      XCTAssertTrue(raw.text.hasPrefix("HTTP/1.1 401 Unauthorized\r\n"), raw.text)
      XCTAssertTrue(raw.text.contains("\r\nWWW-Authenticate: Bearer realm=\"wslab\"\r\n"), raw.text)
      XCTAssertTrue(
        raw.text.contains(extra.isEmpty ? "send Authorization: Bearer TOKEN" : "the token does not match"), raw.text)
    }
    for header in [("Authorization", "Bearer s3cr3t"), ("Cookie", "theme=dark; wslab_token=s3cr3t")] {
      var config = ClientConfiguration()
      config.headers = [header]
      let socket = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/", configuration: config)
      try await socket.send(text: "in")
      var reply: String?
      for try await message in socket.messages {
        if case .text(let text) = message { reply = text }
        break
      }
      XCTAssertEqual(reply, "in", "\(header)")
      _ = try await socket.close()
    }
    try await server.shutdown()
  }

  func testSlowReaderIsClosedNotBufferedForever() async throws {
    // Chat: the talker's messages go to the other member of the room only.
    let (server, port) = try await startServer {
      $0.mode = .chat
      $0.maxQueuedBytes = 256 * 1024
      $0.closeTimeout = .milliseconds(300)
      $0.deflate = .disabled
    }
    // A member that completes the handshake and then never reads.
    let slow = try await RawClient(port: port)
    try await slow.send(upgradeRequest(path: "/room", port: port))
    let upgraded = await slow.wait { $0.text.contains("\r\n\r\n") }
    XCTAssertTrue(upgraded)
    try await slow.channel.setOption(.autoRead, value: false).get()
    let talker = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/room")
    XCTAssertEqual(server.openConnections, 2)
    let chunk = ByteBuffer(repeating: 0x61, count: 16 * 1024)
    // Keep talking (bounded in time) until the server has dropped the member that does not read:
    // it queues at most `maxQueuedBytes` for it, closes it with 1008, and cuts TCP after the
    // close timeout.
    var sent = 0
    let deadline = Date().addingTimeInterval(10 * testTimeScale)
    while server.openConnections == 2 && Date() < deadline {
      try await talker.send(.binary(chunk))
      sent += 1
      if sent % 50 == 0 { try await Task.sleep(for: .milliseconds(10)) }
    }
    XCTAssertEqual(server.openConnections, 1, "the server dropped the member that does not read")
    // The talker is still served.
    try await talker.send(text: "still here")
    let outcome = try await talker.close()
    XCTAssertEqual(outcome.code, .normalClosure)
    await slow.close()
    try await server.shutdown()
  }

  // MARK: modes

  func testChatRoomsByPath() async throws {
    let (server, port) = try await startServer { $0.mode = .chat }
    let a = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/room1")
    let b = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/room1")
    let c = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/room2")
    try await a.send(text: "hi room1")
    let got7 = try await collect(b, 1)
    XCTAssertEqual(got7, [.text("hi room1")])
    try await c.send(text: "only me")
    try await b.send(text: "back to a")
    let got8 = try await collect(a, 1)
    XCTAssertEqual(got8, [.text("back to a")], "a sees b, not c")
    for s in [a, b, c] { _ = try await s.close() }
    try await server.shutdown()
  }

  func testAsyncApplication() async throws {
    let (server, port) = try await startServer { _ in
    } application: { socket in
      do {
        for try await message in socket.messages {
          if case .text(let text) = message { try await socket.send(text: text.uppercased()) }
        }
      } catch {}
    }
    let socket = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/")
    try await socket.send(text: "shout")
    let got9 = try await collect(socket, 1)
    XCTAssertEqual(got9, [.text("SHOUT")])
    _ = try await socket.close()
    try await server.shutdown()
  }

  /// Autobahn 3.2 / 4.1.3 with the async API: a message and a violation arrive in one read. The
  /// application (which takes its time) still answers the message before the 1002 close goes out,
  /// as it would have had the violation come in a later read.
  func testAsyncApplicationAnswersAMessageThatPrecedesAViolationInTheSameRead() async throws {
    let (server, port) = try await startServer {
      $0.deflate = .disabled
    } application: { socket in
      do {
        for try await message in socket.messages {
          try await Task.sleep(for: .milliseconds(50))
          try await socket.send(message)
        }
      } catch {}
    }
    let (raw, head) = try await upgradedRawClient(port: port)
    let enc = FrameEncoder()
    let key = MaskingKey(1, 2, 3, 4)
    try await raw.send(
      enc.frameBytes(opcode: .text, maskingKey: key, payload: Array("Hello".utf8))
        + enc.frameBytes(opcode: .text, rsv: 0x20, maskingKey: key, payload: Array("bad".utf8))
        + enc.frameBytes(opcode: .ping, maskingKey: key, payload: Array("p".utf8)))
    let closed = await raw.wait { $0.isClosed }
    XCTAssertTrue(closed)
    // The echo, then the close with 1002 (and its reason); the ping after the violation is never
    // answered.
    let sent = decodeFrames(Array(raw.bytes[head...]), sentBy: .server)
    XCTAssertEqual(sent.map(\.opcode), [.text, .close])
    XCTAssertEqual(sent.first.map { Array($0.payload.readableBytesView) }, Array("Hello".utf8))
    XCTAssertEqual(sent.last.map { Array($0.payload.readableBytesView.prefix(2)) }, [0x03, 0xea])
    try await server.shutdown()
  }

  /// The same in the client role: the server sends a message and a frame with an unknown opcode
  /// in one write; the client's application echoes the message before the client's 1002 close.
  func testClientApplicationAnswersAMessageThatPrecedesAViolationInTheSameRead() async throws {
    let peer = try await ScriptedServer { request in
      let key =
        request.split(separator: "\r\n").first { $0.lowercased().hasPrefix("sec-websocket-key:") }
        .map { $0.dropFirst("sec-websocket-key:".count).trimmingCharacters(in: .whitespaces) } ?? ""
      let response =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: \(WebSocketAccept.value(forKey: key))\r\n\r\n"
      let enc = FrameEncoder()
      return Array(response.utf8) + enc.frameBytes(opcode: .text, payload: Array("Hello".utf8))
        + enc.frameBytes(opcode: Opcode(rawValue: 3), payload: [])
    }
    var config = ClientConfiguration()
    config.deflate = .disabled
    config.deterministicSeed = 7
    let socket = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(peer.port)/", configuration: config)
    do {
      for try await message in socket.messages {
        try await Task.sleep(for: .milliseconds(50))
        try await socket.send(message)
      }
      XCTFail("the connection should fail")
    } catch {}
    let outcome = try await socket.closed
    XCTAssertEqual(outcome.code, .protocolError)
    let ok = await peer.wait { $0.count >= 2 * 6 + 5 + 2 }
    XCTAssertTrue(ok)
    let sent = peer.received
    // The client's frames, masked: first the echo (text, 5 bytes), then the close (1002).
    let frames = decodeFrames(sent, sentBy: .client)
    XCTAssertEqual(frames.map(\.opcode), [.text, .close])
    XCTAssertEqual(frames.first.map { Array($0.payload.readableBytesView) }, Array("Hello".utf8))
    XCTAssertEqual(frames.last.map { Array($0.payload.readableBytesView.prefix(2)) }, [0x03, 0xea])
    await peer.stop()
  }

  /// A fast peer and an application that does not read: reading pauses, nothing piles up without
  /// bound, and nothing is lost once the application reads.
  func testSlowApplicationPausesReadingWithoutLosingMessages() async throws {
    let (server, port) = try await startServer { $0.deflate = .disabled }
    var config = ClientConfiguration()
    config.deflate = .disabled
    let socket = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/", configuration: config)
    let count = 2000
    for i in 0..<count { try await socket.send(text: "message \(i) " + String(repeating: "x", count: 1000)) }
    try await Task.sleep(for: .milliseconds(300))
    let buffered = socket.messages.flow.buffered
    XCTAssertLessThan(buffered, count, "reading paused before everything was buffered")
    XCTAssertTrue(socket.messages.flow.isPaused)
    var received = 0
    for try await message in socket.messages {
      guard case .text(let text) = message, text.hasPrefix("message \(received) ") else {
        return XCTFail("out of order or lost at \(received)")
      }
      received += 1
      if received == count { break }
    }
    XCTAssertEqual(received, count)
    _ = try await socket.close()
    try await server.shutdown()
  }

  /// The application's sends run on the connection's event loop and are written once per turn,
  /// but a peer that does not read still holds them back: `send` suspends (it neither fails nor
  /// queues without bound), and everything arrives, in order, once the peer reads.
  func testApplicationSendsWaitForAPeerThatDoesNotRead() async throws {
    let sent = NIOLockedValueBox(0)
    let failed = NIOLockedValueBox<String?>(nil)
    let count = 3000
    let (server, port) = try await startServer({ $0.deflate = .disabled }) { socket in
      let chunk = ByteBuffer(repeating: 0x62, count: 16 * 1024)
      do {
        for i in 0..<count {
          var message = chunk
          message.setInteger(UInt32(i), at: 0)
          try await socket.send(.binary(message))
          sent.withLockedValue { $0 += 1 }
        }
      } catch {
        failed.withLockedValue { $0 = "\(error)" }
      }
    }
    var config = ClientConfiguration()
    config.deflate = .disabled
    let client = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/", configuration: config)
    try await client.send(text: "go")  // opens the server's side; the application starts sending at once
    try await Task.sleep(for: .milliseconds(Int(1000 * testTimeScale)))
    let early = sent.withLockedValue { $0 }
    XCTAssertLessThan(early, count, "the sends did not wait for a peer that does not read (48 MiB queued)")
    XCTAssertNil(failed.withLockedValue { $0 })
    var received = 0
    for try await message in client.messages {
      guard case .binary(let bytes) = message,
        bytes.getInteger(at: bytes.readerIndex, as: UInt32.self) == UInt32(received)
      else { return XCTFail("out of order or lost at \(received)") }
      received += 1
      if received == count { break }
    }
    XCTAssertEqual(received, count)
    XCTAssertNil(failed.withLockedValue { $0 })
    _ = try await client.close()
    try await server.shutdown()
  }

  func testGracefulShutdownSends1001() async throws {
    let (server, port) = try await startServer()
    let socket = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/")
    try await server.shutdown()
    let outcome = try await socket.closed
    XCTAssertEqual(outcome.code, .goingAway)
    XCTAssertTrue(outcome.wasClean)
  }

  func testShutdownForRestartSends1012() async throws {
    let (server, port) = try await startServer()
    let socket = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/")
    try await server.shutdown(code: .serviceRestart)
    let outcome = try await socket.closed
    XCTAssertEqual(outcome.code, .serviceRestart)
    XCTAssertEqual(outcome.code.rawValue, 1012)
    XCTAssertEqual(outcome.reason, "server restarting")
    XCTAssertTrue(outcome.wasClean)
  }

  func testSecureWebSocket() async throws {
    let (cert, key) = try makeTestCertificate()
    let (server, port) = try await startServer {
      $0.tlsCertificatePath = cert
      $0.tlsPrivateKeyPath = key
    }
    var config = ClientConfiguration()
    config.verifiesCertificate = false
    let socket = try await WebSocketClient.connect(to: "wss://127.0.0.1:\(port)/", configuration: config)
    try await socket.send(text: "over TLS")
    let got10 = try await collect(socket, 1)
    XCTAssertEqual(got10, [.text("over TLS")])
    _ = try await socket.close()
    try await server.shutdown()
  }

  // MARK: HTTP: the page and long polling

  func testBrowserPageAndNotFound() async throws {
    let (server, port) = try await startServer()
    let page = try await RawClient(port: port)
    try await page.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    let ok11 = await page.wait { $0.isClosed }
    XCTAssertTrue(ok11)
    XCTAssertTrue(page.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
    XCTAssertTrue(page.text.contains("<html"))
    let missing = try await RawClient(port: port)
    try await missing.send("GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    let ok12 = await missing.wait { $0.isClosed }
    XCTAssertTrue(ok12)
    XCTAssertTrue(missing.text.hasPrefix("HTTP/1.1 404 Not Found\r\n"))
    try await server.shutdown()
  }

  /// `/lessons/` serves the HTML edition from the configured folder (read once at creation): the
  /// index, a page, a redirect for the bare path, and 404s that never reach outside the folder.
  func testLessonPagesAreServed() async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wslab-site-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try "<html>index</html>".write(to: dir.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
    try "<html>lesson 1 ✓</html>".write(
      to: dir.appendingPathComponent("01-handshake.html"), atomically: true, encoding: .utf8)
    try "secret".write(to: dir.appendingPathComponent(".hidden.html"), atomically: true, encoding: .utf8)
    try "not served".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
    // The Chinese edition, one folder down; nothing deeper, and no folder with a dot, is served.
    for folder in ["zh-CN", "zh-CN/deeper", "sub.d"] {
      try FileManager.default.createDirectory(
        at: dir.appendingPathComponent(folder), withIntermediateDirectories: true)
    }
    try "<html>第 1 课</html>".write(
      to: dir.appendingPathComponent("zh-CN/01-handshake.html"), atomically: true, encoding: .utf8)
    try "<html>索引</html>".write(to: dir.appendingPathComponent("zh-CN/index.html"), atomically: true, encoding: .utf8)
    try "secret".write(to: dir.appendingPathComponent("zh-CN/deeper/x.html"), atomically: true, encoding: .utf8)
    try "secret".write(to: dir.appendingPathComponent("sub.d/x.html"), atomically: true, encoding: .utf8)

    func get(_ port: Int, _ target: String) async throws -> String {
      let client = try await RawClient(port: port)
      try await client.send("GET \(target) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
      _ = await client.wait { $0.isClosed }
      return client.text
    }
    let (server, port) = try await startServer { $0.lessonsDirectory = dir.path }
    XCTAssertEqual(server.lessonPages?.count, 4)
    XCTAssertNil(server.lessonPages?.problem)
    let index = try await get(port, "/lessons/")
    XCTAssertTrue(index.hasPrefix("HTTP/1.1 200 OK\r\n"), index)
    XCTAssertTrue(index.contains("Content-Type: text/html; charset=utf-8\r\n"), index)
    XCTAssertTrue(index.hasSuffix("\r\n\r\n<html>index</html>"), index)
    let page = try await get(port, "/lessons/01-handshake.html")
    XCTAssertTrue(page.contains("Content-Length: \("<html>lesson 1 ✓</html>".utf8.count)\r\n"), page)
    XCTAssertTrue(page.hasSuffix("<html>lesson 1 ✓</html>"), page)
    let bare = try await get(port, "/lessons")
    XCTAssertTrue(bare.hasPrefix("HTTP/1.1 301 Moved Permanently\r\n"), bare)
    XCTAssertTrue(bare.contains("Location: /lessons/\r\n"), bare)
    let chinese = try await get(port, "/lessons/zh-CN/01-handshake.html")
    XCTAssertTrue(chinese.hasPrefix("HTTP/1.1 200 OK\r\n") && chinese.hasSuffix("<html>第 1 课</html>"), chinese)
    let chineseIndex = try await get(port, "/lessons/zh-CN/")
    XCTAssertTrue(chineseIndex.hasSuffix("<html>索引</html>"), chineseIndex)
    let folder = try await get(port, "/lessons/zh-CN")
    XCTAssertTrue(folder.contains("Location: /lessons/zh-CN/\r\n"), folder)
    for target in [
      "/lessons/../Package.swift", "/lessons/%2e%2e/x.html", "/lessons/.hidden.html", "/lessons/notes.txt",
      "/lessons/missing.html", "/lessons/sub/01-handshake.html", "/lessons/zh-CN/deeper/x.html",
      "/lessons/sub.d/x.html",
      "/lessons/zh-CN/../notes.txt", "/lessons//01-handshake.html", "/lessons/zh-CN//index.html",
    ] {
      let answer = try await get(port, target)
      XCTAssertTrue(answer.hasPrefix("HTTP/1.1 404 Not Found\r\n"), "\(target): \(answer)")
      XCTAssertFalse(answer.contains("secret") || answer.contains("not served"), target)
    }
    try await server.shutdown()

    // A folder that is not there: /lessons/ says how to make it.
    let (empty, emptyPort) = try await startServer { $0.lessonsDirectory = dir.path + "/nope" }
    XCTAssertNotNil(empty.lessonPages?.problem)
    let missing = try await get(emptyPort, "/lessons/")
    XCTAssertTrue(missing.hasPrefix("HTTP/1.1 404 Not Found\r\n"), missing)
    XCTAssertTrue(missing.contains("make site"), missing)
    try await empty.shutdown()

    // Not configured: /lessons/ is just another unknown path.
    let (plain, plainPort) = try await startServer()
    XCTAssertNil(plain.lessonPages)
    let none = try await get(plainPort, "/lessons/")
    XCTAssertTrue(none.hasPrefix("HTTP/1.1 404 Not Found\r\n"), none)
    XCTAssertFalse(none.contains("make site"), none)
    try await plain.shutdown()
  }

  /// Live tracing: off, `/trace` and `/trace/ws` answer 404 with how to turn it on; on, a viewer
  /// at `/trace/ws?follow=TOKEN` gets the events of the connection tagged `?trace=TOKEN` (its
  /// handshake first, as HTML rendered by the lessons' renderer) and nothing of others.
  func testLiveTraceViewers() async throws {
    func get(_ port: Int, _ head: String) async throws -> String {
      let client = try await RawClient(port: port)
      try await client.send(head)
      _ = await client.wait { $0.isClosed }
      return client.text
    }
    let (off, offPort) = try await startServer()
    let page = try await get(offPort, "GET /trace HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    XCTAssertTrue(page.hasPrefix("HTTP/1.1 404 Not Found\r\n") && page.contains("--live-trace"), page)
    let upgrade = try await get(offPort, upgradeRequest(path: "/trace/ws", port: offPort))
    XCTAssertTrue(upgrade.hasPrefix("HTTP/1.1 404 Not Found\r\n") && upgrade.contains("--live-trace"), upgrade)
    try await off.shutdown()

    let (server, port) = try await startServer {
      $0.liveTrace = true
      $0.deflate = .disabled
    }
    let teacher = try await get(port, "GET /trace HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    XCTAssertTrue(
      teacher.hasPrefix("HTTP/1.1 200 OK\r\n") && teacher.contains("/trace/ws"), String(teacher.prefix(200)))
    var config = ClientConfiguration()
    config.deflate = .disabled
    let viewer = try await WebSocketClient.connect(
      to: "ws://127.0.0.1:\(port)/trace/ws?follow=abc", configuration: config)
    let other = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/", configuration: config)
    try await other.send(text: "not followed")
    let followed = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/?trace=abc", configuration: config)
    try await followed.send(text: "followed")
    var seen: [String] = []
    for try await message in viewer.messages {
      guard case .text(let text) = message else { continue }
      seen.append(text)
      if text.contains("frame: text &quot;followed&quot; (masked") { break }
    }
    XCTAssertTrue(seen.first?.contains("note: TCP connection from") ?? false, "\(seen.first ?? "")")
    XCTAssertTrue(
      seen.contains { $0.contains("HTTP request head: GET /?trace=abc") }, "the handshake, from the history")
    XCTAssertTrue(seen.allSatisfy { $0.hasPrefix("{\"connection\":") && $0.contains("\"html\":\"<") }, "\(seen)")
    XCTAssertFalse(seen.contains { $0.contains("not followed") }, "a connection nobody follows leaked")
    _ = try await followed.close(code: .normalClosure)
    _ = try await other.close(code: .normalClosure)
    _ = try await viewer.close(code: .normalClosure)
    try await server.shutdown()
  }

  /// Plain HTTP runs on SwiftNIO's HTTP/1.1 stack: pipelined keep-alive requests are answered in
  /// order, a chunked body is accepted, a body over the message limit gets 413, and an Upgrade
  /// that is not the first request of its connection gets 400.
  func testPlainHTTPIsARealHTTP11Server() async throws {
    let (server, port) = try await startServer {
      $0.maxMessageSize = 1000
      $0.pollTimeout = .milliseconds(300)
    }
    let pipelined = try await RawClient(port: port)
    try await pipelined.send(
      "POST /poll/send?client=c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n"
        + "GET /poll/recv?client=c HTTP/1.1\r\nHost: x\r\n\r\n"
        + "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    let answered = await pipelined.wait { $0.isClosed }
    XCTAssertTrue(answered)
    let statuses = pipelined.text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { String($0.prefix(3)) }
    XCTAssertEqual(statuses, ["204", "200", "404"])
    XCTAssertTrue(pipelined.text.contains("Content-Length: 5\r\nCache-Control: no-store\r\n\r\nhello"))

    let large = try await RawClient(port: port)
    try await large.send("POST /poll/send?client=d HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n")
    let refused = await large.wait { $0.isClosed }
    XCTAssertTrue(refused)
    XCTAssertTrue(large.text.hasPrefix("HTTP/1.1 413 Content Too Large\r\n"), large.text)

    let late = try await RawClient(port: port)
    try await late.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n" + upgradeRequest(path: "/", port: port))
    let closed = await late.wait { $0.isClosed }
    XCTAssertTrue(closed)
    XCTAssertTrue(late.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
    XCTAssertTrue(late.text.contains("HTTP/1.1 400 Bad Request\r\n"))
    XCTAssertFalse(late.text.contains("101 Switching Protocols"))
    try await server.shutdown()
  }

  func testFirstLongPollWaitsForThePollTimeoutNotTheHandshakeTimeout() async throws {
    let (server, port) = try await startServer {
      $0.handshakeTimeout = .milliseconds(200)
      $0.pollTimeout = .milliseconds(700)
    }
    let client = try await LongPollClient.connect(host: "127.0.0.1", port: port, client: "w")
    let start = Date()
    let reply = try await client.receive()
    XCTAssertEqual(reply.status, 204)
    XCTAssertGreaterThan(Date().timeIntervalSince(start), 0.6)
    await client.close()
    try await server.shutdown()
  }

  func testLongPollingEchoAndTimeout() async throws {
    let (server, port) = try await startServer { $0.pollTimeout = .milliseconds(300) }
    let client = try await LongPollClient.connect(host: "127.0.0.1", port: port, client: "t1")
    let sent = try await client.send(Array("hello".utf8))
    XCTAssertEqual(sent.status, 204)
    let reply = try await client.receive()
    XCTAssertEqual(reply.status, 200)
    XCTAssertEqual(reply.body, Array("hello".utf8))
    XCTAssertGreaterThan(reply.requestBytes + reply.responseBytes, 100, "HTTP heads cost far more than a frame")
    let empty = try await client.receive()  // nothing to collect: the server holds it, then 204
    XCTAssertEqual(empty.status, 204)
    // A waiting request is answered as soon as a message arrives.
    let other = try await LongPollClient.connect(host: "127.0.0.1", port: port, client: "t1")
    async let waiting = client.receive()
    try await Task.sleep(for: .milliseconds(50))
    try await other.send(Array("late".utf8))
    let woke = try await waiting
    XCTAssertEqual(woke.body, Array("late".utf8))
    await client.close()
    await other.close()
    try await server.shutdown()
  }
}

/// The README's two examples, as written there (port 0 instead of 9001), so they keep compiling
/// and working.
final class ReadmeExampleTests: XCTestCase {
  func testReadmeEchoServerAndClient() async throws {
    var config = ServerConfiguration()
    config.port = 0
    let server = WebSocketServer(configuration: config) { socket in
      do {
        for try await message in socket.messages { try await socket.send(message) }
      } catch {}  // the connection failed; `socket.closed` says how
    }
    let port = try await server.start().port!

    let socket = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/")
    XCTAssertEqual(socket.opened.extensions, ["permessage-deflate"])
    try await socket.send(text: "hello")
    var echoed: WebSocketMessage?
    for try await message in socket.messages {
      echoed = message
      break
    }
    XCTAssertEqual(echoed, .text("hello"))
    let outcome = try await socket.close(code: .normalClosure)
    XCTAssertEqual(outcome.code, .normalClosure)
    XCTAssertTrue(outcome.wasClean)
    try await server.shutdown()
  }
}
