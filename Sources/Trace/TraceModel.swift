/// The trace model every protocol layer reports into.
///
/// A layer that parses or builds protocol bytes describes them as a ``TraceRecord``: the bytes
/// themselves plus a list of ``TraceField``s, each naming a byte range (or some bits of one byte),
/// its decoded value, a one-line meaning and the RFC section the rule comes from. Renderers
/// (``TraceRenderer``) turn records into an annotated dissection for terminals, golden files and
/// HTML. Because the records come from the real codec, a lesson never prints protocol bytes by hand.
///
/// The model does no I/O, reads no clock and starts no threads.
public struct TraceField: Sendable, Equatable {
  /// Byte offsets of the field within ``TraceRecord/bytes``.
  public var range: Range<Int>
  /// For a bit field: the mask of the bits within the byte at `range.lowerBound` (for example
  /// `0x80` for FIN, `0x0f` for the opcode). `nil` for whole-byte fields.
  public var bits: UInt8?
  /// Short field name, such as `FIN`, `opcode` or `Sec-WebSocket-Key`.
  public var name: String
  /// The decoded value, as a reader should see it (`1`, `0x1`, `"Hello"`, `126`).
  public var value: String
  /// One line saying what the value means.
  public var meaning: String
  /// Where the rule comes from, such as `RFC 6455 §5.2`.
  public var section: String?

  public init(
    range: Range<Int>, bits: UInt8? = nil, name: String, value: String, meaning: String,
    section: String? = nil
  ) {
    self.range = range
    self.bits = bits
    self.name = name
    self.value = value
    self.meaning = meaning
    self.section = section
  }
}

/// Which end of a WebSocket connection: the one type every layer uses for it. Clients mask what
/// they send, servers never do (RFC 6455 §5.1); in the opening handshake the server checks the
/// request and the client checks the response (§4).
public enum Role: String, Sendable, Hashable {
  case client
  case server

  /// The other end.
  public var peer: Role { self == .client ? .server : .client }

  /// Direction of bytes this role sends.
  public var sendDirection: TraceDirection { self == .client ? .clientToServer : .serverToClient }
}

/// Which way bytes travel.
public enum TraceDirection: String, Sendable, Equatable {
  case clientToServer = "client → server"
  case serverToClient = "server → client"
  case unspecified = ""
}

/// One run of annotated bytes: a frame, an HTTP head, a deflate block.
public struct TraceRecord: Sendable, Equatable {
  /// How the bytes are best shown.
  public enum Layout: Sendable, Equatable {
    /// Offset, hex bytes, bit breakdown and annotation: frames and binary data.
    case hex
    /// One line of text per field with CR LF made visible: HTTP heads.
    case text
  }

  /// A short headline, such as `frame: text "Hello" (7 bytes)`.
  public var title: String
  public var direction: TraceDirection
  public var layout: Layout
  /// The bytes the fields point into.
  public var bytes: [UInt8]
  /// Fields in byte order. Bit fields of one byte are listed together, most significant first.
  public var fields: [TraceField]

  public init(
    title: String, direction: TraceDirection = .unspecified, layout: Layout = .hex,
    bytes: [UInt8], fields: [TraceField] = []
  ) {
    self.title = title
    self.direction = direction
    self.layout = layout
    self.bytes = bytes
    self.fields = fields
  }
}

/// Something a layer reports while it works.
public enum TraceEvent: Sendable, Equatable {
  /// Bytes parsed or built, with their annotation.
  case bytes(TraceRecord)
  /// A state machine moved from one state to another.
  case transition(from: String, to: String, reason: String)
  /// A remark that belongs next to the bytes (a decision, an error and its close code).
  case note(String)
}

/// Receives trace events from a layer.
///
/// Layers keep an optional observer and build records only when one is set, so a layer with no
/// observer allocates nothing for tracing.
public protocol TraceObserver: AnyObject {
  func record(_ event: TraceEvent)
}

/// An observer that keeps every event, in order. Handy for lessons and tests.
public final class TraceLog: TraceObserver {
  public private(set) var events: [TraceEvent] = []

  public init() {}

  public func record(_ event: TraceEvent) {
    events.append(event)
  }

  /// The byte records only.
  public var records: [TraceRecord] {
    events.compactMap { if case .bytes(let r) = $0 { r } else { nil } }
  }

  /// Returns the events recorded so far and forgets them.
  public func drain() -> [TraceEvent] {
    defer { events.removeAll() }
    return events
  }
}

extension Array where Element == UInt8 {
  /// `81 05 48 65` style hex.
  public var hexString: String {
    map { Trace.hex($0) }.joined(separator: " ")
  }
}

/// Small formatting helpers shared by layers and renderers.
public enum Trace {
  static let digits: [Character] = Array("0123456789abcdef")

  /// Two lower-case hex digits.
  public static func hex(_ byte: UInt8) -> String {
    String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
  }

  /// `0x1`, `0xa` style hex for small values.
  public static func shortHex(_ value: UInt8) -> String {
    "0x" + String(value, radix: 16)
  }

  /// The bits of `byte` selected by `mask`, as `1.......`-style text (dots for other bits).
  public static func bitPattern(_ byte: UInt8, mask: UInt8) -> String {
    var s = ""
    for i in (0..<8).reversed() {
      let bit = UInt8(1) << UInt8(i)
      s.append(mask & bit == 0 ? "." : (byte & bit == 0 ? "0" : "1"))
    }
    return s
  }

  /// The value of the bits selected by `mask`, shifted down.
  public static func bits(_ byte: UInt8, mask: UInt8) -> UInt8 {
    guard mask != 0 else { return 0 }
    return (byte & mask) >> UInt8(mask.trailingZeroBitCount)
  }

  /// A printable, quoted rendering of a payload: UTF-8 shown as text, control characters and
  /// bytes that are not valid UTF-8 escaped (`"Hi\\xc3("`). Never fails, even on invalid or
  /// truncated UTF-8 (a sequence cut at the end is shown as escaped bytes). Binary-looking data
  /// (mostly invalid) is shown as hex instead.
  public static func quoted(_ bytes: some Collection<UInt8>, limit: Int = 64) -> String {
    let shown = Array(bytes.prefix(limit))
    let more = bytes.count > limit ? "…" : ""
    var out = ""
    var invalid = 0
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = shown.makeIterator()
    var consumed = 0
    loop: while true {
      switch parser.parseScalar(from: &iterator) {
      case .valid(let encoded):
        let scalar = Unicode.UTF8.decode(encoded)
        out += escape(String(scalar))
        consumed += encoded.count
      case .error(let length):
        for b in shown[consumed..<(consumed + length)] { out += "\\x" + hex(b) }
        invalid += length
        consumed += length
      case .emptyInput:
        break loop
      }
    }
    if invalid * 2 > shown.count && shown.count >= 4 {
      return shown.hexString + (more.isEmpty ? "" : " …")
    }
    return "\"" + out + "\"" + more
  }

  /// Text as it appears on the wire, one line: UTF-8 decoded, CR, LF and tab shown as `\\r`,
  /// `\\n`, `\\t`, other control characters and invalid bytes as `\\xNN`.
  public static func visibleText(_ bytes: some Collection<UInt8>) -> String {
    let bytes = Array(bytes)
    var out = ""
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var consumed = 0
    while true {
      switch parser.parseScalar(from: &iterator) {
      case .valid(let encoded):
        let scalar = Unicode.UTF8.decode(encoded)
        consumed += encoded.count
        switch scalar.value {
        case 0x0d: out += "\\r"
        case 0x0a: out += "\\n"
        case 0x09: out += "\\t"
        case 0..<0x20, 0x7f: out += "\\x" + hex(UInt8(scalar.value))
        default: out.unicodeScalars.append(scalar)
        }
      case .error(let length):
        for b in bytes[consumed..<(consumed + length)] { out += "\\x" + hex(b) }
        consumed += length
      case .emptyInput:
        return out
      }
    }
  }

  /// The text with control characters (C0, DEL, C1) escaped and everything else kept: the last
  /// line of defence before text reaches a terminal, so peer bytes cannot move the cursor,
  /// retitle the window or clear the screen.
  public static func sanitized(_ s: String) -> String {
    guard s.unicodeScalars.contains(where: isControl) else { return s }
    var out = ""
    for scalar in s.unicodeScalars {
      if isControl(scalar) {
        out += "\\u{" + String(scalar.value, radix: 16) + "}"
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value)
  }

  /// Escapes control characters, quotes and backslashes for one-line display.
  public static func escape(_ s: String) -> String {
    var out = ""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\r": out += "\\r"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7f {
          out += "\\u{" + String(scalar.value, radix: 16) + "}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }
}
