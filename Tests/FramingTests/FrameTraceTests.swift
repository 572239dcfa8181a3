import NIOCore
import Trace
import XCTest

@testable import Framing

final class FrameTraceTests: XCTestCase {
  func testMaskedHelloAnnotation() {
    let record = FrameAnnotator.record(for: hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"), direction: .clientToServer)
    XCTAssertEqual(record.title, "frame: text \"Hello\" (masked, 11 bytes)")
    XCTAssertEqual(record.fields.map(\.name), ["FIN", "RSV1-3", "opcode", "MASK", "length", "masking key", "payload"])
    XCTAssertEqual(record.fields.map(\.value), ["1", "000", "0x1", "1", "5", "37 fa 21 3d", "\"Hello\""])
    XCTAssertEqual(record.fields.map(\.bits), [0x80, 0x70, 0x0f, 0x80, 0x7f, nil, nil])
    XCTAssertEqual(record.fields.last?.range, 6..<11)
  }

  func testCloseFrameShowsCodeAndReason() {
    let bytes = FrameEncoder().frameBytes(opcode: .close, payload: [0x03, 0xe9] + Array("bye".utf8))
    let record = FrameAnnotator.record(for: bytes)
    XCTAssertEqual(record.fields.suffix(2).map(\.name), ["status code", "reason"])
    XCTAssertEqual(record.fields.suffix(2).map(\.value), ["1001", "\"bye\""])
    XCTAssertTrue(record.fields[record.fields.count - 2].meaning.contains("going away"))
  }

  /// Every byte of every frame is covered by exactly one whole-byte field or by bit fields.
  func testFieldsCoverEveryByteInOrder() {
    var rng = TestRandom(seed: 99)
    for length in [0, 1, 5, 125, 126, 300, 65535, 65536] {
      for key in [nil, MaskingKey(1, 2, 3, 4)] {
        let payload = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let bytes = FrameEncoder().frameBytes(opcode: .binary, maskingKey: key, payload: payload)
        let record = FrameAnnotator.record(for: bytes)
        var covered = 0
        for field in record.fields {
          if let bits = field.bits {
            XCTAssertEqual(field.range.count, 1)
            XCTAssertNotEqual(bits, 0)
            covered = max(covered, field.range.upperBound)
          } else {
            XCTAssertEqual(field.range.lowerBound, covered, "field \(field.name) at length \(length)")
            covered = field.range.upperBound
          }
        }
        XCTAssertEqual(covered, bytes.count)
      }
    }
  }

  /// The annotator never fails: random garbage and every truncation of a valid frame are
  /// annotated as far as their bytes go, with fields inside the bytes and in order, and render
  /// with their title and every byte.
  func testAnnotatorAndRendererNeverFailOnGarbage() {
    var rng = TestRandom(seed: 1234)
    let full = hex("81 85 37 fa 21 3d 7f 9f 4d 51 58")
    var inputs = (0...full.count).map { Array(full.prefix($0)) }
    for _ in 0..<3000 {
      inputs.append((0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }
    let renderer = TraceRenderer()
    for bytes in inputs {
      let record = FrameAnnotator.record(for: bytes)
      XCTAssertTrue(record.title.hasPrefix("frame: "), record.title)
      XCTAssertEqual(record.fields.isEmpty, bytes.isEmpty, "\(bytes.hexString)")
      var start = 0
      for field in record.fields {
        XCTAssertGreaterThanOrEqual(field.range.lowerBound, start, "\(field.name) in \(bytes.hexString)")
        XCTAssertLessThanOrEqual(field.range.upperBound, bytes.count, "\(field.name) in \(bytes.hexString)")
        start = field.bits == nil ? field.range.upperBound : field.range.lowerBound
      }
      let text = renderer.render(record)
      XCTAssertTrue(text.contains(Trace.sanitized(record.title)))
      // Every byte is shown (the renderer elides long payloads, never the first 24 bytes).
      for byte in bytes.prefix(24) { XCTAssertTrue(text.contains(Trace.hex(byte)), "\(bytes.hexString)") }
    }
  }

  /// Lengths near 2^64 must not overflow the annotator, with or without the decoder in front.
  func testHugeLengthsAreAnnotatedNotTrapped() {
    let cases: [([UInt8], [String])] = [
      (hex("82 7f ff ff ff ff ff ff ff ff"), ["invalid frame: 64-bit payload length has its most significant bit set"]),
      (
        hex("82 ff ff ff ff ff ff ff ff ff 01 02 03 04"),
        ["invalid frame: frame from the server is masked (MASK = 1); a server must not mask"]
      ),
      // 2^63 - 1 bytes announced, with no limit: the decoder waits for them and reports nothing.
      (hex("82 7f 7f ff ff ff ff ff ff ff 00"), []),
    ]
    for (wire, titles) in cases {
      let record = FrameAnnotator.record(for: wire)
      XCTAssertTrue(TraceRenderer().render(record).contains(Trace.sanitized(record.title)))
      let log = TraceLog()
      var decoder = FrameDecoder(configuration: .init(role: .client, maxFrameSize: .max), observer: log)
      decoder.append(contentsOf: wire)
      _ = try? decoder.next()
      XCTAssertEqual(log.records.map(\.title), titles)
    }
  }

  func testDecoderAndEncoderReportOnlyWithAnObserver() throws {
    let log = TraceLog()
    var decoder = FrameDecoder(role: .server, observer: log)
    decoder.append(contentsOf: hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"))
    _ = try decoder.next()
    XCTAssertEqual(log.records.count, 1)
    XCTAssertEqual(log.records[0].bytes, hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"))
    XCTAssertEqual(log.records[0].direction, .clientToServer)

    let encoder = FrameEncoder(direction: .clientToServer, observer: log)
    let bytes = encoder.frameBytes(
      opcode: .text, maskingKey: MaskingKey(0x37, 0xfa, 0x21, 0x3d), payload: Array("Hello".utf8))
    XCTAssertEqual(log.records.count, 2)
    XCTAssertEqual(log.records[1].bytes, bytes, "the record shows the masked wire bytes")

    decoder.append(contentsOf: hex("83 00"))
    XCTAssertThrowsError(try decoder.next())
    XCTAssertEqual(log.records.count, 3)
    XCTAssertEqual(log.records[2].title, "invalid frame: opcode 0x3 is reserved for future use")
    XCTAssertEqual(log.records[2].bytes, hex("83 00"))
  }

  func testPlainRenderingIsByteExact() {
    let record = FrameAnnotator.record(for: hex("81 05 48 65 6c 6c 6f"), direction: .serverToClient)
    let expected = """
      ▶ server → client  frame: text "Hello" (7 bytes)
        0     81                       1.......  FIN      1        final fragment: this frame ends the message  §5.2
                                       .000....  RSV1-3   000      reserved bits, 0 unless an extension defines them  §5.2
                                       ....0001  opcode   0x1      text frame: the message is UTF-8 text  §5.2
        1     05                       0.......  MASK     0        payload is not masked: a server never masks  §5.1
                                       .0000101  length   5        payload length: 5 bytes (0–125 fit in 7 bits)  §5.2
        2     48 65 6c 6c 6f                     payload  "Hello"  application data

      """
    XCTAssertEqual(TraceRenderer().render(record), expected)
  }

  /// MASK is explained against who really sent the frame, and a violation is named, whatever the
  /// bit says (an unmasked frame is not "server → client" when a client sent it).
  func testMaskIsAnnotatedFromTheRealDirection() {
    func mask(_ wire: String, _ direction: TraceDirection) -> String {
      FrameAnnotator.record(for: hex(wire), direction: direction).fields.first { $0.name == "MASK" }!.meaning
    }
    let unmasked = "81 05 48 65 6c 6c 6f"
    let masked = "81 85 37 fa 21 3d 7f 9f 4d 51 58"
    XCTAssertEqual(mask(unmasked, .serverToClient), "payload is not masked: a server never masks")
    XCTAssertEqual(
      mask(unmasked, .clientToServer), "not masked, but a client must mask every frame: the server fails with 1002")
    XCTAssertEqual(
      mask(masked, .clientToServer), "payload is masked, as every client frame must be; the key follows the length")
    XCTAssertEqual(mask(masked, .serverToClient), "masked, but a server must not mask: the client fails with 1002")
    XCTAssertFalse(mask(unmasked, .unspecified).contains("→"))
    XCTAssertFalse(mask(masked, .unspecified).contains("→"))
  }

  /// RSV1 set: the payload is "compressed" only where an extension allows RSV1; with none
  /// negotiated it is shown as what it is, and RSV1 as the violation.
  func testRSV1IsAnnotatedFromTheNegotiation() {
    let wire = hex("c1 05 48 65 6c 6c 6f")
    let plain = FrameAnnotator.record(for: wire, direction: .serverToClient, allowedRSV: 0)
    XCTAssertEqual(
      plain.fields.first { $0.name == "RSV1-3" }?.meaning,
      "RSV1 set, but no negotiated extension defines it: fail with 1002")
    let payload = plain.fields.first { $0.name == "payload" }!
    XCTAssertEqual(payload.value, "\"Hello\"")
    XCTAssertFalse(payload.meaning.hasPrefix("compressed"), payload.meaning)
    XCTAssertTrue(payload.meaning.contains("not compressed"), payload.meaning)
    let deflated = FrameAnnotator.record(for: hex("c1 07 f2 48 cd c9 c9 07 00"), allowedRSV: 0x40)
    XCTAssertEqual(
      deflated.fields.first { $0.name == "payload" }?.meaning,
      "compressed with permessage-deflate (RSV1): the receiver inflates it first")
    let unknown = FrameAnnotator.record(for: wire)
    XCTAssertTrue(unknown.fields.first { $0.name == "payload" }!.meaning.contains("if it was negotiated"))
  }
}
