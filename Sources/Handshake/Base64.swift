/// Standard base64 (RFC 4648 §4, with padding), as the handshake uses it for
/// `Sec-WebSocket-Key` and `Sec-WebSocket-Accept`.
public enum Base64 {
  static let alphabet: [UInt8] = Array(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

  static let decodeTable: [UInt8] = {
    var table = [UInt8](repeating: 0xFF, count: 256)
    for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
    return table
  }()

  /// Encodes bytes as padded base64 text.
  public static func encode(_ bytes: some Collection<UInt8>) -> String {
    let input = Array(bytes)
    var out: [UInt8] = []
    out.reserveCapacity((input.count + 2) / 3 * 4)
    var i = 0
    while i + 3 <= input.count {
      let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
      out.append(alphabet[Int(n >> 18 & 0x3F)])
      out.append(alphabet[Int(n >> 12 & 0x3F)])
      out.append(alphabet[Int(n >> 6 & 0x3F)])
      out.append(alphabet[Int(n & 0x3F)])
      i += 3
    }
    switch input.count - i {
    case 1:
      let n = UInt32(input[i]) << 16
      out.append(alphabet[Int(n >> 18 & 0x3F)])
      out.append(alphabet[Int(n >> 12 & 0x3F)])
      out.append(contentsOf: "==".utf8)
    case 2:
      let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
      out.append(alphabet[Int(n >> 18 & 0x3F)])
      out.append(alphabet[Int(n >> 12 & 0x3F)])
      out.append(alphabet[Int(n >> 6 & 0x3F)])
      out.append(UInt8(ascii: "="))
    default:
      break
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Decodes padded base64 strictly, returning `nil` unless `text` is the canonical encoding of
  /// some bytes: a multiple of 4 characters from the standard alphabet, `=` only as the final one
  /// or two characters, no whitespace, and zero bits in the unused low bits of the last character
  /// (so every byte string has exactly one accepted spelling).
  public static func decode(_ text: String) -> [UInt8]? {
    let chars = Array(text.utf8)
    guard chars.count % 4 == 0 else { return nil }
    var padding = 0
    if chars.last == UInt8(ascii: "=") {
      padding = chars[chars.count - 2] == UInt8(ascii: "=") ? 2 : 1
    }
    var out: [UInt8] = []
    out.reserveCapacity(chars.count / 4 * 3)
    var i = 0
    while i < chars.count {
      var n: UInt32 = 0
      let isLast = i + 4 == chars.count
      let dataChars = isLast ? 4 - padding : 4
      for j in 0..<4 {
        let c = chars[i + j]
        if j < dataChars {
          let v = decodeTable[Int(c)]
          guard v != 0xFF else { return nil }
          n = n << 6 | UInt32(v)
        } else {
          guard c == UInt8(ascii: "=") else { return nil }
          n <<= 6
        }
      }
      out.append(UInt8(n >> 16 & 0xFF))
      switch dataChars {
      case 4:
        out.append(UInt8(n >> 8 & 0xFF))
        out.append(UInt8(n & 0xFF))
      case 3:
        guard n & 0xFF == 0 else { return nil }
        out.append(UInt8(n >> 8 & 0xFF))
      default:  // 2 data characters
        guard n & 0xFFFF == 0 else { return nil }
      }
      i += 4
    }
    return out
  }
}
