import Trace

/// Byte-level helpers for the HTTP/1.1 grammar (RFC 9110 §5.6, RFC 9112).
enum HTTPSyntax {
  static let cr: UInt8 = 0x0D
  static let lf: UInt8 = 0x0A
  static let sp: UInt8 = 0x20
  static let htab: UInt8 = 0x09
  static let colon: UInt8 = 0x3A
  static let comma: UInt8 = 0x2C
  static let semicolon: UInt8 = 0x3B
  static let equals: UInt8 = 0x3D
  static let dquote: UInt8 = 0x22
  static let backslash: UInt8 = 0x5C

  /// `tchar` (RFC 9110 §5.6.2): the characters a token is made of.
  static func isTokenChar(_ b: UInt8) -> Bool {
    switch b {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"):
      return true
    case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"),
      UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
      UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
      UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
      return true
    default:
      return false
    }
  }

  /// `token = 1*tchar`.
  static func isToken(_ bytes: some Collection<UInt8>) -> Bool {
    !bytes.isEmpty && bytes.allSatisfy(isTokenChar)
  }

  static func isToken(_ s: String) -> Bool { isToken(s.utf8) }

  /// Optional whitespace: SP or HTAB (RFC 9110 §5.6.3).
  static func isOWS(_ b: UInt8) -> Bool { b == sp || b == htab }

  /// A byte allowed inside a field value: SP, HTAB, VCHAR or obs-text (RFC 9110 §5.5). Every other
  /// control character, NUL and CR included, is rejected.
  static func isFieldValueByte(_ b: UInt8) -> Bool {
    b == sp || b == htab || (b >= 0x21 && b != 0x7F)
  }

  /// The bytes without leading and trailing SP / HTAB.
  static func trimmingOWS(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    var s = bytes
    while let f = s.first, isOWS(f) { s.removeFirst() }
    while let l = s.last, isOWS(l) { s.removeLast() }
    return s
  }

  static func trimmingOWS(_ s: String) -> String {
    text(trimmingOWS(ArraySlice(s.utf8)))
  }

  /// Decodes bytes as UTF-8, replacing invalid sequences (obs-text is rare and never used by the
  /// handshake; showing it readably matters more than round-tripping it).
  static func text(_ bytes: some Collection<UInt8>) -> String {
    String(decoding: bytes, as: UTF8.self)
  }

  /// Peer bytes made safe to print in an error message or a trace: control characters and
  /// invalid UTF-8 escaped (`\x1b`), so a hostile request cannot drive the reader's terminal.
  static func printable(_ bytes: some Collection<UInt8>) -> String {
    Trace.visibleText(bytes)
  }

  /// ASCII case-insensitive equality (header names and tokens such as `websocket`).
  static func equalsIgnoringCase(_ a: String, _ b: String) -> Bool {
    let a = a.utf8
    let b = b.utf8
    guard a.count == b.count else { return false }
    return zip(a, b).allSatisfy { lower($0) == lower($1) }
  }

  static func lower(_ b: UInt8) -> UInt8 {
    (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) ? b | 0x20 : b
  }

  /// ASCII lower-casing (non-ASCII left alone).
  static func lowercased(_ s: String) -> String {
    text(s.utf8.map(lower))
  }

  /// A byte shown to a human: `'x'` for printable ASCII, `0x0d` style otherwise.
  static func describe(_ b: UInt8) -> String {
    switch b {
    case 0x0D: return "CR (0x0d)"
    case 0x0A: return "LF (0x0a)"
    case 0x00: return "NUL (0x00)"
    case 0x09: return "HTAB (0x09)"
    case 0x20: return "space (0x20)"
    case 0x21...0x7E: return "'\(Character(Unicode.Scalar(b)))'"
    default: return "0x" + Trace.hex(b)
    }
  }

  /// Reason phrases for the statuses the handshake sends.
  static func reasonPhrase(_ status: Int) -> String {
    switch status {
    case 101: return "Switching Protocols"
    case 200: return "OK"
    case 400: return "Bad Request"
    case 401: return "Unauthorized"
    case 403: return "Forbidden"
    case 404: return "Not Found"
    case 405: return "Method Not Allowed"
    case 426: return "Upgrade Required"
    case 431: return "Request Header Fields Too Large"
    case 500: return "Internal Server Error"
    case 505: return "HTTP Version Not Supported"
    default: return "Error"
    }
  }
}
