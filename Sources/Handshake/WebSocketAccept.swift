import Crypto

/// The `Sec-WebSocket-Accept` computation (RFC 6455 §1.3, §4.2.2 item 5.4).
///
/// The server concatenates the client's `Sec-WebSocket-Key` (as text, not decoded) with a fixed
/// GUID, hashes the result with SHA-1 and sends the 20-byte digest in base64. The client checks it,
/// which proves the server read this very handshake (not that the connection is secure).
///
///     key    dGhlIHNhbXBsZSBub25jZQ==
///     SHA-1  b3 7a 4f 2c c0 62 4f 16 90 f6 46 06 cf 38 59 45 b2 be c4 ea
///     accept s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
public enum WebSocketAccept {
  /// The GUID RFC 6455 §1.3 appends to the key.
  public static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

  /// The text that is hashed: the key followed by ``guid``.
  public static func concatenated(key: String) -> String {
    key + guid
  }

  /// The 20-byte SHA-1 digest of ``concatenated(key:)``.
  public static func sha1(key: String) -> [UInt8] {
    Array(Insecure.SHA1.hash(data: Array(concatenated(key: key).utf8)))
  }

  /// The `Sec-WebSocket-Accept` value for `key`: base64 of ``sha1(key:)``.
  public static func value(forKey key: String) -> String {
    Base64.encode(sha1(key: key))
  }
}
