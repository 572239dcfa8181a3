import Handshake
import Trace
import XCTest

final class ServerHandshakeTests: XCTestCase {
  // MARK: Real clients

  func testRealClientFixturesAreAcceptedInEveryChunking() throws {
    for fixture in Fixture.allCases {
      let head = try fixture.bytes()
      try checkAcceptedInEveryChunking(
        head, key: fixture.keyAndAccept.key, accept: fixture.keyAndAccept.accept,
        name: fixture.rawValue)
    }
  }

  func testFirefoxAndSafariHeadsAreAcceptedInEveryChunking() throws {
    try checkAcceptedInEveryChunking(
      Array(firefoxRequest.utf8), key: "x3JJHMbDL1EzLkh9GBhXDw==", accept: firefoxAccept,
      name: "firefox")
    try checkAcceptedInEveryChunking(
      Array(safariRequest.utf8), key: "x3JJHMbDL1EzLkh9GBhXDw==", accept: firefoxAccept,
      name: "safari")
    let firefox = try XCTUnwrap(accepted(serverResult(Array(firefoxRequest.utf8))))
    XCTAssertEqual(firefox.extensionOffers, [ExtensionOffer(name: "permessage-deflate")])
    XCTAssertEqual(firefox.request.headers.first("Sec-Fetch-Mode"), "websocket")
  }

  private func checkAcceptedInEveryChunking(
    _ head: [UInt8], key: String, accept: String, name: String
  ) throws {
    let input = head + maskedHelloFrame
    let whole = try XCTUnwrap(accepted(serverResult(input)), name)
    XCTAssertEqual(whole.key, key, name)
    XCTAssertEqual(whole.accept, accept, name)
    XCTAssertEqual(whole.leftover, maskedHelloFrame, name)
    XCTAssertEqual(
      text(whole.responseBytes),
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: \(accept)\r\n\r\n", name)
    for split in 1..<input.count {
      let r = try XCTUnwrap(accepted(serverResult(input, splitAt: [split])), "\(name) \(split)")
      if split >= head.count {
        // The rest of the input is the caller's: the server is finished.
        XCTAssertEqual(r.leftover, Array(input[head.count..<split]), "\(name) \(split)")
      } else {
        XCTAssertEqual(r, whole, "\(name) \(split)")
      }
    }
    // One byte at a time, frame bytes included: exactly one result, at the head's last byte.
    var server = ServerHandshake()
    for (i, byte) in input.enumerated() {
      let r = server.feed([byte])
      if i == head.count - 1 {
        XCTAssertEqual(accepted(r)?.accept, accept, name)
        XCTAssertEqual(accepted(r)?.leftover, [], name)
      } else {
        XCTAssertNil(r, "\(name) byte \(i)")
      }
    }
    XCTAssertTrue(server.isFinished)
  }

  func testChromiumSubprotocolNegotiationFollowsServerPreference() throws {
    let head = try Fixture.chromium.bytes()
    func chosen(_ preferences: [String]) -> String? {
      accepted(serverResult(head, policy: .init(subprotocols: preferences)))?.subprotocol
    }
    XCTAssertEqual(chosen(["superchat", "chat"]), "superchat")
    XCTAssertEqual(chosen(["chat", "superchat"]), "chat")
    XCTAssertEqual(chosen(["mqtt", "superchat"]), "superchat")
    XCTAssertNil(chosen(["mqtt"]), "no overlap: accept without a subprotocol")
    XCTAssertNil(chosen([]))
    XCTAssertNil(chosen(["CHAT"]), "subprotocols are compared exactly")
    let a = try XCTUnwrap(accepted(serverResult(head, policy: .init(subprotocols: ["superchat"]))))
    XCTAssertEqual(
      text(a.responseBytes),
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: z24I3+/uw3aJ0ctHDhxwbBR/9d4=\r\n"
        + "Sec-WebSocket-Protocol: superchat\r\n\r\n")
    let none = try XCTUnwrap(accepted(serverResult(head, policy: .init(subprotocols: ["mqtt"]))))
    XCTAssertFalse(text(none.responseBytes).contains("Sec-WebSocket-Protocol"))
  }

  func testSubprotocolOffersSpanSeveralLines() throws {
    let input = request([("Sec-WebSocket-Protocol", "a, b"), ("X", "y")])
    var withSecond = input.dropLast(2) + Array("Sec-WebSocket-Protocol: c\r\n\r\n".utf8)
    XCTAssertEqual(
      accepted(serverResult(Array(withSecond), policy: .init(subprotocols: ["c", "a"])))?
        .subprotocol, "c")
    withSecond = input.dropLast(2) + Array("Sec-WebSocket-Protocol: c d\r\n\r\n".utf8)
    XCTAssertEqual(
      rejection(serverResult(Array(withSecond)))?.error.kind, .invalidSubprotocol("c d"))
  }

  func testExtensionNegotiatorReceivesParsedOffers() throws {
    let head = try Fixture.nodeWS.bytes()
    let policy = ServerHandshakePolicy(extensionNegotiator: { offers in
      offers.first?.name == "permessage-deflate"
        && offers.first?.parameters == [.init(name: "client_max_window_bits")]
        ? [ExtensionOffer(name: "permessage-deflate", parameters: [.init(name: "client_max_window_bits", value: "15")])]
        : [ExtensionOffer(name: "wrong")]
    })
    let a = try XCTUnwrap(accepted(serverResult(head, policy: policy)))
    XCTAssertEqual(a.extensions.map { $0.formatted() }, ["permessage-deflate; client_max_window_bits=15"])
    XCTAssertTrue(
      text(a.responseBytes).hasSuffix(
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=15\r\n\r\n"))
    // Without a negotiator no extension is accepted.
    let plain = try XCTUnwrap(accepted(serverResult(head)))
    XCTAssertEqual(plain.extensions, [])
    XCTAssertFalse(text(plain.responseBytes).contains("Extensions"))
  }

  func testExtraResponseHeadersComeLast() throws {
    let a = try XCTUnwrap(
      accepted(serverResult(request(), policy: .init(extraResponseHeaders: ["Server": "WSLab"]))))
    XCTAssertEqual(
      text(a.responseBytes),
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nServer: WSLab\r\n\r\n")
  }

  func testLenientButValidVariantsAreAccepted() {
    for variant in [
      request([("Upgrade", "WebSocket")]),
      request([("Upgrade", "h2c, websocket")]),
      request([("Connection", "keep-alive, Upgrade")]),
      request([("Connection", "UPGRADE")]),
      request([("Sec-WebSocket-Version", " 13 ")]),
      request(version: "HTTP/1.2"),
      request([("Origin", "null")]),
      request(target: "ws://server.example.com/chat"),
    ] {
      XCTAssertNotNil(accepted(serverResult(variant)), text(variant))
    }
  }

  // MARK: Rejections

  private func check(
    _ input: [UInt8], status: Int, kind: HandshakeError.Kind, policy: ServerHandshakePolicy = .init(),
    file: StaticString = #filePath, line: UInt = #line
  ) {
    guard let r = rejection(serverResult(input, policy: policy), file: file, line: line) else {
      return
    }
    XCTAssertEqual(r.status, status, file: file, line: line)
    XCTAssertEqual(r.error.kind, kind, file: file, line: line)
    XCTAssertEqual(r.error.httpStatus, status, file: file, line: line)
    XCTAssertEqual(r.error.detectedBy, .server, file: file, line: line)
    let response = text(r.responseBytes)
    XCTAssertTrue(response.hasPrefix("HTTP/1.1 \(status) "), response, file: file, line: line)
    XCTAssertTrue(response.contains("\r\nConnection: "), file: file, line: line)
    XCTAssertTrue(response.hasSuffix("\r\n\r\n" + r.error.description + "\n"), file: file, line: line)
  }

  func testEveryRejectionHasItsStatusAndKind() {
    check(request(method: "POST"), status: 400, kind: .methodNotGET("POST"))
    check(request(method: "get"), status: 400, kind: .methodNotGET("get"))
    check(request(version: "HTTP/1.0"), status: 400, kind: .httpVersionTooOld(.http1_0))
    check(request(version: "HTTP/0.9"), status: 400, kind: .httpVersionTooOld(.init(major: 0, minor: 9)))
    check(request(version: "HTTP/2.0"), status: 505, kind: .httpVersionNotSupported(.init(major: 2, minor: 0)))
    check(
      request(version: "HTTP/2"), status: 400,
      kind: .malformedRequestLine(
        "\"HTTP/2\" is not an HTTP version of the form HTTP/x.y"))
    check(request([("Host", nil)]), status: 400, kind: .missingHost)
    check(
      request([("X", "y")]).dropLast(2) + Array("Host: other\r\n\r\n".utf8), status: 400,
      kind: .duplicateHeader(name: "Host", count: 2))
    check(request([("Upgrade", nil)]), status: 400, kind: .missingUpgrade)
    check(request([("Upgrade", "h2c")]), status: 400, kind: .upgradeNotWebSocket("h2c"))
    check(request([("Upgrade", "websocket/13")]), status: 400, kind: .upgradeNotWebSocket("websocket/13"))
    check(request([("Connection", nil)]), status: 400, kind: .missingConnectionUpgrade(nil))
    check(
      request([("Connection", "keep-alive")]), status: 400,
      kind: .missingConnectionUpgrade("keep-alive"))
    check(request([("Sec-WebSocket-Key", nil)]), status: 400, kind: .missingKey)
    check(
      request([("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25j")]), status: 400,
      kind: .invalidKey("dGhlIHNhbXBsZSBub25j", decodedByteCount: 15))
    check(
      request([("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZSE=")]), status: 400,
      kind: .invalidKey("dGhlIHNhbXBsZSBub25jZSE=", decodedByteCount: 17))
    check(
      request([("Sec-WebSocket-Key", "not base64 at all!")]), status: 400,
      kind: .invalidKey("not base64 at all!", decodedByteCount: nil))
    check(
      request([("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ")]), status: 400,
      kind: .invalidKey("dGhlIHNhbXBsZSBub25jZQ", decodedByteCount: nil))
    check(
      request([("X", "y")]).dropLast(2) + Array("Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n\r\n".utf8),
      status: 400, kind: .duplicateHeader(name: "Sec-WebSocket-Key", count: 2))
    check(request([("Sec-WebSocket-Version", "8")]), status: 426, kind: .unsupportedVersion("8"))
    check(request([("Sec-WebSocket-Version", "13, 8")]), status: 426, kind: .unsupportedVersion("13, 8"))
    check(request([("Sec-WebSocket-Version", nil)]), status: 426, kind: .missingVersion)
    check(
      request([("X", "y")]).dropLast(2) + Array("Sec-WebSocket-Version: 13\r\n\r\n".utf8),
      status: 400, kind: .duplicateHeader(name: "Sec-WebSocket-Version", count: 2))
    let onlyExample = ServerHandshakePolicy(originPolicy: { $0 == "https://example.com" })
    check(
      request([("Origin", "https://evil.example")]), status: 403,
      kind: .originRejected("https://evil.example"), policy: onlyExample)
    check(request(), status: 403, kind: .originRejected(nil), policy: onlyExample)
    XCTAssertNotNil(accepted(serverResult(request([("Origin", "https://example.com")]), policy: onlyExample)))
    // §10.5: the authorizer sees the whole request; a refusal is 401 naming the Bearer scheme.
    let tokenOnly = ServerHandshakePolicy(authorizer: {
      $0.headers.first("Authorization") == "Bearer t0ken" ? nil : "no token"
    })
    check(request(), status: 401, kind: .unauthorized("no token"), policy: tokenOnly)
    check(request([("Authorization", "Bearer wrong")]), status: 401, kind: .unauthorized("no token"), policy: tokenOnly)
    let unauthorized = rejection(serverResult(request(), policy: tokenOnly)).map { text($0.responseBytes) } ?? ""
    XCTAssertTrue(unauthorized.hasPrefix("HTTP/1.1 401 Unauthorized\r\n"), unauthorized)
    XCTAssertTrue(unauthorized.contains("\r\nWWW-Authenticate: Bearer realm=\"wslab\"\r\n"), unauthorized)
    XCTAssertTrue(unauthorized.hasSuffix("no token (RFC 6455 §10.5, RFC 9110 §15.5.2)\n"), unauthorized)
    XCTAssertNotNil(accepted(serverResult(request([("Authorization", "Bearer t0ken")]), policy: tokenOnly)))
    // The Origin is checked first: a foreign page gets 403 whatever it carries.
    var both = tokenOnly
    both.originPolicy = { $0 == "https://example.com" }
    check(
      request([("Origin", "https://evil.example"), ("Authorization", "Bearer t0ken")]), status: 403,
      kind: .originRejected("https://evil.example"), policy: both)
    check(
      request([("Sec-WebSocket-Extensions", "permessage-deflate; =1")]), status: 400,
      kind: .malformedExtensionHeader(
        value: "permessage-deflate; =1", position: 20, reason: "expected a parameter name (a token)"))
    check(
      Array("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n".utf8), status: 400,
      kind: .obsoleteLineFolding(line: " folded"))
    check(
      Array("GET / HTTP/1.1\r\nHost : a\r\n\r\n".utf8), status: 400,
      kind: .whitespaceBeforeColon(name: "Host"))
  }

  func testVersionIsCheckedBeforeTheKeySoOtherVersionsLearn13() {
    // A draft-76 client sends neither a key nor a version: it must get 426, not 400 (§4.4).
    check(
      request([("Sec-WebSocket-Key", nil), ("Sec-WebSocket-Version", nil)]), status: 426, kind: .missingVersion)
    check(
      request([("Sec-WebSocket-Key", "bad"), ("Sec-WebSocket-Version", "8")]), status: 426,
      kind: .unsupportedVersion("8"))
  }

  func testRequestWithABodyIsRejected() {
    check(
      request([("Content-Length", "5")]) + Array("hello".utf8), status: 400,
      kind: .requestHasBody("Content-Length: 5"))
    check(
      request([("Transfer-Encoding", "chunked")]), status: 400, kind: .requestHasBody("Transfer-Encoding: chunked"))
    XCTAssertNotNil(accepted(serverResult(request([("Content-Length", "0")]))))
  }

  func testPeerControlBytesNeverReachTheErrorTextRaw() throws {
    let r = try XCTUnwrap(
      rejection(serverResult(Array("GET /\u{1b}]0;owned\u{07} x HTTP/1.1\r\nHost: a\r\n\r\n".utf8))))
    XCTAssertEqual(r.status, 400)
    XCTAssertFalse(r.error.description.contains("\u{1b}"), r.error.description)
    XCTAssertFalse(r.error.description.contains("\u{07}"), r.error.description)
    XCTAssertTrue(r.error.description.contains("\\x1b"), r.error.description)
  }

  func testVersion426ResponseNamesVersion13() throws {
    let r = try XCTUnwrap(rejection(serverResult(request([("Sec-WebSocket-Version", "8")]))))
    let golden =
      "HTTP/1.1 426 Upgrade Required\r\n"
      + "Content-Type: text/plain; charset=utf-8\r\n"
      + "Content-Length: 79\r\n"
      + "Connection: Upgrade, close\r\n"
      + "Upgrade: websocket\r\n"
      + "Sec-WebSocket-Version: 13\r\n"
      + "\r\n"
      + "expected \"Sec-WebSocket-Version: 13\", got \"8\" (RFC 6455 §4.2.1 item 6, §4.4)\n"
    XCTAssertEqual(text(r.responseBytes), golden)
    XCTAssertTrue(text(r.responseBytes).contains("\r\nSec-WebSocket-Version: 13\r\n"))
  }

  func testRejectionResponseIsByteExact() throws {
    let r = try XCTUnwrap(rejection(serverResult(request(method: "POST"))))
    let golden =
      "HTTP/1.1 400 Bad Request\r\n"
      + "Content-Type: text/plain; charset=utf-8\r\n"
      + "Content-Length: 58\r\n"
      + "Connection: close\r\n"
      + "\r\n"
      + "expected method GET, got \"POST\" (RFC 6455 §4.2.1 item 1)\n"
    XCTAssertEqual(text(r.responseBytes), golden)
    XCTAssertEqual(r.error.section, "RFC 6455 §4.2.1 item 1")
  }

  func testOversizedHeadGets431WithoutBufferingBeyondTheCap() throws {
    let big = request([("X-Padding", String(repeating: "a", count: 9000))])
    let r = try XCTUnwrap(rejection(serverResult(big)))
    XCTAssertEqual(r.status, 431)
    XCTAssertEqual(r.error.kind, .headTooLarge(limit: 8192))
    XCTAssertTrue(text(r.responseBytes).hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n"))
    // Fed one byte at a time, the rejection comes at byte 8193, long before the head ends.
    var server = ServerHandshake()
    var at: Int?
    for (i, b) in big.enumerated() {
      if let result = server.feed([b]) {
        XCTAssertEqual(rejection(result)?.status, 431)
        at = i
        break
      }
    }
    XCTAssertEqual(at, 8192)
    XCTAssertNil(server.feed([0x41]), "finished: later bytes are ignored")
    // A smaller configured cap applies; a head within it passes.
    let small = ServerHandshakePolicy(maxHeadBytes: 100)
    XCTAssertEqual(
      rejection(serverResult(request([("X", String(repeating: "b", count: 60))]), policy: small))?.status, 431)
    XCTAssertNotNil(accepted(serverResult(request(), policy: .init(maxHeadBytes: request().count))))
    XCTAssertEqual(rejection(serverResult(request(), policy: .init(maxHeadBytes: request().count - 1)))?.status, 431)
  }

  func testErrorDescriptionsSayWhatWasExpectedAndWhatArrived() {
    let key15 = HandshakeError(.invalidKey("dGhlIHNhbXBsZSBub25j", decodedByteCount: 15), detectedBy: .server)
    XCTAssertEqual(
      key15.description,
      "expected Sec-WebSocket-Key to be base64 of exactly 16 bytes, got \"dGhlIHNhbXBsZSBub25j\", "
        + "which decodes to 15 bytes (RFC 6455 §4.2.1 item 5)")
    let header = HandshakeError(.invalidHeaderValue(name: "X", byte: 0), detectedBy: .server)
    XCTAssertTrue(header.description.contains("NUL (0x00)"), header.description)
    XCTAssertEqual(header.section, "RFC 9110 §5.5")
  }

  // MARK: Tracing

  func testObserverSeesRequestNotesAndResponse() throws {
    let log = TraceLog()
    var server = ServerHandshake(policy: .init(subprotocols: ["superchat"]), observer: log)
    let head = try Fixture.chromium.bytes()
    let a = try XCTUnwrap(accepted(server.feed(head)))
    let records = log.records
    XCTAssertEqual(records.count, 2)
    XCTAssertEqual(records.first?.bytes, head)
    XCTAssertEqual(records.first?.direction, .clientToServer)
    XCTAssertEqual(records.first?.layout, .text)
    XCTAssertEqual(records.last?.bytes, a.responseBytes)
    XCTAssertEqual(records.last?.direction, .serverToClient)
    let notes = log.events.compactMap { if case .note(let n) = $0 { n } else { nil } }
    XCTAssertTrue(notes.contains { $0.contains("-> superchat") }, "\(notes)")
    XCTAssertTrue(notes.contains { $0.contains("z24I3+/uw3aJ0ctHDhxwbBR/9d4=") }, "\(notes)")

    let rejectLog = TraceLog()
    var rejecting = ServerHandshake(observer: rejectLog)
    let r = try XCTUnwrap(rejection(rejecting.feed(request([("Sec-WebSocket-Version", "8")]))))
    let rejectNotes = rejectLog.events.compactMap { if case .note(let n) = $0 { n } else { nil } }
    XCTAssertEqual(rejectNotes, ["rejecting with 426: \(r.error)"])
    XCTAssertEqual(rejectLog.records.last?.bytes, r.responseBytes)
    XCTAssertEqual(rejectLog.records.last?.fields.last?.name, "body")
  }
}
