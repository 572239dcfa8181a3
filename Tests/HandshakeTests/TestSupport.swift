import Foundation
import Handshake
import XCTest

/// The RFC 6455 §5.7 masked "Hello" frame, appended to heads to check leftover handling.
let maskedHelloFrame: [UInt8] = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]

/// The ASCII of "the sample nonce": base64 `dGhlIHNhbXBsZSBub25jZQ==` (RFC 6455 §1.3).
let sampleNonce: [UInt8] = Array("the sample nonce".utf8)

/// The real clients' request heads in Fixtures/.
enum Fixture: String, CaseIterable {
  case chromium = "chromium-156"
  case nodeWS = "node-ws-8.11"
  case pythonWebsockets = "python-websockets-17.4"
  case pythonWebsocketClient = "python-websocket-client-1.9"

  func bytes() throws -> [UInt8] {
    let url = try XCTUnwrap(
      Bundle.module.url(forResource: rawValue, withExtension: "http", subdirectory: "Fixtures"),
      "missing fixture \(rawValue).http")
    return Array(try Data(contentsOf: url))
  }

  /// The key in the file and its accept value, computed independently with Python's hashlib.
  var keyAndAccept: (key: String, accept: String) {
    switch self {
    case .chromium: ("sgJVrwQONiyyMipD0XMDHQ==", "z24I3+/uw3aJ0ctHDhxwbBR/9d4=")
    case .nodeWS: ("h50d9Wm5tMOeQMwFAQaqLA==", "ewzmyfqowYt54C0klIOVPjYPWvY=")
    case .pythonWebsockets: ("f3th9pDTkqQ8Sf8lIwQqvA==", "5y973t3zqu/33PEa5GC+IsKxAVQ=")
    case .pythonWebsocketClient: ("Y2maNNm/En1ifsVfJem4dQ==", "edVKoI1S4QwRv20twOIHZEx4di8=")
    }
  }
}

/// Firefox's typical request head (keep-alive, Upgrade; Sec-Fetch-*; a bare permessage-deflate).
let firefoxRequest = """
  GET /chat HTTP/1.1\r
  Host: example.com:8000\r
  User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r
  Accept: */*\r
  Accept-Language: en-US,en;q=0.5\r
  Accept-Encoding: gzip, deflate, br, zstd\r
  Sec-WebSocket-Version: 13\r
  Origin: http://example.com:8000\r
  Sec-WebSocket-Extensions: permessage-deflate\r
  Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r
  Connection: keep-alive, Upgrade\r
  Sec-Fetch-Dest: empty\r
  Sec-Fetch-Mode: websocket\r
  Sec-Fetch-Site: same-origin\r
  Pragma: no-cache\r
  Cache-Control: no-cache\r
  Upgrade: websocket\r
  \r

  """

/// Safari's typical request head.
let safariRequest = """
  GET /chat HTTP/1.1\r
  Host: example.com\r
  Sec-WebSocket-Extensions: permessage-deflate\r
  Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r
  Sec-WebSocket-Version: 13\r
  Upgrade: websocket\r
  Origin: https://example.com\r
  User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15\r
  Connection: Upgrade\r
  Pragma: no-cache\r
  Cache-Control: no-cache\r
  Accept-Language: en-US,en;q=0.9\r
  Accept-Encoding: gzip, deflate\r
  Sec-Fetch-Dest: websocket\r
  Sec-Fetch-Mode: websocket\r
  Sec-Fetch-Site: same-origin\r
  \r

  """

/// Accept value for `x3JJHMbDL1EzLkh9GBhXDw==` (Python hashlib).
let firefoxAccept = "HSmrc0sMlYUkAGmm5OPpG2HaGWk="

/// A minimal valid request with the RFC key, with header lines replaced or added.
func request(
  method: String = "GET", target: String = "/chat", version: String = "HTTP/1.1",
  _ headers: [(String, String?)] = []
) -> [UInt8] {
  var fields: [(String, String?)] = [
    ("Host", "server.example.com"),
    ("Upgrade", "websocket"),
    ("Connection", "Upgrade"),
    ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ("Sec-WebSocket-Version", "13"),
  ]
  for (name, value) in headers {
    if let i = fields.firstIndex(where: { $0.0.lowercased() == name.lowercased() }) {
      fields[i].1 = value
    } else {
      fields.append((name, value))
    }
  }
  var text = "\(method) \(target) \(version)\r\n"
  for (name, value) in fields {
    if let value { text += "\(name): \(value)\r\n" }
  }
  return Array((text + "\r\n").utf8)
}

/// Feeds `input` to a fresh server handshake as given by `chunks` (split points) and returns the
/// result, checking that no result appears before the last chunk.
func serverResult(
  _ input: [UInt8], splitAt splits: [Int] = [], policy: ServerHandshakePolicy = .init(),
  file: StaticString = #filePath, line: UInt = #line
) -> ServerHandshakeResult? {
  var server = ServerHandshake(policy: policy)
  var start = 0
  var result: ServerHandshakeResult?
  for end in splits + [input.count] {
    if let r = server.feed(input[start..<end]) {
      XCTAssertNil(result, "two results", file: file, line: line)
      result = r
    }
    start = end
  }
  return result
}

func rejection(
  _ result: ServerHandshakeResult?, file: StaticString = #filePath, line: UInt = #line
) -> HandshakeRejection? {
  guard case .reject(let r) = result else {
    XCTFail("expected a rejection, got \(String(describing: result))", file: file, line: line)
    return nil
  }
  return r
}

func accepted(
  _ result: ServerHandshakeResult?, file: StaticString = #filePath, line: UInt = #line
) -> AcceptedHandshake? {
  guard case .accept(let a) = result else {
    XCTFail("expected acceptance, got \(String(describing: result))", file: file, line: line)
    return nil
  }
  return a
}

func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// A generator that returns fixed words, for deterministic keys.
struct FixedGenerator: RandomNumberGenerator {
  var words: [UInt64]
  mutating func next() -> UInt64 { words.isEmpty ? 0 : words.removeFirst() }
}
