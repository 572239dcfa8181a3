import Handshake
import NIOCore

/// One message on its way between nodes: a row of the table and the text of its `NOTIFY`.
///
/// The notification is one line of fields, then the data when it is small enough to ride along:
///
///     42 n1 3 text /lobby 5
///     hello
///
/// id, publishing node, its connection, `text` or `binary`, room, length in bytes; then a newline
/// and the data (text as it is, binary in base64). Without the newline the data is read from the
/// table (messages longer than the inline limit, and text with U+0000, which PostgreSQL text
/// cannot hold). Room names are request paths and node names have no spaces, so the fields need
/// no escaping.
struct ClusterNotification: Sendable, Equatable {
  var id: Int64
  var node: String
  var connection: Int64
  var isBinary: Bool
  var room: String
  var length: Int
  /// The data, when the notification carries it.
  var inline: ByteBuffer?

  /// The fields after the id (the id is only known once the row is inserted: SQL prepends it).
  static func head(node: String, connection: Int64, isBinary: Bool, room: String, length: Int) -> String {
    "\(node) \(connection) \(isBinary ? "binary" : "text") \(room) \(length)"
  }

  /// The text that follows the head, or nil when the data must stay in the table.
  static func inlineText(_ data: ByteBuffer, isBinary: Bool, headLength: Int, limit: Int) -> String? {
    let bytes = data.readableBytesView
    if isBinary {
      let encodedLength = (bytes.count + 2) / 3 * 4
      guard headLength + 24 + encodedLength <= limit else { return nil }
      return Base64.encode(bytes)
    }
    guard headLength + 24 + bytes.count <= limit, !bytes.contains(0) else { return nil }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Parses a payload; nil when it is not one of ours.
  init?(payload: String) {
    let utf8 = payload.utf8
    let newline = utf8.firstIndex(of: UInt8(ascii: "\n"))
    let headBytes = newline.map { utf8[..<$0] } ?? utf8[...]
    let fields = headBytes.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
    guard fields.count == 6,
      let id = Int64(String(decoding: fields[0], as: UTF8.self)),
      let connection = Int64(String(decoding: fields[2], as: UTF8.self)),
      let length = Int(String(decoding: fields[5], as: UTF8.self)), length >= 0
    else { return nil }
    let kind = String(decoding: fields[3], as: UTF8.self)
    guard kind == "text" || kind == "binary" else { return nil }
    self.id = id
    self.node = String(decoding: fields[1], as: UTF8.self)
    self.connection = connection
    self.isBinary = kind == "binary"
    self.room = String(decoding: fields[4], as: UTF8.self)
    self.length = length
    if let newline {
      let data = utf8[utf8.index(after: newline)...]
      if isBinary {
        guard let decoded = Base64.decode(String(decoding: data, as: UTF8.self)), decoded.count == length else {
          return nil
        }
        self.inline = ByteBuffer(bytes: decoded)
      } else {
        guard data.count == length else { return nil }
        self.inline = ByteBuffer(bytes: data)
      }
    } else {
      self.inline = nil
    }
  }

  init(id: Int64, node: String, connection: Int64, isBinary: Bool, room: String, data: ByteBuffer?, length: Int) {
    self.id = id
    self.node = node
    self.connection = connection
    self.isBinary = isBinary
    self.room = room
    self.inline = data
    self.length = length
  }

  /// The message for the WebSocket members.
  func message(_ data: ByteBuffer) -> OutgoingMessage {
    isBinary ? .binary(data) : .text(String(buffer: data))
  }
}

extension ClusterConfiguration {
  /// The `NOTIFY` payload nodes send for a text message (what lesson 7 shows and `wslab check
  /// 7.1` counts): the id the database gave the row, the fields, and the text when it fits
  /// under the inline limit.
  public static func notificationPayload(
    id: Int64, node: String, connection: Int64, room: String, text: String, inlineLimit: Int = defaultInlineLimit
  ) -> String {
    let data = ByteBuffer(string: text)
    let head = ClusterNotification.head(
      node: node, connection: connection, isBinary: false, room: room, length: data.readableBytes)
    let inline = ClusterNotification.inlineText(data, isBinary: false, headLength: head.utf8.count, limit: inlineLimit)
    return "\(id) \(head)" + (inline.map { "\n" + $0 } ?? "")
  }

  /// Whether a binary message of `binaryLength` bytes rides in the notification (as base64), or
  /// every node reads it from the table.
  public static func notificationCarries(
    binaryLength: Int, node: String, room: String, inlineLimit: Int = defaultInlineLimit
  ) -> Bool {
    let head = ClusterNotification.head(node: node, connection: 1, isBinary: true, room: room, length: binaryLength)
    let data = ByteBuffer(repeating: 0, count: binaryLength)
    return ClusterNotification.inlineText(data, isBinary: true, headLength: head.utf8.count, limit: inlineLimit) != nil
  }
}
