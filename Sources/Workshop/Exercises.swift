import Connection
import Crypto
import Deflate
import DeflateReader
import Framing
import Handshake
import NIOCore
import Server
import Trace

/// Every lesson's exercises, as `wslab check ID ANSWER` checks them.
///
/// The expected answer is never stored: each exercise computes it with the codec when it is
/// checked (the accept value with ``WebSocketAccept``, a close code by feeding bytes to a receiving
/// ``Connection``, a status by running ``ServerHandshake`` with a policy, a compressed size with
/// ``PerMessageDeflate``), so a check cannot disagree with what the lessons show. A wrong answer
/// gets a hint, and the known mistakes (MD5 for SHA-1, hashing the decoded key, forgetting the
/// masking key in a header) get a hint of their own.
///
/// No I/O, no clock: the server and cluster answers come from the same pure functions the server
/// uses.
public struct WorkshopExercise: Sendable {
  /// `LESSON.N`, as the lesson numbers its exercises: `1.1`, `8.3`.
  public let id: String
  public var lesson: Int { Int(id.split(separator: ".")[0])! }
  /// What to answer, in one sentence.
  public let task: String
  /// How to write the answer, such as `BASE64`, `NUMBER`, `HEX BYTES`, `YES|NO YES|NO YES|NO`.
  public let form: String
  /// Answers learners often give that are wrong, each with the mistake it reveals (tests check
  /// that every one of them is refused with that hint).
  public let mistakes: [(answer: String, hint: String)]
  /// The hint for any other wrong answer.
  public let hint: String
  /// How answers are compared once normalised (see ``Normalise``).
  let normalise: @Sendable (String) -> String
  /// The answer, computed by the codec.
  let compute: @Sendable () -> String

  /// `wslab check 1.1 BASE64`: the command a lesson prints under the exercise.
  public var command: String { "wslab check \(id) \(form.contains(" ") ? "\"\(form)\"" : form)" }

  /// The expected answer, computed now.
  public func answer() -> String { compute() }

  public enum Result: Sendable, Equatable {
    case right(String)
    case wrong(hint: String)
  }

  /// Checks a learner's answer.
  public func check(_ answer: String) -> Result {
    let expected = compute()
    let given = normalise(answer)
    if given == normalise(expected) { return .right(expected) }
    if let mistake = mistakes.first(where: { normalise($0.answer) == given }) { return .wrong(hint: mistake.hint) }
    return .wrong(hint: hint)
  }
}

/// How answers are compared: case, spacing and separators do not matter.
enum Normalise {
  static func tokens(_ s: String) -> [Substring] {
    s.lowercased().split(whereSeparator: { " ,:;\t\n".contains($0) })[...].map { $0 }
  }
  /// Hex bytes: `55 71 02`, `557102`, `0x55, 0x71` and `55:71:02` are the same.
  @Sendable static func hex(_ s: String) -> String {
    tokens(s).map { $0.hasPrefix("0x") ? $0.dropFirst(2) : $0 }.joined()
  }
  /// Words and numbers: lower case, single spaces; "bytes" and "and" ignored, and commas too
  /// (`1,048,576` is a number, `yes, no` two words).
  @Sendable static func words(_ s: String) -> String {
    let spaced = s.lowercased().split(separator: ", ", omittingEmptySubsequences: false).joined(separator: " ")
    return spaced.filter { $0 != "," }.split(whereSeparator: { " ;\t\n".contains($0) })
      .filter { !["bytes", "byte", "and"].contains($0) }.joined(separator: " ")
  }
  /// As written, without surrounding spaces (base64 is case-sensitive).
  @Sendable static func exact(_ s: String) -> String {
    String(s.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
  }
  /// A header value: lower case, no spaces.
  @Sendable static func header(_ s: String) -> String {
    s.lowercased().filter { $0 != " " && $0 != "\t" }
  }
}

/// The computations the answers share.
enum Codec {
  static let guid = WebSocketAccept.guid
  /// The seeded key of lesson 1, section 2 (the lessons' generator, seed 1).
  static let lessonOneKey = "EBfUJOozc2+oWH0qCh4ijQ=="
  static let rfcKey = MaskingKey(0x37, 0xfa, 0x21, 0x3d)
  /// RFC 6455 §5.7: a masked "Hello" from a client.
  static let maskedHello: [UInt8] = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]

  static func base64(_ bytes: some Sequence<UInt8>) -> String { Base64.encode(Array(bytes)) }

  /// The close code a receiver fails the connection with, or nil when the bytes are valid.
  static func closeCode(_ bytes: [UInt8], from sender: Role) -> Int? {
    if case .invalid(let failure) = WireDecoder.decode(bytes, from: sender).verdict {
      return Int(failure.closeCode.rawValue)
    }
    return nil
  }

  /// A request to the server, built by the real client handshake, with one header set.
  static func request(setting name: String? = nil, to value: String? = nil, extra: [(String, String)] = [])
    -> [UInt8]
  {
    var options = ClientHandshake.Options(host: "server.example.com", path: "/chat")
    for (n, v) in extra { options.extraHeaders.append(name: n, value: v) }
    let base = ClientHandshake(options: options, keyBytes: Array("the sample nonce".utf8)).requestBytes()
    guard let name else { return base }
    var lines = String(decoding: base, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
      .map(String.init)
    if let i = lines.firstIndex(where: { $0.lowercased().hasPrefix(name.lowercased() + ":") }) {
      lines[i] = "\(name): \(value ?? "")"
    }
    return Array(lines.joined(separator: "\r\n").utf8)
  }

  /// The status the server answers `request` with under `policy` (101 when it accepts).
  static func status(_ request: [UInt8], policy: ServerHandshakePolicy = ServerHandshakePolicy()) -> Int {
    var server = ServerHandshake(policy: policy)
    switch server.feed(request) {
    case .accept?: return 101
    case .reject(let rejection)?: return rejection.status
    case nil: return 0
    }
  }

  static func frame(_ payload: [UInt8], key: MaskingKey? = nil, opcode: Opcode = .text, fin: Bool = true) -> [UInt8] {
    FrameEncoder().frameBytes(opcode: opcode, fin: fin, maskingKey: key, payload: payload)
  }

  /// Payload bytes of each message compressed one after another (context takeover unless
  /// `takeover` is false).
  static func compressedSizes(_ messages: [String], level: Int = 6, takeover: Bool = true) -> [Int] {
    let deflate = PerMessageDeflate(
      parameters: DeflateParameters(serverNoContextTakeover: !takeover),
      options: DeflateOptions(compressionLevel: level), isServer: true)
    return messages.map { (try? deflate.compress(ByteBuffer(string: $0), isLast: true).readableBytes) ?? -1 }
  }

  static func yesNo(_ flag: Bool) -> String { flag ? "yes" : "no" }
}

/// The JSON chat of lesson 4, section 5 (also the workshop's example stream).
public let workshopChat = [
  #"{"type":"join","room":"general","user":"ada"}"#,
  #"{"type":"message","room":"general","user":"ada","text":"Hello everyone!"}"#,
  #"{"type":"message","room":"general","user":"grace","text":"Hi Ada, welcome to the workshop."}"#,
  #"{"type":"message","room":"general","user":"ada","text":"Thanks! Is the benchmark running yet?"}"#,
  #"{"type":"message","room":"general","user":"linus","text":"Running now, WebSocket against long polling."}"#,
  #"{"type":"typing","room":"general","user":"grace"}"#,
  #"{"type":"message","room":"general","user":"grace","text":"The long polling numbers look much worse."}"#,
  #"{"type":"message","room":"general","user":"ada","text":"Every message pays for a whole HTTP request."}"#,
  #"{"type":"leave","room":"general","user":"linus"}"#,
  #"{"type":"message","room":"general","user":"ada","text":"See you all next week!"}"#,
]

/// The message lesson 6 measures.
public let workshopEchoMessage = #"{"user":"ada","text":"hi"}"#
