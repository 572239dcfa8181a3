import NIOCore

/// The payload of a close frame (RFC 6455 §5.5.1): an optional 2-byte status code followed by an
/// optional UTF-8 reason.
public struct ClosePayload: Sendable, Hashable, CustomStringConvertible {
  /// The status code, or nil when the payload was empty (the application sees 1005).
  public var code: CloseCode?
  public var reason: String

  /// The reason must fit a control frame: at most 123 bytes of UTF-8 after the code.
  public static let maxReasonBytes = 123

  public init(code: CloseCode?, reason: String = "") {
    self.code = code
    self.reason = reason
  }

  /// Parses and validates a received close payload: 1 byte → 1002; a code not allowed on the
  /// wire → 1002; a reason that is not UTF-8 → 1007.
  public init(parsing payload: ByteBuffer) throws(ProtocolError) {
    let count = payload.readableBytes
    if count == 0 {
      self.init(code: nil)
      return
    }
    guard count >= 2 else { throw ProtocolError(.closePayloadTooShort) }
    let raw = payload.getInteger(at: payload.readerIndex, as: UInt16.self)!
    let code = CloseCode(rawValue: raw)
    guard code.isValidOnWire else { throw ProtocolError(.invalidCloseCode(raw)) }
    var validator = UTF8Validator()
    let reasonBytes = payload.getSlice(at: payload.readerIndex + 2, length: count - 2)!
    let bad = reasonBytes.withUnsafeReadableBytes { validator.validate($0) }
    if let bad { throw ProtocolError(.invalidCloseReason(reasonOffset: bad)) }
    if !validator.isComplete {
      throw ProtocolError(.invalidCloseReason(reasonOffset: count - 2 - validator.pendingByteCount))
    }
    self.init(code: code, reason: String(buffer: reasonBytes))
  }

  /// The bytes to send: nothing for no code, else the code big-endian and the reason, cut at a
  /// character boundary so it fits ``maxReasonBytes``.
  public var bytes: [UInt8] {
    guard let code else { return [] }
    var out: [UInt8] = [UInt8(code.rawValue >> 8), UInt8(code.rawValue & 0xff)]
    out += Self.truncated(reason)
    return out
  }

  /// `reason` as UTF-8, cut to at most ``maxReasonBytes`` at a character boundary.
  static func truncated(_ reason: String) -> [UInt8] {
    var bytes: [UInt8] = []
    for character in reason {
      let utf8 = Array(String(character).utf8)
      if bytes.count + utf8.count > maxReasonBytes { break }
      bytes += utf8
    }
    return bytes
  }

  public var description: String {
    guard let code else { return "no status code (1005)" }
    return reason.isEmpty ? "\(code)" : "\(code), \"\(reason)\""
  }
}
