import Deflate
import NIOCore
import XCTest

@testable import Connection
@testable import Framing
@testable import Handshake

/// permessage-deflate inside the Connection: negotiation in the handshake, RSV1 on the wire,
/// the RFC 7692 bytes, fragmentation, and every failure with its close code.
final class DeflateIntegrationTests: XCTestCase {
  let everything = DeflateOptions(minimumSizeToCompress: 0)

  func deflatePair(
    client: DeflateOptions = DeflateOptions(minimumSizeToCompress: 0),
    server: DeflateOptions = DeflateOptions(minimumSizeToCompress: 0), chunk: Int? = nil
  ) -> Pair {
    var pair = Pair(
      clientConfig: .init(role: .client, deflate: client), serverConfig: .init(role: .server, deflate: server),
      chunk: chunk)
    pair.open()
    return pair
  }

  func testNegotiatedInTheHandshakeAndUsedOnTheWire() throws {
    var pair = Pair(
      clientConfig: .init(role: .client, deflate: everything), serverConfig: .init(role: .server, deflate: everything))
    pair.pump()
    XCTAssertTrue(
      String(decoding: pair.toServer, as: UTF8.self).contains(
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"))
    XCTAssertTrue(
      String(decoding: pair.toClient, as: UTF8.self).contains("Sec-WebSocket-Extensions: permessage-deflate\r\n"))
    XCTAssertEqual(
      pair.clientEvents.first,
      .opened(OpenedConnection(path: "/chat", subprotocol: "chat", extensions: ["permessage-deflate"])))
    let start = pair.toClient.count
    try pair.server.send(text: "Hello")
    try pair.server.send(text: "Hello")
    pair.pump()
    // RFC 7692 §7.2.3.1 and §7.2.3.2, as whole frames.
    XCTAssertEqual(Array(pair.toClient[start...]), hex("c1 07 f2 48 cd c9 c9 07 00 c1 05 f2 00 11 00 00"))
    XCTAssertEqual(messages(pair.clientEvents), [.text("Hello"), .text("Hello")])
    // And the other way, masked.
    try pair.client.send(text: "Hello, server")
    try pair.client.send(binary: [UInt8](repeating: 42, count: 5000))
    pair.pump()
    let sent = frames(in: afterHead(pair.toServer), sentBy: .client)
    XCTAssertTrue(sent.allSatisfy { $0.header.rsv1 })
    XCTAssertLessThan(sent[1].payload.readableBytes, 100, "5000 equal bytes compress well")
    XCTAssertEqual(
      messages(pair.serverEvents), [.text("Hello, server"), .binary(ByteBuffer(repeating: 42, count: 5000))])
  }

  /// A message prepared once for many receivers (broadcast) is compressed by a connection with
  /// permessage-deflate, with its own context: the RFC 7692 §7.2.3 bytes, not the prepared frame.
  func testAPreparedMessageIsCompressedWhereDeflateWasNegotiated() throws {
    var pair = deflatePair()
    let start = pair.toClient.count
    let prepared = PreparedMessage(text: "Hello")
    try pair.server.send(prepared)
    try pair.server.send(prepared)
    pair.pump()
    XCTAssertEqual(Array(pair.toClient[start...]), hex("c1 07 f2 48 cd c9 c9 07 00 c1 05 f2 00 11 00 00"))
    XCTAssertEqual(messages(pair.clientEvents), [.text("Hello"), .text("Hello")])
  }

  func testNotNegotiatedUnlessBothSidesWantIt() throws {
    for (client, server) in [(everything, DeflateOptions.disabled), (.disabled, everything)] {
      var pair = deflatePair(client: client, server: server)
      try pair.server.send(text: "Hello")
      try pair.client.send(text: "Hello")
      pair.pump()
      XCTAssertFalse(frames(in: afterHead(pair.toClient), sentBy: .server).contains { $0.header.rsv1 })
      XCTAssertEqual(messages(pair.clientEvents), [.text("Hello")])
      XCTAssertEqual(messages(pair.serverEvents), [.text("Hello")])
    }
  }

  func testFragmentedCompressedMessagesAtEverySplitPoint() throws {
    var pair = deflatePair()
    try pair.client.sendFragment(text: "permessage-deflate ", isLast: false)
    try pair.client.ping(ByteBuffer(string: "between"))
    try pair.client.sendFragment(text: "across ", isLast: false)
    try pair.client.sendFragment(text: "fragments €", isLast: true)
    try pair.client.send(text: "and a second message with context takeover: permessage-deflate")
    pair.pump()
    let expected = [
      ConnectionEvent.text("permessage-deflate across fragments €"),
      .text("and a second message with context takeover: permessage-deflate"),
    ]
    XCTAssertEqual(messages(pair.serverEvents), expected)
    let sent = frames(in: afterHead(pair.toServer), sentBy: .client)
    XCTAssertEqual(sent.map(\.header.rsv1), [true, false, false, false, true], "RSV1 only on first frames")
    // Replay the client's bytes into fresh servers, split everywhere.
    let stream = pair.toServer
    func replay(_ chunks: [ArraySlice<UInt8>]) -> [ConnectionEvent] {
      var server = Connection(
        server: ServerHandshakePolicy(subprotocols: ["chat"]), configuration: .init(role: .server, deflate: everything))
      var events: [ConnectionEvent] = []
      for c in chunks {
        server.receive(Array(c))
        events += server.drainEvents()
      }
      return messages(events)
    }
    for split in 1..<stream.count {
      XCTAssertEqual(replay([stream[..<split], stream[split...]]), expected, "split at \(split)")
    }
    XCTAssertEqual(replay(stream.map { [$0][...] }), expected, "one byte at a time")
  }

  func testRandomCompressedConversation() throws {
    var rng = TestRandom(seed: 7692)
    for round in 0..<8 {
      var pair = deflatePair(
        client: DeflateOptions(clientNoContextTakeover: round % 2 == 0, clientMaxWindowBits: 9 + round % 7),
        server: DeflateOptions(serverMaxWindowBits: 15 - round % 6, minimumSizeToCompress: 16),
        chunk: Int.random(in: 1...300, using: &rng))
      var sent: [ConnectionEvent] = []
      for _ in 0..<10 {
        let text = String(
          repeating: "chat message \(Int.random(in: 0...9, using: &rng)) ", count: Int.random(in: 0...60, using: &rng))
        try pair.client.send(text: text)
        sent.append(.text(text))
      }
      try pair.client.close()
      pair.pump()
      XCTAssertEqual(messages(pair.serverEvents), sent, "round \(round)")
      XCTAssertEqual(pair.server.state, .closed)
    }
  }

  // MARK: failures

  func server(_ options: DeflateOptions = DeflateOptions(minimumSizeToCompress: 0)) -> Connection {
    let ext = PerMessageDeflateExtension(PerMessageDeflate(parameters: .init(), options: options, isServer: true))
    return Connection(openWith: .init(role: .server), extensions: [ext])
  }

  func failure(_ bytes: [UInt8], _ server: Connection? = nil) -> ConnectionFailure? {
    var s = server ?? self.server()
    s.receive(bytes)
    for e in s.drainEvents() { if case .failed(let f) = e { return f } }
    return nil
  }

  func testRSV1RulesAndBadDataEarnTheirCodes() throws {
    let key = MaskingKey(1, 2, 3, 4)
    let enc = FrameEncoder()
    // RSV1 on a ping: 1002.
    XCTAssertEqual(
      failure(enc.frameBytes(opcode: .ping, rsv: 0x40, maskingKey: key, payload: []))?.closeCode.rawValue, 1002)
    // RSV1 on a continuation: 1002.
    XCTAssertEqual(
      failure(
        enc.frameBytes(opcode: .text, fin: false, rsv: 0x40, maskingKey: key, payload: hex("f2 48"))
          + enc.frameBytes(opcode: .continuation, rsv: 0x40, maskingKey: key, payload: hex("cd c9 c9 07 00")))?
        .closeCode.rawValue, 1002)
    // Not DEFLATE: 1007.
    XCTAssertEqual(
      failure(enc.frameBytes(opcode: .binary, rsv: 0x40, maskingKey: key, payload: [0xff, 0xff, 0xff]))?.closeCode
        .rawValue, 1007)
    // Compressed text that inflates to invalid UTF-8: 1007.
    let badText = try PerMessageDeflate(parameters: .init(), isServer: false).compress(
      ByteBuffer(bytes: [0x48, 0xc3, 0x28]), isLast: true)
    XCTAssertEqual(
      failure(enc.frameBytes(opcode: .text, rsv: 0x40, maskingKey: key, payload: badText.readableBytesView))?
        .closeCode.rawValue, 1007)
    // A bomb: 1009, and the server never inflates past its cap.
    let bomb = try PerMessageDeflate(parameters: .init(), isServer: false).compress(
      ByteBuffer(repeating: 0, count: 4 << 20), isLast: true)
    let capped = server(DeflateOptions(maxDecompressedMessageSize: 64 * 1024))
    XCTAssertEqual(
      failure(enc.frameBytes(opcode: .binary, rsv: 0x40, maskingKey: key, payload: bomb.readableBytesView), capped),
      .protocolViolation(ProtocolError(.decompressedMessageTooLarge(limit: 64 * 1024))))
  }

  func testClientRefusesAnUnacceptableAnswer() throws {
    var policy = ServerHandshakePolicy()
    policy.extensionNegotiator = { _ in
      [ExtensionOffer(name: "permessage-deflate", parameters: [.init(name: "server_max_window_bits", value: "20")])]
    }
    var pair = Pair(
      clientConfig: .init(role: .client, deflate: everything), serverConfig: .init(role: .server), policy: policy)
    pair.pump()
    guard case .handshakeFailed(let error)? = pair.clientEvents.first else { return XCTFail("\(pair.clientEvents)") }
    XCTAssertEqual(
      error.kind,
      .invalidExtensionResponse("server_max_window_bits=20: expected an integer from 8 to 15 (RFC 7692 §7.1)"))
    XCTAssertTrue(pair.client.shouldCloseTransport)
  }

  /// The last fragment of a compressed message may carry nothing: it still has to end the
  /// DEFLATE stream (a 00 byte, RFC 7692 §7.2.3.6).
  func testCompressedMessageWithAnEmptyLastFragment() throws {
    var pair = deflatePair()
    try pair.client.sendFragment(text: String(repeating: "a", count: 40), isLast: false)
    try pair.client.sendFragment(text: "", isLast: true)
    try pair.client.sendFragment(text: "", isLast: false)
    try pair.client.sendFragment(text: "", isLast: true)
    try pair.client.send(text: "after")
    pair.pump()
    XCTAssertEqual(
      messages(pair.serverEvents), [.text(String(repeating: "a", count: 40)), .text(""), .text("after")])
  }

  /// A server with `serverMaxMessageSize` and a client, both offering permessage-deflate with the
  /// defaults, after the opening handshake.
  func openWithDeflate(serverMaxMessageSize: Int) throws -> (server: Connection, client: Connection) {
    var server = Connection(
      server: ServerHandshakePolicy(),
      configuration: .init(role: .server, maxMessageSize: serverMaxMessageSize, deflate: DeflateOptions()))
    var client = Connection(
      client: testOptions, configuration: .init(role: .client, deflate: DeflateOptions()), random: TestRandom(seed: 1))
    server.receive(try XCTUnwrap(client.takeOutbound()))
    client.receive(try XCTUnwrap(server.takeOutbound()))
    XCTAssertEqual(server.drainEvents().count, 1)
    XCTAssertEqual(client.drainEvents().count, 1)
    return (server, client)
  }

  /// The inflate cap is never above the message limit: a small compressed frame cannot make the
  /// server inflate far beyond what it would refuse anyway.
  func testInflateCapFollowsTheMessageLimit() throws {
    var (server, client) = try openWithDeflate(serverMaxMessageSize: 1000)
    try client.send(binary: ByteBuffer(repeating: 0, count: 10_000_000))
    server.receive(client.takeOutbound()!)
    XCTAssertEqual(
      server.drainEvents().first, .failed(.protocolViolation(ProtocolError(.decompressedMessageTooLarge(limit: 1000)))))
  }

  /// A decompression bomb fails while it is still arriving: compressed chunks are inflated as
  /// they come, so the cap is crossed long before the rest of the frame has been read.
  func testABombFailsBeforeTheRestOfItsFrameArrives() throws {
    var (server, client) = try openWithDeflate(serverMaxMessageSize: 1 << 20)
    // 64 MiB of zeros deflate to about 64 KB: a frame a thousand times smaller than its message.
    try client.send(binary: ByteBuffer(repeating: 0, count: 64 << 20))
    let wire = try XCTUnwrap(client.takeOutbound())
    var fed = 0
    var events: [ConnectionEvent] = []
    while fed < wire.readableBytes && events.isEmpty {
      let n = min(1024, wire.readableBytes - fed)
      server.receive(wire.getSlice(at: wire.readerIndex + fed, length: n)!)
      fed += n
      events = server.drainEvents()
    }
    XCTAssertEqual(
      events.first, .failed(.protocolViolation(ProtocolError(.decompressedMessageTooLarge(limit: 1 << 20)))))
    XCTAssertLessThan(fed, wire.readableBytes / 10, "failed after \(fed) of \(wire.readableBytes) bytes")
  }

  func testSmallMessagesGoUncompressed() throws {
    var pair = deflatePair(server: DeflateOptions(minimumSizeToCompress: 64))
    try pair.server.send(text: "short")
    try pair.server.send(text: String(repeating: "long ", count: 20))
    pair.pump()
    XCTAssertEqual(frames(in: afterHead(pair.toClient), sentBy: .server).map(\.header.rsv1), [false, true])
    XCTAssertEqual(messages(pair.clientEvents), [.text("short"), .text(String(repeating: "long ", count: 20))])
  }
}
