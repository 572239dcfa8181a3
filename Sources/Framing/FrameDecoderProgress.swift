import Trace

extension FrameDecoder {
  /// Where the decoder is in the byte stream, read from its own state (no second parser): between
  /// frames, partway through a header (the fields its stash holds so far), partway through a
  /// payload, or failed. What `wslab decode --step` and the lessons' step-by-step views print.
  public enum Progress: Sendable, Equatable, CustomStringConvertible {
    /// Nothing of the next frame has arrived.
    case betweenFrames
    /// Part of a header has arrived: the fields it holds.
    case header(FrameHeaderFields)
    /// The header is complete and `received` payload bytes of its frame have arrived; when the
    /// frame is masked, the next payload byte is unmasked with key byte `keyByte`.
    case payload(FrameHeader, received: Int, keyByte: Int?)
    /// A rule was broken: nothing more is read (RFC 6455 §7.1.7).
    case failed

    public var description: String {
      switch self {
      case .betweenFrames:
        return "between frames: the next byte starts a header (FIN, RSV1-3, opcode)"
      case .header(let fields):
        var have =
          "FIN=\(fields.fin ? 1 : 0), RSV=\(Trace.bitPattern(fields.byte0, mask: 0x70).filter { $0 != "." }), "
          + "opcode \(Trace.shortHex(fields.opcode.rawValue)) (\(fields.opcode.name))"
        guard let masked = fields.isMasked, let length7 = fields.length7 else {
          return "have \(have); need byte 1: MASK and the 7-bit length"
        }
        have = "MASK=\(masked ? 1 : 0), length \(length7)"
        let extended = fields.extendedLengthByteCount
        if extended > 0 && fields.extendedLength == nil {
          let missing = extended - fields.extendedLengthBytesPresent
          return "have \(have) (the length is in the next \(extended) bytes); need \(missing) more "
            + "byte\(missing == 1 ? "" : "s") of extended length"
        }
        if extended > 0, let length = fields.extendedLength { have += " (\(length) in \(extended * 8) bits)" }
        let missing = 4 - fields.maskingKeyBytesPresent
        return "have \(have); need \(missing) more byte\(missing == 1 ? "" : "s") of the masking key"
      case .payload(let header, let received, let keyByte):
        let next = keyByte.map { "; the next is unmasked with key byte \($0)" } ?? ""
        let start = received == 0 ? "header complete; " : ""
        return start + "payload: \(received) of \(header.payloadLength) bytes in\(next)"
      case .failed:
        return "failed: nothing more is read (§7.1.7)"
      }
    }
  }

  /// Where the decoder is now (see ``Progress``).
  public var progress: Progress {
    switch state {
    case .header:
      guard !stash.isEmpty, let fields = FrameHeaderFields(reading: stash) else { return .betweenFrames }
      return .header(fields)
    case .payload(let header, let remaining, let keyOffset):
      return .payload(
        header, received: header.payloadLength - remaining, keyByte: header.maskingKey == nil ? nil : keyOffset % 4)
    case .failed:
      return .failed
    }
  }
}
