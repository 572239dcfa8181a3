import Trace

/// The 4-bit opcode of a frame (RFC 6455 §5.2, registry in §11.8).
public struct Opcode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  public let rawValue: UInt8

  /// Creates an opcode from the low 4 bits of `rawValue`.
  public init(rawValue: UInt8) {
    self.rawValue = rawValue & 0x0f
  }

  public static let continuation = Opcode(rawValue: 0x0)
  public static let text = Opcode(rawValue: 0x1)
  public static let binary = Opcode(rawValue: 0x2)
  public static let close = Opcode(rawValue: 0x8)
  public static let ping = Opcode(rawValue: 0x9)
  public static let pong = Opcode(rawValue: 0xa)

  /// Control frames have the most significant opcode bit set (RFC 6455 §5.5).
  public var isControl: Bool { rawValue & 0x8 != 0 }

  /// 0x3–0x7 and 0xB–0xF are reserved for future use (RFC 6455 §5.2).
  public var isReserved: Bool {
    switch rawValue {
    case 0x0, 0x1, 0x2, 0x8, 0x9, 0xa: false
    default: true
    }
  }

  /// `text`, `binary`, `continuation`, `close`, `ping`, `pong`, or `reserved 0x3`.
  public var name: String {
    switch rawValue {
    case 0x0: "continuation"
    case 0x1: "text"
    case 0x2: "binary"
    case 0x8: "close"
    case 0x9: "ping"
    case 0xa: "pong"
    default: isControl ? "reserved control \(Trace.shortHex(rawValue))" : "reserved data \(Trace.shortHex(rawValue))"
    }
  }

  public var description: String { name }
}
