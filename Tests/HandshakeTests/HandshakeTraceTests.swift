import Handshake
import Trace
import XCTest

final class HandshakeTraceTests: XCTestCase {
  func testRequestRecordFieldsCoverEveryLineInOrder() throws {
    let head = try Fixture.pythonWebsocketClient.bytes()
    let record = HandshakeTrace.record(forHead: head, direction: .clientToServer)
    XCTAssertEqual(record.layout, .text)
    XCTAssertEqual(record.direction, .clientToServer)
    XCTAssertEqual(record.bytes, head)
    XCTAssertEqual(record.title, "HTTP request head: GET /echo HTTP/1.1 (189 bytes)")
    XCTAssertEqual(
      record.fields.map(\.name),
      [
        "request line", "Upgrade", "Host", "Origin", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
        "Connection", "end of head",
      ])
    XCTAssertEqual(
      record.fields.map(\.value),
      [
        "GET /echo HTTP/1.1", "websocket", "127.0.0.1:18505", "http://localhost:8080",
        "Y2maNNm/En1ifsVfJem4dQ==", "13", "Upgrade", "",
      ])
    // Contiguous, in order, covering the bytes exactly; each line ends with CR LF.
    var next = 0
    for field in record.fields {
      XCTAssertEqual(field.range.lowerBound, next, field.name)
      XCTAssertEqual(Array(head[field.range].suffix(2)), [0x0d, 0x0a], field.name)
      XCTAssertNil(field.bits)
      next = field.range.upperBound
    }
    XCTAssertEqual(next, head.count)
    XCTAssertEqual(record.fields[1].range, 20..<40)  // "Upgrade: websocket\r\n" after 20 bytes
    let key = try XCTUnwrap(record.fields.first { $0.name == "Sec-WebSocket-Key" })
    XCTAssertEqual(
      key.meaning, "16 random bytes, base64; the server proves it read this request by hashing it")
    XCTAssertEqual(key.section, "RFC 6455 §4.1")
  }

  func testUnknownHeadersResponsesAndTrailingBytes() {
    let bytes =
      Array(
        ("HTTP/1.1 101 Switching Protocols\r\nX-Thing: 1\r\nSec-WebSocket-Protocol: chat\r\n\r\n")
          .utf8) + [0x81, 0x00]
    let record = HandshakeTrace.record(forHead: bytes, direction: .serverToClient)
    XCTAssertEqual(
      record.fields.map(\.name), ["status line", "X-Thing", "Sec-WebSocket-Protocol", "end of head", "after head"])
    XCTAssertEqual(record.fields[1].meaning, "not used by the WebSocket handshake")
    XCTAssertEqual(record.fields[2].meaning, "the one subprotocol the server chose from the client's offer")
    XCTAssertEqual(record.fields.last?.range, (bytes.count - 2)..<bytes.count)
    XCTAssertEqual(record.title, "HTTP response head: 101 Switching Protocols (\(bytes.count) bytes)")
  }

  func testNeverFailsOnGarbage() {
    for garbage: [UInt8] in [[], [0xff, 0x0a, 0x0a], Array("GET\n no colon\nx\r".utf8), [0x0d, 0x0a, 0x0d]] {
      let record = HandshakeTrace.record(forHead: garbage, direction: .unspecified)
      var next = 0
      for field in record.fields {
        XCTAssertEqual(field.range.lowerBound, next)
        next = field.range.upperBound
      }
      XCTAssertEqual(next, garbage.count)
    }
  }

  /// The accept line is explained by what is really there: the client's parser knows the value it
  /// expects, and says whether the response carries it (the MD5 myth of lesson 1 is refused).
  func testAcceptLineIsExplainedAgainstTheExpectedValue() throws {
    let options = ClientHandshake.Options(host: "server.example.com", path: "/chat")
    func acceptField(_ accept: String) throws -> TraceField {
      let log = TraceLog()
      var client = ClientHandshake(options: options, keyBytes: Array("the sample nonce".utf8), observer: log)
      let response =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: \(accept)\r\n\r\n"
      _ = try? client.feed(Array(response.utf8))
      let record = try XCTUnwrap(log.records.first { $0.direction == .serverToClient })
      return try XCTUnwrap(record.fields.first { $0.name == "Sec-WebSocket-Accept" })
    }
    let right = try acceptField("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    XCTAssertTrue(right.meaning.contains("the value the client computed"), right.meaning)
    XCTAssertEqual(right.section, "RFC 6455 §4.2.2")
    let md5 = try acceptField("fI/F95pFHyUax3HLt0ktmQ==")
    XCTAssertEqual(
      md5.meaning,
      "not base64(SHA-1(key + GUID)), which is s3pPLMBiTxaQ9kYGzzhZRbK+xOo=: the client fails the connection")
    XCTAssertEqual(md5.section, "RFC 6455 §4.1")
  }

  /// Refusals cite the section that gives the server its reason; HTTP statuses cite RFC 9110.
  func testStatusLinesCiteTheirSections() {
    func section(_ head: String, purpose: HandshakeTrace.Purpose = .webSocketHandshake) -> String? {
      HandshakeTrace.record(forHead: Array(head.utf8), direction: .serverToClient, purpose: purpose).fields.first?
        .section
    }
    XCTAssertEqual(section("HTTP/1.1 426 Upgrade Required\r\n\r\n"), "RFC 6455 §4.2.2, §4.4")
    XCTAssertEqual(section("HTTP/1.1 400 Bad Request\r\n\r\n"), "RFC 6455 §4.2.1")
    XCTAssertEqual(section("HTTP/1.1 403 Forbidden\r\n\r\n"), "RFC 6455 §4.2.2, §10.2")
    XCTAssertEqual(section("HTTP/1.1 200 OK\r\n\r\n", purpose: .http), "RFC 9110 §15.3.1")
    XCTAssertEqual(section("HTTP/1.1 204 No Content\r\n\r\n", purpose: .http), "RFC 9110 §15.3.5")
  }
}
