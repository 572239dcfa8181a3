/// The header fields of an HTTP head, in the order they arrived, with names spelled as sent.
///
/// Lookups compare names ASCII case-insensitively (RFC 9110 §5.1). Nothing is merged or
/// re-ordered, so a head can be shown (and re-sent) exactly as it was.
public struct HTTPHeaders: Sendable, Equatable, ExpressibleByDictionaryLiteral {
  /// One header line.
  public struct Field: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
      self.name = name
      self.value = value
    }
  }

  /// Every field, in order.
  public private(set) var fields: [Field]

  public init() { fields = [] }

  public init(_ pairs: [(String, String)]) {
    fields = pairs.map { Field(name: $0.0, value: $0.1) }
  }

  public init(dictionaryLiteral elements: (String, String)...) {
    self.init(elements)
  }

  /// Adds a field at the end.
  public mutating func append(name: String, value: String) {
    fields.append(Field(name: name, value: value))
  }

  /// The number of fields.
  public var count: Int { fields.count }

  /// The value of the first field called `name`, or `nil`.
  public func first(_ name: String) -> String? {
    fields.first { HTTPSyntax.equalsIgnoringCase($0.name, name) }?.value
  }

  /// The values of every field called `name`, one per line, in order.
  public func values(_ name: String) -> [String] {
    fields.filter { HTTPSyntax.equalsIgnoringCase($0.name, name) }.map(\.value)
  }

  /// Every element of the comma-separated lists in all fields called `name`, trimmed of
  /// whitespace, empty elements dropped (RFC 9110 §5.6.1). For token lists such as `Connection`,
  /// `Upgrade` and `Sec-WebSocket-Protocol`; lists with quoted strings need their own parser
  /// (see ``ExtensionHeader``).
  public func tokens(_ name: String) -> [String] {
    var result: [String] = []
    for value in values(name) {
      for element in value.utf8.split(separator: HTTPSyntax.comma, omittingEmptySubsequences: false) {
        let trimmed = HTTPSyntax.trimmingOWS(ArraySlice(element))
        if !trimmed.isEmpty { result.append(HTTPSyntax.text(trimmed)) }
      }
    }
    return result
  }

  /// Whether any element of ``tokens(_:)`` for `name` equals `token`, ignoring ASCII case.
  public func contains(token: String, in name: String) -> Bool {
    tokens(name).contains { HTTPSyntax.equalsIgnoringCase($0, token) }
  }

  /// The header lines as they go on the wire: `Name: value` CR LF each.
  func serialized(into bytes: inout [UInt8]) {
    for field in fields {
      bytes.append(contentsOf: field.name.utf8)
      bytes.append(contentsOf: ": ".utf8)
      bytes.append(contentsOf: field.value.utf8)
      bytes.append(contentsOf: [HTTPSyntax.cr, HTTPSyntax.lf])
    }
  }
}

extension HTTPHeaders: Sequence {
  public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}
