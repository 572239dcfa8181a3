import Trace

/// Every way an opening handshake can fail, in either role, as one typed error.
///
/// The error knows the rule it comes from (``section``), a sentence saying what was expected and
/// what arrived (``description``) and, when the server detected it, the HTTP status to answer with
/// (``httpStatus``; the only place errors are mapped to statuses).
public struct HandshakeError: Error, Equatable, Sendable, CustomStringConvertible {
  /// What went wrong.
  public enum Kind: Sendable, Equatable {
    // MARK: HTTP head syntax (either role)

    /// The head did not end within `limit` bytes.
    case headTooLarge(limit: Int)
    /// The request line is not `METHOD SP target SP HTTP/x.y`.
    case malformedRequestLine(String)
    /// The status line is not `HTTP/x.y SP code SP reason`.
    case malformedStatusLine(String)
    /// A header line starts with whitespace (obsolete line folding).
    case obsoleteLineFolding(line: String)
    /// A header line has no colon.
    case missingColon(line: String)
    /// Whitespace between a field name and its colon.
    case whitespaceBeforeColon(name: String)
    /// A field name with a character that is not a token character, at `position` in the name.
    case invalidHeaderName(name: String, position: Int)
    /// A field value with a forbidden byte (NUL, CR, another control character).
    case invalidHeaderValue(name: String, byte: UInt8)

    // MARK: The client's request (RFC 6455 §4.2.1)

    /// The method is not GET.
    case methodNotGET(String)
    /// HTTP/1.0 or older: the handshake needs HTTP/1.1 or later.
    case httpVersionTooOld(HTTPVersion)
    /// A major version other than 1 in an HTTP/1 request line.
    case httpVersionNotSupported(HTTPVersion)
    /// No Host header field.
    case missingHost
    /// A Host header field with nothing in it: §4.2.1 wants the server's authority.
    case emptyHost
    /// A header field that must appear once appeared `count` times.
    case duplicateHeader(name: String, count: Int)
    /// No Upgrade header field.
    case missingUpgrade
    /// Upgrade without the token `websocket` (request), or other than exactly `websocket`
    /// (response).
    case upgradeNotWebSocket(String)
    /// No Connection header field with the token `Upgrade` (the field as found, or nil).
    case missingConnectionUpgrade(String?)
    /// No Sec-WebSocket-Key header field.
    case missingKey
    /// A key that is not base64 (`decodedByteCount` nil) or decodes to other than 16 bytes.
    case invalidKey(String, decodedByteCount: Int?)
    /// No Sec-WebSocket-Version header field.
    case missingVersion
    /// A Sec-WebSocket-Version other than 13.
    case unsupportedVersion(String)
    /// The server's origin policy refused this Origin (nil: no Origin header field).
    case originRejected(String?)
    /// The server's authorizer refused the request's credentials (the reason it gave).
    case unauthorized(String)
    /// A Sec-WebSocket-Protocol element that is not a token.
    case invalidSubprotocol(String)
    /// A Sec-WebSocket-Extensions value that does not follow RFC 6455 §9.1: the value, the
    /// 0-based offset of the offending character in it, and what was expected there.
    case malformedExtensionHeader(value: String, position: Int, reason: String)

    // MARK: The server's response (RFC 6455 §4.1)

    /// A status other than 101.
    case unexpectedStatus(Int, reason: String)
    /// No Sec-WebSocket-Accept header field.
    case missingAccept
    /// Sec-WebSocket-Accept is not base64(SHA-1(key + GUID)).
    case acceptMismatch(expected: String, found: String)
    /// The server chose a subprotocol the client did not offer.
    case subprotocolNotOffered(String)
    /// The server named more than one subprotocol.
    case multipleSubprotocols([String])
    /// The server accepted an extension the client did not offer.
    case extensionNotOffered(String)
    /// The response accepts the same extension twice.
    case duplicateExtension(String)
    /// The response accepts an offered extension with parameters the client cannot accept,
    /// such as permessage-deflate with an unknown or out-of-range parameter (RFC 7692 §7.1).
    case invalidExtensionResponse(String)
    /// A request with a body (Content-Length other than 0, or Transfer-Encoding): the body
    /// would be read as WebSocket frames.
    case requestHasBody(String)
  }

  public let kind: Kind
  /// Which side found the problem: the server, in the client's request (it answers with
  /// ``httpStatus``), or the client, in the server's response (it fails the connection, §4.1).
  public let detectedBy: Role

  public init(_ kind: Kind, detectedBy: Role) {
    self.kind = kind
    self.detectedBy = detectedBy
  }

  /// The HTTP status a server answers this error with; `nil` for errors a client detects in a
  /// response. This is the one place errors are mapped to statuses.
  public var httpStatus: Int? {
    guard detectedBy == .server else { return nil }
    switch kind {
    case .headTooLarge: return 431  // RFC 6585 §5
    case .httpVersionNotSupported: return 505  // RFC 9110 §15.6.6
    case .missingVersion, .unsupportedVersion: return 426  // RFC 6455 §4.4
    case .originRejected: return 403  // RFC 6455 §4.2.2 item 4
    case .unauthorized: return 401  // RFC 9110 §15.5.2
    case .malformedRequestLine, .malformedStatusLine, .obsoleteLineFolding, .missingColon,
      .whitespaceBeforeColon, .invalidHeaderName, .invalidHeaderValue, .methodNotGET,
      .httpVersionTooOld, .missingHost, .emptyHost, .duplicateHeader, .missingUpgrade, .upgradeNotWebSocket,
      .missingConnectionUpgrade, .missingKey, .invalidKey, .invalidSubprotocol,
      .malformedExtensionHeader, .unexpectedStatus, .missingAccept, .acceptMismatch,
      .subprotocolNotOffered, .multipleSubprotocols, .extensionNotOffered, .duplicateExtension,
      .invalidExtensionResponse, .requestHasBody:
      return 400  // RFC 6455 §4.2.2: "an appropriate error code (such as 400 Bad Request)"
    }
  }

  /// Where the rule comes from, such as `RFC 6455 §4.2.1 item 5`.
  public var section: String {
    let server = detectedBy == .server
    switch kind {
    case .headTooLarge: return "RFC 6585 §5"
    case .malformedRequestLine: return "RFC 9112 §3"
    case .malformedStatusLine: return "RFC 9112 §4"
    case .obsoleteLineFolding: return "RFC 9112 §5.2"
    case .missingColon, .whitespaceBeforeColon: return "RFC 9112 §5.1"
    case .invalidHeaderName: return "RFC 9110 §5.1"
    case .invalidHeaderValue: return "RFC 9110 §5.5"
    case .httpVersionTooOld where !server: return "RFC 9112 §2.3"
    case .methodNotGET, .httpVersionTooOld: return "RFC 6455 §4.2.1 item 1"
    case .httpVersionNotSupported: return "RFC 9110 §15.6.6"
    case .missingHost, .emptyHost: return "RFC 6455 §4.2.1 item 2"
    case .duplicateHeader(let name, _):
      switch HTTPSyntax.lowercased(name) {
      case "host": return "RFC 9112 §3.2"
      case "sec-websocket-key": return "RFC 6455 §11.3.1"
      case "sec-websocket-version": return "RFC 6455 §11.3.5"
      case "origin": return "RFC 6454 §7.3"
      default: return "RFC 9110 §5.3"
      }
    case .missingUpgrade, .upgradeNotWebSocket:
      return server ? "RFC 6455 §4.2.1 item 3" : "RFC 6455 §4.1, client step 2"
    case .missingConnectionUpgrade:
      return server ? "RFC 6455 §4.2.1 item 4" : "RFC 6455 §4.1, client step 3"
    case .missingKey, .invalidKey: return "RFC 6455 §4.2.1 item 5"
    case .missingVersion, .unsupportedVersion: return "RFC 6455 §4.2.1 item 6, §4.4"
    case .originRejected: return "RFC 6455 §4.2.2 item 4, §10.2"
    case .unauthorized: return "RFC 6455 §10.5, RFC 9110 §15.5.2"
    case .invalidSubprotocol: return "RFC 6455 §11.3.4"
    case .malformedExtensionHeader: return "RFC 6455 §9.1"
    case .unexpectedStatus: return "RFC 6455 §4.1, client step 1"
    case .missingAccept, .acceptMismatch: return "RFC 6455 §4.1, client step 4"
    case .extensionNotOffered, .duplicateExtension: return "RFC 6455 §4.1, client step 5"
    case .invalidExtensionResponse: return "RFC 6455 §4.1, client step 5; RFC 7692 §7.1"
    case .requestHasBody: return "RFC 9112 §6.3, RFC 6455 §4.2.1"
    case .subprotocolNotOffered, .multipleSubprotocols: return "RFC 6455 §4.1, client step 6"
    }
  }

  /// What was expected and what arrived, without the section.
  public var message: String {
    switch kind {
    case .headTooLarge(let limit):
      return "the HTTP head did not end within \(limit) bytes (no empty line yet)"
    case .malformedRequestLine(let reason):
      return "malformed request line: " + reason
    case .malformedStatusLine(let reason):
      return "malformed status line: " + reason
    case .obsoleteLineFolding(let line):
      return "header line \(quote(line)) starts with whitespace (obsolete line folding)"
    case .missingColon(let line):
      return "header line \(quote(line)) has no colon; expected \"Name: value\""
    case .whitespaceBeforeColon(let name):
      return "whitespace between header name \(quote(name)) and its colon"
    case .invalidHeaderName(let name, let position):
      let bytes = Array(name.utf8)
      let what =
        position < bytes.count ? HTTPSyntax.describe(bytes[position]) : "nothing (empty name)"
      return "header name \(quote(name)) has \(what) at position \(position); "
        + "a field name is a token"
    case .invalidHeaderValue(let name, let byte):
      return "the value of \(name) contains \(HTTPSyntax.describe(byte)); "
        + "NUL, CR, LF and other control characters are not allowed in field values"
    case .methodNotGET(let method):
      return "expected method GET, got \(quote(method))"
    case .httpVersionTooOld(let version):
      return "expected HTTP/1.1 or later, got \(version)"
    case .httpVersionNotSupported(let version):
      return "expected HTTP/1.x, got \(version)"
    case .missingHost:
      return "expected a Host header field, found none"
    case .emptyHost:
      return "expected the server's authority (host and port) in Host, found an empty value"
    case .duplicateHeader(let name, let count):
      return "expected one \(name) header field, found \(count)"
    case .missingUpgrade:
      return detectedBy == .server
        ? "expected \"Upgrade: websocket\", found no Upgrade header field"
        : "expected \"Upgrade: websocket\" in the 101 response, found no Upgrade header field"
    case .upgradeNotWebSocket(let found):
      return detectedBy == .server
        ? "expected an Upgrade header field containing the token \"websocket\", got \(quote(found))"
        : "expected \"Upgrade: websocket\" in the 101 response, got \(quote(found))"
    case .missingConnectionUpgrade(let found):
      let got = found.map { "got " + quote($0) } ?? "found no Connection header field"
      return "expected a Connection header field with the token \"Upgrade\", \(got)"
    case .missingKey:
      return "expected a Sec-WebSocket-Key header field, found none"
    case .invalidKey(let key, let count):
      if let count {
        return
          "expected Sec-WebSocket-Key to be base64 of exactly 16 bytes, got \(quote(key)), "
          + "which decodes to \(count) byte\(count == 1 ? "" : "s")"
      }
      return
        "expected Sec-WebSocket-Key to be base64 of exactly 16 bytes, got \(quote(key)), "
        + "which is not canonical base64"
    case .missingVersion:
      return "expected \"Sec-WebSocket-Version: 13\", found no Sec-WebSocket-Version header field"
    case .unsupportedVersion(let found):
      return "expected \"Sec-WebSocket-Version: 13\", got \(quote(found))"
    case .originRejected(let origin):
      return "the origin policy refused " + (origin.map { "Origin " + quote($0) } ?? "a request without Origin")
    case .unauthorized(let reason):
      return "the server needs credentials in the handshake: " + reason
    case .invalidSubprotocol(let element):
      return "expected Sec-WebSocket-Protocol elements to be tokens, got \(quote(element))"
    case .malformedExtensionHeader(let value, let position, let reason):
      let bytes = Array(value.utf8)
      let at =
        position < bytes.count ? HTTPSyntax.describe(bytes[position]) : "the end of the value"
      return "malformed Sec-WebSocket-Extensions \(quote(value)) at byte \(position) "
        + "(\(at)): \(reason)"
    case .unexpectedStatus(let status, let reason):
      return "expected status 101 Switching Protocols, got \(status) \(Trace.escape(reason))"
    case .missingAccept:
      return "expected a Sec-WebSocket-Accept header field, found none"
    case .acceptMismatch(let expected, let found):
      return "Sec-WebSocket-Accept mismatch: expected \(quote(expected)) "
        + "(base64 SHA-1 of key + GUID), got \(quote(found))"
    case .subprotocolNotOffered(let found):
      return "the server chose subprotocol \(quote(found)), which the client did not offer"
    case .multipleSubprotocols(let found):
      return "expected at most one Sec-WebSocket-Protocol value, got "
        + found.map(quote).joined(separator: ", ")
    case .extensionNotOffered(let name):
      return "the server accepted extension \(quote(name)), which the client did not offer"
    case .duplicateExtension(let name):
      return "the server accepted extension \(quote(name)) more than once"
    case .invalidExtensionResponse(let why):
      return "the server's extension response cannot be accepted: \(why)"
    case .requestHasBody(let header):
      return "expected a request without a body, got \(quote(header)); "
        + "bytes after the head must be WebSocket frames"
    }
  }

  /// The message followed by the section, such as
  /// `expected method GET, got "POST" (RFC 6455 §4.2.1 item 1)`.
  public var description: String { message + " (" + section + ")" }

  private func quote(_ s: String) -> String { "\"" + Trace.escape(s) + "\"" }
}
