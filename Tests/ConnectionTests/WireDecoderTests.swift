import Connection
import Framing
import XCTest

/// `wslab decode`'s core: hex parsing with errors that say where, and the verdicts.
final class WireDecoderTests: XCTestCase {
  func testHexAcceptsSpacesColonsCommasAndPrefixes() throws {
    XCTAssertEqual(try WireDecoder.bytes(fromHex: "81 0x85:37,fa213D"), [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d])
  }

  func testHexErrorsSayWhere() {
    func message(_ text: String) -> String {
      do {
        _ = try WireDecoder.bytes(fromHex: text)
        return "no error"
      } catch {
        return error.description
      }
    }
    XCTAssertEqual(message("81 8g"), "'g' at character 5 is not a hex digit")
    XCTAssertEqual(message("81 8"), "an odd number of hex digits: the last byte has only one (1 whole bytes before it)")
    XCTAssertEqual(message("  "), "no hex bytes given")
    XCTAssertEqual(message("81 é5"), "U+E9 at character 4 is not a hex digit")
  }

  func testVerdicts() {
    // RFC 6455 §5.7: masked "Hello" from a client.
    let hello: [UInt8] = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]
    let valid = WireDecoder.decode(hello)
    XCTAssertEqual(valid.verdict, .valid(frames: 1, messages: 1))
    XCTAssertEqual(valid.sender, .client)
    XCTAssertTrue(valid.text.hasSuffix("result: valid: 1 frame(s), 1 data message(s)\n"), valid.text)
    XCTAssertEqual(WireDecoder.decode(Array(hello.prefix(6))).verdict, .incomplete(bytes: 6))
    // Unmasked, but said to come from a client: 1002 (§5.1).
    guard case .invalid(let failure) = WireDecoder.decode([0x81, 0x01, 0x41], from: .client).verdict else {
      return XCTFail("an unmasked client frame must be invalid")
    }
    XCTAssertEqual(failure.closeCode, .protocolError)
  }
}
