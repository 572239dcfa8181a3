/// A close status code (RFC 6455 §7.4, IANA registry in §11.7).
public struct CloseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  public let rawValue: UInt16

  public init(rawValue: UInt16) { self.rawValue = rawValue }

  /// 1000: the purpose of the connection was fulfilled.
  public static let normalClosure = CloseCode(rawValue: 1000)
  /// 1001: an endpoint is going away (server shutdown, page navigated away).
  public static let goingAway = CloseCode(rawValue: 1001)
  /// 1002: the peer broke the protocol.
  public static let protocolError = CloseCode(rawValue: 1002)
  /// 1003: a data type the endpoint cannot accept (e.g. binary to a text-only endpoint).
  public static let unsupportedData = CloseCode(rawValue: 1003)
  /// 1005: no status code was present. Never sent on the wire.
  public static let noStatusReceived = CloseCode(rawValue: 1005)
  /// 1006: the connection closed without a close frame. Never sent on the wire.
  public static let abnormalClosure = CloseCode(rawValue: 1006)
  /// 1007: payload data inconsistent with the message type (e.g. invalid UTF-8 in text).
  public static let invalidPayloadData = CloseCode(rawValue: 1007)
  /// 1008: a message violates the endpoint's policy.
  public static let policyViolation = CloseCode(rawValue: 1008)
  /// 1009: a message too big to process.
  public static let messageTooBig = CloseCode(rawValue: 1009)
  /// 1010: the client expected an extension the server did not negotiate.
  public static let mandatoryExtension = CloseCode(rawValue: 1010)
  /// 1011: the server met an unexpected condition.
  public static let internalError = CloseCode(rawValue: 1011)
  /// 1012: the server is restarting; reconnect (IANA registry, added after RFC 6455).
  public static let serviceRestart = CloseCode(rawValue: 1012)
  /// 1013: the server is overloaded; try again later (IANA registry, added after RFC 6455).
  public static let tryAgainLater = CloseCode(rawValue: 1013)
  /// 1015: the TLS handshake failed. Never sent on the wire.
  public static let tlsHandshakeFailure = CloseCode(rawValue: 1015)

  /// May this code appear in a close frame on the wire? (RFC 6455 §7.4.1, §7.4.2; IANA added
  /// 1012–1014.) 1000–1003 and 1007–1014 are defined, 3000–4999 are for libraries and
  /// applications; 0–999, 1004–1006, 1015–2999 and 5000+ are not allowed.
  public var isValidOnWire: Bool {
    switch rawValue {
    case 1000...1003, 1007...1014, 3000...4999: true
    default: false
    }
  }

  /// The registered name, or the range a code falls in.
  public var name: String {
    switch rawValue {
    case 1000: "normal closure"
    case 1001: "going away"
    case 1002: "protocol error"
    case 1003: "unsupported data"
    case 1004: "reserved"
    case 1005: "no status received"
    case 1006: "abnormal closure"
    case 1007: "invalid payload data"
    case 1008: "policy violation"
    case 1009: "message too big"
    case 1010: "mandatory extension"
    case 1011: "internal error"
    case 1012: "service restart"
    case 1013: "try again later"
    case 1014: "bad gateway"
    case 1015: "TLS handshake failure"
    case 0..<1000: "unused (0–999)"
    case 1016..<3000: "reserved for the RFC and its extensions"
    case 3000..<4000: "registered by libraries and frameworks"
    case 4000..<5000: "private use by applications"
    default: "outside the defined ranges"
    }
  }

  /// What the code says, after RFC 6455 §7.4.1 and the IANA registry.
  public var meaning: String {
    switch rawValue {
    case 1000: "the purpose of the connection is fulfilled"
    case 1001: "an endpoint is going away: server shutdown, browser leaving the page"
    case 1002: "the peer broke the protocol"
    case 1003: "a data type the endpoint cannot accept"
    case 1004: "reserved; meaning may be defined later"
    case 1005: "the close frame carried no code (reported locally, never sent)"
    case 1006: "the connection dropped without a close frame (reported locally, never sent)"
    case 1007: "message data inconsistent with its type, e.g. text that is not UTF-8"
    case 1008: "a message violates the endpoint's policy"
    case 1009: "a message too big to process"
    case 1010: "the client needed an extension the server did not negotiate"
    case 1011: "the server met an unexpected condition"
    case 1012: "the service is restarting"
    case 1013: "try again later (overload)"
    case 1014: "a gateway got an invalid response upstream"
    case 1015: "the TLS handshake failed (reported locally, never sent)"
    case 0..<1000: "not used"
    case 1016..<3000: "reserved for future RFCs"
    case 3000..<4000: "registered with IANA by libraries and frameworks"
    case 4000..<5000: "private use, agreed between the application's endpoints"
    default: "not a valid close code"
    }
  }

  public var description: String { "\(rawValue) \(name)" }
}
