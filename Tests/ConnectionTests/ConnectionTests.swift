import NIOCore
import Trace
import XCTest

@testable import Connection
@testable import Framing
@testable import Handshake

final class ConnectionTests: XCTestCase {
  // MARK: opening

  func testHandshakeOpensBothSides() {
    var pair = Pair()
    XCTAssertEqual(pair.client.state, .connecting)
    XCTAssertEqual(pair.server.state, .connecting)
    pair.pump()
    XCTAssertEqual(pair.client.state, .open)
    XCTAssertEqual(pair.server.state, .open)
    XCTAssertEqual(pair.clientEvents, [.opened(OpenedConnection(path: "/chat", subprotocol: "chat"))])
    XCTAssertEqual(pair.serverEvents, [.opened(OpenedConnection(path: "/chat", subprotocol: "chat"))])
    XCTAssertTrue(pair.toServer.starts(with: Array("GET /chat HTTP/1.1\r\n".utf8)))
    XCTAssertTrue(pair.toClient.starts(with: Array("HTTP/1.1 101 Switching Protocols\r\n".utf8)))
  }

  func testServerRejectionClosesWithTheHTTPStatus() {
    var pair = Pair(policy: ServerHandshakePolicy(originPolicy: { _ in false }))
    pair.client = Connection(
      client: ClientHandshake.Options(host: "h", origin: "http://evil"), random: TestRandom(seed: 3))
    pair.pump()
    XCTAssertTrue(pair.toClient.starts(with: Array("HTTP/1.1 403 Forbidden\r\n".utf8)))
    XCTAssertEqual(pair.server.state, .closed)
    XCTAssertTrue(pair.server.shouldCloseTransport)
    guard case .handshakeFailed(let error) = pair.serverEvents.first else { return XCTFail("\(pair.serverEvents)") }
    XCTAssertEqual(error.httpStatus, 403)
    // The client sees a non-101 status and fails too.
    guard case .handshakeFailed(let clientError) = pair.clientEvents.first else { return XCTFail() }
    XCTAssertEqual(clientError.kind, .unexpectedStatus(403, reason: "Forbidden"))
    XCTAssertEqual(pair.client.state, .closed)
    XCTAssertEqual(
      pair.clientEvents.last, .closed(CloseOutcome(code: .abnormalClosure, reason: "", wasClean: false, initiator: nil))
    )
  }

  func testFramesInTheSameReadAsTheHandshakeAreNotLost() throws {
    // A client that sends its first frame right behind the request (a pipelining client).
    var client = Connection(client: testOptions, random: TestRandom(seed: 9))
    var server = Connection(server: ServerHandshakePolicy())
    var request = try XCTUnwrap(client.takeOutbound())
    let frame = FrameEncoder().frameBytes(opcode: .text, maskingKey: MaskingKey(1, 2, 3, 4), payload: Array("hi".utf8))
    request.writeBytes(frame)
    server.receive(request)
    XCTAssertEqual(server.drainEvents().last, .text("hi"))
  }

  // MARK: messages

  func testTextBinaryAndFragmentedMessagesBothWays() throws {
    var pair = Pair()
    pair.open()
    try pair.client.send(text: "Hello")
    try pair.client.send(binary: [0, 1, 2, 255])
    try pair.server.send(text: "κόσμε")
    try pair.server.send(binary: [])
    try pair.client.sendFragment(text: "Hel", isLast: false)
    try pair.client.ping(ByteBuffer(string: "mid"))
    try pair.client.sendFragment(text: "lo, ", isLast: false)
    try pair.client.sendFragment(text: "world", isLast: true)
    try pair.server.sendFragment(binary: ByteBuffer(bytes: [1]), isLast: false)
    try pair.server.sendFragment(binary: ByteBuffer(bytes: [2]), isLast: true)
    pair.pump()
    XCTAssertEqual(
      messages(pair.serverEvents), [.text("Hello"), .binary(ByteBuffer(bytes: [0, 1, 2, 255])), .text("Hello, world")])
    XCTAssertEqual(
      messages(pair.clientEvents), [.text("κόσμε"), .binary(ByteBuffer()), .binary(ByteBuffer(bytes: [1, 2]))])
    XCTAssertTrue(pair.serverEvents.contains(.ping(ByteBuffer(string: "mid"))))
    XCTAssertTrue(pair.clientEvents.contains(.pong(ByteBuffer(string: "mid"))), "automatic pong with the same payload")
  }

  func testClientMasksEveryFrameWithFreshKeysAndServerNever() throws {
    var pair = Pair()
    pair.open()
    for i in 0..<20 { try pair.client.send(text: "m\(i)") }
    for i in 0..<20 { try pair.server.send(text: "m\(i)") }
    pair.pump()
    let clientFrames = frames(in: afterHead(pair.toServer), sentBy: .client)
    XCTAssertEqual(clientFrames.count, 20)
    XCTAssertTrue(clientFrames.allSatisfy { $0.header.maskingKey != nil })
    XCTAssertEqual(Set(clientFrames.compactMap(\.header.maskingKey)).count, 20, "a fresh key per frame")
    let serverFrames = frames(in: afterHead(pair.toClient), sentBy: .server)
    XCTAssertEqual(serverFrames.count, 20)
    XCTAssertTrue(serverFrames.allSatisfy { $0.header.maskingKey == nil })
  }

  func testPongPolicyLatestPerReadAnswersOnlyTheLastPing() throws {
    var server = Connection(openWith: .init(role: .server, pongPolicy: .latestPerRead))
    let enc = FrameEncoder()
    var bytes: [UInt8] = []
    for p in ["a", "b", "c"] {
      bytes += enc.frameBytes(opcode: .ping, maskingKey: MaskingKey(9, 9, 9, 9), payload: Array(p.utf8))
    }
    server.receive(bytes)
    let out = try XCTUnwrap(server.takeOutbound())
    XCTAssertEqual(out.bytes, hex("8a 01 63"), "one pong, for the latest ping \"c\"")
    var every = Connection(openWith: .init(role: .server))
    every.receive(bytes)
    XCTAssertEqual(try XCTUnwrap(every.takeOutbound()).bytes, hex("8a 01 61 8a 01 62 8a 01 63"))
  }

  func testUnsolicitedPongIsReportedNotAnError() {
    var server = Connection(openWith: .init(role: .server))
    server.receive(FrameEncoder().frameBytes(opcode: .pong, maskingKey: MaskingKey(1, 1, 1, 1), payload: [7]))
    XCTAssertEqual(server.drainEvents(), [.pong(ByteBuffer(bytes: [7]))])
    XCTAssertEqual(server.state, .open)
    XCTAssertNil(server.takeOutbound())
  }

  // MARK: closing handshake

  func testClientInitiatedCloseEchoesTheCodeAndServerClosesTCPFirst() throws {
    var pair = Pair()
    pair.open()
    try pair.client.close(code: CloseCode(rawValue: 4000), reason: "done")
    XCTAssertEqual(pair.client.state, .closing)
    pair.pump()
    // The server received 4000 and answered with 4000 (§5.5.1), without the reason.
    XCTAssertEqual(closeCodes(pair.serverEvents), [4000])
    XCTAssertEqual(closeCodes(pair.clientEvents), [4000])
    let serverClose = frames(in: afterHead(pair.toClient), sentBy: .server).last
    XCTAssertEqual(serverClose?.payload.bytes, [0x0f, 0xa0])
    XCTAssertEqual(pair.tcpCloses, [.server, .client], "the server closes TCP first (§7.1.1)")
    XCTAssertEqual(
      pair.clientEvents.last,
      .closed(CloseOutcome(code: CloseCode(rawValue: 4000), reason: "", wasClean: true, initiator: .client)))
    XCTAssertEqual(
      pair.serverEvents.last,
      .closed(CloseOutcome(code: CloseCode(rawValue: 4000), reason: "done", wasClean: true, initiator: .client)))
    XCTAssertEqual(pair.client.state, .closed)
    XCTAssertEqual(pair.server.state, .closed)
  }

  func testServerInitiatedClose() throws {
    var pair = Pair()
    pair.open()
    try pair.server.close(code: .goingAway, reason: "shutdown")
    pair.pump()
    XCTAssertEqual(closeCodes(pair.clientEvents), [1001])
    XCTAssertEqual(closeCodes(pair.serverEvents), [1001])
    XCTAssertEqual(pair.tcpCloses, [.server, .client])
    XCTAssertEqual(
      pair.serverEvents.last,
      .closed(CloseOutcome(code: .goingAway, reason: "", wasClean: true, initiator: .server)))
  }

  func testEmptyCloseIsAnsweredEmptyAndReportedAs1005() {
    var server = Connection(openWith: .init(role: .server))
    server.receive(FrameEncoder().frameBytes(opcode: .close, maskingKey: MaskingKey(1, 2, 3, 4), payload: []))
    XCTAssertEqual(server.takeOutbound()?.bytes, hex("88 00"))
    XCTAssertEqual(
      server.drainEvents(),
      [
        .closeReceived(ClosePayload(code: nil)),
        .closed(CloseOutcome(code: .noStatusReceived, reason: "", wasClean: true, initiator: .client)),
      ])
  }

  func testCloseCodesOnTheWire() {
    let accepted: [UInt16] = [
      1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999,
    ]
    let refused: [UInt16] = [0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]
    for code in accepted + refused {
      var server = Connection(openWith: .init(role: .server))
      let payload = [UInt8(code >> 8), UInt8(code & 0xff)]
      server.receive(FrameEncoder().frameBytes(opcode: .close, maskingKey: MaskingKey(5, 6, 7, 8), payload: payload))
      let reply = frames(in: server.takeOutbound()?.bytes ?? [], sentBy: .server).first
      if accepted.contains(code) {
        XCTAssertEqual(reply?.payload.bytes, payload, "code \(code) is echoed")
      } else {
        XCTAssertEqual(reply?.payload.bytes.prefix(2).map { $0 }, [0x03, 0xea], "code \(code) earns 1002")
        XCTAssertEqual(server.drainEvents().first, .failed(.protocolViolation(ProtocolError(.invalidCloseCode(code)))))
      }
    }
  }

  func testMalformedClosePayloads() {
    func reply(_ payload: [UInt8]) -> UInt16? {
      var server = Connection(openWith: .init(role: .server))
      server.receive(FrameEncoder().frameBytes(opcode: .close, maskingKey: MaskingKey(5, 6, 7, 8), payload: payload))
      guard let f = frames(in: server.takeOutbound()?.bytes ?? [], sentBy: .server).first else { return nil }
      return UInt16(f.payload.bytes[0]) << 8 | UInt16(f.payload.bytes[1])
    }
    XCTAssertEqual(reply([0x03]), 1002, "1-byte close payload")
    XCTAssertEqual(reply([0x03, 0xe8, 0xff]), 1007, "reason not UTF-8")
    XCTAssertEqual(reply([0x03, 0xe8, 0xce]), 1007, "reason ends inside a character")
    XCTAssertEqual(reply([0x03, 0xe8] + Array("κόσμε".utf8)), 1000)
  }

  /// Autobahn 7.1.1: a message followed by a close, in one read. The application sees the
  /// message first and may still answer it; the close is taken (and answered) after that.
  func testAMessageArrivingWithACloseCanStillBeAnswered() throws {
    var server = Connection(openWith: .init(role: .server))
    let key = MaskingKey(1, 2, 3, 4)
    server.receive(
      FrameEncoder().frameBytes(opcode: .text, maskingKey: key, payload: Array("last words".utf8))
        + FrameEncoder().frameBytes(opcode: .close, maskingKey: key, payload: [0x03, 0xe8]))
    XCTAssertEqual(server.nextEvent(), .text("last words"))
    XCTAssertEqual(server.state, .open, "the close waits until the message has been handed out")
    XCTAssertTrue(server.isHoldingBack)
    try server.send(text: "last words")
    XCTAssertNil(server.nextEvent(), "taking events never takes the held close")
    XCTAssertEqual(server.state, .open)
    server.releaseHeldBack()
    XCTAssertFalse(server.isHoldingBack)
    XCTAssertEqual(server.nextEvent(), .closeReceived(ClosePayload(code: .normalClosure)))
    let sent = frames(in: server.takeOutbound()?.bytes ?? [], sentBy: .server)
    XCTAssertEqual(sent.map(\.opcode), [.text, .close], "the echo goes out before the close")
    XCTAssertEqual(server.state, .closed)
    // EOF right behind the data and the close: the close still counts.
    var other = Connection(openWith: .init(role: .server))
    other.receive(
      FrameEncoder().frameBytes(opcode: .text, maskingKey: key, payload: Array("x".utf8))
        + FrameEncoder().frameBytes(opcode: .close, maskingKey: key, payload: [0x03, 0xe8]))
    other.receiveEOF()
    let events = other.drainEvents()
    XCTAssertEqual(events.first, .text("x"))
    XCTAssertTrue(events.contains(.closeReceived(ClosePayload(code: .normalClosure))))
  }

  /// Autobahn 3.2 and 4.1.3: a valid message, then a violation, then a ping, all in one read. The
  /// message is handed out and its echo goes out before the 1002 close, exactly as if the
  /// violation had come in a later read; the ping behind the violation is never answered.
  func testAMessageBeforeAViolationInTheSameReadCanStillBeAnswered() throws {
    let enc = FrameEncoder()
    let key = MaskingKey(1, 2, 3, 4)
    let violations: [(String, [UInt8], UInt16)] = [
      ("RSV2", enc.frameBytes(opcode: .text, rsv: 0x20, maskingKey: key, payload: Array("bad".utf8)), 1002),
      ("opcode 3", enc.frameBytes(opcode: Opcode(rawValue: 3), maskingKey: key, payload: []), 1002),
      ("continuation first", enc.frameBytes(opcode: .continuation, maskingKey: key, payload: [1]), 1002),
      ("bad UTF-8", enc.frameBytes(opcode: .text, maskingKey: key, payload: [0xc3, 0x28]), 1007),
    ]
    for (name, violation, code) in violations {
      var server = Connection(openWith: .init(role: .server))
      server.receive(
        enc.frameBytes(opcode: .text, maskingKey: key, payload: Array("Hello".utf8)) + violation
          + enc.frameBytes(opcode: .ping, maskingKey: key, payload: Array("p".utf8)))
      XCTAssertEqual(server.nextEvent(), .text("Hello"), name)
      XCTAssertEqual(server.state, .open, "\(name): the failure waits until the message has been taken")
      XCTAssertNil(server.takeOutbound(), "\(name): no close frame before the application could answer")
      try server.send(text: "Hello")
      XCTAssertNil(server.nextEvent(), name)
      XCTAssertTrue(server.isHoldingBack, name)
      server.releaseHeldBack()
      guard case .failed(let failure) = server.nextEvent() else { return XCTFail(name) }
      XCTAssertEqual(failure.closeCode.rawValue, code, name)
      guard case .closed = server.nextEvent() else { return XCTFail(name) }
      XCTAssertNil(server.nextEvent(), name)
      let sent = frames(in: server.takeOutbound()?.bytes ?? [], sentBy: .server)
      XCTAssertEqual(sent.map(\.opcode), [.text, .close], "\(name): the echo, then the close; no pong")
      XCTAssertEqual(sent.last.map { UInt16($0.payload.bytes[0]) << 8 | UInt16($0.payload.bytes[1]) }, code, name)
      XCTAssertTrue(server.shouldCloseTransport, name)
    }
    // EOF before the application took the message: the failure still happens, after the message.
    var server = Connection(openWith: .init(role: .server))
    server.receive(
      enc.frameBytes(opcode: .binary, maskingKey: key, payload: [1, 2]) + violations[0].1)
    server.receiveEOF()
    let events = server.drainEvents()
    XCTAssertEqual(events.first, .binary(ByteBuffer(bytes: [1, 2])))
    guard case .failed(let failure) = events.dropFirst().first else { return XCTFail("\(events)") }
    XCTAssertEqual(failure.closeCode, .protocolError)
    XCTAssertEqual(frames(in: server.takeOutbound()?.bytes ?? [], sentBy: .server).map(\.opcode), [.close])
  }

  func testOneMessageLargerThanTheQueueLimitIsAllowedWhenNothingWaits() throws {
    var server = Connection(openWith: .init(role: .server, maxQueuedBytes: 1000))
    try server.send(binary: [UInt8](repeating: 1, count: 5000))
    XCTAssertThrowsError(try server.send(binary: [1])) {
      guard case .outboundQueueFull = $0 as? ConnectionCommandError else { return XCTFail("\($0)") }
    }
    _ = server.takeOutbound()
    try server.send(binary: [UInt8](repeating: 1, count: 5000))
  }

  func testDataAfterCloseReceivedIsIgnored() {
    var server = Connection(openWith: .init(role: .server))
    let enc = FrameEncoder()
    let key = MaskingKey(1, 2, 3, 4)
    server.receive(
      enc.frameBytes(opcode: .close, maskingKey: key, payload: [0x03, 0xe8])
        + enc.frameBytes(opcode: .text, maskingKey: key, payload: Array("late".utf8)))
    server.receive(enc.frameBytes(opcode: .text, maskingKey: key, payload: Array("later".utf8)))
    XCTAssertFalse(server.drainEvents().contains(.text("late")))
    XCTAssertEqual(server.state, .closed)
  }

  func testDataWhileClosingIsStillDeliveredButNoPongIsSent() throws {
    var server = Connection(openWith: .init(role: .server))
    try server.close()
    _ = server.takeOutbound()
    let key = MaskingKey(1, 2, 3, 4)
    server.receive(
      FrameEncoder().frameBytes(opcode: .text, maskingKey: key, payload: Array("in flight".utf8))
        + FrameEncoder().frameBytes(opcode: .ping, maskingKey: key, payload: []))
    XCTAssertEqual(server.drainEvents(), [.text("in flight"), .ping(ByteBuffer())])
    XCTAssertNil(server.takeOutbound(), "nothing is sent after our close frame")
    XCTAssertThrowsError(try server.send(text: "x")) {
      XCTAssertEqual($0 as? ConnectionCommandError, .notOpen(.closing))
    }
  }

  func testEOFWithoutCloseIs1006() {
    var pair = Pair()
    pair.open()
    pair.client.receiveEOF()
    XCTAssertEqual(
      pair.client.drainEvents(),
      [.closed(CloseOutcome(code: .abnormalClosure, reason: "", wasClean: false, initiator: nil))])
  }

  // MARK: failing the connection

  /// Each violation, sent by a raw peer, with the exact close code the endpoint answers with.
  func testViolationsFailWithTheRightCode() {
    let enc = FrameEncoder()
    let key = MaskingKey(0x37, 0xfa, 0x21, 0x3d)
    let cases: [(String, Role, [UInt8], UInt16, Connection.Configuration?)] = [
      ("unmasked client frame", .server, enc.frameBytes(opcode: .text, payload: Array("Hello".utf8)), 1002, nil),
      ("masked server frame", .client, enc.frameBytes(opcode: .text, maskingKey: key, payload: [0x41]), 1002, nil),
      ("bad UTF-8", .server, enc.frameBytes(opcode: .text, maskingKey: key, payload: [0xc3, 0x28]), 1007, nil),
      ("RSV2", .server, enc.frameBytes(opcode: .text, rsv: 0x20, maskingKey: key, payload: []), 1002, nil),
      ("opcode 0xB", .server, enc.frameBytes(opcode: Opcode(rawValue: 0xb), maskingKey: key, payload: []), 1002, nil),
      (
        "oversize message", .server,
        enc.frameBytes(opcode: .binary, maskingKey: key, payload: [UInt8](repeating: 0, count: 100)),
        1009, .init(role: .server, maxMessageSize: 64)
      ),
      (
        "oversize frame", .server,
        enc.frameBytes(opcode: .binary, maskingKey: key, payload: [UInt8](repeating: 0, count: 100)),
        1009, .init(role: .server, maxFrameSize: 64)
      ),
      ("continuation first", .server, enc.frameBytes(opcode: .continuation, maskingKey: key, payload: [1]), 1002, nil),
      ("1-byte close", .server, enc.frameBytes(opcode: .close, maskingKey: key, payload: [3]), 1002, nil),
    ]
    for (name, role, bytes, code, config) in cases {
      var endpoint = Connection(openWith: config ?? .init(role: role))
      endpoint.receive(bytes + enc.frameBytes(opcode: .text, maskingKey: role == .server ? key : nil, payload: [0x41]))
      let out = endpoint.takeOutbound()?.bytes ?? []
      let sent = frames(in: out, sentBy: role)
      XCTAssertEqual(sent.count, 1, name)
      XCTAssertEqual(sent.first?.opcode, .close, name)
      let wireCode = sent.first.map { UInt16($0.payload.bytes[0]) << 8 | UInt16($0.payload.bytes[1]) }
      XCTAssertEqual(wireCode, code, name)
      XCTAssertTrue(endpoint.shouldCloseTransport, name)
      XCTAssertEqual(endpoint.state, .closed, name)
      let events = endpoint.drainEvents()
      XCTAssertFalse(events.contains(.text("A")), "\(name): nothing processed after failing")
      guard case .failed(let failure) = events.first else { return XCTFail("\(name): \(events)") }
      XCTAssertEqual(failure.closeCode.rawValue, code, name)
      XCTAssertEqual(
        events.last,
        .closed(
          CloseOutcome(
            code: CloseCode(rawValue: code), reason: failure.description.isEmpty ? "" : (endpointReason(failure)),
            wasClean: false, initiator: role)), name)
      // Nothing more is processed, whatever arrives.
      endpoint.receive(enc.frameBytes(opcode: .text, maskingKey: role == .server ? key : nil, payload: [0x42]))
      XCTAssertTrue(endpoint.drainEvents().isEmpty, name)
      XCTAssertNil(endpoint.takeOutbound(), name)
    }
  }

  /// Autobahn 6.4.x: invalid UTF-8 must fail the connection when the bad byte arrives, not when
  /// the frame (or message) is complete.
  func testInvalidUTF8FailsBeforeTheRestOfTheFrameArrives() throws {
    let key = MaskingKey(0x37, 0xfa, 0x21, 0x3d)
    // κόσμε, then F4 90 (above U+10FFFF), then more text that never needs to arrive.
    let payload = Array("κόσμε".utf8) + [0xf4, 0x90, 0x80, 0x80] + Array("edited".utf8)
    let frame = FrameEncoder().frameBytes(opcode: .text, maskingKey: key, payload: payload)
    let badIndex = Array("κόσμε".utf8).count + 1  // the 0x90 after F4
    for cut in 2...frame.count {
      var server = Connection(openWith: .init(role: .server))
      // Deliver the frame in pieces up to `cut`; it must fail exactly once the 0x90 is in.
      var delivered = 0
      while delivered < cut {
        let end = min(cut, delivered + 3)
        server.receive(Array(frame[delivered..<end]))
        delivered = end
      }
      let failed = server.drainEvents().contains(
        .failed(.protocolViolation(ProtocolError(.invalidUTF8(messageOffset: badIndex)))))
      let badByteArrived = cut > 6 + badIndex
      XCTAssertEqual(failed, badByteArrived, "cut at \(cut)")
      XCTAssertEqual(server.state, badByteArrived ? .closed : .open, "cut at \(cut)")
    }
  }

  func testInvalidUTF8InAContinuationStillArrivingFailsFast() throws {
    let key = MaskingKey(1, 2, 3, 4)
    let enc = FrameEncoder()
    var server = Connection(openWith: .init(role: .server))
    server.receive(enc.frameBytes(opcode: .text, fin: false, maskingKey: key, payload: Array("abc".utf8)))
    let second = enc.frameBytes(opcode: .continuation, maskingKey: key, payload: [0x41, 0xc0, 0x41, 0x41, 0x41])
    server.receive(Array(second[..<8]))  // header (6) + "A" + C0
    XCTAssertEqual(
      server.drainEvents(),
      [
        .failed(.protocolViolation(ProtocolError(.invalidUTF8(messageOffset: 4)))),
        .closed(
          CloseOutcome(
            code: .invalidPayloadData, reason: ProtocolError(.invalidUTF8(messageOffset: 4)).reason, wasClean: false,
            initiator: .server)),
      ])
  }

  func testValidTextValidatedAheadIsDeliveredIntact() throws {
    let key = MaskingKey(9, 8, 7, 6)
    let text = String(repeating: "κόσμε € 𝄞 ", count: 500)
    let frame = FrameEncoder().frameBytes(opcode: .text, maskingKey: key, payload: Array(text.utf8))
    for chunk in [1, 2, 3, 7, 100, 4096] {
      var server = Connection(openWith: .init(role: .server))
      var events: [ConnectionEvent] = []
      var start = 0
      while start < frame.count {
        server.receive(Array(frame[start..<min(frame.count, start + chunk)]))
        events += server.drainEvents()
        start += chunk
      }
      XCTAssertEqual(events, [.text(text)], "chunk \(chunk)")
    }
  }

  private func endpointReason(_ failure: ConnectionFailure) -> String {
    if case .protocolViolation(let e) = failure { return e.reason }
    return ""
  }

  // MARK: commands

  func testCommandErrors() throws {
    var pair = Pair()
    XCTAssertThrowsError(try pair.client.send(text: "too early")) {
      XCTAssertEqual($0 as? ConnectionCommandError, .notOpen(.connecting))
    }
    pair.open()
    XCTAssertThrowsError(try pair.client.ping(ByteBuffer(bytes: [UInt8](repeating: 0, count: 126)))) {
      XCTAssertEqual($0 as? ConnectionCommandError, .controlPayloadTooLong(126))
    }
    XCTAssertThrowsError(try pair.client.close(code: .noStatusReceived)) {
      XCTAssertEqual($0 as? ConnectionCommandError, .invalidCloseCode(.noStatusReceived))
    }
    try pair.client.sendFragment(text: "a", isLast: false)
    XCTAssertThrowsError(try pair.client.send(text: "b")) {
      guard case .fragmentationOrder = $0 as? ConnectionCommandError else { return XCTFail("\($0)") }
    }
    XCTAssertThrowsError(try pair.client.sendFragment(binary: ByteBuffer(), isLast: true)) {
      guard case .fragmentationOrder = $0 as? ConnectionCommandError else { return XCTFail("\($0)") }
    }
    try pair.client.ping()
    try pair.client.sendFragment(text: "c", isLast: true)
    try pair.client.close()
    XCTAssertThrowsError(try pair.client.close()) { XCTAssertEqual($0 as? ConnectionCommandError, .notOpen(.closing)) }
    pair.pump()
    XCTAssertEqual(messages(pair.serverEvents), [.text("ac")])
  }

  func testCloseReasonIsCutAtACharacterBoundary() throws {
    var server = Connection(openWith: .init(role: .server))
    try server.close(code: .normalClosure, reason: String(repeating: "é", count: 100))
    let frame = try XCTUnwrap(frames(in: server.takeOutbound()?.bytes ?? [], sentBy: .server).first)
    XCTAssertEqual(frame.payload.readableBytes, 2 + 122)
    XCTAssertLessThanOrEqual(frame.payload.readableBytes, 125)
    XCTAssertNotNil(String(validating: frame.payload.bytes.dropFirst(2), as: UTF8.self))
  }

  func testOutboundQueueLimitAppliesBackpressure() throws {
    var server = Connection(openWith: .init(role: .server, maxQueuedBytes: 1000))
    try server.send(binary: [UInt8](repeating: 0, count: 500))
    XCTAssertEqual(server.queuedBytes, 504)
    XCTAssertThrowsError(try server.send(binary: [UInt8](repeating: 0, count: 500))) {
      XCTAssertEqual($0 as? ConnectionCommandError, .outboundQueueFull(queued: 504, adding: 514, limit: 1000))
    }
    XCTAssertEqual(server.takeOutbound()?.readableBytes, 504)
    XCTAssertEqual(server.queuedBytes, 0)
    try server.send(binary: [UInt8](repeating: 0, count: 500))
  }

  func testAPeerThatPingsButNeverReadsIsFailedWith1008() {
    var server = Connection(openWith: .init(role: .server, maxQueuedBytes: 600))
    let ping = FrameEncoder().frameBytes(
      opcode: .ping, maskingKey: MaskingKey(1, 2, 3, 4), payload: [UInt8](repeating: 1, count: 125))
    for _ in 0..<10 { server.receive(ping) }  // the transport never drains
    XCTAssertEqual(server.state, .closed)
    XCTAssertTrue(server.drainEvents().contains(.failed(.outboundQueueOverflow(queued: 508, limit: 600))))
    XCTAssertLessThanOrEqual(server.queuedBytes, 600 + 125 + 14)
  }

  // MARK: timers

  func testKeepalivePingAndIdleTimeout() throws {
    var pair = Pair(serverConfig: .init(role: .server, keepaliveInterval: .seconds(10), idleTimeout: .seconds(25)))
    pair.open()
    XCTAssertEqual(pair.server.nextDeadline, Timestamp.zero + .seconds(10))
    pair.advance(to: .zero + .seconds(9))
    XCTAssertEqual(pair.pump(), 0, "nothing before the interval")
    pair.advance(to: .zero + .seconds(10))
    pair.pump()
    // The server pinged, the client answered with a pong, which counts as activity.
    XCTAssertTrue(pair.clientEvents.contains { if case .ping = $0 { true } else { false } })
    XCTAssertTrue(pair.serverEvents.contains { if case .pong = $0 { true } else { false } })
    XCTAssertEqual(pair.server.nextDeadline, Timestamp.zero + .seconds(20))
    // Now the client stops answering: the server's connection goes idle and it closes with 1001.
    pair.server.advance(to: .zero + .seconds(20))
    _ = pair.server.takeOutbound()  // a ping that is never delivered
    pair.server.advance(to: .zero + .seconds(35))
    XCTAssertEqual(pair.server.state, .closing)
    let close = frames(in: pair.server.takeOutbound()?.bytes ?? [], sentBy: .server).last
    XCTAssertEqual(close?.payload.bytes.prefix(2).map { $0 }, [0x03, 0xe9])
    XCTAssertTrue(pair.server.drainEvents().contains(.failed(.idleTimeout(.seconds(25)))))
    // And, the peer being silent, the closing handshake times out: TCP closed, 1006.
    pair.server.advance(to: .zero + .seconds(40))
    XCTAssertTrue(pair.server.shouldCloseTransport)
    XCTAssertEqual(
      pair.server.drainEvents().last,
      .closed(CloseOutcome(code: .abnormalClosure, reason: "", wasClean: false, initiator: .server)))
  }

  func testClientClosesTCPItselfWhenTheServerDoesNot() throws {
    var client = Connection(openWith: .init(role: .client, closeTimeout: .seconds(2)), random: TestRandom(seed: 4))
    try client.close()
    _ = client.takeOutbound()
    client.receive(hex("88 02 03 e8"))
    XCTAssertEqual(client.state, .closed)
    XCTAssertFalse(client.shouldCloseTransport, "the client waits for the server to close TCP")
    XCTAssertEqual(client.nextDeadline, Timestamp.zero + .seconds(2))
    client.advance(to: .zero + .seconds(2))
    XCTAssertTrue(client.shouldCloseTransport)
  }

  func testHandshakeTimeoutStopsSlowloris() {
    var server = Connection(
      server: ServerHandshakePolicy(), configuration: .init(role: .server, handshakeTimeout: .seconds(3)))
    server.receive(Array("GET / HTTP/1.1\r\nHost: a\r\n".utf8))
    server.advance(to: .zero + .seconds(2))
    XCTAssertFalse(server.shouldCloseTransport)
    server.advance(to: .zero + .seconds(3))
    XCTAssertTrue(server.shouldCloseTransport)
    XCTAssertEqual(server.drainEvents().first, .failed(.handshakeTimeout(.seconds(3))))
    XCTAssertNil(server.takeOutbound())
  }

  // MARK: chunking and random conversations

  /// One full conversation's client → server stream fed to a fresh server split at every point:
  /// the events must not depend on the split.
  func testWholeConversationAtEverySplitPoint() throws {
    var pair = Pair()
    pair.open()
    try pair.client.send(text: "Hello")
    try pair.client.sendFragment(text: "frag", isLast: false)
    try pair.client.ping(ByteBuffer(string: "p"))
    try pair.client.sendFragment(text: "ment €", isLast: true)
    try pair.client.send(binary: [UInt8](repeating: 7, count: 300))
    try pair.client.close(code: .normalClosure, reason: "bye")
    pair.pump()
    let stream = pair.toServer
    func run(_ chunks: [ArraySlice<UInt8>]) -> [ConnectionEvent] {
      var server = Connection(server: ServerHandshakePolicy(subprotocols: ["chat"]))
      var events: [ConnectionEvent] = []
      for c in chunks {
        server.receive(Array(c))
        events += server.drainEvents()
      }
      return events
    }
    let reference = run([stream[...]])
    XCTAssertEqual(
      messages(reference), [.text("Hello"), .text("fragment €"), .binary(ByteBuffer(repeating: 7, count: 300))])
    XCTAssertEqual(closeCodes(reference), [1000])
    for split in 1..<stream.count {
      XCTAssertEqual(run([stream[..<split], stream[split...]]), reference, "split at \(split)")
    }
    XCTAssertEqual(run(stream.map { [$0][...] }), reference, "one byte at a time")
  }

  /// Seeded random conversations: random messages both ways, fragmented at random with pings
  /// between fragments, delivered in random chunk sizes. What arrives must equal what was sent.
  func testRandomConversations() throws {
    var rng = TestRandom(seed: 2024)
    let scalars = Array("aZ 0é€𝄞\n".unicodeScalars)
    for round in 0..<25 {
      var pair = Pair(seed: UInt64(round), chunk: Int.random(in: 1...200, using: &rng))
      pair.open()
      var sentByClient: [ConnectionEvent] = []
      var sentByServer: [ConnectionEvent] = []
      for _ in 0..<Int.random(in: 1...15, using: &rng) {
        let fromClient = Bool.random(using: &rng)
        let isText = Bool.random(using: &rng)
        let parts = Int.random(in: 1...4, using: &rng)
        var whole = isText ? ConnectionEvent.text("") : .binary(ByteBuffer())
        var textParts: [String] = []
        var binParts: [[UInt8]] = []
        for _ in 0..<parts {
          if isText {
            var s = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...100, using: &rng) { s.append(scalars.randomElement(using: &rng)!) }
            textParts.append(String(s))
          } else {
            binParts.append(
              (0..<Int.random(in: 0...400, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
          }
        }
        whole = isText ? .text(textParts.joined()) : .binary(ByteBuffer(bytes: binParts.flatMap { $0 }))
        func send(_ c: inout Connection) throws {
          for i in 0..<parts {
            let last = i == parts - 1
            if parts == 1 {
              if isText { try c.send(text: textParts[0]) } else { try c.send(binary: binParts[0]) }
            } else if isText {
              try c.sendFragment(text: textParts[i], isLast: last)
            } else {
              try c.sendFragment(binary: ByteBuffer(bytes: binParts[i]), isLast: last)
            }
            if !last && Bool.random(using: &rng) { try c.ping(ByteBuffer(bytes: [UInt8(i)])) }
          }
        }
        if fromClient {
          try send(&pair.client)
          sentByClient.append(whole)
        } else {
          try send(&pair.server)
          sentByServer.append(whole)
        }
        if Int.random(in: 0..<3, using: &rng) == 0 { pair.pump() }
      }
      try pair.client.close()
      pair.pump()
      XCTAssertEqual(messages(pair.serverEvents), sentByClient, "round \(round)")
      XCTAssertEqual(messages(pair.clientEvents), sentByServer, "round \(round)")
      XCTAssertEqual(pair.client.state, .closed)
      XCTAssertEqual(pair.server.state, .closed)
      XCTAssertTrue(pair.serverClosedTCP)
    }
  }

  // MARK: extensions and tracing

  /// A toy extension that claims RSV1 and inverts every payload byte.
  final class InvertExtension: WebSocketExtension {
    let name = "x-invert"
    let reservedBits: UInt8 = 0x40
    let description = "every payload byte inverted"
    func decodeHeader(_ header: FrameHeader) throws(ProtocolError) -> (header: FrameHeader, transformsPayload: Bool) {
      var h = header
      h.rsv &= ~0x40
      return (h, header.rsv1)
    }
    func decodePayload(_ chunk: ByteBuffer, endOfFrame: Bool, into output: inout ByteBuffer) throws(ProtocolError) {
      output.writeBytes(chunk.readableBytesView.map { ~$0 })
    }
    func encode(_ frame: Frame) throws(ProtocolError) -> Frame {
      guard !frame.opcode.isControl else { return frame }
      var f = frame
      f.header.rsv |= 0x40
      f.payload = ByteBuffer(bytes: frame.payload.readableBytesView.map { ~$0 })
      return f
    }
  }

  func testExtensionChainOwnsRSV1() throws {
    var client = Connection(
      openWith: .init(role: .client), extensions: [InvertExtension()], random: TestRandom(seed: 5))
    var server = Connection(openWith: .init(role: .server), extensions: [InvertExtension()])
    try client.send(text: "Hi")
    let wire = try XCTUnwrap(client.takeOutbound())
    let frame = try XCTUnwrap(frames(in: wire.bytes, sentBy: .client).first)
    XCTAssertTrue(frame.header.rsv1)
    XCTAssertEqual(frame.payload.bytes, Array("Hi".utf8).map { ~$0 })
    server.receive(wire)
    XCTAssertEqual(server.drainEvents(), [.text("Hi")])
    // Without the extension, RSV1 is a protocol error.
    var plain = Connection(openWith: .init(role: .server))
    plain.receive(wire)
    XCTAssertEqual(
      plain.drainEvents().first, .failed(.protocolViolation(ProtocolError(.reservedBitsSet(0x40), streamOffset: 0))))
  }

  /// A factory for the toy extension: negotiated by name through the real handshake, which the
  /// Connection does only through factories.
  struct InvertFactory: WebSocketExtensionFactory {
    let name = "x-invert"
    var accept = true
    func clientOffers() -> [ExtensionOffer] { [ExtensionOffer(name: name, parameters: [.init(name: "all")])] }
    func serverResponse(to offers: [ExtensionOffer]) -> ExtensionOffer? { accept ? offers.first : nil }
    func makeExtension(response: ExtensionOffer, context: ExtensionContext) throws(ExtensionNegotiationError)
      -> any WebSocketExtension
    {
      guard response.parameters == [.init(name: "all")] else {
        throw ExtensionNegotiationError("x-invert takes one parameter, all", section: "x-invert §1")
      }
      return InvertExtension()
    }
  }

  func testExtensionsAreNegotiatedThroughFactoriesByName() throws {
    var pair = Pair(
      clientConfig: .init(role: .client, extensions: [InvertFactory()]),
      serverConfig: .init(role: .server, extensions: [InvertFactory()]))
    pair.open()
    XCTAssertEqual(pair.client.opened?.extensions, ["x-invert; all"])
    XCTAssertEqual(pair.server.opened?.extensions, ["x-invert; all"])
    XCTAssertTrue(
      String(decoding: pair.toServer, as: UTF8.self).contains("Sec-WebSocket-Extensions: x-invert; all\r\n"))
    try pair.client.send(text: "Hi")
    try pair.server.send(text: "Yo")
    let sent = pair.toServer.count
    pair.pump()
    // On the wire: RSV1 and inverted bytes; delivered: the text.
    let frame = try XCTUnwrap(frames(in: Array(pair.toServer[sent...]), sentBy: .client).first)
    XCTAssertTrue(frame.header.rsv1)
    XCTAssertEqual(frame.payload.bytes, Array("Hi".utf8).map { ~$0 })
    XCTAssertEqual(messages(pair.serverEvents), [.text("Hi")])
    XCTAssertEqual(messages(pair.clientEvents), [.text("Yo")])

    // A server that declines: nothing is installed, RSV1 stays a violation.
    var declined = Pair(
      clientConfig: .init(role: .client, extensions: [InvertFactory()]),
      serverConfig: .init(role: .server, extensions: [InvertFactory(accept: false)]))
    declined.open()
    XCTAssertEqual(declined.client.opened?.extensions, [])

    // A client that cannot accept the answer fails the handshake with the factory's reason.
    var policy = ServerHandshakePolicy()
    policy.extensionNegotiator = { _ in [ExtensionOffer(name: "x-invert")] }
    var refused = Pair(clientConfig: .init(role: .client, extensions: [InvertFactory()]), policy: policy)
    refused.pump()
    guard case .handshakeFailed(let error)? = refused.clientEvents.first else {
      return XCTFail("\(refused.clientEvents)")
    }
    XCTAssertEqual(error.kind, .invalidExtensionResponse("x-invert takes one parameter, all (x-invert §1)"))
  }

  final class BrokenExtension: WebSocketExtension {
    let name = "x-broken"
    let reservedBits: UInt8 = 0x40
    let description = "fails on every frame it sends"
    func decodeHeader(_ header: FrameHeader) throws(ProtocolError) -> (header: FrameHeader, transformsPayload: Bool) {
      (header, false)
    }
    func decodePayload(_ chunk: ByteBuffer, endOfFrame: Bool, into output: inout ByteBuffer) throws(ProtocolError) {}
    func encode(_ frame: Frame) throws(ProtocolError) -> Frame { throw ProtocolError(.reservedBitsSet(0x40)) }
  }

  func testOwnExtensionFailureIs1011AndCommandsReportIt() throws {
    var server = Connection(openWith: .init(role: .server), extensions: [BrokenExtension()])
    XCTAssertThrowsError(try server.send(text: "x")) {
      guard case .extensionFailed = $0 as? ConnectionCommandError else { return XCTFail("\($0)") }
    }
    // An automatic pong that the extension refuses: our fault, not the peer's.
    server.receive(FrameEncoder().frameBytes(opcode: .ping, maskingKey: MaskingKey(1, 2, 3, 4), payload: []))
    let close = frames(in: server.takeOutbound()?.bytes ?? [], sentBy: .server).first
    XCTAssertEqual(close?.payload.bytes.prefix(2).map { $0 }, [0x03, 0xf3])
    XCTAssertTrue(server.drainEvents().contains { if case .failed(.internalError) = $0 { true } else { false } })
  }

  func testTraceReportsTransitionsFramesAndHeads() throws {
    let log = TraceLog()
    var pair = Pair()
    pair.server.observer = log
    pair.open()
    try pair.client.close()
    pair.pump()
    let transitions = log.events.compactMap { if case .transition(let f, let t, _) = $0 { "\(f)→\(t)" } else { nil } }
    XCTAssertEqual(transitions, ["CONNECTING→OPEN", "OPEN→CLOSED"])
    XCTAssertTrue(log.records.contains { $0.title.hasPrefix("HTTP request head") })
    XCTAssertTrue(log.events.contains(.note("app ← opened /chat, subprotocol chat")))
    XCTAssertTrue(log.events.contains(.note("app ← closed: 1000 normal closure, clean, closed by the client")))
    XCTAssertTrue(log.records.contains { $0.title.hasPrefix("frame: close 1000") && $0.direction == .clientToServer })
    XCTAssertTrue(log.records.contains { $0.title.hasPrefix("frame: close 1000") && $0.direction == .serverToClient })
  }

  // MARK: - gathering writes (issue 17)

  /// A server sends a large payload as the buffer it came in, after its header: two buffers for
  /// the transport, byte-exact with the encoded frame, the payload not copied; small frames
  /// around it keep their order. The one-buffer ``Connection/takeOutbound()`` gives the same bytes.
  func testALargePayloadIsWrittenAfterItsHeaderWithoutACopy() throws {
    let large = ByteBuffer(bytes: (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
    let encoder = FrameEncoder()
    let expected =
      encoder.frameBytes(opcode: .text, payload: Array("a".utf8))
      + encoder.frameBytes(opcode: .binary, payload: Array(large.readableBytesView))
      + encoder.frameBytes(opcode: .text, payload: Array("b".utf8))
    for gathering in [true, false] {
      var server = Connection(openWith: .init(role: .server))
      try server.send(text: "a")
      try server.send(binary: large)
      try server.send(text: "b")
      XCTAssertEqual(server.queuedBytes, expected.count)
      var written: [ByteBuffer] = []
      if gathering {
        XCTAssertTrue(server.takeOutbound { written.append($0) })
        // "a" and the large frame's header; the payload itself; "b".
        XCTAssertEqual(written.map(\.readableBytes), [3 + 10, 70_000, 3])
        XCTAssertTrue(
          written[1].withUnsafeReadableBytes { a in
            large.withUnsafeReadableBytes { b in a.baseAddress == b.baseAddress }
          },
          "the payload was copied")
      } else {
        written = [try XCTUnwrap(server.takeOutbound())]
      }
      XCTAssertEqual(written.flatMap { Array($0.readableBytesView) }, expected)
      XCTAssertEqual(server.queuedBytes, 0)
      XCTAssertFalse(server.takeOutbound { _ in XCTFail("nothing is left") })
    }
  }

  /// A client masks every payload, large ones too (RFC 6455 §5.3): copied and masked in one
  /// pass, never sent by reference.
  func testAClientMasksLargePayloadsInOneBuffer() throws {
    var client = Connection(openWith: .init(role: .client), random: TestRandom(seed: 5))
    let large = ByteBuffer(bytes: Array(repeating: 0x41, count: 10_000))
    try client.send(binary: large)
    var written: [ByteBuffer] = []
    client.takeOutbound { written.append($0) }
    XCTAssertEqual(written.count, 1)
    var decoder = FrameDecoder(role: .server)
    decoder.append(written[0])
    let frame = try XCTUnwrap(decoder.next())
    XCTAssertNotNil(frame.header.maskingKey)
    XCTAssertEqual(frame.payload, large)
  }

  // MARK: - prepared messages (issue 17: broadcast encodes once)

  /// A server without extensions queues the prepared frame itself: every receiver writes the
  /// same bytes (RFC 6455 §5.7's unmasked "Hello"), without encoding or copying them again.
  func testAPreparedMessageIsSentAsTheSameBytesByEveryServerConnection() throws {
    let prepared = PreparedMessage(text: "Hello")
    XCTAssertEqual(Array(prepared.frame.readableBytesView), hex("81 05 48 65 6c 6c 6f"))
    for _ in 0..<3 {
      var server = Connection(openWith: .init(role: .server))
      try server.send(prepared)
      var written: [ByteBuffer] = []
      server.takeOutbound { written.append($0) }
      XCTAssertEqual(written.count, 1)
      XCTAssertTrue(
        written[0].withUnsafeReadableBytes { a in
          prepared.frame.withUnsafeReadableBytes { b in a.baseAddress == b.baseAddress }
        }, "the prepared frame was copied")
    }
    // After other frames, in order; the one-buffer view is byte-exact.
    var server = Connection(openWith: .init(role: .server))
    try server.send(text: "a")
    try server.send(prepared)
    try server.send(binary: [1])
    XCTAssertEqual(
      try XCTUnwrap(server.takeOutbound()).bytes, hex("81 01 61") + hex("81 05 48 65 6c 6c 6f") + hex("82 01 01"))
    // Not open: refused like any send.
    try server.close()
    XCTAssertThrowsError(try server.send(prepared))
  }

  /// A client must mask every frame with a fresh key (§5.3): it encodes the prepared payload.
  func testAClientMasksAPreparedMessage() throws {
    var client = Connection(openWith: .init(role: .client), random: TestRandom(seed: 9))
    try client.send(PreparedMessage(binary: ByteBuffer(bytes: [1, 2, 3])))
    var decoder = FrameDecoder(role: .server)
    decoder.append(try XCTUnwrap(client.takeOutbound()))
    let frame = try XCTUnwrap(decoder.next())
    XCTAssertNotNil(frame.header.maskingKey)
    XCTAssertEqual(frame.opcode, .binary)
    XCTAssertEqual(frame.payload, ByteBuffer(bytes: [1, 2, 3]))
  }

  /// Memory per idle connection (issue 17): the handshake's state is boxed, so an open
  /// connection does not carry it inline (it was 1,095 bytes, 823 with the box; `make bench`
  /// measures the whole server: 3.9 KiB per idle connection).
  func testAnOpenConnectionIsSmallInline() {
    XCTAssertLessThanOrEqual(MemoryLayout<Connection>.size, 850)
  }
}
