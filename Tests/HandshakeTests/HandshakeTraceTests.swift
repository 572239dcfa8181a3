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
}
