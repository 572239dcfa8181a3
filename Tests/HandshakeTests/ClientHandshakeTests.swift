import Handshake
import Trace
import XCTest

final class ClientHandshakeTests: XCTestCase {
  let options = ClientHandshake.Options(
    host: "server.example.com", path: "/chat?room=1", origin: "http://example.com",
    subprotocols: ["chat", "superchat"],
    extensionOffers: ["permessage-deflate; client_max_window_bits"],
    extraHeaders: ["User-Agent": "WSLab"])

  func testRequestBytesAreByteExactForTheRFCKey() {
    let client = ClientHandshake(options: options, keyBytes: sampleNonce)
    XCTAssertEqual(client.key, "dGhlIHNhbXBsZSBub25jZQ==")
    XCTAssertEqual(client.expectedAccept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    XCTAssertEqual(
      text(client.requestBytes()),
      "GET /chat?room=1 HTTP/1.1\r\n"
        + "Host: server.example.com\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\n"
        + "Origin: http://example.com\r\n"
        + "Sec-WebSocket-Protocol: chat, superchat\r\n"
        + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
        + "User-Agent: WSLab\r\n"
        + "\r\n")
    let minimal = ClientHandshake(options: .init(host: "h:1"), keyBytes: sampleNonce)
    XCTAssertEqual(
      text(minimal.requestBytes()),
      "GET / HTTP/1.1\r\nHost: h:1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
  }

  func testKeyFromInjectedGenerator() {
    var generator = FixedGenerator(words: [0x0807_0605_0403_0201, 0x100f_0e0d_0c0b_0a09])
    let client = ClientHandshake(options: options, using: &generator)
    XCTAssertEqual(client.keyBytes, Array(1...16))
    XCTAssertEqual(client.key, "AQIDBAUGBwgJCgsMDQ4PEA==")
    var system = SystemRandomNumberGenerator()
    let a = ClientHandshake(options: options, using: &system)
    let b = ClientHandshake(options: options, using: &system)
    XCTAssertNotEqual(a.key, b.key)
  }

  func testOwnRequestIsAcceptedByOwnServerAndResponseValidates() throws {
    var client = ClientHandshake(options: options, keyBytes: sampleNonce)
    let server = try XCTUnwrap(
      accepted(
        serverResult(
          client.requestBytes(),
          policy: .init(
            subprotocols: ["superchat"],
            extensionNegotiator: { _ in
              [
                ExtensionOffer(
                  name: "permessage-deflate", parameters: [.init(name: "client_max_window_bits", value: "10")])
              ]
            }))))
    XCTAssertEqual(server.accept, client.expectedAccept)
    let response = server.responseBytes + maskedHelloFrame
    // Every split point, then one byte at a time.
    for split in 0...response.count {
      var c = ClientHandshake(options: options, keyBytes: sampleNonce)
      let first = try c.feed(response[..<split])
      let done = try first ?? XCTUnwrap(try c.feed(response[split...]), "split \(split)")
      XCTAssertEqual(done.outcome.subprotocol, "superchat")
      XCTAssertEqual(
        done.outcome.extensions,
        [.init(name: "permessage-deflate", parameters: [.init(name: "client_max_window_bits", value: "10")])])
      let expectedLeftover =
        split >= server.responseBytes.count
        ? Array(response[server.responseBytes.count..<split]) : maskedHelloFrame
      XCTAssertEqual(done.leftover, expectedLeftover, "split \(split)")
    }
    var result: (outcome: HandshakeOutcome, leftover: [UInt8])?
    for byte in server.responseBytes {
      XCTAssertNil(result)
      result = try client.feed([byte])
    }
    XCTAssertEqual(result?.outcome.response.status, 101)
    XCTAssertTrue(client.isFinished)
    XCTAssertNil(try client.feed(maskedHelloFrame), "finished: frame bytes are not parsed as HTTP")
  }

  // MARK: Validation failures

  private func response(
    status: Int = 101, _ headers: [(String, String?)] = [], accept: String = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
  ) -> HTTPResponseHead {
    var fields: [(String, String?)] = [
      ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Accept", accept),
    ]
    for (name, value) in headers {
      if let i = fields.firstIndex(where: { $0.0 == name }) {
        fields[i].1 = value
      } else {
        fields.append((name, value))
      }
    }
    return HTTPResponseHead(
      status: status, headers: HTTPHeaders(fields.compactMap { f in f.1.map { (f.0, $0) } }))
  }

  private func failure(
    _ head: HTTPResponseHead, offering: ClientHandshake.Options? = nil,
    file: StaticString = #filePath, line: UInt = #line
  ) -> HandshakeError? {
    let client = ClientHandshake(options: offering ?? options, keyBytes: sampleNonce)
    do {
      let outcome = try client.validate(head)
      XCTFail("expected failure, got \(outcome)", file: file, line: line)
      return nil
    } catch {
      XCTAssertEqual(error.detectedBy, .client, file: file, line: line)
      XCTAssertNil(error.httpStatus, file: file, line: line)
      return error
    }
  }

  func testValidResponsesPass() throws {
    let client = ClientHandshake(options: options, keyBytes: sampleNonce)
    XCTAssertNil(try client.validate(response()).subprotocol)
    XCTAssertEqual(try client.validate(response([("Sec-WebSocket-Protocol", "chat")])).subprotocol, "chat")
    XCTAssertNoThrow(try client.validate(response([("Upgrade", "WebSocket"), ("Connection", "keep-alive, upgrade")])))
    XCTAssertEqual(
      try client.validate(response([("Sec-WebSocket-Extensions", "permessage-deflate")])).extensions,
      [ExtensionOffer(name: "permessage-deflate")])
  }

  func testResponseVersionAndDuplicateExtensions() {
    var old = response()
    old.version = .http1_0
    XCTAssertEqual(failure(old)?.kind, .httpVersionTooOld(.http1_0))
    XCTAssertEqual(
      failure(response([("Sec-WebSocket-Extensions", "permessage-deflate, permessage-deflate")]))?.kind,
      .duplicateExtension("permessage-deflate"))
  }

  func testMD5AnswerIsAnAcceptMismatch() {
    let error = failure(response(accept: "fI/F95pFHyUax3HLt0ktmQ=="))
    XCTAssertEqual(
      error?.kind, .acceptMismatch(expected: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", found: "fI/F95pFHyUax3HLt0ktmQ=="))
    XCTAssertEqual(
      error?.description,
      "Sec-WebSocket-Accept mismatch: expected \"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\" (base64 SHA-1 of key + GUID), "
        + "got \"fI/F95pFHyUax3HLt0ktmQ==\" (RFC 6455 §4.1, client step 4)")
  }

  func testEachValidationFailureHasItsKind() {
    XCTAssertEqual(failure(response(status: 200))?.kind, .unexpectedStatus(200, reason: "OK"))
    XCTAssertEqual(failure(response(status: 400))?.kind, .unexpectedStatus(400, reason: "Bad Request"))
    XCTAssertEqual(failure(response(status: 400))?.section, "RFC 6455 §4.1, client step 1")
    XCTAssertEqual(failure(response([("Upgrade", nil)]))?.kind, .missingUpgrade)
    XCTAssertEqual(failure(response([("Upgrade", "h2c")]))?.kind, .upgradeNotWebSocket("h2c"))
    XCTAssertEqual(
      failure(response([("Upgrade", "websocket, h2c")]))?.kind, .upgradeNotWebSocket("websocket, h2c"))
    XCTAssertEqual(failure(response([("Upgrade", nil)]))?.section, "RFC 6455 §4.1, client step 2")
    XCTAssertEqual(failure(response([("Connection", nil)]))?.kind, .missingConnectionUpgrade(nil))
    XCTAssertEqual(
      failure(response([("Connection", "keep-alive")]))?.kind, .missingConnectionUpgrade("keep-alive"))
    XCTAssertEqual(failure(response([("Sec-WebSocket-Accept", nil)]))?.kind, .missingAccept)
    XCTAssertEqual(
      failure(response(accept: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo"))?.kind,
      .acceptMismatch(expected: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", found: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo"))
    XCTAssertEqual(
      failure(response(accept: "S3PPLMBITXAQ9KYGZZHZRBK+XOO="))?.kind,
      .acceptMismatch(expected: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", found: "S3PPLMBITXAQ9KYGZZHZRBK+XOO="),
      "the accept value is compared exactly")
    XCTAssertEqual(
      failure(response([("Sec-WebSocket-Protocol", "mqtt")]))?.kind, .subprotocolNotOffered("mqtt"))
    XCTAssertEqual(
      failure(response([("Sec-WebSocket-Protocol", "chat")]), offering: .init(host: "h"))?.kind,
      .subprotocolNotOffered("chat"))
    XCTAssertEqual(
      failure(response([("Sec-WebSocket-Protocol", "chat, superchat")]))?.kind,
      .multipleSubprotocols(["chat", "superchat"]))
    XCTAssertEqual(
      failure(response([("Sec-WebSocket-Extensions", "x-webkit-deflate-frame")]))?.kind,
      .extensionNotOffered("x-webkit-deflate-frame"))
    XCTAssertEqual(
      failure(response([("Sec-WebSocket-Extensions", "permessage-deflate")]), offering: .init(host: "h"))?.kind,
      .extensionNotOffered("permessage-deflate"))
    XCTAssertEqual(
      failure(response([("Sec-WebSocket-Extensions", "permessage-deflate;")]))?.kind,
      .malformedExtensionHeader(
        value: "permessage-deflate;", position: 19, reason: "expected a parameter name (a token)"))
  }

  func testFeedReportsTraceAndFailures() throws {
    let log = TraceLog()
    var client = ClientHandshake(options: options, keyBytes: sampleNonce, observer: log)
    let request = client.requestBytes()
    XCTAssertEqual(log.records.first?.bytes, request)
    XCTAssertEqual(log.records.first?.direction, .clientToServer)
    let md5 = Array(
      ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: fI/F95pFHyUax3HLt0ktmQ==\r\n\r\n").utf8)
    XCTAssertThrowsError(try client.feed(md5)) { error in
      guard case .acceptMismatch = (error as? HandshakeError)?.kind else { return XCTFail("\(error)") }
    }
    XCTAssertEqual(log.records.last?.bytes, md5)
    XCTAssertEqual(log.records.last?.direction, .serverToClient)
    XCTAssertEqual(log.records.last?.fields.first?.name, "status line")
    guard case .note(let note) = log.events.last else { return XCTFail("no note") }
    XCTAssertTrue(note.hasPrefix("handshake failed: Sec-WebSocket-Accept mismatch"), note)
    XCTAssertEqual(log.events.filter { if case .note = $0 { true } else { false } }.count, 1)
    // The failure sticks.
    XCTAssertThrowsError(try client.feed([0x81])) { error in
      guard case .acceptMismatch = (error as? HandshakeError)?.kind else { return XCTFail("\(error)") }
    }
  }

  func testObserverCanBeAttachedAndDetachedLater() throws {
    let log = TraceLog()
    var client = ClientHandshake(options: options, keyBytes: sampleNonce)
    _ = client.requestBytes()
    XCTAssertTrue(log.events.isEmpty)
    client.observer = log
    _ = client.requestBytes()
    XCTAssertEqual(log.records.count, 1)
    // The response parser reports too once attached later.
    _ = try? client.feed(Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8))
    XCTAssertEqual(log.records.count, 2)
    XCTAssertEqual(log.records.last?.fields.first?.value, "HTTP/1.1 400 Bad Request")
    client.observer = nil
    _ = client.requestBytes()
    XCTAssertEqual(log.records.count, 2)

    var server = ServerHandshake()
    server.observer = log
    _ = server.feed(request())
    XCTAssertEqual(log.records.count, 4, "request head and 101 response")
  }
}
