/// The fields of a frame header (RFC 6455 §5.2) as far as the bytes go, read with no rule
/// applied.
///
/// This is the one place the header layout is read. The decoder checks the rules on what it
/// returns (``FrameDecoder/Configuration/violation(in:)``) and ``FrameAnnotator`` explains it, so
/// the two can never disagree about where a field starts or what it holds.
///
/// ```
/// byte 0     FIN | RSV1 RSV2 RSV3 | opcode (4 bits)
/// byte 1     MASK | length (7 bits: 0-125, or 126 / 127 for the extended forms)
/// 2 or 8     extended length, big-endian, when length is 126 or 127
/// 4          masking key, when MASK is 1
/// ```
public struct FrameHeaderFields: Sendable, Equatable {
  public var byte0: UInt8
  /// MASK and the 7-bit length, once byte 1 has arrived.
  public var byte1: UInt8?
  /// How many bytes of the extended length have arrived (at most ``extendedLengthByteCount``).
  public var extendedLengthBytesPresent = 0
  /// The first byte of the extended length: a 64-bit length must have its top bit clear, and
  /// that is known as soon as this byte arrives.
  public var firstExtendedLengthByte: UInt8?
  /// The extended length, once all its bytes have arrived.
  public var extendedLength: UInt64?
  /// How many masking key bytes have arrived (0-4).
  public var maskingKeyBytesPresent = 0
  /// The masking key, once all four bytes have arrived.
  public var maskingKey: MaskingKey?

  /// Reads the fields from the start of `bytes`; nil when `bytes` is empty. Bytes after the
  /// header are not looked at.
  public init?(reading bytes: UnsafeRawBufferPointer) {
    guard let first = bytes.first else { return nil }
    byte0 = first
    guard bytes.count >= 2 else { return }
    let b1 = bytes[1]
    byte1 = b1
    var offset = 2
    let n = Self.extendedLengthByteCount(length7: b1 & 0x7f)
    if n > 0 {
      let present = min(n, bytes.count - 2)
      extendedLengthBytesPresent = present
      if present > 0 { firstExtendedLengthByte = bytes[2] }
      guard present == n else { return }
      var value: UInt64 = 0
      for i in 2..<(2 + n) { value = value << 8 | UInt64(bytes[i]) }
      extendedLength = value
      offset += n
    }
    if b1 & 0x80 != 0 {
      let present = min(4, bytes.count - offset)
      maskingKeyBytesPresent = present
      if present == 4 {
        maskingKey = MaskingKey(bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3])
      }
    }
  }

  /// Reads the fields from the start of `bytes`; nil when `bytes` is empty.
  public init?(reading bytes: some Collection<UInt8>) {
    guard let fields = Array(bytes.prefix(FrameHeader.maxEncodedSize)).withUnsafeBytes({ Self(reading: $0) }) else {
      return nil
    }
    self = fields
  }

  public var fin: Bool { byte0 & 0x80 != 0 }
  /// The three reserved bits as they sit in byte 0 (RSV1 = 0x40).
  public var rsv: UInt8 { byte0 & 0x70 }
  public var opcode: Opcode { Opcode(rawValue: byte0) }
  /// MASK, once byte 1 has arrived.
  public var isMasked: Bool? { byte1.map { $0 & 0x80 != 0 } }
  /// The 7-bit length field, once byte 1 has arrived.
  public var length7: UInt8? { byte1.map { $0 & 0x7f } }

  /// Bytes of extended length that follow byte 1: 0, 2 (length7 = 126) or 8 (length7 = 127).
  public static func extendedLengthByteCount(length7: UInt8) -> Int {
    length7 == 126 ? 2 : (length7 == 127 ? 8 : 0)
  }

  /// 0, 2 or 8 once byte 1 has arrived; 0 before.
  public var extendedLengthByteCount: Int { length7.map(Self.extendedLengthByteCount(length7:)) ?? 0 }

  /// The payload length, once every byte that encodes it has arrived.
  public var payloadLength: UInt64? {
    guard let length7 else { return nil }
    return length7 < 126 ? UInt64(length7) : extendedLength
  }

  /// Offset of the masking key (or of the payload, when unmasked): 2, 4 or 10.
  public var lengthEnd: Int { 2 + extendedLengthByteCount }

  /// The header's size once all of it has arrived (2 to 14 bytes), else nil.
  public var size: Int? {
    guard let masked = isMasked, payloadLength != nil else { return nil }
    if masked && maskingKey == nil { return nil }
    return lengthEnd + (masked ? 4 : 0)
  }

  /// The complete header, once ``size`` is known.
  public var header: FrameHeader? {
    guard size != nil, let length = payloadLength else { return nil }
    return FrameHeader(
      fin: fin, rsv: rsv, opcode: opcode, maskingKey: maskingKey, payloadLength: Int(clamping: length))
  }
}

extension FrameDecoder.Configuration {
  /// The first header rule that `fields` break, and the offset (from the frame's first byte) of
  /// the byte that breaks it; nil when every rule that the bytes present can decide holds.
  ///
  /// Each rule is checked as soon as the byte that decides it is there (fail fast), in the order
  /// the bytes arrive.
  public func violation(in fields: FrameHeaderFields) -> (kind: ProtocolError.Kind, offset: Int)? {
    // Byte 0: FIN, RSV1-3, opcode.
    let opcode = fields.opcode
    let rsv = fields.rsv & ~allowedRSV
    if rsv != 0 { return (.reservedBitsSet(rsv), 0) }
    if opcode.isReserved { return (.reservedOpcode(opcode.rawValue), 0) }
    if opcode.isControl && !fields.fin { return (.fragmentedControlFrame(opcode), 0) }

    // Byte 1: MASK and the 7-bit length.
    guard let b1 = fields.byte1 else { return nil }
    let masked = b1 & 0x80 != 0
    if role == .server && !masked { return (.unmaskedFrameFromClient, 1) }
    if role == .client && masked { return (.maskedFrameFromServer, 1) }
    let length7 = b1 & 0x7f
    if opcode.isControl && length7 > 125 { return (.controlFrameTooLong(opcode: opcode, length: UInt64(length7)), 1) }

    // The extended length: minimal encoding (WSLab's choice, as Autobahn's cases expect) and, for
    // 64 bits, the top bit clear (§5.2).
    if length7 == 127, let first = fields.firstExtendedLengthByte, first & 0x80 != 0 { return (.lengthHighBitSet, 2) }
    guard let length = fields.payloadLength else { return nil }
    if length7 == 126 && length < 126 { return (.nonMinimalLength(length: length, lengthBytes: 2), 3) }
    if length7 == 127 && length <= 0xffff { return (.nonMinimalLength(length: length, lengthBytes: 8), 9) }
    if length > UInt64(max(0, maxFrameSize)) {
      return (.frameTooLarge(length: length, limit: maxFrameSize), fields.lengthEnd - 1)
    }
    return nil
  }
}
