/// What an observer on the wire reads of a TLS connection: its records (RFC 8446 §5.1).
///
/// Every TLS record starts with five clear bytes: a content type, a legacy version and a length.
/// Before the keys are agreed the records carry handshake messages in the clear (the ClientHello
/// and the ServerHello); from then on TLS 1.3 encrypts everything and labels every record
/// `application_data` (23), hiding the real content type inside the ciphertext (§5.2). Lesson 8
/// uses this reader on a capture of a real wss:// connection to show what the observer sees.
///
/// Sans-IO: bytes in, records out; a record split across reads is completed by later bytes.
public struct TLSRecordReader: Sendable {
  /// One record as it crossed the wire.
  public struct Record: Sendable, Equatable {
    public var contentType: UInt8
    public var version: UInt16
    /// The length field: the bytes that follow the 5-byte header.
    public var length: Int
    /// The 5-byte header.
    public var header: [UInt8]
    /// The first bytes of the body (up to 4: a clear handshake message's type and length).
    public var bodyPrefix: [UInt8]

    /// `handshake`, `application_data`, … (RFC 8446 §5.1, B.1).
    public var contentTypeName: String {
      switch contentType {
      case 20: "change_cipher_spec"
      case 21: "alert"
      case 22: "handshake"
      case 23: "application_data"
      default: "unknown (\(contentType))"
      }
    }

    /// For a handshake record in the clear: the first message's type (RFC 8446 §4).
    public var handshakeTypeName: String? {
      guard contentType == 22, let type = bodyPrefix.first else { return nil }
      switch type {
      case 1: return "ClientHello"
      case 2: return "ServerHello"
      case 4: return "NewSessionTicket"
      case 8: return "EncryptedExtensions"
      case 11: return "Certificate"
      case 15: return "CertificateVerify"
      case 20: return "Finished"
      default: return "handshake message \(type)"
      }
    }

    /// The bytes of plaintext an encrypted TLS 1.3 record with AES-GCM or ChaCha20-Poly1305
    /// carries: the length less the 16-byte authentication tag and the 1-byte inner content type
    /// (RFC 8446 §5.2; no padding, as BoringSSL and most stacks send).
    public var plaintextLength: Int { max(0, length - 17) }

    /// The record as a trace record: the header's three fields and, for a clear handshake
    /// record, the message's type and length; the rest of the body is described, not shown.
    public func traceRecord(direction: TraceDirection, encrypted: Bool) -> TraceRecord {
      var bytes = header
      let versionText = "0x" + Trace.hex(UInt8(version >> 8)) + Trace.hex(UInt8(version & 0xff))
      var fields = [
        TraceField(
          range: 0..<1, name: "content type", value: "\(contentType)",
          meaning: encrypted && contentType == 23
            ? "application_data: every encrypted record says so; the real type is inside"
            : contentTypeName,
          section: encrypted ? "RFC 8446 §5.2" : "RFC 8446 §5.1"),
        TraceField(
          range: 1..<3, name: "legacy version", value: versionText,
          meaning: version == 0x0303
            ? "TLS 1.2 on the wire, kept by TLS 1.3 for middleboxes"
            : "a version older middleboxes expect in the first record",
          section: "RFC 8446 §5.1"),
        TraceField(
          range: 3..<5, name: "length", value: "\(length)",
          meaning: encrypted
            ? "\(length) bytes of ciphertext: \(plaintextLength) of plaintext + 1 type + 16 tag"
            : "\(length) bytes of body follow",
          section: encrypted ? "RFC 8446 §5.2" : "RFC 8446 §5.1"),
      ]
      if !encrypted, contentType == 22, bodyPrefix.count == 4, let name = handshakeTypeName {
        bytes += bodyPrefix
        let messageLength = Int(bodyPrefix[1]) << 16 | Int(bodyPrefix[2]) << 8 | Int(bodyPrefix[3])
        fields.append(
          TraceField(
            range: 5..<6, name: "msg_type", value: "\(bodyPrefix[0])", meaning: name + ", in the clear",
            section: "RFC 8446 §4"))
        fields.append(
          TraceField(
            range: 6..<9, name: "msg length", value: "\(messageLength)",
            meaning: "then \(messageLength) bytes of \(name) (its random values differ on every run)",
            section: "RFC 8446 §4"))
      }
      let what =
        encrypted
        ? "\(contentTypeName), \(length) bytes, encrypted"
        : (handshakeTypeName.map { "\(contentTypeName) (\($0)), \(length) bytes, in the clear" }
          ?? "\(contentTypeName), \(length) bytes")
      return TraceRecord(
        title: "TLS record: " + what, direction: direction, layout: .hex, bytes: bytes, fields: fields)
    }
  }

  private var pending: [UInt8] = []

  public init() {}

  /// Bytes that arrived; returns the records they complete, in order.
  public mutating func feed(_ bytes: some Collection<UInt8>) -> [Record] {
    pending.append(contentsOf: bytes)
    var records: [Record] = []
    var start = 0
    while pending.count - start >= 5 {
      let length = Int(pending[start + 3]) << 8 | Int(pending[start + 4])
      guard pending.count - start >= 5 + length else { break }
      let header = Array(pending[start..<(start + 5)])
      let body = pending[(start + 5)..<(start + 5 + length)]
      records.append(
        Record(
          contentType: header[0], version: UInt16(header[1]) << 8 | UInt16(header[2]), length: length,
          header: header, bodyPrefix: Array(body.prefix(4))))
      start += 5 + length
    }
    pending.removeFirst(start)
    return records
  }

  /// Bytes received that do not complete a record yet.
  public var pendingCount: Int { pending.count }
}
