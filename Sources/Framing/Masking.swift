/// The 4-byte masking key of RFC 6455 §5.3, in wire order.
///
/// Every frame a client sends carries a masking key; the payload on the wire is the
/// application data XOR-ed with the key, repeated every four bytes
/// (RFC 6455 §5.3):
///
/// ```
/// j                   = i MOD 4
/// transformed-octet-i = original-octet-i XOR masking-key-octet-j
/// ```
///
/// Masking is its own inverse, so the same operation masks and unmasks.
/// `b0` is the first key byte on the wire (`masking-key-octet-0`).
public struct MaskingKey: Sendable, Hashable, CustomStringConvertible {
  /// Key octet 0: applied to payload bytes 0, 4, 8, …
  public var b0: UInt8
  /// Key octet 1: applied to payload bytes 1, 5, 9, …
  public var b1: UInt8
  /// Key octet 2: applied to payload bytes 2, 6, 10, …
  public var b2: UInt8
  /// Key octet 3: applied to payload bytes 3, 7, 11, …
  public var b3: UInt8

  /// Creates a key from its four octets in wire order.
  @inlinable
  public init(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8) {
    self.b0 = b0
    self.b1 = b1
    self.b2 = b2
    self.b3 = b3
  }

  /// Creates a key from exactly four octets in wire order, or returns `nil` if `bytes` holds
  /// any other number of elements.
  ///
  /// The collection is walked at most five elements deep, so a long or lazy collection is
  /// rejected without being traversed in full.
  @inlinable
  public init?(_ bytes: some Collection<UInt8>) {
    var iterator = bytes.makeIterator()
    guard let b0 = iterator.next(), let b1 = iterator.next(), let b2 = iterator.next(),
      let b3 = iterator.next(), iterator.next() == nil
    else { return nil }
    self.init(b0, b1, b2, b3)
  }

  /// The four key octets in wire order: `[b0, b1, b2, b3]`.
  @inlinable
  public var bytes: [UInt8] { [b0, b1, b2, b3] }

  /// The key octet that applies to payload byte number `i`, that is octet `i MOD 4`
  /// (RFC 6455 §5.3). Negative `i` wraps the same way (mathematical modulo).
  @inlinable
  public subscript(i: Int) -> UInt8 {
    switch i & 3 {
    case 0: return b0
    case 1: return b1
    case 2: return b2
    default: return b3
    }
  }

  /// The key as four lowercase hex octets separated by spaces, e.g. `"37 fa 21 3d"`.
  public var description: String {
    bytes.map { byte in
      let hex = String(byte, radix: 16)
      return byte < 0x10 ? "0" + hex : hex
    }.joined(separator: " ")
  }
}

extension MaskingKey {
  /// A 32-bit word whose in-memory bytes are the key rotated so that it starts at key octet
  /// `offset MOD 4`: loading four payload bytes starting at payload byte number `offset` as a
  /// `UInt32` and XOR-ing with this word masks them (on either byte order).
  @inlinable
  internal func word32(startingAt offset: Int) -> UInt32 {
    let byte0 = UInt32(self[offset])
    let byte1 = UInt32(self[offset &+ 1])
    let byte2 = UInt32(self[offset &+ 2])
    let byte3 = UInt32(self[offset &+ 3])
    // The little-endian value puts byte0 at the lowest address; converting from its
    // little-endian representation makes that true on big-endian hosts as well.
    return UInt32(littleEndian: byte0 | byte1 << 8 | byte2 << 16 | byte3 << 24)
  }

  /// XORs `buffer` in place with the key (RFC 6455 §5.3), where `buffer[0]` is payload byte
  /// number `offset`: key octet `(offset + i) MOD 4` applies to `buffer[i]`.
  ///
  /// This is the fast path. It works on 64 bytes per step as four unaligned
  /// `SIMD2<UInt64>` words (SSE2 registers on x86-64) against a key word pre-rotated for
  /// `offset`, then on 8-byte `UInt64` words, and only the last 0…7 bytes one at a time.
  /// Every bulk step covers a multiple of four bytes, so the rotation never changes.
  /// Memory alignment does not matter. Use `offset` to mask a payload that arrives in
  /// several pieces: pass the number of payload bytes already processed.
  @inlinable
  public func apply(to buffer: UnsafeMutableRawBufferPointer, offset: Int = 0) {
    apply(from: UnsafeRawBufferPointer(buffer), to: buffer, offset: offset)
  }

  /// Writes `source` XOR-ed with the key to `destination` (at least `source.count` bytes), where
  /// `source[0]` is payload byte number `offset`: copying and unmasking in one pass, so a payload
  /// leaves the transport's read buffer unmasked without being copied first and XOR-ed after
  /// (one read and one write of every byte instead of two of each). The same steps as
  /// ``apply(to:offset:)`` (which is this with the same buffer on both sides): 64 bytes per step
  /// as four unaligned `SIMD2<UInt64>` words against a key word pre-rotated for `offset`, then
  /// 8-byte words, then the last bytes one at a time. The two buffers must not overlap unless
  /// they are the same.
  @inlinable
  public func apply(from source: UnsafeRawBufferPointer, to destination: UnsafeMutableRawBufferPointer, offset: Int = 0)
  {
    guard let from = source.baseAddress, let to = destination.baseAddress else { return }
    let count = source.count
    precondition(destination.count >= count, "destination too small")
    let key32 = word32(startingAt: offset)
    let key64 = UInt64(key32) | UInt64(key32) << 32
    var index = 0
    if count >= 64 {
      let key128 = SIMD2<UInt64>(repeating: key64)
      repeat {
        let word0 = from.loadUnaligned(fromByteOffset: index, as: SIMD2<UInt64>.self)
        let word1 = from.loadUnaligned(fromByteOffset: index &+ 16, as: SIMD2<UInt64>.self)
        let word2 = from.loadUnaligned(fromByteOffset: index &+ 32, as: SIMD2<UInt64>.self)
        let word3 = from.loadUnaligned(fromByteOffset: index &+ 48, as: SIMD2<UInt64>.self)
        to.storeBytes(of: word0 ^ key128, toByteOffset: index, as: SIMD2<UInt64>.self)
        to.storeBytes(of: word1 ^ key128, toByteOffset: index &+ 16, as: SIMD2<UInt64>.self)
        to.storeBytes(of: word2 ^ key128, toByteOffset: index &+ 32, as: SIMD2<UInt64>.self)
        to.storeBytes(of: word3 ^ key128, toByteOffset: index &+ 48, as: SIMD2<UInt64>.self)
        index &+= 64
      } while count &- index >= 64
    }
    while count &- index >= 8 {
      let word = from.loadUnaligned(fromByteOffset: index, as: UInt64.self)
      to.storeBytes(of: word ^ key64, toByteOffset: index, as: UInt64.self)
      index &+= 8
    }
    if count &- index >= 4 {
      let word = from.loadUnaligned(fromByteOffset: index, as: UInt32.self)
      to.storeBytes(of: word ^ key32, toByteOffset: index, as: UInt32.self)
      index &+= 4
    }
    while index < count {
      let byte = from.load(fromByteOffset: index, as: UInt8.self)
      to.storeBytes(of: byte ^ self[offset &+ index], toByteOffset: index, as: UInt8.self)
      index &+= 1
    }
  }

  /// The readable reference version of the fast `apply(to:offset:)`:
  /// `buffer[i] ^= self[offset + i]`, one byte at a time, exactly as RFC 6455 §5.3 states it.
  /// Used for teaching and as the oracle in tests.
  public func applyByteByByte(to buffer: UnsafeMutableRawBufferPointer, offset: Int = 0) {
    for i in buffer.indices {
      buffer[i] ^= self[offset &+ i]
    }
  }

  /// XORs `bytes` in place with the key, where `bytes[0]` is payload byte number `offset`
  /// (RFC 6455 §5.3). Uses the fast path.
  @inlinable
  public func apply(to bytes: inout [UInt8], offset: Int = 0) {
    bytes.withUnsafeMutableBytes { buffer in
      apply(to: buffer, offset: offset)
    }
  }

  /// Returns a masked (or, equally, unmasked) copy of `bytes`, where `bytes[0]` is payload byte
  /// number `offset` (RFC 6455 §5.3).
  @inlinable
  public func masked(_ bytes: [UInt8], offset: Int = 0) -> [UInt8] {
    var copy = bytes
    apply(to: &copy, offset: offset)
    return copy
  }
}
