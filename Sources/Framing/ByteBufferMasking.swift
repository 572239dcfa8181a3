import NIOCore

extension ByteBuffer {
  /// XORs `length` bytes starting at reader offset `at` (relative to `readerIndex`) with `key`,
  /// where the first byte is payload byte number `payloadOffset` (RFC 6455 §5.3). In place.
  @inlinable
  public mutating func applyMask(
    _ key: MaskingKey, at offset: Int = 0, length: Int? = nil, payloadOffset: Int = 0
  ) {
    let count = min(length ?? (readableBytes - offset), readableBytes - offset)
    guard count > 0, offset >= 0 else { return }
    withUnsafeMutableReadableBytes { raw in
      guard let base = raw.baseAddress else { return }
      key.apply(to: UnsafeMutableRawBufferPointer(start: base + offset, count: count), offset: payloadOffset)
    }
  }
}
