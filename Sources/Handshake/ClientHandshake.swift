import Trace

/// The result of a successful client handshake: what the server agreed to.
public struct HandshakeOutcome: Sendable, Equatable {
  /// The server's 101 response.
  public var response: HTTPResponseHead
  /// The subprotocol the server chose, if any.
  public var subprotocol: String?
  /// The extension elements the server accepted, in order, with parameters as sent. Their names
  /// were offered; the extension layer checks their parameters.
  public var extensions: [ExtensionOffer]

  public init(response: HTTPResponseHead, subprotocol: String?, extensions: [ExtensionOffer]) {
    self.response = response
    self.subprotocol = subprotocol
    self.extensions = extensions
  }
}

/// The client side of the opening handshake (RFC 6455 §4.1): builds the upgrade request and
/// checks the server's response.
///
/// Sans-IO: the caller sends ``requestBytes()`` and feeds what comes back to ``feed(_:)`` (or
/// parses it itself and calls ``validate(_:)``).
public struct ClientHandshake {
  /// What to ask for.
  ///
  /// The values are sent as given and must be valid header text (no CR or LF); they are not
  /// checked, since they come from the program, not the peer.
  public struct Options: Sendable, Equatable {
    /// The `Host` value: host, and port when not the default, such as `example.com:8080`.
    public var host: String
    /// Path and query, such as `/chat?room=1`.
    public var path: String
    /// The `Origin` to send, if any (browsers always send one).
    public var origin: String?
    /// Subprotocols to offer, most preferred first.
    public var subprotocols: [String]
    /// Raw `Sec-WebSocket-Extensions` elements to offer, such as
    /// `permessage-deflate; client_max_window_bits`.
    public var extensionOffers: [String]
    /// More header lines, sent last, in order.
    public var extraHeaders: HTTPHeaders

    public init(
      host: String, path: String = "/", origin: String? = nil, subprotocols: [String] = [],
      extensionOffers: [String] = [], extraHeaders: HTTPHeaders = HTTPHeaders()
    ) {
      self.host = host
      self.path = path
      self.origin = origin
      self.subprotocols = subprotocols
      self.extensionOffers = extensionOffers
      self.extraHeaders = extraHeaders
    }
  }

  public let options: Options
  /// The 16 nonce bytes.
  public let keyBytes: [UInt8]
  /// The `Sec-WebSocket-Key` value: base64 of ``keyBytes``.
  public let key: String
  /// The `Sec-WebSocket-Accept` value the server must send back.
  public let expectedAccept: String
  /// When set, the request, the response and the decisions are reported.
  public var observer: (any TraceObserver)? {
    didSet { parser.observer = observer }
  }

  private var parser: HTTPResponseParser
  /// Whether ``feed(_:)`` returned an outcome; later bytes are the frame layer's.
  public private(set) var isFinished = false
  private var failure: HandshakeError?

  /// A handshake with the given 16 key bytes (RFC 6455 §4.1 item 7: they must be random for each
  /// connection; fixed bytes are for tests and lessons).
  ///
  /// - Precondition: `keyBytes.count == 16`.
  public init(
    options: Options, keyBytes: [UInt8], maxResponseHeadBytes: Int = 8192,
    observer: (any TraceObserver)? = nil
  ) {
    precondition(keyBytes.count == 16, "Sec-WebSocket-Key needs exactly 16 bytes")
    self.options = options
    self.keyBytes = keyBytes
    self.key = Base64.encode(keyBytes)
    self.expectedAccept = WebSocketAccept.value(forKey: key)
    self.observer = observer
    self.parser = HTTPResponseParser(maxHeadBytes: maxResponseHeadBytes, observer: observer)
    self.parser.expectedAccept = expectedAccept
  }

  /// A handshake whose 16 key bytes come from `generator`.
  public init(
    options: Options, using generator: inout some RandomNumberGenerator,
    maxResponseHeadBytes: Int = 8192, observer: (any TraceObserver)? = nil
  ) {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(16)
    for _ in 0..<2 {
      let word = generator.next()
      for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> shift)) }
    }
    self.init(
      options: options, keyBytes: bytes, maxResponseHeadBytes: maxResponseHeadBytes,
      observer: observer)
  }

  /// The upgrade request, always in this order: request line, Host, Upgrade, Connection,
  /// Sec-WebSocket-Key, Sec-WebSocket-Version, Origin, Sec-WebSocket-Protocol,
  /// Sec-WebSocket-Extensions (the last three when set), the extra headers, the empty line.
  public func requestBytes() -> [UInt8] {
    var headers: HTTPHeaders = [
      "Host": options.host,
      "Upgrade": "websocket",
      "Connection": "Upgrade",
      "Sec-WebSocket-Key": key,
      "Sec-WebSocket-Version": "13",
    ]
    if let origin = options.origin { headers.append(name: "Origin", value: origin) }
    if !options.subprotocols.isEmpty {
      headers.append(
        name: "Sec-WebSocket-Protocol", value: options.subprotocols.joined(separator: ", "))
    }
    if !options.extensionOffers.isEmpty {
      headers.append(
        name: "Sec-WebSocket-Extensions", value: options.extensionOffers.joined(separator: ", "))
    }
    for field in options.extraHeaders { headers.append(name: field.name, value: field.value) }
    var bytes = Array("GET \(options.path) HTTP/1.1\r\n".utf8)
    headers.serialized(into: &bytes)
    bytes.append(contentsOf: [HTTPSyntax.cr, HTTPSyntax.lf])
    if let observer {
      observer.record(.bytes(HandshakeTrace.record(forHead: bytes, direction: .clientToServer)))
    }
    return bytes
  }

  /// Feeds response bytes. Returns `nil` until the response head is complete, then the validated
  /// outcome and the bytes after the head (the first frames, for the frame layer). After an
  /// outcome, further calls return `nil` and ignore their bytes; after an error they throw it
  /// again.
  public mutating func feed(_ bytes: some Collection<UInt8>) throws(HandshakeError) -> (
    outcome: HandshakeOutcome, leftover: [UInt8]
  )? {
    if let failure { throw failure }
    guard !isFinished else { return nil }
    let completed: HTTPResponseParser.Completed?
    do {
      completed = try parser.feed(bytes)
    } catch {
      observer?.record(.note("handshake failed: \(error)"))
      failure = error
      throw error
    }
    guard let completed else { return nil }
    do {
      let outcome = try validate(completed.head)  // notes its own success or failure
      isFinished = true
      return (outcome, completed.leftover)
    } catch {
      failure = error
      throw error
    }
  }

  /// Checks the server's response as RFC 6455 §4.1 says, in the RFC's order: status 101,
  /// `Upgrade: websocket`, `Connection` with `Upgrade`, the accept value, the extensions (names
  /// offered), the subprotocol (offered, at most one).
  public func validate(_ response: HTTPResponseHead) throws(HandshakeError) -> HandshakeOutcome {
    do {
      let outcome = try check(response)
      if let observer {
        observer.record(
          .note(
            "handshake accepted: subprotocol "
              + (outcome.subprotocol.map { "\"\($0)\"" } ?? "none") + ", extensions "
              + (outcome.extensions.isEmpty
                ? "none" : ExtensionHeader.format(outcome.extensions))))
      }
      return outcome
    } catch {
      observer?.record(.note("handshake failed: \(error)"))
      throw error
    }
  }

  private func check(_ response: HTTPResponseHead) throws(HandshakeError) -> HandshakeOutcome {
    func fail(_ kind: HandshakeError.Kind) -> HandshakeError {
      HandshakeError(kind, detectedBy: .client)
    }
    let headers = response.headers
    // Step 1.
    guard response.status == 101 else {
      throw fail(.unexpectedStatus(response.status, reason: response.reason))
    }
    // A 101 is an HTTP/1.1 mechanism (RFC 9110 §7.8): an HTTP/1.0 response cannot switch.
    guard response.version >= .http1_1 else { throw fail(.httpVersionTooOld(response.version)) }
    // Step 2: exactly "websocket" (the response names the one protocol switched to).
    let upgrade = headers.values("Upgrade")
    guard !upgrade.isEmpty else { throw fail(.missingUpgrade) }
    let upgradeTokens = headers.tokens("Upgrade")
    guard upgradeTokens.count == 1, HTTPSyntax.equalsIgnoringCase(upgradeTokens[0], "websocket")
    else { throw fail(.upgradeNotWebSocket(upgrade.joined(separator: ", "))) }
    // Step 3.
    guard headers.contains(token: "upgrade", in: "Connection") else {
      let connection = headers.values("Connection")
      throw fail(
        .missingConnectionUpgrade(connection.isEmpty ? nil : connection.joined(separator: ", ")))
    }
    // Step 4.
    let accepts = headers.values("Sec-WebSocket-Accept")
    guard !accepts.isEmpty else { throw fail(.missingAccept) }
    guard accepts.count == 1, accepts[0] == expectedAccept else {
      throw fail(.acceptMismatch(expected: expectedAccept, found: accepts.joined(separator: ", ")))
    }
    // Step 5.
    let extensions = try ExtensionHeader.parse(
      headers.values("Sec-WebSocket-Extensions"), detectedBy: .client)
    let offered = offeredExtensionNames()
    var seen = Set<String>()
    for element in extensions {
      guard offered.contains(element.name) else { throw fail(.extensionNotOffered(element.name)) }
      guard seen.insert(element.name).inserted else { throw fail(.duplicateExtension(element.name)) }
    }
    // Step 6.
    let protocols = headers.tokens("Sec-WebSocket-Protocol")
    guard protocols.count <= 1 else { throw fail(.multipleSubprotocols(protocols)) }
    if let chosen = protocols.first, !options.subprotocols.contains(chosen) {
      throw fail(.subprotocolNotOffered(chosen))
    }
    return HandshakeOutcome(
      response: response, subprotocol: protocols.first, extensions: extensions)
  }

  /// The names of the offered extensions (extension names are tokens and compared exactly).
  private func offeredExtensionNames() -> Set<String> {
    if let offers = try? ExtensionHeader.parse(options.extensionOffers) {
      return Set(offers.map(\.name))
    }
    // An offer the program wrote loosely: take each element's text before ";".
    var names = Set<String>()
    for raw in options.extensionOffers {
      for element in raw.split(separator: ",") {
        let name = element.split(separator: ";", omittingEmptySubsequences: false).first ?? ""
        names.insert(HTTPSyntax.trimmingOWS(String(name)))
      }
    }
    return names
  }
}
