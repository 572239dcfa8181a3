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

/// Reassembles fragmented messages (RFC 6455 §5.4) and validates text as UTF-8 (§8.1), from the
/// parts the ``FrameDecoder`` hands out.
///
/// Feed it what arrives, in order: ``beginFrame(_:)`` for each header, ``appendPayload(_:)`` for
/// each payload chunk, ``endFrame()`` after the last one. The fragmentation rules are checked on
/// the header, before its payload; text is validated chunk by chunk and fails at the first byte
/// that can no longer be part of valid UTF-8, even in the middle of a frame that has not fully
/// arrived ("fail fast"); the message limit is checked on the header and on every chunk, so no
/// more than the limit is ever held. Control frames come straight back out, also between the
/// fragments of a message. ``append(_:)`` does all three for a whole frame.
///
/// A message that arrives as one chunk is handed out as that chunk: no copy.
public struct MessageAssembler {
  public struct Configuration: Sendable, Equatable {
    /// Largest message accepted, summed over its fragments; larger fails with 1009 as soon as
    /// the header or chunk that crosses the limit arrives. There is no limit on the number of
    /// fragments.
    public var maxMessageSize: Int

    public init(maxMessageSize: Int = 16 << 20) {
      self.maxMessageSize = maxMessageSize
    }
  }

  public var configuration: Configuration
  /// Opcode of the fragmented message in progress (text or binary), if any.
  public private(set) var messageInProgress: Opcode?
  /// The frame being received.
  private var frame: (opcode: Opcode, fin: Bool)?
  /// The data message so far (its first chunk as it came, later ones appended).
  private var parts: ByteBuffer?
  /// The control frame's payload so far.
  private var control: ByteBuffer?
  private var utf8 = UTF8Validator()
  private var isText = false
  /// Payload bytes of the frame begun last that have not been appended yet, when its length is
  /// final (no extension changes it): how much room a masked chunk reserves at once.
  private var frameRemaining = 0

  /// The most a masked chunk reserves ahead for the rest of its frame (more grows as it comes).
  static let maxReservation = 1 << 20

  public init(configuration: Configuration = Configuration()) {
    self.configuration = configuration
  }

  /// Size of the message received so far.
  public var bufferedBytes: Int { parts?.readableBytes ?? 0 }

  /// A frame's header arrived: checks the fragmentation rules (§5.4) and, when `lengthIsFinal`
  /// (no extension will change the payload), that the message stays within the limit.
  public mutating func beginFrame(_ header: FrameHeader, lengthIsFinal: Bool = true) throws(ProtocolError) {
    let opcode = header.opcode
    frameRemaining = lengthIsFinal ? header.payloadLength : 0
    if opcode.isControl {
      frame = (opcode, header.fin)
      control = nil
      return
    }
    if opcode == .continuation {
      guard messageInProgress != nil else { throw ProtocolError(.unexpectedContinuation) }
      if lengthIsFinal { try checkSize(bufferedBytes + header.payloadLength) }
    } else {
      if messageInProgress != nil { throw ProtocolError(.expectedContinuation(got: opcode)) }
      if lengthIsFinal { try checkSize(header.payloadLength) }
      messageInProgress = opcode
      isText = opcode == .text
      utf8.reset()
      parts = nil
    }
    frame = (opcode, header.fin)
  }

  /// Payload bytes of the frame begun last, in order.
  public mutating func appendPayload(_ chunk: ByteBuffer) throws(ProtocolError) {
    guard let frame else { preconditionFailure("appendPayload before beginFrame") }
    var chunk = chunk
    if frame.opcode.isControl {
      if control == nil { control = chunk } else { control!.writeBuffer(&chunk) }
      return
    }
    let before = bufferedBytes
    try checkSize(before + chunk.readableBytes)
    if isText, chunk.readableBytes > 0 {
      let bad = chunk.withUnsafeReadableBytes { utf8.validate($0) }
      if let bad {
        utf8.reset()
        throw ProtocolError(.invalidUTF8(messageOffset: before + bad))
      }
    }
    if parts == nil { parts = chunk } else { parts!.writeBuffer(&chunk) }
  }

  /// Payload bytes as they arrived, unmasked as they are copied into the message: every byte is
  /// read and written once. Checked like ``appendPayload(_:)-(ByteBuffer)``; an unmasked chunk is
  /// taken as it is (a message that arrives in one chunk is that chunk: no copy).
  public mutating func appendPayload(_ chunk: PayloadChunk) throws(ProtocolError) {
    guard chunk.maskingKey != nil else { return try appendPayload(chunk.wire) }
    guard let frame else { preconditionFailure("appendPayload before beginFrame") }
    let count = chunk.count
    let wanted = max(count, min(frameRemaining, Self.maxReservation))
    frameRemaining = max(0, frameRemaining - count)
    // Over the limit: refused before anything is reserved or copied.
    if !frame.opcode.isControl { try checkSize(bufferedBytes + count) }
    try appendPayload { buffer throws(ProtocolError) in
      if buffer.writableBytes < count { buffer.reserveCapacity(minimumWritableBytes: wanted) }
      chunk.unmask(appendingTo: &buffer)
    }
  }

  /// Payload bytes that `write` appends straight to the message (an extension inflating into
  /// it), checked like ``appendPayload(_:)``'s: no second buffer, no copy.
  public mutating func appendPayload(writtenBy write: (inout ByteBuffer) throws(ProtocolError) -> Void)
    throws(ProtocolError)
  {
    guard let frame else { preconditionFailure("appendPayload before beginFrame") }
    if frame.opcode.isControl {
      var buffer = control ?? ByteBuffer()
      control = nil
      try write(&buffer)
      control = buffer
      return
    }
    var buffer = parts ?? ByteBuffer()
    parts = nil  // `buffer` is now the only reference: written in place
    let before = buffer.readableBytes
    try write(&buffer)
    try checkSize(buffer.readableBytes)
    if isText, buffer.readableBytes > before {
      let bad = buffer.withUnsafeReadableBytes { utf8.validate(UnsafeRawBufferPointer(rebasing: $0[before...])) }
      if let bad {
        utf8.reset()
        throw ProtocolError(.invalidUTF8(messageOffset: before + bad))
      }
    }
    parts = buffer
  }

  /// The frame begun last is complete: returns a control frame, the message it completes, or nil
  /// when more fragments follow.
  public mutating func endFrame() throws(ProtocolError) -> Message? {
    guard let frame else { preconditionFailure("endFrame before beginFrame") }
    self.frame = nil
    if frame.opcode.isControl {
      let payload = control ?? ByteBuffer()
      control = nil
      switch frame.opcode {
      case .ping: return .ping(payload)
      case .pong: return .pong(payload)
      default: return .close(payload)
      }
    }
    guard frame.fin else { return nil }
    let message = parts ?? ByteBuffer()
    parts = nil
    messageInProgress = nil
    guard isText else { return .binary(message) }
    defer { utf8.reset() }
    if !utf8.isComplete {
      throw ProtocolError(.truncatedUTF8(messageOffset: message.readableBytes - utf8.pendingByteCount))
    }
    return .text(String(buffer: message))
  }

  /// A whole frame at once: ``beginFrame(_:)``, ``appendPayload(_:)``, ``endFrame()``.
  public mutating func append(_ frame: Frame) throws(ProtocolError) -> Message? {
    var header = frame.header
    header.payloadLength = frame.payload.readableBytes
    try beginFrame(header)
    try appendPayload(frame.payload)
    return try endFrame()
  }

  private func checkSize(_ size: Int) throws(ProtocolError) {
    if size > configuration.maxMessageSize {
      throw ProtocolError(.messageTooLarge(size: size, limit: configuration.maxMessageSize))
    }
  }
}
