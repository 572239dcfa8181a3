import NIOCore

/// The header of a WebSocket frame (RFC 6455 §5.2).
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-------+-+-------------+-------------------------------+
/// |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
/// |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
/// |N|V|V|V|       |S|             |   (if payload len==126/127)   |
/// | |1|2|3|       |K|             |                               |
/// +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
/// |     Extended payload length continued, if payload len == 127  |
/// + - - - - - - - - - - - - - - - +-------------------------------+
/// |                               |Masking-key, if MASK set to 1  |
/// +-------------------------------+-------------------------------+
/// ```
public struct FrameHeader: Sendable, Hashable {
  public var fin: Bool
  /// The three reserved bits as they sit in byte 0: RSV1 = 0x40, RSV2 = 0x20, RSV3 = 0x10.
  public var rsv: UInt8
  public var opcode: Opcode
  /// Present when MASK = 1.
  public var maskingKey: MaskingKey?
  public var payloadLength: Int

  public init(
    fin: Bool = true, rsv: UInt8 = 0, opcode: Opcode, maskingKey: MaskingKey? = nil, payloadLength: Int
  ) {
    self.fin = fin
    self.rsv = rsv & 0x70
    self.opcode = opcode
    self.maskingKey = maskingKey
    self.payloadLength = payloadLength
  }

  public var rsv1: Bool { rsv & 0x40 != 0 }
  public var rsv2: Bool { rsv & 0x20 != 0 }
  public var rsv3: Bool { rsv & 0x10 != 0 }
  public var isMasked: Bool { maskingKey != nil }

  /// Bytes of the extended length field: 0 (length ≤ 125), 2 (≤ 65535) or 8.
  public static func extendedLengthBytes(for length: Int) -> Int {
    length <= 125 ? 0 : (length <= 0xffff ? 2 : 8)
  }

  /// Size of the encoded header: 2 to 14 bytes.
  public var encodedSize: Int {
    2 + Self.extendedLengthBytes(for: payloadLength) + (maskingKey == nil ? 0 : 4)
  }

  /// The largest header is 14 bytes: 2 + 8 (64-bit length) + 4 (masking key).
  public static let maxEncodedSize = 14

  /// Writes the header with the minimal length encoding (RFC 6455 §5.2).
  @inlinable
  public func write(to buffer: inout ByteBuffer) {
    var b0 = rsv | opcode.rawValue
    if fin { b0 |= 0x80 }
    let maskBit: UInt8 = maskingKey == nil ? 0 : 0x80
    if payloadLength <= 125 {
      buffer.writeMultipleIntegers(b0, maskBit | UInt8(payloadLength))
    } else if payloadLength <= 0xffff {
      buffer.writeMultipleIntegers(b0, maskBit | 126, UInt16(payloadLength))
    } else {
      buffer.writeMultipleIntegers(b0, maskBit | 127, UInt64(payloadLength))
    }
    if let key = maskingKey {
      buffer.writeMultipleIntegers(key.b0, key.b1, key.b2, key.b3)
    }
  }

  /// The encoded header as an array.
  public var bytes: [UInt8] {
    var buffer = ByteBuffer()
    write(to: &buffer)
    return buffer.readBytes(length: buffer.readableBytes) ?? []
  }
}

/// A complete frame: its header and its payload, already unmasked.
public struct Frame: Sendable, Hashable {
  public var header: FrameHeader
  /// The application (or extension) data, unmasked.
  public var payload: ByteBuffer

  public init(header: FrameHeader, payload: ByteBuffer) {
    self.header = header
    self.payload = payload
  }

  /// A frame with a header made up for `payload`.
  public init(
    fin: Bool = true, rsv: UInt8 = 0, opcode: Opcode, maskingKey: MaskingKey? = nil, payload: ByteBuffer
  ) {
    self.header = FrameHeader(
      fin: fin, rsv: rsv, opcode: opcode, maskingKey: maskingKey, payloadLength: payload.readableBytes)
    self.payload = payload
  }

  public var fin: Bool { header.fin }
  public var opcode: Opcode { header.opcode }
}
