import Trace

/// Annotates HTTP heads for the tracer: one ``TraceField`` per line.
///
/// A pure function of the bytes, so a lesson can annotate any head, including invalid ones: it
/// never fails. Each field's range is the line's bytes with its CR LF; the fields are contiguous
/// and cover the bytes exactly. Bytes after the empty line (a body, or frame data) become one last
/// field.
public enum HandshakeTrace {
  /// What the HTTP message is for: the meanings differ.
  public enum Purpose: Sendable {
    /// The opening handshake (RFC 6455 §4) or its refusal.
    case webSocketHandshake
    /// Plain HTTP, such as the long-polling baseline: the body is a message.
    case http
  }

  /// The annotated record for a request or response head (and what follows it).
  ///
  /// `expectedAccept`: the Sec-WebSocket-Accept value the client computed from its key, when the
  /// record is of a response the client checks; the accept line is then explained as matching it
  /// or not.
  public static func record(
    forHead bytes: [UInt8], direction: TraceDirection, purpose: Purpose = .webSocketHandshake,
    expectedAccept: String? = nil
  ) -> TraceRecord {
    var fields: [TraceField] = []
    var start = 0
    var isResponse = false
    var status: Int?
    var ended = false
    var title = "HTTP head"
    while start < bytes.count && !ended {
      let lf = bytes[start...].firstIndex(of: HTTPSyntax.lf)
      let end = lf.map { $0 + 1 } ?? bytes.count
      var contentEnd = lf ?? bytes.count
      if contentEnd > start && bytes[contentEnd - 1] == HTTPSyntax.cr { contentEnd -= 1 }
      let content = bytes[start..<contentEnd]
      let range = start..<end
      if fields.isEmpty {
        let text = HTTPSyntax.text(content)
        if content.starts(with: "HTTP/".utf8) {
          isResponse = true
          let parsed = try? HTTPResponseHead(startLine: content)
          status = parsed?.status
          title =
            (purpose == .http ? "HTTP response: " : "HTTP response head: ")
            + (parsed.map { "\($0.status) \($0.reason)" } ?? text)
          fields.append(
            purpose == .http
              ? TraceField(
                range: range, name: "status line", value: text,
                meaning: status == 200
                  ? "200 OK: the body is the message"
                  : status == 204
                    ? "204 No Content: nothing to deliver (accepted, or no message in time)" : "the status",
                section: status == 200 ? "RFC 9110 §15.3.1" : status == 204 ? "RFC 9110 §15.3.5" : "RFC 9112 §4")
              : statusLineField(range: range, text: text, status: status))
        } else {
          title = (purpose == .http ? "HTTP request: " : "HTTP request head: ") + text
          fields.append(
            purpose == .http
              ? TraceField(
                range: range, name: "request line", value: text,
                meaning: "method, target (path and query), protocol version", section: "RFC 9112 §3")
              : TraceField(
                range: range, name: "request line", value: text,
                meaning: content.starts(with: "GET ".utf8)
                  ? "a GET request over HTTP/1.1 or later asks for the upgrade"
                  : "the opening handshake must be a GET request over HTTP/1.1 or later",
                section: "RFC 6455 §4.1"))
        }
      } else if content.isEmpty {
        ended = true
        fields.append(
          TraceField(
            range: range, name: "end of head", value: "",
            meaning: "an empty line ends the head", section: "RFC 9112 §2.1"))
      } else {
        var field = headerField(range: range, content: content, isResponse: isResponse, status: status)
        if let expectedAccept, isResponse, HTTPSyntax.lowercased(field.name) == "sec-websocket-accept" {
          if field.value == expectedAccept {
            field.meaning = "base64(SHA-1(key + GUID)), the value the client computed: the server read the key"
            field.section = "RFC 6455 §4.2.2"
          } else {
            field.meaning =
              "not base64(SHA-1(key + GUID)), which is \(expectedAccept): the client fails the connection"
            field.section = "RFC 6455 §4.1"
          }
        }
        if purpose == .http && field.section == nil { field.meaning = "a header field this exchange does not need" }
        if purpose == .http && HTTPSyntax.lowercased(field.name) == "host" {
          field.meaning = "the server's host and port; required in every HTTP/1.1 request"
          field.section = "RFC 9112 §3.2"
        }
        fields.append(field)
      }
      start = end
    }
    if start < bytes.count {
      let rest = bytes[start...]
      let isFrames = purpose == .webSocketHandshake && (status == nil || status == 101)
      fields.append(
        TraceField(
          range: start..<bytes.count, name: isFrames ? "after head" : "body",
          value: Trace.quoted(rest),
          meaning: isFrames
            ? "bytes after the head: WebSocket frames for the frame layer"
            : purpose == .http
              ? "the body: the message itself, \(rest.count) bytes" : "the response body: why the server refused",
          section: isFrames ? "RFC 6455 §5" : "RFC 9112 §6"))
    }
    return TraceRecord(
      title: title + " (\(bytes.count) bytes)", direction: direction, layout: .text,
      bytes: bytes, fields: fields)
  }

  static func statusLineField(range: Range<Int>, text: String, status: Int?) -> TraceField {
    let meaning: String
    switch status {
    case 101: meaning = "101 Switching Protocols: the server agrees to speak WebSocket"
    case 426?: meaning = "426: the server speaks another WebSocket version (see Sec-WebSocket-Version)"
    case let s?: meaning = "\(s): the server refused the handshake; the connection stays HTTP"
    case nil: meaning = "not a valid status line"
    }
    // 101: §4.2.2. A refusal: the server's reasons are in §4.2.1 (400), §4.2.2 and §10.2 (403 for
    // an Origin), §4.2.2 and §4.4 (426 with the versions it speaks); any other status the client
    // handles as HTTP (§4.1).
    let section: String
    switch status {
    case 101: section = "RFC 6455 §4.2.2"
    case 400: section = "RFC 6455 §4.2.1"
    case 401: section = "RFC 6455 §10.5"
    case 403: section = "RFC 6455 §4.2.2, §10.2"
    case 426: section = "RFC 6455 §4.2.2, §4.4"
    default: section = "RFC 6455 §4.1"
    }
    return TraceField(range: range, name: "status line", value: text, meaning: meaning, section: section)
  }

  static func headerField(range: Range<Int>, content: ArraySlice<UInt8>, isResponse: Bool, status: Int?)
    -> TraceField
  {
    if let first = content.first, HTTPSyntax.isOWS(first) {
      return TraceField(
        range: range, name: "continuation line", value: HTTPSyntax.text(content),
        meaning: "obsolete line folding: rejected", section: "RFC 9112 §5.2")
    }
    guard let colon = content.firstIndex(of: HTTPSyntax.colon) else {
      return TraceField(
        range: range, name: "malformed line", value: HTTPSyntax.text(content),
        meaning: "no colon: not a header field", section: "RFC 9112 §5.1")
    }
    let name = HTTPSyntax.text(content[..<colon])
    let value = HTTPSyntax.text(HTTPSyntax.trimmingOWS(content[(colon + 1)...]))
    let (meaning, section) = Self.meaning(of: name, value: value, isResponse: isResponse, status: status)
    return TraceField(range: range, name: name, value: value, meaning: meaning, section: section)
  }

  /// What a header field means for the handshake, and where that is specified. The meaning
  /// depends on the value where the value changes the outcome (a version other than 13, a
  /// `Connection: close` on a refusal).
  static func meaning(of name: String, value: String, isResponse: Bool, status: Int?) -> (String, String?) {
    let tokens = value.split(separator: ",").map {
      HTTPSyntax.lowercased(String($0.filter { $0 != " " && $0 != "\t" }))
    }
    let switching = status == 101
    switch HTTPSyntax.lowercased(name) {
    case "host":
      return ("the server's host and port; required once in HTTP/1.1", "RFC 6455 §4.1")
    case "upgrade":
      if !isResponse {
        return tokens.contains("websocket")
          ? ("asks to switch this connection to the WebSocket protocol", "RFC 6455 §4.1")
          : ("must contain the token websocket", "RFC 6455 §4.2.1 item 3")
      }
      return switching
        ? ("the connection now speaks WebSocket", "RFC 6455 §4.2.2")
        : ("the protocol the client must upgrade to", "RFC 9110 §15.5.22")
    case "connection":
      if !isResponse {
        return tokens.contains("upgrade")
          ? ("contains the token Upgrade: the upgrade applies to this hop", "RFC 6455 §4.1")
          : ("must contain the token Upgrade", "RFC 6455 §4.2.1 item 4")
      }
      if tokens.contains("close") {
        return ("close: the server closes the TCP connection after this response", "RFC 9112 §9.6")
      }
      return ("Upgrade: this hop switches protocols", "RFC 6455 §4.2.2")
    case "sec-websocket-key":
      return (
        "16 random bytes, base64; the server proves it read this request by hashing it",
        "RFC 6455 §4.1"
      )
    case "sec-websocket-accept":
      return (
        "base64(SHA-1(key + \(WebSocketAccept.guid))): proof the server read the key",
        "RFC 6455 §4.2.2"
      )
    case "sec-websocket-version":
      if isResponse { return ("the WebSocket versions this server speaks", "RFC 6455 §4.4") }
      return value == "13"
        ? ("protocol version 13, the one RFC 6455 defines", "RFC 6455 §4.1")
        : ("not 13: a server answers 426 and lists the versions it speaks", "RFC 6455 §4.4")
    case "origin":
      return (
        "the origin of the page that opened the socket; the server may refuse it",
        "RFC 6455 §10.2"
      )
    case "sec-websocket-protocol":
      return isResponse
        ? ("the one subprotocol the server chose from the client's offer", "RFC 6455 §4.2.2")
        : ("subprotocols the client offers, most preferred first", "RFC 6455 §4.1")
    case "sec-websocket-extensions":
      return isResponse
        ? ("the extensions the server accepted, with their parameters", "RFC 6455 §9.1")
        : ("extensions the client offers, with their parameters", "RFC 6455 §9.1")
    case "content-length":
      return ("the size of the body in bytes", "RFC 9110 §8.6")
    case "content-type":
      return ("the body's media type", "RFC 9110 §8.3")
    case "cache-control":
      return ("no-store: caches must not keep this response", "RFC 9111 §5.2")
    case "cookie":
      return ("the browser's cookies for this server: sent whichever page opened the socket", "RFC 6265 §5.4")
    case "authorization":
      return ("credentials for the server; a browser's WebSocket API cannot set it", "RFC 9110 §11.6.2")
    case "www-authenticate":
      return ("the way to authenticate (a 401 must name one)", "RFC 9110 §11.6.1")
    case "retry-after":
      return ("seconds to wait before trying again", "RFC 9110 §10.2.3")
    default:
      return ("not used by the WebSocket handshake", nil)
    }
  }
}
