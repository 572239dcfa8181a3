import Trace

/// An HTTP version, `HTTP/1.1` (RFC 9112 §2.3).
public struct HTTPVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var major: Int
  public var minor: Int

  public init(major: Int, minor: Int) {
    self.major = major
    self.minor = minor
  }

  public static let http1_0 = HTTPVersion(major: 1, minor: 0)
  public static let http1_1 = HTTPVersion(major: 1, minor: 1)

  public static func < (a: HTTPVersion, b: HTTPVersion) -> Bool {
    (a.major, a.minor) < (b.major, b.minor)
  }

  /// `HTTP/1.1`.
  public var description: String { "HTTP/\(major).\(minor)" }

  /// Parses `HTTP-version = HTTP-name "/" DIGIT "." DIGIT` exactly (RFC 9112 §2.3).
  static func parse(_ bytes: ArraySlice<UInt8>) -> HTTPVersion? {
    let b = Array(bytes)
    guard b.count == 8, b[0..<5].elementsEqual("HTTP/".utf8), b[6] == UInt8(ascii: "."),
      let major = digit(b[5]), let minor = digit(b[7])
    else { return nil }
    return HTTPVersion(major: major, minor: minor)
  }

  static func digit(_ b: UInt8) -> Int? {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) ? Int(b - UInt8(ascii: "0")) : nil
  }
}

/// A request head or a response head: what ``HTTPHeadParser`` can parse.
public protocol HTTPMessageHead: Sendable, Equatable {
  /// The role that receives (and so parses and validates) this kind of head: the server for
  /// requests, the client for responses. Syntax errors are reported as detected by this role.
  static var recipient: Role { get }

  /// Parses the start line (request line or status line), given without its line terminator.
  init(startLine: ArraySlice<UInt8>) throws(HandshakeError)

  var headers: HTTPHeaders { get set }
}

/// A request head: request line and header fields (RFC 9112 §3).
public struct HTTPRequestHead: HTTPMessageHead {
  public var method: String
  /// The request target as sent, such as `/chat?room=1`.
  public var target: String
  public var version: HTTPVersion
  public var headers: HTTPHeaders

  public init(
    method: String = "GET", target: String, version: HTTPVersion = .http1_1,
    headers: HTTPHeaders = HTTPHeaders()
  ) {
    self.method = method
    self.target = target
    self.version = version
    self.headers = headers
  }

  public static var recipient: Role { .server }

  /// `request-line = method SP request-target SP HTTP-version`, single spaces, a token method,
  /// a target of visible ASCII (RFC 9112 §3).
  public init(startLine line: ArraySlice<UInt8>) throws(HandshakeError) {
    func fail(_ reason: String) -> HandshakeError {
      HandshakeError(.malformedRequestLine(reason), detectedBy: .server)
    }
    let parts = line.split(separator: HTTPSyntax.sp, omittingEmptySubsequences: false)
    guard parts.count == 3 else {
      throw fail(
        "expected \"METHOD SP target SP HTTP/1.1\" (three parts, single spaces), got \""
          + HTTPSyntax.printable(line) + "\"")
    }
    let (method, target, version) = (parts[0], parts[1], parts[2])
    if let bad = method.firstIndex(where: { !HTTPSyntax.isTokenChar($0) }) {
      throw fail(
        "method contains " + HTTPSyntax.describe(method[bad]) + ", not allowed in a token")
    }
    guard !method.isEmpty else { throw fail("empty method") }
    guard !target.isEmpty else { throw fail("empty request target") }
    if let bad = target.firstIndex(where: { $0 <= 0x20 || $0 >= 0x7F }) {
      throw fail("request target contains " + HTTPSyntax.describe(target[bad]))
    }
    guard let parsedVersion = HTTPVersion.parse(version) else {
      throw fail(
        "\"" + HTTPSyntax.printable(version) + "\" is not an HTTP version of the form HTTP/x.y")
    }
    self.init(
      method: HTTPSyntax.text(method), target: HTTPSyntax.text(target), version: parsedVersion)
  }
}

/// A response head: status line and header fields (RFC 9112 §4).
public struct HTTPResponseHead: HTTPMessageHead {
  public var version: HTTPVersion
  public var status: Int
  public var reason: String
  public var headers: HTTPHeaders

  public init(
    version: HTTPVersion = .http1_1, status: Int, reason: String? = nil,
    headers: HTTPHeaders = HTTPHeaders()
  ) {
    self.version = version
    self.status = status
    self.reason = reason ?? HTTPSyntax.reasonPhrase(status)
    self.headers = headers
  }

  public static var recipient: Role { .client }

  /// `status-line = HTTP-version SP status-code SP [ reason-phrase ]` (RFC 9112 §4). A missing
  /// final space after the code is tolerated, as most clients do.
  public init(startLine line: ArraySlice<UInt8>) throws(HandshakeError) {
    func fail(_ reason: String) -> HandshakeError {
      HandshakeError(.malformedStatusLine(reason), detectedBy: .client)
    }
    let text = "\"" + HTTPSyntax.printable(line) + "\""
    guard let firstSpace = line.firstIndex(of: HTTPSyntax.sp),
      let version = HTTPVersion.parse(line[..<firstSpace])
    else { throw fail("expected \"HTTP/1.1 101 Switching Protocols\", got " + text) }
    let rest = line[(firstSpace + 1)...]
    let code = rest.prefix(3)
    guard code.count == 3, code.allSatisfy({ HTTPVersion.digit($0) != nil }) else {
      throw fail("expected a three-digit status code, got " + text)
    }
    let afterCode = rest.dropFirst(3)
    var reason = ""
    if let first = afterCode.first {
      guard first == HTTPSyntax.sp else {
        throw fail("expected a space after the status code, got " + text)
      }
      let phrase = afterCode.dropFirst()
      if let bad = phrase.first(where: { !HTTPSyntax.isFieldValueByte($0) }) {
        throw fail("reason phrase contains " + HTTPSyntax.describe(bad))
      }
      reason = HTTPSyntax.text(phrase)
    }
    let status = code.reduce(0) { $0 * 10 + (HTTPVersion.digit($1) ?? 0) }
    self.init(version: version, status: status, reason: reason)
  }
}
