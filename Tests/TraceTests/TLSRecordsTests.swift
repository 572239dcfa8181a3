import Trace
import XCTest

/// The TLS record reader: what an observer of a wss:// connection reads (RFC 8446 §5.1).
final class TLSRecordsTests: XCTestCase {
  /// A ClientHello record (its first 9 bytes as BoringSSL sends them, the rest filler), a
  /// change_cipher_spec and an encrypted record of 31 bytes (14 of plaintext + 1 + 16).
  let stream: [UInt8] =
    [0x16, 0x03, 0x01, 0x00, 0x0a, 0x01, 0x00, 0x00, 0x06] + Array(repeating: 0xaa, count: 6)
    + [0x14, 0x03, 0x03, 0x00, 0x01, 0x01]
    + [0x17, 0x03, 0x03, 0x00, 0x1f] + Array(repeating: 0x5c, count: 31)

  func testRecordsAreTheSameHoweverTheBytesArrive() {
    var whole = TLSRecordReader()
    let expected = whole.feed(stream)
    XCTAssertEqual(expected.map(\.contentType), [22, 20, 23])
    XCTAssertEqual(expected.map(\.length), [10, 1, 31])
    XCTAssertEqual(expected[0].handshakeTypeName, "ClientHello")
    XCTAssertEqual(expected[2].plaintextLength, 14)
    XCTAssertEqual(whole.pendingCount, 0)
    for split in 1..<stream.count {
      var reader = TLSRecordReader()
      let records = reader.feed(stream[..<split]) + reader.feed(stream[split...])
      XCTAssertEqual(records, expected, "split at \(split)")
    }
    // One byte at a time, and a record cut short stays pending.
    var bytewise = TLSRecordReader()
    XCTAssertEqual(stream.flatMap { bytewise.feed([$0]) }, expected)
    var short = TLSRecordReader()
    XCTAssertEqual(short.feed(stream.dropLast()).count, 2)
    XCTAssertEqual(short.pendingCount, 35)
  }

  func testTraceRecordShowsHeadersAndHidesTheBody() {
    var reader = TLSRecordReader()
    let records = reader.feed(stream)
    let hello = records[0].traceRecord(direction: .clientToServer, encrypted: false)
    XCTAssertEqual(hello.title, "TLS record: handshake (ClientHello), 10 bytes, in the clear")
    XCTAssertEqual(hello.bytes, Array(stream[0..<9]))
    XCTAssertEqual(hello.fields.map(\.name), ["content type", "legacy version", "length", "msg_type", "msg length"])
    XCTAssertEqual(hello.fields[1].value, "0x0301")
    XCTAssertEqual(hello.fields[4].value, "6")
    let data = records[2].traceRecord(direction: .serverToClient, encrypted: true)
    XCTAssertEqual(data.title, "TLS record: application_data, 31 bytes, encrypted")
    XCTAssertEqual(data.bytes, [0x17, 0x03, 0x03, 0x00, 0x1f])
    XCTAssertEqual(data.fields[2].meaning, "31 bytes of ciphertext: 14 of plaintext + 1 type + 16 tag")
  }
}
