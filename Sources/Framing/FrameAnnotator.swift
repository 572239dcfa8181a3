import Trace

/// Turns the wire bytes of a frame into an annotated ``TraceRecord`` (RFC 6455 §5.2).
///
/// It never fails: a truncated or invalid frame is annotated as far as its bytes go, with the
/// violated rule named in the meaning. The decoder and encoder call it only when an observer is
/// set; lessons call it directly on bytes the real encoder produced.
public enum FrameAnnotator {
  static let section = "RFC 6455 §5.2"

  /// - Parameters:
  ///   - direction: who sent the frame. The MASK bit is explained against it (clients must mask,
  ///     servers must not); `.unspecified` when nobody knows (a hex dump).
  ///   - allowedRSV: the RSV bits negotiated extensions define (RSV1 = 0x40 with
  ///     permessage-deflate), or nil when unknown. With RSV1 set, the payload is explained as
  ///     compressed only when RSV1 is allowed.
  public static func record(
    for wire: [UInt8], direction: TraceDirection = .unspecified, allowedRSV: UInt8? = nil
  ) -> TraceRecord {
    guard let header = FrameHeaderFields(reading: wire) else {
      return TraceRecord(title: "frame: no bytes", direction: direction, bytes: wire)
    }
    return record(for: wire, header: header, direction: direction, allowedRSV: allowedRSV)
  }

  /// Explains `header`, the fields ``FrameHeaderFields`` read from the start of `wire`, and the
  /// payload after it.
  static func record(
    for wire: [UInt8], header: FrameHeaderFields, direction: TraceDirection, allowedRSV: UInt8?
  ) -> TraceRecord {
    var fields: [TraceField] = []
    var summary: [String] = []
    let b0 = header.byte0
    let fin = header.fin
    let rsv = header.rsv
    let opcode = header.opcode
    fields.append(
      TraceField(
        range: 0..<1, bits: 0x80, name: "FIN", value: fin ? "1" : "0",
        meaning: fin ? "final fragment: this frame ends the message" : "more fragments of this message follow",
        section: section))
    fields.append(
      TraceField(
        range: 0..<1, bits: 0x70, name: "RSV1-3", value: Trace.bitPattern(b0, mask: 0x70).filter { $0 != "." },
        meaning: rsvMeaning(rsv, allowedRSV: allowedRSV), section: section))
    let opMeaning: String
    switch opcode {
    case .continuation: opMeaning = "continuation: the next fragment of the message in progress"
    case .text: opMeaning = "text frame: the message is UTF-8 text"
    case .binary: opMeaning = "binary frame: the message is raw bytes"
    case .close: opMeaning = "close frame: starts or answers the closing handshake (§5.5.1)"
    case .ping: opMeaning = "ping: the peer must answer with a pong (§5.5.2)"
    case .pong: opMeaning = "pong: the answer to a ping (§5.5.3)"
    default: opMeaning = "reserved opcode: fail the connection with 1002"
    }
    fields.append(
      TraceField(
        range: 0..<1, bits: 0x0f, name: "opcode", value: Trace.shortHex(opcode.rawValue), meaning: opMeaning,
        section: section))

    summary.append(opcode.name)
    guard let masked = header.isMasked, let length7 = header.length7 else {
      return TraceRecord(
        title: "frame: \(opcode.name) (header incomplete)", direction: direction, bytes: wire, fields: fields)
    }
    fields.append(
      TraceField(
        range: 1..<2, bits: 0x80, name: "MASK", value: masked ? "1" : "0",
        meaning: maskMeaning(masked, direction: direction), section: "RFC 6455 §5.1"))
    let lengthMeaning: String
    switch length7 {
    case 126: lengthMeaning = "126: the length is in the next 2 bytes (16-bit)"
    case 127: lengthMeaning = "127: the length is in the next 8 bytes (64-bit)"
    default: lengthMeaning = "payload length: \(length7) byte\(length7 == 1 ? "" : "s") (0–125 fit in 7 bits)"
    }
    fields.append(
      TraceField(
        range: 1..<2, bits: 0x7f, name: "length", value: String(length7), meaning: lengthMeaning, section: section))

    var offset = 2
    let extBytes = header.extendedLengthByteCount
    if extBytes > 0 {
      let end = offset + header.extendedLengthBytesPresent
      guard let extended = header.extendedLength else {
        fields.append(
          TraceField(
            range: offset..<end, name: "ext. length", value: "…",
            meaning: "\(end - offset) of \(extBytes) length bytes present", section: section))
        return TraceRecord(
          title: "frame: \(opcode.name) (header incomplete)", direction: direction, bytes: wire, fields: fields)
      }
      var meaning = "payload length \(extended) bytes, \(extBytes * 8)-bit big-endian (network byte order)"
      // §5.2 tells the sender to use the minimal form; failing a longer one is WSLab's choice.
      if extBytes == 2 && extended < 126 {
        meaning = "\(extended) fits in 7 bits: not the minimal form a sender must use; WSLab fails with 1002"
      } else if extBytes == 8 && extended & (1 << 63) != 0 {
        meaning = "most significant bit set, which §5.2 forbids: fail with 1002"
      } else if extBytes == 8 && extended <= 0xffff {
        meaning = "\(extended) fits in 16 bits: not the minimal form a sender must use; WSLab fails with 1002"
      }
      fields.append(
        TraceField(
          range: offset..<end, name: "ext. length", value: String(extended), meaning: meaning, section: section))
      offset = end
    }
    let length = header.payloadLength ?? 0

    let key = header.maskingKey
    if masked {
      let end = offset + header.maskingKeyBytesPresent
      fields.append(
        TraceField(
          range: offset..<end, name: "masking key", value: Array(wire[offset..<end]).hexString,
          meaning: key == nil
            ? "\(end - offset) of 4 key bytes present"
            : "payload byte i is XORed with key byte i mod 4", section: "RFC 6455 §5.3"))
      offset = end
      if key == nil {
        return TraceRecord(
          title: "frame: \(opcode.name) (header incomplete)", direction: direction, bytes: wire, fields: fields)
      }
    }

    let payloadEnd = offset + Int(min(length, UInt64(wire.count - offset)))
    var payload = Array(wire[offset..<payloadEnd])
    if let key { key.apply(to: &payload) }
    let present = payloadEnd - offset
    let complete = UInt64(present) == length
    let partial = complete ? "" : " (\(present) of \(length) bytes present)"
    let maskNote = masked ? "unmasked: " : ""

    if opcode == .close && present >= 2 {
      let code = CloseCode(rawValue: UInt16(payload[0]) << 8 | UInt16(payload[1]))
      fields.append(
        TraceField(
          range: offset..<(offset + 2), name: "status code", value: String(code.rawValue),
          meaning: (masked ? "masked; " : "") + code.name
            + (code.isValidOnWire ? "" : " — a code no endpoint may send (§7.4); WSLab fails with 1002"),
          section: "RFC 6455 §7.4"))
      if present > 2 {
        fields.append(
          TraceField(
            range: (offset + 2)..<payloadEnd, name: "reason", value: Trace.quoted(payload[2...]),
            meaning: "UTF-8 reason, for humans" + partial, section: "RFC 6455 §5.5.1"))
      }
      summary.append("\(code.rawValue)")
    } else if present > 0 || length == 0 {
      let value: String
      let meaning: String
      switch opcode {
      case .text where rsv & 0x40 != 0 && allowedRSV.map({ $0 & 0x40 != 0 }) ?? true,
        .binary where rsv & 0x40 != 0 && allowedRSV.map({ $0 & 0x40 != 0 }) ?? true:
        value = "\(length) bytes"
        meaning =
          (masked ? "masked; " : "")
          + (allowedRSV == nil
            ? "compressed with permessage-deflate if it was negotiated (RSV1), else the frame is invalid"
            : "compressed with permessage-deflate (RSV1): the receiver inflates it first") + partial
      case .binary:
        value = "\(length) bytes"
        meaning = (masked ? "masked binary data" : "binary data") + partial
      case .text, .continuation, .ping, .pong, .close:
        value = Trace.quoted(payload)
        meaning = (masked ? "masked payload, \(maskNote)\(value)" : "application data") + partial
      default:
        value = "\(length) bytes"
        meaning = "payload of a reserved opcode" + partial
      }
      if length == 0 {
        fields.append(
          TraceField(range: offset..<offset, name: "payload", value: "(empty)", meaning: "no payload", section: nil))
      } else {
        fields.append(
          TraceField(range: offset..<payloadEnd, name: "payload", value: value, meaning: meaning, section: nil))
      }
      if opcode != .binary && length > 0 { summary.append(Trace.quoted(payload, limit: 24)) }
    }
    if rsv & 0x40 != 0, let allowedRSV, allowedRSV & 0x40 == 0, opcode == .text || opcode == .binary,
      let last = fields.indices.last, fields[last].name == "payload", length > 0
    {
      fields[last].meaning += "; not compressed: no extension was negotiated, so RSV1 means nothing here"
    }
    var flags: [String] = []
    if !fin { flags.append("FIN=0") }
    if rsv & 0x40 != 0 { flags.append("RSV1") }
    if masked { flags.append("masked") }
    flags.append("\(wire.count) bytes")
    let title = "frame: " + summary.joined(separator: " ") + " (" + flags.joined(separator: ", ") + ")"
    return TraceRecord(title: title, direction: direction, bytes: wire, fields: fields)
  }

  static func rsvMeaning(_ rsv: UInt8, allowedRSV: UInt8?) -> String {
    if rsv == 0 { return "reserved bits, 0 unless an extension defines them" }
    if let allowedRSV {
      if rsv & ~allowedRSV != 0 {
        return rsv & ~allowedRSV == 0x40
          ? "RSV1 set, but no negotiated extension defines it: fail with 1002"
          : "reserved bits set that no negotiated extension defines: fail with 1002"
      }
      return rsv == 0x40
        ? "RSV1 set: a compressed message (permessage-deflate, RFC 7692 §6)"
        : "reserved bits set, as a negotiated extension defines them"
    }
    return rsv == 0x40
      ? "RSV1 set: a compressed message if permessage-deflate was negotiated (RFC 7692 §6), else 1002"
      : "reserved bits set: only a negotiated extension may set them, else 1002"
  }

  /// MASK against who really sent the frame: every client frame is masked, no server frame is
  /// (RFC 6455 §5.1); the receiver fails the connection otherwise.
  static func maskMeaning(_ masked: Bool, direction: TraceDirection) -> String {
    switch (direction, masked) {
    case (.clientToServer, true): return "payload is masked, as every client frame must be; the key follows the length"
    case (.clientToServer, false): return "not masked, but a client must mask every frame: the server fails with 1002"
    case (.serverToClient, false): return "payload is not masked: a server never masks"
    case (.serverToClient, true): return "masked, but a server must not mask: the client fails with 1002"
    case (_, true): return "payload is masked; a 4-byte key follows the length (only clients mask)"
    case (_, false): return "payload is not masked (only clients mask)"
    }
  }
}
