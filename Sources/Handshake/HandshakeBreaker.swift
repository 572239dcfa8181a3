import Trace

/// Break it, for the opening handshake: removes or alters one line of a valid request at a time
/// and runs every variant through the real ``ServerHandshake``, to show which check each line
/// passes and what status a client gets when it fails (RFC 6455 §4.2.1, §4.2.2).
public enum HandshakeBreaker {
  public struct Variant: Sendable, Equatable {
    /// What was changed: `remove Upgrade`, `Upgrade: h2c`.
    public var change: String
    /// The request with the change.
    public var request: [UInt8]
    /// 101 when the server still accepts it, else the status of its refusal.
    public var status: Int
    /// Why the server refused (nil when it accepted).
    public var error: HandshakeError?
  }

  /// The variants as table rows: the change, the status, why the server refused, the rule.
  public static func rows(_ variants: [Variant]) -> (header: [String], rows: [[String]]) {
    let rows = variants.map { v -> [String] in
      guard let error = v.error else { return [v.change, String(v.status), "still accepted", ""] }
      return [v.change, String(v.status), error.message, TraceRenderer.compact(error.section)]
    }
    return (["change", "status", "why", "rule"], rows)
  }

  /// Values that break each header the server checks; every other line is only removed.
  static let brokenValues: [String: [String]] = [
    "upgrade": ["h2c"],
    "connection": ["keep-alive"],
    "sec-websocket-key": ["dGhlIHNhbXBsZQ=="],
    "sec-websocket-version": ["8"],
    "origin": ["http://evil.example"],
    "host": [""],
  ]

  /// The variants of `request` (a valid request head): each header line removed, each checked
  /// header given a wrong value, and the request line with another method and an older version.
  public static func variants(
    of request: [UInt8], policy: ServerHandshakePolicy = ServerHandshakePolicy()
  ) -> [Variant] {
    let text = String(decoding: request, as: UTF8.self)
    var lines = text.components(separatedBy: "\r\n")
    while lines.last == "" { lines.removeLast() }
    guard !lines.isEmpty else { return [] }
    func build(_ changed: [String]) -> [UInt8] { Array((changed.joined(separator: "\r\n") + "\r\n\r\n").utf8) }
    func run(_ change: String, _ changed: [String]) -> Variant {
      var server = ServerHandshake(policy: policy)
      let bytes = build(changed)
      switch server.feed(bytes) {
      case .accept?: return Variant(change: change, request: bytes, status: 101, error: nil)
      case .reject(let rejection)?:
        return Variant(change: change, request: bytes, status: rejection.status, error: rejection.error)
      case nil:
        return Variant(change: change, request: bytes, status: 0, error: nil)
      }
    }
    var variants: [Variant] = []
    let requestLine = lines[0]
    if requestLine.hasPrefix("GET ") {
      variants.append(run("POST instead of GET", ["POST " + requestLine.dropFirst(4)] + lines.dropFirst()))
    }
    if requestLine.hasSuffix(" HTTP/1.1") {
      variants.append(run("HTTP/1.0", [requestLine.dropLast(3) + "1.0"] + lines.dropFirst()))
    }
    for i in lines.indices.dropFirst() {
      let line = lines[i]
      let name = line.split(separator: ":", maxSplits: 1).first.map(String.init) ?? line
      var removed = lines
      removed.remove(at: i)
      variants.append(run("remove \(name)", removed))
      for value in brokenValues[HTTPSyntax.lowercased(name), default: []] {
        var altered = lines
        altered[i] = "\(name): \(value)"
        variants.append(run("\(name): \(value)", altered))
      }
    }
    return variants
  }
}
