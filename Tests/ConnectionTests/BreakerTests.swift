import Connection
import Framing
import Handshake
import Trace
import XCTest

/// Break it: each bit of a valid frame flipped, each line of a valid request removed or altered,
/// every variant judged by the real receiver.
final class BreakerTests: XCTestCase {
  let maskedHello: [UInt8] = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]

  func testEachHeaderBitOfTheMaskedHello() throws {
    let (sender, variants) = try FrameBreaker.variants(of: maskedHello, bits: Array(0..<16))
    XCTAssertEqual(sender, .client)
    XCTAssertEqual(variants.map(\.bit), Array(0..<16))
    func code(_ bit: Int) -> UInt16? {
      if case .invalid(let failure) = variants[bit].outcome { failure.closeCode.rawValue } else { nil }
    }
    // FIN cleared: the first fragment of a message; opcode 0x9: a valid ping.
    XCTAssertEqual(variants[0].field, "FIN")
    XCTAssertEqual(variants[0].outcome, .valid("a first fragment; waits for the rest of the message"))
    XCTAssertEqual(variants[4].outcome, .valid("delivers ping \"Hello\""))
    // RSV1-3, reserved opcodes, a continuation with nothing to continue, MASK cleared: 1002.
    for bit in [1, 2, 3, 5, 6, 7, 8] { XCTAssertEqual(code(bit), 1002, "bit \(bit): \(variants[bit].outcome)") }
    XCTAssertEqual(
      variants.map(\.field)[0..<9],
      ["FIN", "RSV1", "RSV2", "RSV3", "opcode bit 3", "opcode bit 2", "opcode bit 1", "opcode bit 0", "MASK"])
    XCTAssertEqual(variants[8].before, 0x85)
    XCTAssertEqual(variants[8].after, 0x05)
    // A longer length waits for the bytes it now claims.
    XCTAssertEqual(variants[9].outcome, .incomplete(missing: 64))
    XCTAssertEqual(variants[14].outcome, .incomplete(missing: 2))
    XCTAssertEqual(variants[9].field, "length bit 6")

    let table = FrameBreaker.rows(variants)
    XCTAssertEqual(
      table.rows[1],
      ["1", "0 40", "RSV1", "81 → c1", "RSV1 set, but no negotiated extension defines it", "1002", "§5.2"])
    XCTAssertEqual(table.rows[9][4], "waits for 64 more bytes")
  }

  /// A key bit flips the same bit of every fourth unmasked byte: the top bit makes the text
  /// invalid UTF-8 (1007); the others change a letter.
  func testKeyBitsChangeThePayload() throws {
    let (_, variants) = try FrameBreaker.variants(of: maskedHello, bits: [16, 26])
    XCTAssertEqual(variants[0].field, "masking key byte 0")
    guard case .invalid(let failure) = variants[0].outcome else { return XCTFail("\(variants[0].outcome)") }
    XCTAssertEqual(failure.closeCode, .invalidPayloadData)
    XCTAssertEqual(variants[1].outcome, .valid("delivers text \"HEllo\""))
  }

  func testOnlyAValidFrameCanBeBroken() {
    XCTAssertThrowsError(try FrameBreaker.variants(of: [0x81, 0x05, 0x48])) { error in
      XCTAssertTrue("\(error)".contains("must be valid"), "\(error)")
    }
    XCTAssertThrowsError(try FrameBreaker.variants(of: maskedHello, bits: [88])) { error in
      XCTAssertTrue("\(error)".contains("bit 88 is outside"), "\(error)")
    }
  }

  /// With permessage-deflate negotiated, RSV1 cleared means "not compressed": the compressed
  /// bytes are then taken as text and fail as UTF-8.
  func testRSV1OfACompressedMessage() throws {
    let compressed: [UInt8] = [0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]
    // Bits 21-23 are the first DEFLATE block's header (BTYPE high bit, BTYPE low bit, BFINAL:
    // DEFLATE reads from the least significant bit).
    let (_, variants) = try FrameBreaker.variants(of: compressed, bits: [1, 21, 22, 23], from: .server, deflate: true)
    guard case .invalid(let plain) = variants[0].outcome else { return XCTFail("\(variants[0].outcome)") }
    XCTAssertEqual(plain.closeCode, .invalidPayloadData)
    XCTAssertEqual(variants[1].field, "payload byte 0")
    for (i, why) in [(1, "invalid block type"), (2, "invalid stored block lengths")] {
      guard case .invalid(let failure) = variants[i].outcome else { return XCTFail("\(variants[i].outcome)") }
      XCTAssertEqual(failure.closeCode, .invalidPayloadData)
      XCTAssertTrue("\(failure)".contains(why), "\(failure)")
    }
    // BFINAL set: the same "Hello", now the last block of the stream.
    XCTAssertEqual(variants[3].outcome, .valid("delivers text \"Hello\""))
  }

  func testEachLineOfTheRFCRequest() {
    let options = ClientHandshake.Options(
      host: "server.example.com", path: "/chat", origin: "http://example.com", subprotocols: ["chat", "superchat"])
    let request = ClientHandshake(options: options, keyBytes: Array("the sample nonce".utf8)).requestBytes()
    let variants = HandshakeBreaker.variants(
      of: request, policy: ServerHandshakePolicy(originPolicy: { $0 == "http://example.com" }))
    let statuses = Dictionary(uniqueKeysWithValues: variants.map { ($0.change, $0.status) })
    XCTAssertEqual(statuses["POST instead of GET"], 400)
    XCTAssertEqual(statuses["HTTP/1.0"], 400)
    XCTAssertEqual(statuses["remove Host"], 400)
    XCTAssertEqual(statuses["Host: "], 400)
    XCTAssertEqual(statuses["remove Upgrade"], 400)
    XCTAssertEqual(statuses["Upgrade: h2c"], 400)
    XCTAssertEqual(statuses["Connection: keep-alive"], 400)
    XCTAssertEqual(statuses["Sec-WebSocket-Key: dGhlIHNhbXBsZQ=="], 400)
    XCTAssertEqual(statuses["Sec-WebSocket-Version: 8"], 426)
    XCTAssertEqual(statuses["remove Sec-WebSocket-Version"], 426)
    XCTAssertEqual(statuses["Origin: http://evil.example"], 403)
    XCTAssertEqual(statuses["remove Sec-WebSocket-Protocol"], 101)
    let emptyHost = variants.first { $0.change == "Host: " }
    XCTAssertEqual(emptyHost?.error?.kind, .emptyHost, "an empty Host carries no authority (§4.2.1)")
  }
}
