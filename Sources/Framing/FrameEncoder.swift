import NIOCore
import Trace

/// Encodes frames (RFC 6455 §5.2) with the minimal length encoding, masking in place when a key
/// is given (§5.3).
///
/// The encoder writes what it is told, including frames a receiver must reject (a reserved
/// opcode, a fragmented ping): lessons and tests use it to build exactly those. The sender's rules
/// are enforced one layer up, by the Connection's commands.
public struct FrameEncoder {
  /// Direction reported to the observer.
  public var direction: TraceDirection
  /// Receives a record for every frame encoded. With none, encoding allocates nothing for tracing.
  public var observer: (any TraceObserver)?
  /// The RSV bits negotiated extensions define, for the annotation (nil: unknown; the encoder
  /// writes whatever bits it is given either way).
  public var allowedRSV: UInt8?

  public init(
    direction: TraceDirection = .unspecified, observer: (any TraceObserver)? = nil, allowedRSV: UInt8? = nil
  ) {
    self.direction = direction
    self.observer = observer
    self.allowedRSV = allowedRSV
  }

  /// Appends one frame to `buffer`. The payload is copied once and masked in place.
  public func encode(
    opcode: Opcode, fin: Bool = true, rsv: UInt8 = 0, maskingKey: MaskingKey? = nil,
    payload: some Collection<UInt8>, into buffer: inout ByteBuffer
  ) {
    let header = FrameHeader(fin: fin, rsv: rsv, opcode: opcode, maskingKey: maskingKey, payloadLength: payload.count)
    let start = buffer.writerIndex
    buffer.reserveCapacity(minimumWritableBytes: header.encodedSize + payload.count)
    header.write(to: &buffer)
    let payloadStart = buffer.writerIndex
    buffer.writeBytes(payload)
    finish(header: header, start: start, payloadStart: payloadStart, buffer: &buffer)
  }

  /// Appends one frame whose payload is a `ByteBuffer` (read, not consumed). With a key, the
  /// payload is masked as it is copied (one pass).
  public func encode(
    opcode: Opcode, fin: Bool = true, rsv: UInt8 = 0, maskingKey: MaskingKey? = nil,
    payload: ByteBuffer, into buffer: inout ByteBuffer
  ) {
    let header = FrameHeader(
      fin: fin, rsv: rsv, opcode: opcode, maskingKey: maskingKey, payloadLength: payload.readableBytes)
    let start = buffer.writerIndex
    buffer.reserveCapacity(minimumWritableBytes: header.encodedSize + payload.readableBytes)
    header.write(to: &buffer)
    if let key = maskingKey {
      payload.withUnsafeReadableBytes { source in
        _ = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: source.count) { destination in
          key.apply(from: source, to: destination)
          return source.count
        }
      }
    } else {
      var payload = payload
      buffer.writeBuffer(&payload)
    }
    if let observer {
      // The bytes exactly as they go on the wire (already masked).
      let wire = buffer.getBytes(at: start, length: buffer.writerIndex - start) ?? []
      observer.record(.bytes(FrameAnnotator.record(for: wire, direction: direction, allowedRSV: allowedRSV)))
    }
  }

  /// Appends only the header of an unmasked frame whose payload is `payload`: the caller sends
  /// `payload` itself right after it (a gathering write, no copy of the payload). The observer
  /// sees the whole frame, as with the `encode` that takes a `ByteBuffer`.
  public func encodeHeader(
    opcode: Opcode, fin: Bool = true, rsv: UInt8 = 0, payload: ByteBuffer, into buffer: inout ByteBuffer
  ) {
    let header = FrameHeader(fin: fin, rsv: rsv, opcode: opcode, maskingKey: nil, payloadLength: payload.readableBytes)
    let start = buffer.writerIndex
    header.write(to: &buffer)
    if let observer {
      var wire = buffer.getBytes(at: start, length: buffer.writerIndex - start) ?? []
      wire += payload.readableBytesView
      observer.record(.bytes(FrameAnnotator.record(for: wire, direction: direction, allowedRSV: allowedRSV)))
    }
  }

  private func finish(header: FrameHeader, start: Int, payloadStart: Int, buffer: inout ByteBuffer) {
    if let observer {
      // Report the bytes exactly as they go on the wire: masked when a key is given.
      let end = buffer.writerIndex
      var wire = buffer.getBytes(at: start, length: end - start) ?? []
      if let key = header.maskingKey {
        let p = payloadStart - start
        wire.withUnsafeMutableBytes { raw in
          key.apply(to: UnsafeMutableRawBufferPointer(rebasing: raw[p...]))
        }
      }
      observer.record(.bytes(FrameAnnotator.record(for: wire, direction: direction, allowedRSV: allowedRSV)))
    }
    if let key = header.maskingKey {
      buffer.applyMask(key, at: payloadStart - buffer.readerIndex, length: buffer.writerIndex - payloadStart)
    }
  }

  /// The bytes of one frame, for tests and lessons.
  public func frameBytes(
    opcode: Opcode, fin: Bool = true, rsv: UInt8 = 0, maskingKey: MaskingKey? = nil,
    payload: some Collection<UInt8>
  ) -> [UInt8] {
    var buffer = ByteBuffer()
    encode(opcode: opcode, fin: fin, rsv: rsv, maskingKey: maskingKey, payload: payload, into: &buffer)
    return buffer.readBytes(length: buffer.readableBytes) ?? []
  }
}
