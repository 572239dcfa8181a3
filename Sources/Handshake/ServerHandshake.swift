import Trace

/// What a server accepts, and how it chooses.
public struct ServerHandshakePolicy: Sendable {
  /// The cap on the request head in bytes; a longer head gets 431.
  public var maxHeadBytes: Int
  /// Subprotocols this server speaks, most preferred first. The server picks the first of these
  /// that the client offered, and none when there is no overlap (the handshake still succeeds;
  /// the client decides whether to go on, RFC 6455 §4.2.2 item 5.4 /subprotocol/).
  public var subprotocols: [String]
  /// Decides whether an `Origin` (nil when the request has none) may connect; `false` gets 403.
  /// With no policy every origin is accepted.
  public var originPolicy: (@Sendable (String?) -> Bool)?
  /// Decides whether the request carries valid credentials (a token, a session cookie): returns
  /// nil to let it in, or the reason for a `401 Unauthorized`. RFC 6455 §10.5 leaves client
  /// authentication to whatever a plain HTTP server would use; this is where a server checks it,
  /// before it answers 101 and commits a connection. With no authorizer every request may connect.
  public var authorizer: (@Sendable (HTTPRequestHead) -> String?)?
  /// Given the client's extension offers, returns the elements to put in the response's
  /// `Sec-WebSocket-Extensions`, such as `permessage-deflate; server_no_context_takeover`. With no
  /// negotiator no extension is accepted. (The Connection layer sets one from its extension
  /// factories.)
  public var extensionNegotiator: (@Sendable ([ExtensionOffer]) -> [ExtensionOffer])?
  /// Header lines added to the 101 response, after the handshake's own (not to rejections).
  public var extraResponseHeaders: HTTPHeaders

  public init(
    maxHeadBytes: Int = 8192, subprotocols: [String] = [],
    originPolicy: (@Sendable (String?) -> Bool)? = nil,
    authorizer: (@Sendable (HTTPRequestHead) -> String?)? = nil,
    extensionNegotiator: (@Sendable ([ExtensionOffer]) -> [ExtensionOffer])? = nil,
    extraResponseHeaders: HTTPHeaders = HTTPHeaders()
  ) {
    self.maxHeadBytes = maxHeadBytes
    self.subprotocols = subprotocols
    self.originPolicy = originPolicy
    self.authorizer = authorizer
    self.extensionNegotiator = extensionNegotiator
    self.extraResponseHeaders = extraResponseHeaders
  }
}

/// A handshake the server accepted.
public struct AcceptedHandshake: Sendable, Equatable {
  public var request: HTTPRequestHead
  /// The client's `Sec-WebSocket-Key`.
  public var key: String
  /// The `Sec-WebSocket-Accept` value sent back.
  public var accept: String
  /// The chosen subprotocol, or nil.
  public var subprotocol: String?
  /// The client's extension offers, parsed, in order.
  public var extensionOffers: [ExtensionOffer]
  /// The response's extension elements, as the negotiator returned them.
  public var extensions: [ExtensionOffer]
  /// The complete 101 response to send.
  public var responseBytes: [UInt8]
  /// Bytes after the request head: the client's first frames, for the frame layer.
  public var leftover: [UInt8]
}

/// A handshake the server refused: the error and the complete HTTP response to send before
/// closing the connection.
public struct HandshakeRejection: Sendable, Equatable {
  public var error: HandshakeError
  public var status: Int
  /// Status line, `Content-Type: text/plain; charset=utf-8`, `Content-Length`,
  /// `Connection: close` (for 426 also `Upgrade: websocket` and `Sec-WebSocket-Version: 13`), the
  /// empty line, and the error's description plus a newline as the body.
  public var responseBytes: [UInt8]

  /// The rejection for `error`, answered with ``HandshakeError/httpStatus`` (400 when the error
  /// has none).
  public init(_ error: HandshakeError) {
    self.error = error
    self.status = error.httpStatus ?? 400
    let body = Array((error.description + "\n").utf8)
    var headers: HTTPHeaders = ["Content-Type": "text/plain; charset=utf-8"]
    headers.append(name: "Content-Length", value: String(body.count))
    if status == 426 {
      // RFC 9110 §15.5.22: a 426 names the protocol to upgrade to; RFC 6455 §4.4: and the
      // versions the server speaks. Upgrade is a connection option (RFC 9110 §7.8).
      headers.append(name: "Connection", value: "Upgrade, close")
      headers.append(name: "Upgrade", value: "websocket")
      headers.append(name: "Sec-WebSocket-Version", value: "13")
    } else {
      if status == 401 {
        // RFC 9110 §11.6.1: a 401 names the scheme to authenticate with (RFC 6750 §3: Bearer).
        headers.append(name: "WWW-Authenticate", value: "Bearer realm=\"wslab\"")
      }
      headers.append(name: "Connection", value: "close")
    }
    var bytes = Array("HTTP/1.1 \(status) \(HTTPSyntax.reasonPhrase(status))\r\n".utf8)
    headers.serialized(into: &bytes)
    bytes.append(contentsOf: [HTTPSyntax.cr, HTTPSyntax.lf])
    bytes.append(contentsOf: body)
    self.responseBytes = bytes
  }
}

/// What the server does with a complete request head.
public enum ServerHandshakeResult: Sendable, Equatable {
  /// Send ``AcceptedHandshake/responseBytes``, then speak WebSocket.
  case accept(AcceptedHandshake)
  /// Send ``HandshakeRejection/responseBytes``, then close.
  case reject(HandshakeRejection)
}

/// The server side of the opening handshake (RFC 6455 §4.2): reads the request incrementally,
/// validates it (§4.2.1) and builds the 101 response (§4.2.2) or an error response.
///
/// Decisions:
/// - A method other than GET gets 400, not 405: §4.2.2 asks for "an appropriate error code (such
///   as 400 Bad Request)", a 405 would have to list allowed methods, and routing of non-WebSocket
///   requests happens before this type.
/// - HTTP/1.1 and later 1.x minors are accepted (RFC 9112 §2.3: a higher minor is compatible);
///   HTTP/1.0 and older get 400 (§4.2.1 item 1); a well-formed `HTTP/2.0` request line gets 505
///   (RFC 9110 §15.6.6); text that is not `HTTP/d.d` gets 400.
/// - A missing `Sec-WebSocket-Version`, like any value other than `13`, gets 426 with
///   `Sec-WebSocket-Version: 13`: a client that sends none speaks a pre-RFC draft, and §4.4 tells
///   the server to name the versions it speaks.
/// - Host, Sec-WebSocket-Key, Sec-WebSocket-Version and Origin must appear at most once (400).
/// - Malformed `Sec-WebSocket-Extensions` or non-token `Sec-WebSocket-Protocol` elements get
///   400, whether or not the server negotiates extensions.
/// - Subprotocol names are compared exactly (case-sensitive), as tokens are opaque here.
public struct ServerHandshake {
  public var policy: ServerHandshakePolicy
  /// When set: the request and response heads as records, decisions as notes.
  public var observer: (any TraceObserver)? {
    didSet { parser.observer = observer }
  }
  /// Whether a result was returned. Later bytes belong to the frame layer; ``feed(_:)`` then
  /// ignores them and returns nil.
  public private(set) var isFinished = false

  private var parser: HTTPRequestParser

  public init(policy: ServerHandshakePolicy = ServerHandshakePolicy(), observer: (any TraceObserver)? = nil) {
    self.policy = policy
    self.observer = observer
    self.parser = HTTPRequestParser(maxHeadBytes: policy.maxHeadBytes, observer: observer)
  }

  /// Feeds request bytes. Returns nil until the head is complete (or fails), then the result.
  public mutating func feed(_ bytes: some Collection<UInt8>) -> ServerHandshakeResult? {
    guard !isFinished else { return nil }
    let result: ServerHandshakeResult
    do {
      guard let completed = try parser.feed(bytes) else { return nil }
      var accepted = try validate(completed.head)
      accepted.leftover = completed.leftover
      result = .accept(accepted)
    } catch {
      let rejection = HandshakeRejection(error)
      if let observer {
        observer.record(.note("rejecting with \(rejection.status): \(error)"))
        observer.record(
          .bytes(HandshakeTrace.record(forHead: rejection.responseBytes, direction: .serverToClient)))
      }
      result = .reject(rejection)
    }
    isFinished = true
    return result
  }

  /// Validates a parsed request (RFC 6455 §4.2.1) and builds the 101 response. The returned
  /// handshake's ``AcceptedHandshake/leftover`` is empty.
  public func validate(_ request: HTTPRequestHead) throws(HandshakeError) -> AcceptedHandshake {
    func fail(_ kind: HandshakeError.Kind) -> HandshakeError {
      HandshakeError(kind, detectedBy: .server)
    }
    func once(_ name: String) throws(HandshakeError) -> String? {
      let values = request.headers.values(name)
      guard values.count <= 1 else { throw fail(.duplicateHeader(name: name, count: values.count)) }
      return values.first
    }
    let headers = request.headers
    // Item 1: an HTTP/1.1 or later GET request.
    if request.version.major > 1 { throw fail(.httpVersionNotSupported(request.version)) }
    if request.version < .http1_1 { throw fail(.httpVersionTooOld(request.version)) }
    guard request.method == "GET" else { throw fail(.methodNotGET(request.method)) }
    // Item 2.
    guard let host = try once("Host") else { throw fail(.missingHost) }
    guard !host.isEmpty else { throw fail(.emptyHost) }
    // Item 3.
    let upgrade = headers.values("Upgrade")
    guard !upgrade.isEmpty else { throw fail(.missingUpgrade) }
    guard headers.contains(token: "websocket", in: "Upgrade") else {
      throw fail(.upgradeNotWebSocket(upgrade.joined(separator: ", ")))
    }
    // Item 4.
    guard headers.contains(token: "upgrade", in: "Connection") else {
      let connection = headers.values("Connection")
      throw fail(
        .missingConnectionUpgrade(connection.isEmpty ? nil : connection.joined(separator: ", ")))
    }
    // Item 6, checked before the key: a client of another version (which may send no key at
    // all, like draft-76) must learn the version we speak from a 426 (§4.4).
    guard let version = try once("Sec-WebSocket-Version") else { throw fail(.missingVersion) }
    guard version == "13" else { throw fail(.unsupportedVersion(version)) }
    // Item 5.
    guard let key = try once("Sec-WebSocket-Key") else { throw fail(.missingKey) }
    guard let decoded = Base64.decode(key) else {
      throw fail(.invalidKey(key, decodedByteCount: nil))
    }
    guard decoded.count == 16 else { throw fail(.invalidKey(key, decodedByteCount: decoded.count)) }
    // No body: whatever follows the head is read as frames (RFC 9112 §6.3).
    if let te = headers.first("Transfer-Encoding") {
      throw fail(.requestHasBody("Transfer-Encoding: " + te))
    }
    if let length = headers.first("Content-Length"), length != "0" {
      throw fail(.requestHasBody("Content-Length: " + length))
    }
    // Item 7 and §4.2.2 item 4: the origin policy.
    let origin = try once("Origin")
    if let originPolicy = policy.originPolicy, !originPolicy(origin) {
      throw fail(.originRejected(origin))
    }
    // §10.5: credentials are checked like any HTTP request's, before the 101.
    if let authorizer = policy.authorizer, let reason = authorizer(request) {
      throw fail(.unauthorized(reason))
    }
    // Item 8: subprotocols; the first of the server's that the client offered.
    let offeredProtocols = headers.tokens("Sec-WebSocket-Protocol")
    if let bad = offeredProtocols.first(where: { !HTTPSyntax.isToken($0) }) {
      throw fail(.invalidSubprotocol(bad))
    }
    let subprotocol = policy.subprotocols.first { offeredProtocols.contains($0) }
    // Item 9: extensions.
    let offers = try ExtensionHeader.parse(headers.values("Sec-WebSocket-Extensions"))
    let extensions = policy.extensionNegotiator?(offers) ?? []

    let accept = WebSocketAccept.value(forKey: key)
    var response: HTTPHeaders = [
      "Upgrade": "websocket",
      "Connection": "Upgrade",
      "Sec-WebSocket-Accept": accept,
    ]
    if let subprotocol { response.append(name: "Sec-WebSocket-Protocol", value: subprotocol) }
    if !extensions.isEmpty {
      response.append(name: "Sec-WebSocket-Extensions", value: ExtensionHeader.format(extensions))
    }
    for field in policy.extraResponseHeaders { response.append(name: field.name, value: field.value) }
    var bytes = Array("HTTP/1.1 101 Switching Protocols\r\n".utf8)
    response.serialized(into: &bytes)
    bytes.append(contentsOf: [HTTPSyntax.cr, HTTPSyntax.lf])

    if let observer {
      observer.record(
        .note("Sec-WebSocket-Accept = base64(SHA-1(\"\(key)\" + GUID)) = \(accept)"))
      if !offeredProtocols.isEmpty || !policy.subprotocols.isEmpty {
        observer.record(
          .note(
            "subprotocol: client offered [\(offeredProtocols.joined(separator: ", "))], "
              + "server prefers [\(policy.subprotocols.joined(separator: ", "))] -> "
              + (subprotocol ?? "none")))
      }
      if !offers.isEmpty {
        observer.record(
          .note(
            "extensions: client offered \(ExtensionHeader.format(offers)) -> "
              + (extensions.isEmpty ? "none accepted" : ExtensionHeader.format(extensions))))
      }
      observer.record(.bytes(HandshakeTrace.record(forHead: bytes, direction: .serverToClient)))
    }
    return AcceptedHandshake(
      request: request, key: key, accept: accept, subprotocol: subprotocol,
      extensionOffers: offers, extensions: extensions, responseBytes: bytes, leftover: [])
  }
}
