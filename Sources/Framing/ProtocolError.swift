import Trace

/// A violation of RFC 6455 found in the bytes a peer sent.
///
/// Every rule the Framing layer enforces fails with one of these. The error knows the close code
/// the connection must be failed with (RFC 6455 §7.1.7), the RFC section the rule comes from, the
/// stream offset of the offending byte when there is one, and a sentence for humans.
public struct ProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
  public enum Kind: Equatable, Sendable {
    /// RSV bits set that no negotiated extension claims. The associated value is the three bits
    /// as they appear in byte 0 (mask 0x70).
    case reservedBitsSet(UInt8)
    /// Opcode 0x3–0x7 or 0xB–0xF.
    case reservedOpcode(UInt8)
    /// A control frame with more than 125 bytes of payload.
    case controlFrameTooLong(opcode: Opcode, length: UInt64)
    /// A control frame with FIN = 0.
    case fragmentedControlFrame(Opcode)
    /// A server received a frame with MASK = 0.
    case unmaskedFrameFromClient
    /// A client received a frame with MASK = 1.
    case maskedFrameFromServer
    /// A length sent in more bytes than needed: 16-bit for < 126, 64-bit for < 65536.
    case nonMinimalLength(length: UInt64, lengthBytes: Int)
    /// A 64-bit length with its most significant bit set.
    case lengthHighBitSet
    /// A frame longer than the configured limit.
    case frameTooLarge(length: UInt64, limit: Int)
    /// A message whose fragments add up to more than the configured limit.
    case messageTooLarge(size: Int, limit: Int)
    /// A continuation frame with no fragmented message in progress.
    case unexpectedContinuation
    /// A text or binary frame while a fragmented message is still waiting for its continuation.
    case expectedContinuation(got: Opcode)
    /// A text message whose bytes are not valid UTF-8. `messageOffset` is the byte of the message
    /// at which no valid UTF-8 sequence can continue.
    case invalidUTF8(messageOffset: Int)
    /// A close frame whose payload is a single byte: a status code needs two (§5.5.1).
    case closePayloadTooShort
    /// A close frame with a status code that must not appear on the wire (§7.4.1, §7.4.2).
    case invalidCloseCode(UInt16)
    /// A close frame whose reason is not valid UTF-8 (§5.5.1); `reasonOffset` is the bad byte
    /// within the reason.
    case invalidCloseReason(reasonOffset: Int)
    /// RSV1 (compressed) on a control frame (RFC 7692 §6.1).
    case compressedControlFrame(Opcode)
    /// RSV1 on a continuation frame: only the first frame of a message says it is compressed
    /// (RFC 7692 §6.1).
    case compressedContinuation
    /// A compressed message that inflates beyond the configured cap (a decompression bomb).
    case decompressedMessageTooLarge(limit: Int)
    /// Compressed data that is not a valid DEFLATE stream (RFC 7692 §6.2: fail the connection).
    case invalidCompressedData(String)
    /// A text message that ended inside a UTF-8 sequence; `messageOffset` is where that
    /// incomplete sequence starts.
    case truncatedUTF8(messageOffset: Int)
  }

  public var kind: Kind
  /// Offset in the received byte stream of the byte that broke the rule, when known.
  public var streamOffset: Int?

  public init(_ kind: Kind, streamOffset: Int? = nil) {
    self.kind = kind
    self.streamOffset = streamOffset
  }

  /// The status code to fail the connection with. This is the one place errors map to codes.
  public var closeCode: CloseCode {
    switch kind {
    case .frameTooLarge, .messageTooLarge, .decompressedMessageTooLarge: .messageTooBig
    case .invalidCompressedData: .invalidPayloadData
    case .invalidUTF8, .truncatedUTF8, .invalidCloseReason: .invalidPayloadData
    default: .protocolError
    }
  }

  /// The RFC section the rule comes from.
  public var section: String {
    switch kind {
    case .reservedBitsSet: "RFC 6455 §5.2"
    case .reservedOpcode: "RFC 6455 §5.2"
    case .controlFrameTooLong, .fragmentedControlFrame: "RFC 6455 §5.5"
    case .unmaskedFrameFromClient, .maskedFrameFromServer: "RFC 6455 §5.1"
    case .nonMinimalLength, .lengthHighBitSet: "RFC 6455 §5.2"
    case .frameTooLarge, .messageTooLarge: "RFC 6455 §10.4"
    case .unexpectedContinuation, .expectedContinuation: "RFC 6455 §5.4"
    case .invalidUTF8, .truncatedUTF8: "RFC 6455 §8.1"
    case .closePayloadTooShort, .invalidCloseReason: "RFC 6455 §5.5.1"
    case .invalidCloseCode: "RFC 6455 §7.4"
    case .compressedControlFrame, .compressedContinuation: "RFC 7692 §6.1"
    case .decompressedMessageTooLarge: "RFC 6455 §10.4, RFC 7692 §8"
    case .invalidCompressedData: "RFC 7692 §6.2"
    }
  }

  /// What went wrong, in one sentence, without the code and section.
  public var reason: String {
    switch kind {
    case .reservedBitsSet(let bits):
      let names = [(0x40, "RSV1"), (0x20, "RSV2"), (0x10, "RSV3")].filter { Int(bits) & $0.0 != 0 }.map(\.1)
      return "\(names.joined(separator: ", ")) set, but no negotiated extension defines it"
    case .reservedOpcode(let op):
      return "opcode \(Trace.shortHex(op)) is reserved for future use"
    case .controlFrameTooLong(let opcode, let length):
      return "\(opcode.name) frame carries \(length) bytes; control frames carry at most 125"
    case .fragmentedControlFrame(let opcode):
      return "\(opcode.name) frame has FIN = 0; control frames must not be fragmented"
    case .unmaskedFrameFromClient:
      return "frame from the client is not masked (MASK = 0); a client must mask every frame"
    case .maskedFrameFromServer:
      return "frame from the server is masked (MASK = 1); a server must not mask"
    case .nonMinimalLength(let length, let lengthBytes):
      return
        "length \(length) sent in \(lengthBytes == 2 ? "the 16-bit" : "the 64-bit") form; a sender must use the minimal number of bytes, and WSLab refuses any other"
    case .lengthHighBitSet:
      return "64-bit payload length has its most significant bit set"
    case .frameTooLarge(let length, let limit):
      return "frame of \(length) bytes exceeds the limit of \(limit) bytes"
    case .messageTooLarge(let size, let limit):
      return "message of at least \(size) bytes exceeds the limit of \(limit) bytes"
    case .unexpectedContinuation:
      return "continuation frame, but no fragmented message was started"
    case .expectedContinuation(let got):
      return "\(got.name) frame inside a fragmented message; only continuation or control frames may come next"
    case .compressedControlFrame(let opcode):
      return "\(opcode.name) frame with RSV1 set; control frames are never compressed"
    case .compressedContinuation:
      return "continuation frame with RSV1 set; only the first frame of a compressed message has RSV1"
    case .decompressedMessageTooLarge(let limit):
      return "compressed message inflates to more than \(limit) bytes"
    case .invalidCompressedData(let why):
      return "compressed message is not valid DEFLATE data (\(why))"
    case .closePayloadTooShort:
      return "close frame with a 1-byte payload; a status code takes 2 bytes"
    case .invalidCloseCode(let code):
      return
        "close code \(code) (\(CloseCode(rawValue: code).name)) must not be sent in a close frame, and WSLab refuses it"
    case .invalidCloseReason(let offset):
      return "close reason is not valid UTF-8 (byte \(offset) of the reason)"
    case .invalidUTF8(let offset):
      return "text message is not valid UTF-8 (byte \(offset) of the message cannot continue a valid sequence)"
    case .truncatedUTF8(let offset):
      return "text message ends inside an incomplete UTF-8 sequence (starting at byte \(offset) of the message)"
    }
  }

  public var description: String {
    "\(closeCode.rawValue) \(closeCode.name): \(reason) (\(section))"
  }
}
