import Deflate
import Framing
import Trace

/// What `wslab decode` does, as a function (so that it is tested and fuzzed without a process):
/// bytes from hex text, then through a real receiving ``Connection``, rendered with every frame
/// annotated and a verdict.
public enum WireDecoder {
  /// Hex text that is not a whole number of bytes, with where it goes wrong.
  public struct HexError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
  }

  /// The bytes written as hex: spaces, colons, commas and `0x` prefixes are ignored.
  public static func bytes(fromHex text: String) throws(HexError) -> [UInt8] {
    var bytes: [UInt8] = []
    var high: UInt8?
    var position = 0  // characters read, for the error message
    let scalars = Array(text.unicodeScalars)
    var i = 0
    while i < scalars.count {
      let c = scalars[i]
      position += 1
      if c == "0", i + 1 < scalars.count, scalars[i + 1] == "x" || scalars[i + 1] == "X", high == nil {
        i += 2
        position += 1
        continue
      }
      i += 1
      if c == " " || c == "\t" || c == "\n" || c == "\r" || c == ":" || c == "," { continue }
      let value: UInt8
      switch c.value {
      case 0x30...0x39: value = UInt8(c.value - 0x30)
      case 0x41...0x46: value = UInt8(c.value - 0x41 + 10)
      case 0x61...0x66: value = UInt8(c.value - 0x61 + 10)
      default:
        let shown =
          c.isASCII && c.value >= 0x20 && c.value < 0x7f
          ? "'\(Character(c))'" : "U+\(String(c.value, radix: 16, uppercase: true))"
        throw HexError(description: "\(shown) at character \(position) is not a hex digit")
      }
      if let h = high {
        bytes.append(h << 4 | value)
        high = nil
      } else {
        high = value
      }
    }
    if high != nil {
      throw HexError(
        description: "an odd number of hex digits: the last byte has only one (\(bytes.count) whole bytes before it)")
    }
    if bytes.isEmpty { throw HexError(description: "no hex bytes given") }
    return bytes
  }

  /// The extensions a receiver has when `deflate` says permessage-deflate was negotiated.
  static func extensions(deflate: Bool, contextTakeover: Bool, receiver: Role) -> [any WebSocketExtension] {
    guard deflate else { return [] }
    let parameters = DeflateParameters(
      serverNoContextTakeover: !contextTakeover, clientNoContextTakeover: !contextTakeover)
    return [
      PerMessageDeflateExtension(
        PerMessageDeflate(parameters: parameters, options: DeflateOptions(), isServer: receiver == .server))
    ]
  }

  /// How the bytes ended.
  public enum Verdict: Sendable, Equatable {
    /// Every byte was part of a valid frame.
    case valid(frames: Int, messages: Int)
    /// A rule was broken: the receiver fails the connection with this close code.
    case invalid(ConnectionFailure)
    /// The last bytes start a frame that has not fully arrived.
    case incomplete(bytes: Int)
  }

  public struct Report: Sendable {
    /// The annotated frames, the messages, and the `result:` line.
    public var text: String
    public var verdict: Verdict
    public var sender: Role
  }

  /// Feeds `bytes` to a receiving ``Connection`` (the server's when `sender` is the client) and
  /// renders what it reports. `sender` nil: the first frame's MASK bit decides (masked: a client).
  /// `language` rewrites the annotations and the report's own lines (English: as they are).
  public static func decode(
    _ bytes: [UInt8], from sender: Role? = nil, deflate: Bool = false, contextTakeover: Bool = false,
    style: TraceRenderer.Style = .plain, language: TraceLanguage = .english
  ) -> Report {
    let sender = sender ?? (bytes.count > 1 && bytes[1] & 0x80 != 0 ? .client : .server)
    let receiver = sender.peer
    let extensions = Self.extensions(deflate: deflate, contextTakeover: contextTakeover, receiver: receiver)
    let log = TraceLog()
    var connection = Connection(
      openWith: Connection.Configuration(role: receiver), extensions: extensions, observer: log)
    connection.receive(bytes)
    let events = connection.drainEvents()
    var renderer = TraceRenderer(style: style)
    renderer.labels = language.labels
    var text =
      language.text(
        "decoding \(bytes.count) bytes as the \(receiver.rawValue) receives them (sent by the \(sender.rawValue))")
      + "\n"
    var frames = 0
    for event in log.drain() {
      // Only what the peer sent: the connection's own answers (pongs, close replies) are notes.
      if case .bytes(let record) = event {
        guard record.direction == sender.sendDirection else { continue }
        frames += 1
      }
      text += renderer.render(language.event(event))
    }
    let messages = events.filter(\.isMessage).count
    let verdict: Verdict
    if let failure = events.lazy.compactMap({ if case .failed(let f) = $0 { f } else { nil } }).first {
      let code = failure.closeCode
      text +=
        language.text(
          "result: invalid: \(failure); the \(receiver.rawValue) fails the connection with close \(code.rawValue)")
        + "\n"
      verdict = .invalid(failure)
    } else if connection.bufferedInputBytes > 0 {
      let rest = Array(bytes.suffix(connection.bufferedInputBytes))
      text += renderer.render(language.event(.bytes(FrameAnnotator.record(for: rest, direction: sender.sendDirection))))
      text +=
        language.text("result: incomplete: the last \(rest.count) byte(s) start a frame that has not fully arrived")
        + "\n"
      verdict = .incomplete(bytes: rest.count)
    } else {
      text += language.text("result: valid: \(frames) frame(s), \(messages) data message(s)") + "\n"
      verdict = .valid(frames: frames, messages: messages)
    }
    return Report(text: text, verdict: verdict, sender: sender)
  }
}
