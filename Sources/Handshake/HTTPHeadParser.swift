import Trace

/// An incremental parser for one HTTP/1.1 head: a request head (`HTTPHeadParser<HTTPRequestHead>`)
/// or a response head (`HTTPHeadParser<HTTPResponseHead>`).
///
/// Feed bytes as they arrive, in any chunking (one byte at a time works). ``feed(_:)`` returns
/// `nil` until the empty line that ends the head, then the head and every byte that came after
/// it (``Completed/leftover``: frame data for the next layer, never dropped). Each byte is looked
/// at a bounded number of times, so parsing is O(n) over all feeds; lines are checked as soon as
/// they are complete, so a bad request line fails before the rest of the head arrives.
///
/// Decisions (RFC 9112):
/// - Lines end with CR LF; a bare LF is accepted too (RFC 9112 §2.2 allows a recipient to) and a
///   CR not followed by LF is rejected as a forbidden byte.
/// - Empty lines before the start line are skipped (RFC 9112 §2.2) but count towards the cap.
/// - Obsolete line folding, a missing colon, whitespace before the colon, a field name that is
///   not a token and control characters (NUL, CR, …) in a value are errors.
/// - The head, empty line included, may be at most ``maxHeadBytes`` bytes. The parser fails as
///   soon as that is exceeded and never buffers more than ``maxHeadBytes`` bytes.
///
/// After a head is returned the parser is ready for the next one. After an error it keeps
/// throwing the same error.
public struct HTTPHeadParser<Head: HTTPMessageHead> {
  /// A parsed head with its bytes and what followed it.
  public struct Completed: Sendable, Equatable {
    public var head: Head
    /// The head exactly as received, start line to empty line inclusive.
    public var headBytes: [UInt8]
    /// Bytes after the head, from the same feed: they belong to the next layer.
    public var leftover: [UInt8]
  }

  /// The cap on the head's size in bytes, the final empty line included.
  public var maxHeadBytes: Int
  /// When set, each completed head is reported as a ``TraceRecord``.
  public var observer: (any TraceObserver)?
  /// For a client's response parser: the accept value the client expects, so the trace says
  /// whether the response's Sec-WebSocket-Accept matches it.
  public var expectedAccept: String?

  private var buffer: [UInt8] = []
  private var lineStart = 0
  private var skippedBytes = 0
  private var head: Head?
  private var failure: HandshakeError?

  public init(maxHeadBytes: Int = 8192, observer: (any TraceObserver)? = nil) {
    self.maxHeadBytes = maxHeadBytes
    self.observer = observer
  }

  /// The number of head bytes buffered so far (never more than ``maxHeadBytes``).
  public var bufferedByteCount: Int { buffer.count }

  /// Takes the next bytes. Returns `nil` while the head is incomplete.
  public mutating func feed(_ bytes: some Collection<UInt8>) throws(HandshakeError) -> Completed? {
    if let failure { throw failure }
    do {
      // One concrete, contiguous type for the byte loop: a generic `Collection` walked byte by
      // byte from another module is not specialised (and allocated per byte).
      return try consume(bytes as? [UInt8] ?? Array(bytes))
    } catch {
      failure = error
      throw error
    }
  }

  private mutating func consume(_ bytes: [UInt8]) throws(HandshakeError) -> Completed? {
    var index = bytes.startIndex
    var pending = index  // the first byte not yet copied into `buffer`
    var size = skippedBytes + buffer.count  // head bytes taken so far, towards the cap
    while index != bytes.endIndex {
      guard size < maxHeadBytes else {
        buffer.append(contentsOf: bytes[pending..<index])
        throw HandshakeError(.headTooLarge(limit: maxHeadBytes), detectedBy: Head.recipient)
      }
      let byte = bytes[index]
      bytes.formIndex(after: &index)
      size += 1
      guard byte == HTTPSyntax.lf else { continue }
      buffer.append(contentsOf: bytes[pending..<index])
      pending = index
      if var completed = try endLine() {
        completed.leftover = Array(bytes[index...])
        return completed
      }
    }
    buffer.append(contentsOf: bytes[pending..<index])
    return nil
  }

  /// Processes the line that ends at the end of `buffer` (its LF included).
  private mutating func endLine() throws(HandshakeError) -> Completed? {
    var end = buffer.count - 1  // the LF
    if end > lineStart && buffer[end - 1] == HTTPSyntax.cr { end -= 1 }
    let content = buffer[lineStart..<end]
    if content.isEmpty {
      guard head != nil else {
        // An empty line before the start line (RFC 9112 §2.2): skip it.
        skippedBytes += buffer.count
        buffer.removeAll(keepingCapacity: true)
        lineStart = 0
        return nil
      }
      return finish()
    }
    if head == nil {
      if let bad = content.first(where: { $0 == HTTPSyntax.cr || $0 == 0 }) {
        let reason = "contains " + HTTPSyntax.describe(bad)
        throw HandshakeError(
          Head.recipient == .server ? .malformedRequestLine(reason) : .malformedStatusLine(reason),
          detectedBy: Head.recipient)
      }
      head = try Head(startLine: content)
    } else {
      let field = try Self.parseField(content)
      head?.headers.append(name: field.name, value: field.value)
    }
    lineStart = buffer.count
    return nil
  }

  private mutating func finish() -> Completed? {
    guard let head else { return nil }
    let completed = Completed(head: head, headBytes: buffer, leftover: [])
    if let observer {
      observer.record(
        .bytes(
          HandshakeTrace.record(
            forHead: buffer,
            direction: Head.recipient == .server ? .clientToServer : .serverToClient,
            expectedAccept: expectedAccept)))
    }
    buffer = []
    lineStart = 0
    skippedBytes = 0
    self.head = nil
    return completed
  }

  /// `field-line = field-name ":" OWS field-value OWS` (RFC 9112 §5).
  static func parseField(_ line: ArraySlice<UInt8>) throws(HandshakeError) -> HTTPHeaders.Field {
    let role = Head.recipient
    let text = HTTPSyntax.text(line)
    if let first = line.first, HTTPSyntax.isOWS(first) {
      throw HandshakeError(.obsoleteLineFolding(line: text), detectedBy: role)
    }
    guard let colon = line.firstIndex(of: HTTPSyntax.colon) else {
      throw HandshakeError(.missingColon(line: text), detectedBy: role)
    }
    let nameBytes = line[..<colon]
    let name = HTTPSyntax.text(nameBytes)
    if let last = nameBytes.last, HTTPSyntax.isOWS(last) {
      throw HandshakeError(
        .whitespaceBeforeColon(name: HTTPSyntax.text(HTTPSyntax.trimmingOWS(nameBytes))),
        detectedBy: role)
    }
    if nameBytes.isEmpty {
      throw HandshakeError(.invalidHeaderName(name: "", position: 0), detectedBy: role)
    }
    if let bad = nameBytes.firstIndex(where: { !HTTPSyntax.isTokenChar($0) }) {
      throw HandshakeError(
        .invalidHeaderName(name: name, position: bad - nameBytes.startIndex), detectedBy: role)
    }
    let value = HTTPSyntax.trimmingOWS(line[(colon + 1)...])
    if let bad = value.first(where: { !HTTPSyntax.isFieldValueByte($0) }) {
      throw HandshakeError(.invalidHeaderValue(name: name, byte: bad), detectedBy: role)
    }
    return HTTPHeaders.Field(name: name, value: HTTPSyntax.text(value))
  }
}

/// Parses a client's request head.
public typealias HTTPRequestParser = HTTPHeadParser<HTTPRequestHead>
/// Parses a server's response head.
public typealias HTTPResponseParser = HTTPHeadParser<HTTPResponseHead>
