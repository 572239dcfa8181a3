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
  /// Payload bytes of the next frame already validated by ``validateAhead(of:_:)``.
  public private(set) var validatedAhead = 0

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
      validatedAhead = 0
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
    if opcode == .text {
      if validatedAhead == 0 { utf8.reset() }
      try validate(payload, messageOffset: 0, final: frame.fin)
    }
    validatedAhead = 0
    if frame.fin {
      // The common case: one frame, one message, no copy.
      return opcode == .text ? .text(String(buffer: payload)) : .binary(payload)
    }
    messageInProgress = opcode
    parts.clear()
    parts.writeBuffer(&payload)
    return nil
  }

  /// Validates, ahead of time, payload bytes of the frame still arriving (see
  /// ``FrameDecoder/pendingPayload(from:)``), so that a text message fails at its first invalid
  /// byte even in the middle of a long frame (RFC 6455 §8.1, "fail fast"). `bytes` continue from
  /// ``validatedAhead``. Frames that are not text, or that an extension will transform, are not
  /// the caller's to pass.
  public mutating func validateAhead(of header: FrameHeader, _ bytes: [UInt8]) throws(ProtocolError) {
    guard configuration.validatesUTF8, !bytes.isEmpty else { return }
    let base: Int
    switch header.opcode {
    case .text where messageInProgress == nil:
      if validatedAhead == 0 { utf8.reset() }
      base = 0
    case .continuation where messageInProgress == .text:
      base = parts.readableBytes
    default:
      return
    }
    let bad = bytes.withUnsafeBytes { utf8.validate($0) }
    if let bad {
      utf8.reset()
      throw ProtocolError(.invalidUTF8(messageOffset: base + validatedAhead + bad))
    }
    validatedAhead += bytes.count
  }

  /// Feeds the part of `payload` not validated ahead; checks the end of the message when final.
  private mutating func validate(_ payload: ByteBuffer, messageOffset: Int, final: Bool) throws(ProtocolError) {
    guard configuration.validatesUTF8 else { return }
    let skip = min(validatedAhead, payload.readableBytes)
    let bad = payload.withUnsafeReadableBytes { utf8.validate(UnsafeRawBufferPointer(rebasing: $0[skip...])) }
    if let bad {
      utf8.reset()
      throw ProtocolError(.invalidUTF8(messageOffset: messageOffset + skip + bad))
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
