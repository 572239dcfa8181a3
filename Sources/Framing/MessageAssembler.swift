import NIOCore

/// A message or control frame, as the application sees it.
public enum Message: Sendable, Hashable {
  case text(String)
  case binary(ByteBuffer)
  case ping(ByteBuffer)
  case pong(ByteBuffer)
  /// The raw close payload (status code and reason); the Connection layer validates it.
  case close(ByteBuffer)
}

/// Reassembles fragmented messages (RFC 6455 §5.4) and validates text as UTF-8 (§8.1).
///
/// Feed it frames in the order they arrived. Control frames come straight back out, also between
/// the fragments of a message. Text is validated fragment by fragment and fails at the first byte
/// that can no longer be part of valid UTF-8, without waiting for the end of the message.
public struct MessageAssembler {
  public struct Configuration: Sendable, Equatable {
    /// Largest message accepted, summed over its fragments; larger fails with 1009 as soon as
    /// the fragment that crosses the limit arrives. There is no limit on the number of fragments.
    public var maxMessageSize: Int
    /// Check that text messages are UTF-8. Off only when a layer above validates instead
    /// (for example after decompression).
    public var validatesUTF8: Bool

    public init(maxMessageSize: Int = 16 << 20, validatesUTF8: Bool = true) {
      self.maxMessageSize = maxMessageSize
      self.validatesUTF8 = validatesUTF8
    }
  }

  public var configuration: Configuration
  /// Opcode of the fragmented message in progress (text or binary), if any.
  public private(set) var messageInProgress: Opcode?
  private var parts = ByteBuffer()
  private var utf8 = UTF8Validator()

  public init(configuration: Configuration = Configuration()) {
    self.configuration = configuration
  }

  /// Size of the fragmented message buffered so far.
  public var bufferedBytes: Int { parts.readableBytes }

  /// Takes one frame; returns a message when one is complete, or a control frame at once.
  public mutating func append(_ frame: Frame) throws(ProtocolError) -> Message? {
    let opcode = frame.opcode
    if opcode.isControl {
      switch opcode {
      case .ping: return .ping(frame.payload)
      case .pong: return .pong(frame.payload)
      default: return .close(frame.payload)
      }
    }

    var payload = frame.payload
    if opcode == .continuation {
      guard let started = messageInProgress else { throw ProtocolError(.unexpectedContinuation) }
      let size = parts.readableBytes + payload.readableBytes
      if size > configuration.maxMessageSize {
        throw ProtocolError(.messageTooLarge(size: size, limit: configuration.maxMessageSize))
      }
      if started == .text { try validate(payload, messageOffset: parts.readableBytes, final: frame.fin) }
      parts.writeBuffer(&payload)
      guard frame.fin else { return nil }
      messageInProgress = nil
      defer { parts = ByteBuffer() }
      return started == .text ? .text(String(buffer: parts)) : .binary(parts)
    }

    // A new text or binary message.
    if messageInProgress != nil {
      throw ProtocolError(.expectedContinuation(got: opcode))
    }
    if payload.readableBytes > configuration.maxMessageSize {
      throw ProtocolError(.messageTooLarge(size: payload.readableBytes, limit: configuration.maxMessageSize))
    }
    if opcode == .text { try validate(payload, messageOffset: 0, final: frame.fin) }
    if frame.fin {
      // The common case: one frame, one message, no copy.
      return opcode == .text ? .text(String(buffer: payload)) : .binary(payload)
    }
    messageInProgress = opcode
    parts.clear()
    parts.writeBuffer(&payload)
    return nil
  }

  private mutating func validate(_ payload: ByteBuffer, messageOffset: Int, final: Bool) throws(ProtocolError) {
    guard configuration.validatesUTF8 else { return }
    if messageOffset == 0 { utf8.reset() }
    let bad = payload.withUnsafeReadableBytes { utf8.validate($0) }
    if let bad {
      utf8.reset()
      throw ProtocolError(.invalidUTF8(messageOffset: messageOffset + bad))
    }
    if final {
      defer { utf8.reset() }
      if !utf8.isComplete {
        let start = messageOffset + payload.readableBytes - utf8.pendingByteCount
        throw ProtocolError(.truncatedUTF8(messageOffset: start))
      }
    }
  }
}
