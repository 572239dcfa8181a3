import Connection
import Framing
import NIOCore
import Trace
import XCTest

/// Step by step: the decoder's own state after each byte, in words.
final class StepperTests: XCTestCase {
  let maskedHello: [UInt8] = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]

  func testTheMaskedHelloByteByByte() {
    let (sender, steps) = FrameStepper.steps(maskedHello)
    XCTAssertEqual(sender, .client)
    XCTAssertEqual(steps.count, 11)
    XCTAssertEqual(
      steps.map(\.summary),
      [
        "have FIN=1, RSV=000, opcode 0x1 (text); need byte 1: MASK and the 7-bit length",
        "have MASK=1, length 5; need 4 more bytes of the masking key",
        "have MASK=1, length 5; need 3 more bytes of the masking key",
        "have MASK=1, length 5; need 2 more bytes of the masking key",
        "have MASK=1, length 5; need 1 more byte of the masking key",
        "header complete; payload: 0 of 5 bytes in; the next is unmasked with key byte 0",
        "7f XOR 37 = 48 \"H\"; payload: 1 of 5 bytes in; the next is unmasked with key byte 1",
        "9f XOR fa = 65 \"e\"; payload: 2 of 5 bytes in; the next is unmasked with key byte 2",
        "4d XOR 21 = 6c \"l\"; payload: 3 of 5 bytes in; the next is unmasked with key byte 3",
        "51 XOR 3d = 6c \"l\"; payload: 4 of 5 bytes in; the next is unmasked with key byte 0",
        "58 XOR 37 = 6f \"o\"; frame complete; between frames: the next byte starts a header (FIN, RSV1-3, opcode)",
      ])
    // The frame's record and the delivered message come with the byte that completed them.
    XCTAssertTrue(steps[0..<10].allSatisfy { $0.events.isEmpty })
    XCTAssertTrue(steps[10].events.contains(.note("app ← text \"Hello\"")), "\(steps[10].events)")
  }

  func testExtendedLengthsAndFailures() {
    // 256 bytes of binary from a server: the 16-bit length arrives in two steps.
    let (_, long) = FrameStepper.steps([0x82, 0x7e, 0x01, 0x00, 0xab], from: .server)
    XCTAssertEqual(
      long.map(\.summary)[1...3],
      [
        "have MASK=0, length 126 (the length is in the next 2 bytes); need 2 more bytes of extended length",
        "have MASK=0, length 126 (the length is in the next 2 bytes); need 1 more byte of extended length",
        "header complete; payload: 0 of 256 bytes in",
      ])
    // A reserved opcode fails on byte 0, and nothing after it is read.
    let (_, failed) = FrameStepper.steps([0x83, 0x05, 0x48], from: .server)
    XCTAssertEqual(failed.count, 1)
    XCTAssertEqual(failed[0].progress, .failed)
    XCTAssertEqual(failed[0].summary, "failed: nothing more is read (§7.1.7)")
  }

  /// The progress is the decoder's own state, whatever the chunking: a header split at every
  /// point reports the bytes it has.
  func testProgressFollowsTheDecoderAcrossReads() throws {
    var decoder = FrameDecoder(role: .server)
    XCTAssertEqual(decoder.progress, .betweenFrames)
    decoder.append(contentsOf: maskedHello[0..<3])
    guard case .header(let fields) = decoder.progress else { return XCTFail("\(decoder.progress)") }
    XCTAssertEqual(fields.maskingKeyBytesPresent, 1)
    decoder.append(contentsOf: maskedHello[3..<8])
    guard case .payload(let header, let received, let keyByte) = decoder.progress else {
      return XCTFail("\(decoder.progress)")
    }
    XCTAssertEqual(header.payloadLength, 5)
    XCTAssertEqual(received, 2)
    XCTAssertEqual(keyByte, 2)
    decoder.append(contentsOf: maskedHello[8...])
    XCTAssertEqual(decoder.progress, .betweenFrames)
    XCTAssertNotNil(try decoder.next())
  }
}
