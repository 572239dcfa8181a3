import Handshake
import XCTest

final class ExtensionHeaderTests: XCTestCase {
  private func parse(_ values: [String]) throws(HandshakeError) -> [ExtensionOffer] {
    try ExtensionHeader.parse(values)
  }

  private typealias P = ExtensionOffer.Parameter

  func testWellFormedLists() throws {
    XCTAssertEqual(try parse([]), [])
    XCTAssertEqual(try parse([""]), [])
    XCTAssertEqual(try parse(["permessage-deflate"]), [.init(name: "permessage-deflate")])
    XCTAssertEqual(
      try parse(["permessage-deflate; client_max_window_bits"]),
      [.init(name: "permessage-deflate", parameters: [P(name: "client_max_window_bits")])])
    XCTAssertEqual(
      try parse([
        "permessage-deflate ;client_max_window_bits = 10 ;  server_no_context_takeover , foo",
        "bar; baz=\"12\",  ,permessage-deflate;x=\"a\\bc\"",
      ]),
      [
        .init(
          name: "permessage-deflate",
          parameters: [P(name: "client_max_window_bits", value: "10"), P(name: "server_no_context_takeover")]),
        .init(name: "foo"),
        .init(name: "bar", parameters: [P(name: "baz", value: "12")]),
        .init(name: "permessage-deflate", parameters: [P(name: "x", value: "abc")]),
      ])
    XCTAssertEqual(
      try parse(["\tpermessage-deflate;\tclient_max_window_bits\t,\tx-webkit-deflate-frame\t"]).map(\.name),
      ["permessage-deflate", "x-webkit-deflate-frame"])
  }

  private func malformed(_ value: String, file: StaticString = #filePath, line: UInt = #line)
    -> (position: Int, reason: String)?
  {
    do {
      let r = try parse([value])
      XCTFail("expected an error for \(value), got \(r)", file: file, line: line)
    } catch {
      guard case .malformedExtensionHeader(let v, let position, let reason) = error.kind else {
        XCTFail("\(error)", file: file, line: line)
        return nil
      }
      XCTAssertEqual(v, value, file: file, line: line)
      XCTAssertEqual(error.httpStatus, 400, file: file, line: line)
      XCTAssertEqual(error.section, "RFC 6455 §9.1", file: file, line: line)
      return (position, reason)
    }
    return nil
  }

  func testMalformedValuesNameTheOffendingPosition() {
    XCTAssertEqual(malformed("permessage-deflate;")?.position, 19)
    XCTAssertEqual(malformed("permessage-deflate; ; x")?.position, 20)
    XCTAssertEqual(malformed("permessage-deflate x")?.position, 19)
    XCTAssertEqual(malformed("; x")?.position, 0)
    XCTAssertEqual(malformed("a; b=")?.position, 5)
    XCTAssertEqual(malformed("a; b=,")?.position, 5)
    XCTAssertEqual(malformed("a; b=c d")?.position, 7)
    XCTAssertEqual(malformed("a; b=\"1 0\"")?.position, 7, "quoted value must unescape to a token")
    XCTAssertEqual(malformed("a; b=\"\"")?.position, 5, "empty quoted value")
    XCTAssertEqual(malformed("a; b=\"10")?.position, 8, "unterminated")
    XCTAssertEqual(malformed("a; b=\"1\\")?.position, 8, "unterminated after backslash")
    XCTAssertEqual(malformed("a; b==1")?.position, 5)
    XCTAssertEqual(malformed("a(b)")?.position, 1)
    XCTAssertEqual(malformed("a; b=1; c=\"x\"y")?.position, 13)
    XCTAssertEqual(malformed("a; b=\"x\u{1}\"")?.position, 7)
    let error = HandshakeError(
      .malformedExtensionHeader(
        value: "a; b==1", position: 5, reason: "expected a parameter value (a token or a quoted string)"),
      detectedBy: .server)
    XCTAssertEqual(
      error.description,
      "malformed Sec-WebSocket-Extensions \"a; b==1\" at byte 5 ('='): "
        + "expected a parameter value (a token or a quoted string) (RFC 6455 §9.1)")
  }

  func testFormattingRoundTrips() throws {
    let offers: [ExtensionOffer] = [
      .init(
        name: "permessage-deflate",
        parameters: [P(name: "client_max_window_bits"), P(name: "server_max_window_bits", value: "10")]),
      .init(name: "x", parameters: [P(name: "q", value: "a b\"c")]),
    ]
    XCTAssertEqual(offers[0].formatted(), "permessage-deflate; client_max_window_bits; server_max_window_bits=10")
    XCTAssertEqual(offers[1].formatted(), "x; q=\"a b\\\"c\"")
    XCTAssertEqual(
      ExtensionHeader.format(offers),
      "permessage-deflate; client_max_window_bits; server_max_window_bits=10, x; q=\"a b\\\"c\"")
    XCTAssertEqual(try parse([offers[0].formatted()]), [offers[0]])
  }
}
