import NIOCore
import Trace

/// An incremental frame decoder (RFC 6455 §5.2): bytes in, in any chunking; complete frames out.
///
/// ```swift
/// var decoder = FrameDecoder(role: .server)
/// decoder.append(bytes)
/// while let frame = try decoder.next() { ... }
/// ```
///
/// The decoder checks every header rule as soon as the byte carrying it has arrived (fail fast),
/// never reads past what it was given, and never buffers a frame beyond
/// ``Configuration/maxFrameSize``. Payloads come out unmasked, as slices of the receive buffer
/// (unmasked in place, no copy). With no ``observer`` it allocates nothing for tracing.
public struct FrameDecoder {
  public struct Configuration: Sendable, Equatable {
    /// The role of the endpoint that receives: a server requires masked frames, a client
    /// requires unmasked ones (RFC 6455 §5.1).
    public var role: Role
    /// Largest payload accepted in one frame; larger frames fail with 1009 as soon as their
    /// length is read.
    public var maxFrameSize: Int
    /// RSV bits claimed by negotiated extensions (mask within byte 0: RSV1 = 0x40). Others set → 1002.
    public var allowedRSV: UInt8

    public init(role: Role, maxFrameSize: Int = 16 << 20, allowedRSV: UInt8 = 0) {
      self.role = role
      self.maxFrameSize = maxFrameSize
      self.allowedRSV = allowedRSV & 0x70
    }
  }

  public var configuration: Configuration
  /// Receives a ``TraceRecord`` for every frame decoded, and for every violation a record of the
  /// offending bytes titled with the error.
  public var observer: (any TraceObserver)?

  private var buffer = ByteBuffer()
  /// Stream offset of `buffer.readerIndex`: bytes consumed so far.
  public private(set) var consumedBytes = 0
  private var failed: ProtocolError?
  /// Bytes after the reader index that belong to complete frames already unmasked in place.
  private var unmaskedAhead = 0
  /// The frame at the reader index whose header has arrived but whose payload has not, yet.
  private var pending: (header: FrameHeader, headerSize: Int)?

  public init(configuration: Configuration, observer: (any TraceObserver)? = nil) {
    self.configuration = configuration
    self.observer = observer
  }

  public init(role: Role, maxFrameSize: Int = 16 << 20, observer: (any TraceObserver)? = nil) {
    self.init(configuration: Configuration(role: role, maxFrameSize: maxFrameSize), observer: observer)
  }

  /// Bytes received but not yet returned as a frame.
  public var bufferedBytes: Int { buffer.readableBytes }

  /// Adds received bytes, copied into the decoder's own buffer.
  ///
  /// Why a copy: masked payloads are unmasked in place, and the transport still holds the buffer
  /// it read into (NIO keeps it for its next read), so writing into that buffer would make it
  /// copy itself — an allocation and a copy per read. The decoder's buffer is reused from read
  /// to read instead (it is unique again once the application has let go of the previous
  /// payloads), so a read costs one copy and, in the steady state, no allocation.
  public mutating func append(_ bytes: ByteBuffer) {
    if buffer.readableBytes == 0 {
      buffer.clear()
    } else {
      compactIfWorthIt()
    }
    var bytes = bytes
    buffer.writeBuffer(&bytes)
  }

  public mutating func append(contentsOf bytes: some Sequence<UInt8>) {
    if buffer.readableBytes == 0 { buffer.clear() } else { compactIfWorthIt() }
    buffer.writeBytes(bytes)
  }

  /// Drops consumed bytes once they outweigh the pending ones, so a stream that never leaves the
  /// buffer empty (every read ends mid-frame) cannot grow it without bound. Moves at most as many
  /// bytes as were already consumed, so the cost is amortised O(1) per byte.
  private mutating func compactIfWorthIt() {
    if buffer.readerIndex >= 4096 && buffer.readerIndex >= buffer.readableBytes {
      buffer.discardReadBytes()
    }
  }

  /// Capacity of the receive buffer (for tests of the compaction).
  var bufferCapacity: Int { buffer.capacity }

  /// Returns the next complete frame, nil when more bytes are needed, or throws the first rule
  /// broken. After an error the decoder stays failed and keeps throwing it (RFC 6455 §7.1.7:
  /// nothing more is processed).
  public mutating func next() throws(ProtocolError) -> Frame? {
    if let failed { throw failed }
    pending = nil
    let available = buffer.readableBytes
    guard available >= 1 else { return nil }
    let base = buffer.readerIndex
    let b0 = buffer.getInteger(at: base, as: UInt8.self)!

    // Byte 0: FIN, RSV1-3, opcode — checked as soon as it arrives.
    let rsv = b0 & 0x70
    let opcode = Opcode(rawValue: b0 & 0x0f)
    let fin = b0 & 0x80 != 0
    if rsv & ~configuration.allowedRSV != 0 {
      return try fail(ProtocolError(.reservedBitsSet(rsv & ~configuration.allowedRSV), streamOffset: consumedBytes))
    }
    if opcode.isReserved {
      return try fail(ProtocolError(.reservedOpcode(opcode.rawValue), streamOffset: consumedBytes))
    }
    if opcode.isControl && !fin {
      return try fail(ProtocolError(.fragmentedControlFrame(opcode), streamOffset: consumedBytes))
    }

    // Byte 1: MASK and the 7-bit length.
    guard available >= 2 else { return nil }
    let b1 = buffer.getInteger(at: base + 1, as: UInt8.self)!
    let masked = b1 & 0x80 != 0
    switch (configuration.role, masked) {
    case (.server, false):
      return try fail(ProtocolError(.unmaskedFrameFromClient, streamOffset: consumedBytes + 1))
    case (.client, true):
      return try fail(ProtocolError(.maskedFrameFromServer, streamOffset: consumedBytes + 1))
    default: break
    }
    let length7 = b1 & 0x7f
    if opcode.isControl && length7 > 125 {
      return try fail(
        ProtocolError(.controlFrameTooLong(opcode: opcode, length: UInt64(length7)), streamOffset: consumedBytes + 1))
    }

    // Extended length.
    var headerSize = 2
    let length: UInt64
    switch length7 {
    case 126:
      guard available >= 4 else { return nil }
      let l = UInt64(buffer.getInteger(at: base + 2, as: UInt16.self)!)
      if l < 126 {
        return try fail(ProtocolError(.nonMinimalLength(length: l, lengthBytes: 2), streamOffset: consumedBytes + 3))
      }
      length = l
      headerSize = 4
    case 127:
      // The most significant bit is known as soon as the first length byte arrives.
      guard available >= 3 else { return nil }
      if buffer.getInteger(at: base + 2, as: UInt8.self)! & 0x80 != 0 {
        return try fail(ProtocolError(.lengthHighBitSet, streamOffset: consumedBytes + 2))
      }
      guard available >= 10 else { return nil }
      let l = buffer.getInteger(at: base + 2, as: UInt64.self)!
      if l <= 0xffff {
        return try fail(ProtocolError(.nonMinimalLength(length: l, lengthBytes: 8), streamOffset: consumedBytes + 9))
      }
      length = l
      headerSize = 10
    default:
      length = UInt64(length7)
    }
    if length > UInt64(max(0, configuration.maxFrameSize)) {
      return try fail(
        ProtocolError(
          .frameTooLarge(length: length, limit: configuration.maxFrameSize),
          streamOffset: consumedBytes + headerSize - 1))
    }
    let payloadLength = Int(length)

    var key: MaskingKey?
    if masked {
      guard available >= headerSize + 4 else { return nil }
      let (k0, k1, k2, k3) = buffer.getMultipleIntegers(
        at: base + headerSize, as: (UInt8, UInt8, UInt8, UInt8).self)!
      key = MaskingKey(k0, k1, k2, k3)
      headerSize += 4
    }
    guard available - headerSize >= payloadLength else {
      pending = (
        FrameHeader(fin: fin, rsv: rsv, opcode: opcode, maskingKey: key, payloadLength: payloadLength), headerSize
      )
      return nil
    }

    // The whole frame is here. Unmask it (and every other complete frame already buffered) in
    // place before any slice of this storage is handed out.
    if key != nil {
      if unmaskedAhead == 0 { unmaskCompleteFrames() }
      unmaskedAhead -= headerSize + payloadLength
    }
    if let observer {
      // Report the bytes as they were on the wire: mask the copy again.
      var wire = buffer.getBytes(at: base, length: headerSize + payloadLength) ?? []
      if let key {
        wire.withUnsafeMutableBytes { key.apply(to: UnsafeMutableRawBufferPointer(rebasing: $0[headerSize...])) }
      }
      observer.record(.bytes(FrameAnnotator.record(for: wire, direction: configuration.role.peer.sendDirection)))
    }
    buffer.moveReaderIndex(forwardBy: headerSize)
    let payload = buffer.readSlice(length: payloadLength)!
    consumedBytes += headerSize + payloadLength
    if buffer.readableBytes == 0 && buffer.capacity > 1 << 20 {
      // Do not keep a large frame's capacity for the rest of the connection.
      buffer = ByteBuffer()
    }
    let header = FrameHeader(fin: fin, rsv: rsv, opcode: opcode, maskingKey: key, payloadLength: payloadLength)
    return Frame(header: header, payload: payload)
  }

  /// The header of the frame being received, once its header is complete and checked but its
  /// payload is not: ``next()`` returned nil while waiting for the payload.
  public var pendingFrameHeader: FrameHeader? { pending?.header }

  /// The payload bytes of the pending frame that have arrived, from payload offset `start` on,
  /// unmasked (a copy; the buffer is not touched). Lets a text frame be validated while it is
  /// still arriving, so invalid UTF-8 fails the connection without waiting for the whole frame.
  public func pendingPayload(from start: Int) -> [UInt8]? {
    guard let (header, headerSize) = pending, start >= 0 else { return nil }
    let arrived = buffer.readableBytes - headerSize
    guard arrived > start else { return nil }
    var bytes = buffer.getBytes(at: buffer.readerIndex + headerSize + start, length: arrived - start) ?? []
    if let key = header.maskingKey { key.apply(to: &bytes, offset: start) }
    return bytes
  }

  /// Unmasks, in one pass, the payload of every complete masked frame in the buffer after the
  /// ones already done, and records how far it got in ``unmaskedAhead``.
  ///
  /// Why all at once: payloads are handed out as slices of the receive buffer. Unmasking a later
  /// frame in place after an earlier slice was handed out (and kept, as an event queue does)
  /// would make the buffer copy itself, once per frame. Unmasking everything complete before the
  /// first slice leaves is one pass, in place, with no copy. Headers are only measured here; the
  /// rules are checked by ``next()`` when it reaches each frame.
  private mutating func unmaskCompleteFrames() {
    let limit = UInt64(max(0, configuration.maxFrameSize))
    var position = unmaskedAhead
    buffer.withUnsafeMutableReadableBytes { raw in
      while raw.count - position >= 2 {
        let b1 = raw[position + 1]
        guard b1 & 0x80 != 0 else { break }
        var headerSize = 2
        var length = UInt64(b1 & 0x7f)
        if length == 126 {
          guard raw.count - position >= 4 else { break }
          length = UInt64(raw[position + 2]) << 8 | UInt64(raw[position + 3])
          headerSize = 4
        } else if length == 127 {
          guard raw.count - position >= 10 else { break }
          length = 0
          for i in 2..<10 { length = length << 8 | UInt64(raw[position + i]) }
          headerSize = 10
        }
        guard length <= limit, raw.count - position - headerSize >= 4 else { break }
        let payloadStart = position + headerSize + 4
        let payloadLength = Int(length)
        guard raw.count - payloadStart >= payloadLength else { break }
        let key = MaskingKey(
          raw[position + headerSize], raw[position + headerSize + 1], raw[position + headerSize + 2],
          raw[position + headerSize + 3])
        key.apply(to: UnsafeMutableRawBufferPointer(rebasing: raw[payloadStart..<(payloadStart + payloadLength)]))
        position = payloadStart + payloadLength
      }
    }
    unmaskedAhead = position
  }

  private mutating func fail(_ error: ProtocolError) throws(ProtocolError) -> Frame? {
    failed = error
    if let observer {
      let seen = min(buffer.readableBytes, 14 + 125)
      let wire = buffer.getBytes(at: buffer.readerIndex, length: seen) ?? []
      var record = FrameAnnotator.record(for: wire, direction: configuration.role.peer.sendDirection)
      record.title = "invalid frame: " + error.reason
      observer.record(.bytes(record))
    }
    throw error
  }
}
