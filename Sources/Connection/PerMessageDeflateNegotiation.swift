import Deflate
import Handshake

/// A permessage-deflate offer or response the other side cannot accept (RFC 7692 §7.1).
public typealias DeflateNegotiationError = ExtensionNegotiationError

extension ExtensionNegotiationError {
  /// A permessage-deflate negotiation rule (RFC 7692 §7.1).
  init(_ reason: String) { self.init(reason, section: "RFC 7692 §7.1") }
}

/// Negotiation of permessage-deflate (RFC 7692 §5, §7.1): the client's offer, the server's
/// choice among offers, and the client's check of the answer.
///
/// On a window of 8 bits: zlib cannot compress raw DEFLATE with a 256-byte window (it refuses
/// `windowBits = -8`). A window of 8 is still accepted wherever the other side asks for it: we
/// inflate with 9 (a larger window reads any smaller one), and when our own compressor is
/// limited to 8 we send every message uncompressed, which RFC 7692 allows (RSV1 is per message).
public enum PerMessageDeflateNegotiation {
  public static let name = "permessage-deflate"

  /// The parameters of one offer or response, checked for syntax (§7.1).
  struct Parsed: Equatable {
    var serverNoContextTakeover = false
    var clientNoContextTakeover = false
    var serverMaxWindowBits: Int?
    /// `.some(nil)`: present without a value (only allowed in an offer).
    var clientMaxWindowBits: Int??

    init(_ element: ExtensionOffer, isResponse: Bool) throws(DeflateNegotiationError) {
      var seen = Set<String>()
      for p in element.parameters {
        guard seen.insert(p.name).inserted else { throw DeflateNegotiationError("parameter \(p.name) appears twice") }
        switch p.name {
        case "server_no_context_takeover":
          guard p.value == nil else { throw DeflateNegotiationError("server_no_context_takeover takes no value") }
          serverNoContextTakeover = true
        case "client_no_context_takeover":
          guard p.value == nil else { throw DeflateNegotiationError("client_no_context_takeover takes no value") }
          clientNoContextTakeover = true
        case "server_max_window_bits":
          guard let v = p.value else { throw DeflateNegotiationError("server_max_window_bits needs a value 8...15") }
          serverMaxWindowBits = try Self.windowBits(v, p.name)
        case "client_max_window_bits":
          if let v = p.value {
            clientMaxWindowBits = .some(try Self.windowBits(v, p.name))
          } else if isResponse {
            throw DeflateNegotiationError("client_max_window_bits in a response needs a value 8...15")
          } else {
            clientMaxWindowBits = .some(nil)
          }
        default:
          throw DeflateNegotiationError("unknown parameter \(p.name)")
        }
      }
    }

    /// `1*DIGIT` without leading zeros, 8...15 (§7.1.2).
    static func windowBits(_ value: String, _ name: String) throws(DeflateNegotiationError) -> Int {
      guard let n = Int(value), value.allSatisfy(\.isASCII), !value.hasPrefix("0"), (8...15).contains(n) else {
        throw DeflateNegotiationError("\(name)=\(value): expected an integer from 8 to 15")
      }
      return n
    }
  }

  // MARK: client

  /// The client's offer: `permessage-deflate; client_max_window_bits[=N]` plus what the options
  /// ask of the server.
  public static func offer(_ options: DeflateOptions) -> String {
    offerElement(options).formatted()
  }

  /// ``offer(_:)`` as an element.
  public static func offerElement(_ options: DeflateOptions) -> ExtensionOffer {
    var element = ExtensionOffer(name: name)
    if options.serverNoContextTakeover { element.parameters.append(.init(name: "server_no_context_takeover")) }
    if options.clientNoContextTakeover { element.parameters.append(.init(name: "client_no_context_takeover")) }
    if options.serverMaxWindowBits < 15 {
      element.parameters.append(.init(name: "server_max_window_bits", value: String(options.serverMaxWindowBits)))
    }
    // Always say the server may limit our window (§7.1.2.2): it costs nothing and saves servers memory.
    element.parameters.append(
      .init(
        name: "client_max_window_bits",
        value: options.clientMaxWindowBits < 15 ? String(options.clientMaxWindowBits) : nil
      ))
    return element
  }

  /// Checks the server's answer against what `options` offered; the client must fail the
  /// connection when this throws (§7.1).
  public static func validate(response element: ExtensionOffer, offered options: DeflateOptions)
    throws(DeflateNegotiationError) -> DeflateParameters
  {
    guard element.name == name else { throw DeflateNegotiationError("not \(name): \(element.name)") }
    let r = try Parsed(element, isResponse: true)
    if options.serverNoContextTakeover && !r.serverNoContextTakeover {
      throw DeflateNegotiationError("server_no_context_takeover was requested but not accepted")
    }
    if options.serverMaxWindowBits < 15 {
      guard let bits = r.serverMaxWindowBits else {
        throw DeflateNegotiationError(
          "server_max_window_bits=\(options.serverMaxWindowBits) was offered but not accepted")
      }
      guard bits <= options.serverMaxWindowBits else {
        throw DeflateNegotiationError(
          "server_max_window_bits=\(bits) is larger than the \(options.serverMaxWindowBits) offered")
      }
    }
    var clientBits = 15
    if let value = r.clientMaxWindowBits, let bits = value {
      clientBits = bits
    }
    if options.clientMaxWindowBits < 15 { clientBits = min(clientBits, options.clientMaxWindowBits) }
    return DeflateParameters(
      serverNoContextTakeover: r.serverNoContextTakeover, clientNoContextTakeover: r.clientNoContextTakeover,
      serverMaxWindowBits: r.serverMaxWindowBits ?? 15, clientMaxWindowBits: clientBits)
  }

  /// The parameters a response element fixes (syntax checked; for the server, which wrote it).
  public static func parameters(fromResponse element: ExtensionOffer) throws(DeflateNegotiationError)
    -> DeflateParameters
  {
    let r = try Parsed(element, isResponse: true)
    return DeflateParameters(
      serverNoContextTakeover: r.serverNoContextTakeover, clientNoContextTakeover: r.clientNoContextTakeover,
      serverMaxWindowBits: r.serverMaxWindowBits ?? 15, clientMaxWindowBits: (r.clientMaxWindowBits ?? nil) ?? 15)
  }

  // MARK: server

  /// The server's decision on a list of offers.
  public struct Decision: Sendable, Equatable {
    /// The response element to send, for the first acceptable offer (nil: none).
    public var response: ExtensionOffer?
    public var parameters: DeflateParameters?
    /// Offers passed over, each with the reason.
    public var declined: [String]
  }

  /// Picks the first permessage-deflate offer this server can accept under `options` (§5: the
  /// client lists offers in preference order) and builds the response. Offers with unknown,
  /// repeated or invalid parameters are declined, not fatal (§7.1: "the server MUST decline").
  public static func accept(offers: [ExtensionOffer], options: DeflateOptions) -> Decision {
    var declined: [String] = []
    guard options.isEnabled else { return Decision(response: nil, parameters: nil, declined: []) }
    for offer in offers where offer.name == name {
      let o: Parsed
      do {
        o = try Parsed(offer, isResponse: false)
      } catch {
        declined.append("\(offer.formatted()): \(error.reason)")
        continue
      }
      var response = ExtensionOffer(name: name)
      var parameters = DeflateParameters()
      if o.serverNoContextTakeover || options.serverNoContextTakeover {
        response.parameters.append(.init(name: "server_no_context_takeover"))
        parameters.serverNoContextTakeover = true
      }
      if o.clientNoContextTakeover || options.clientNoContextTakeover {
        response.parameters.append(.init(name: "client_no_context_takeover"))
        parameters.clientNoContextTakeover = true
      }
      let serverBits = min(o.serverMaxWindowBits ?? 15, options.serverMaxWindowBits)
      if o.serverMaxWindowBits != nil || serverBits < 15 {
        response.parameters.append(.init(name: "server_max_window_bits", value: String(serverBits)))
      }
      parameters.serverMaxWindowBits = serverBits
      if let offered = o.clientMaxWindowBits {
        // The client allows us to limit its window; do so only to save memory (§7.1.2.2).
        let clientBits = min(offered ?? 15, options.clientMaxWindowBits)
        if clientBits < 15 {
          response.parameters.append(.init(name: "client_max_window_bits", value: String(clientBits)))
        }
        parameters.clientMaxWindowBits = clientBits
      }
      return Decision(response: response, parameters: parameters, declined: declined)
    }
    return Decision(response: nil, parameters: nil, declined: declined)
  }
}

/// permessage-deflate (RFC 7692) for ``Connection/Configuration/extensions``: offers, accepts and
/// checks the parameters under ``options`` and makes the ``PerMessageDeflateExtension``.
public struct PerMessageDeflateFactory: WebSocketExtensionFactory {
  public var options: DeflateOptions
  public var name: String { PerMessageDeflateNegotiation.name }

  public init(options: DeflateOptions = DeflateOptions()) {
    self.options = options
  }

  public func clientOffers() -> [ExtensionOffer] {
    [PerMessageDeflateNegotiation.offerElement(options)]
  }

  public func serverResponse(to offers: [ExtensionOffer]) -> ExtensionOffer? {
    PerMessageDeflateNegotiation.accept(offers: offers, options: options).response
  }

  public func makeExtension(response: ExtensionOffer, context: ExtensionContext) throws(ExtensionNegotiationError)
    -> any WebSocketExtension
  {
    let parameters =
      context.role == .client
      ? try PerMessageDeflateNegotiation.validate(response: response, offered: options)
      : try PerMessageDeflateNegotiation.parameters(fromResponse: response)
    // A compressed message must not inflate far past what would be refused anyway.
    var capped = options
    capped.maxDecompressedMessageSize = min(options.maxDecompressedMessageSize, context.maxMessageSize)
    return PerMessageDeflateExtension(
      PerMessageDeflate(parameters: parameters, options: capped, isServer: context.role == .server))
  }
}
