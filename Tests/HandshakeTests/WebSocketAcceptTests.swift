import Handshake
import XCTest

final class WebSocketAcceptTests: XCTestCase {
  func testRFC6455Section1_3Vector() {
    let key = "dGhlIHNhbXBsZSBub25jZQ=="
    XCTAssertEqual(WebSocketAccept.guid, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
    XCTAssertEqual(
      WebSocketAccept.concatenated(key: key),
      "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
    XCTAssertEqual(
      WebSocketAccept.sha1(key: key),
      [
        0xb3, 0x7a, 0x4f, 0x2c, 0xc0, 0x62, 0x4f, 0x16, 0x90, 0xf6, 0x46, 0x06, 0xcf, 0x38, 0x59,
        0x45, 0xb2, 0xbe, 0xc4, 0xea,
      ])
    XCTAssertEqual(WebSocketAccept.value(forKey: key), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    XCTAssertNotEqual(WebSocketAccept.value(forKey: key), "fI/F95pFHyUax3HLt0ktmQ==")
  }

  func testFixtureKeysMatchIndependentlyComputedAccepts() {
    for fixture in Fixture.allCases {
      let (key, accept) = fixture.keyAndAccept
      XCTAssertEqual(WebSocketAccept.value(forKey: key), accept, fixture.rawValue)
    }
    XCTAssertEqual(WebSocketAccept.value(forKey: "x3JJHMbDL1EzLkh9GBhXDw=="), firefoxAccept)
  }
}

final class Base64Tests: XCTestCase {
  func testRFC4648Vectors() {
    let vectors = [
      ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
      ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]
    for (plain, encoded) in vectors {
      XCTAssertEqual(Base64.encode(Array(plain.utf8)), encoded)
      XCTAssertEqual(Base64.decode(encoded), Array(plain.utf8), encoded)
    }
  }

  func testSampleNonceAndAllByteValues() {
    XCTAssertEqual(Base64.encode(sampleNonce), "dGhlIHNhbXBsZSBub25jZQ==")
    XCTAssertEqual(Base64.encode([0xfb, 0xff, 0xbf]), "+/+/")
    let all = (0...255).map { UInt8($0) }
    for n in 0...all.count where n % 7 == 0 || n < 8 {
      let slice = Array(all.prefix(n))
      XCTAssertEqual(Base64.decode(Base64.encode(slice)), slice)
    }
  }

  func testStrictDecodingRejectsNonCanonicalText() {
    for bad in [
      "dGhlIHNhbXBsZSBub25jZQ",  // padding missing
      "dGhlIHNhbXBsZSBub25jZQ=",  // padding short
      "dGhlIHNhbXBsZSBub25jZR==",  // non-zero unused bits
      "Zm9=",  // non-zero unused bits with one pad
      "Zg=a", "Z===", "====", "=Zm9", "Zm 9", "Zm9\n", "Zm9v====", "Zm-_", "Zm9v!A==",
      " dGhlIHNhbXBsZSBub25jZQ==",
    ] {
      XCTAssertNil(Base64.decode(bad), bad)
    }
  }
}

final class HTTPHeadersTests: XCTestCase {
  func testLookupsAreCaseInsensitiveAndKeepOrderAndSpelling() {
    let headers: HTTPHeaders = [
      "Connection": "keep-alive, Upgrade",
      "X-Thing": "a",
      "connection": " , foo,,bar ,",
      "x-thing": "b",
    ]
    XCTAssertEqual(headers.fields.map(\.name), ["Connection", "X-Thing", "connection", "x-thing"])
    XCTAssertEqual(headers.first("CONNECTION"), "keep-alive, Upgrade")
    XCTAssertEqual(headers.values("x-THING"), ["a", "b"])
    XCTAssertEqual(headers.tokens("Connection"), ["keep-alive", "Upgrade", "foo", "bar"])
    XCTAssertTrue(headers.contains(token: "upgrade", in: "connection"))
    XCTAssertTrue(headers.contains(token: "BAR", in: "Connection"))
    XCTAssertFalse(headers.contains(token: "Upgrad", in: "Connection"))
    XCTAssertFalse(headers.contains(token: "a", in: "Connection"))
    XCTAssertNil(headers.first("Upgrade"))
    XCTAssertEqual(headers.values("Upgrade"), [])
    XCTAssertEqual(headers.tokens("Upgrade"), [])
  }
}
