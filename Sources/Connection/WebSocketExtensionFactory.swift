import Handshake
import Trace

/// Negotiates one extension in the opening handshake (RFC 6455 §9.1) and makes its
/// per-connection instance for the frame pipeline.
///
/// The Connection knows no extension by name. A client offers what each factory offers; a
/// server answers each factory's offers with what the factory accepts; once the handshake is
/// done, each element of the response goes back to the factory of that name, which checks it
/// (a client must fail the connection on an answer it cannot accept) and makes the extension.
/// ``PerMessageDeflateFactory`` (RFC 7692) is the one WSLab ships.
public protocol WebSocketExtensionFactory: Sendable {
  /// The extension token, such as `permessage-deflate`.
  var name: String { get }
  /// Client: the elements to offer, most preferred first.
  func clientOffers() -> [ExtensionOffer]
  /// Server: the response element for the first acceptable one of `offers` (the client's offers
  /// of this name, in its order of preference), or nil to decline them all.
  func serverResponse(to offers: [ExtensionOffer]) -> ExtensionOffer?
  /// The extension that a negotiated response element sets up: for a client, the server's
  /// answer, checked against what was offered (throw to fail the connection, §9.1); for a
  /// server, the element it answered with.
  func makeExtension(response: ExtensionOffer, context: ExtensionContext) throws(ExtensionNegotiationError)
    -> any WebSocketExtension
}

/// What a factory knows about the connection it makes an extension for.
public struct ExtensionContext: Sendable {
  public var role: Role
  /// The Connection's message limit: an extension that expands data (inflating) caps it here.
  public var maxMessageSize: Int

  public init(role: Role, maxMessageSize: Int) {
    self.role = role
    self.maxMessageSize = maxMessageSize
  }
}

/// An extension offer or response the other side cannot accept, and why.
public struct ExtensionNegotiationError: Error, Sendable, Equatable, CustomStringConvertible {
  public var reason: String
  /// The RFC section of the rule, such as `RFC 7692 §7.1`.
  public var section: String

  public init(_ reason: String, section: String) {
    self.reason = reason
    self.section = section
  }

  public var description: String { reason + " (\(section))" }
}
