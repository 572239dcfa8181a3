import Trace

/// One element of a `Sec-WebSocket-Extensions` list: an extension name and its parameters, such
/// as `permessage-deflate; client_max_window_bits` (RFC 6455 §9.1).
public struct ExtensionOffer: Sendable, Equatable {
  /// One `name` or `name=value` parameter. Quoted values are stored unquoted.
  public struct Parameter: Sendable, Equatable {
    public var name: String
    public var value: String?

    public init(name: String, value: String? = nil) {
      self.name = name
      self.value = value
    }
  }

  public var name: String
  public var parameters: [Parameter]

  public init(name: String, parameters: [Parameter] = []) {
    self.name = name
    self.parameters = parameters
  }

  /// The header text for this element: `name; p1; p2=v`. A value that is not a token is written
  /// as a quoted string.
  public func formatted() -> String {
    var s = name
    for p in parameters {
      s += "; " + p.name
      if let v = p.value {
        s += "=" + (HTTPSyntax.isToken(v) ? v : ExtensionHeader.quoted(v))
      }
    }
    return s
  }
}

/// The `Sec-WebSocket-Extensions` grammar (RFC 6455 §9.1, with RFC 7692 §5's note on quoted
/// values):
///
///     extension-list  = 1#extension
///     extension       = extension-token *( ";" extension-param )
///     extension-param = token [ "=" ( token / quoted-string ) ]
///
/// A quoted value must unescape to a token. Whitespace is allowed around `;`, `,` and `=`, empty
/// list elements are ignored (RFC 9110 §5.6.1), and several header lines form one list.
public enum ExtensionHeader {
  /// Parses the values of every `Sec-WebSocket-Extensions` line, in order. Errors name the line's
  /// value and the 0-based byte offset of the offending character.
  public static func parse(
    _ values: [String], detectedBy role: Role = .server
  ) throws(HandshakeError) -> [ExtensionOffer] {
    var offers: [ExtensionOffer] = []
    for value in values {
      var parser = Parser(value: value, bytes: Array(value.utf8), role: role)
      try parser.parseList(into: &offers)
    }
    return offers
  }

  /// Joins elements into one header value: `a; x, b`.
  public static func format(_ offers: [ExtensionOffer]) -> String {
    offers.map { $0.formatted() }.joined(separator: ", ")
  }

  static func quoted(_ s: String) -> String {
    var out = "\""
    for c in s {
      if c == "\"" || c == "\\" { out.append("\\") }
      out.append(c)
    }
    return out + "\""
  }

  private struct Parser {
    let value: String
    let bytes: [UInt8]
    let role: Role
    var i = 0

    init(value: String, bytes: [UInt8], role: Role) {
      self.value = value
      self.bytes = bytes
      self.role = role
    }

    func fail(_ reason: String, at position: Int? = nil) -> HandshakeError {
      HandshakeError(
        .malformedExtensionHeader(value: value, position: position ?? i, reason: reason),
        detectedBy: role)
    }

    var current: UInt8? { i < bytes.count ? bytes[i] : nil }

    mutating func skipOWS() {
      while let c = current, HTTPSyntax.isOWS(c) { i += 1 }
    }

    mutating func token() -> String? {
      let start = i
      while let c = current, HTTPSyntax.isTokenChar(c) { i += 1 }
      return i > start ? HTTPSyntax.text(bytes[start..<i]) : nil
    }

    mutating func parseList(into offers: inout [ExtensionOffer]) throws(HandshakeError) {
      while true {
        skipOWS()
        guard let c = current else { return }
        if c == HTTPSyntax.comma {  // an empty element
          i += 1
          continue
        }
        guard let name = token() else { throw fail("expected an extension name (a token)") }
        var offer = ExtensionOffer(name: name)
        skipOWS()
        while current == HTTPSyntax.semicolon {
          i += 1
          skipOWS()
          offer.parameters.append(try parameter())
          skipOWS()
        }
        offers.append(offer)
        guard let next = current else { return }
        guard next == HTTPSyntax.comma else {
          throw fail("expected \";\", \",\" or the end after an extension element")
        }
        i += 1
      }
    }

    mutating func parameter() throws(HandshakeError) -> ExtensionOffer.Parameter {
      guard let name = token() else { throw fail("expected a parameter name (a token)") }
      skipOWS()
      guard current == HTTPSyntax.equals else { return .init(name: name) }
      i += 1
      skipOWS()
      if current == HTTPSyntax.dquote {
        return .init(name: name, value: try quotedToken())
      }
      guard let value = token() else { throw fail("expected a parameter value (a token or a quoted string)") }
      return .init(name: name, value: value)
    }

    /// A quoted-string (RFC 9110 §5.6.4) whose unescaped content must be a token.
    mutating func quotedToken() throws(HandshakeError) -> String {
      let open = i
      i += 1
      var content: [UInt8] = []
      var firstBad: Int?
      while true {
        guard let c = current else { throw fail("unterminated quoted string", at: bytes.count) }
        let position = i
        if c == HTTPSyntax.dquote {
          i += 1
          break
        }
        var char = c
        if c == HTTPSyntax.backslash {
          i += 1
          guard let escaped = current else { throw fail("unterminated quoted string", at: bytes.count) }
          guard HTTPSyntax.isFieldValueByte(escaped) else {
            throw fail("character not allowed in a quoted string")
          }
          char = escaped
        } else if !HTTPSyntax.isFieldValueByte(c) {
          throw fail("character not allowed in a quoted string")
        }
        if firstBad == nil && !HTTPSyntax.isTokenChar(char) { firstBad = position }
        content.append(char)
        i += 1
      }
      if let firstBad {
        throw fail("a quoted parameter value must unescape to a token (RFC 7692 §5)", at: firstBad)
      }
      guard !content.isEmpty else {
        throw fail("a quoted parameter value must unescape to a token (RFC 7692 §5), not nothing", at: open)
      }
      return HTTPSyntax.text(content)
    }
  }
}
