/// An incremental, fail-fast UTF-8 validator for text messages that arrive in pieces.
///
/// RFC 6455 §5.6 requires the payload of a text message to be UTF-8 (RFC 3629), and §8.1 tells
/// an endpoint that receives invalid UTF-8 to _Fail the WebSocket Connection_ (close code 1007).
/// A text message may be split across many frames, and a frame across many reads, and a
/// multi-byte character may straddle any of those boundaries, so the validator keeps the state
/// of a partial sequence between calls.
///
/// It is fail fast: it reports the first byte after which the bytes seen so far can no longer
/// be the beginning of any valid UTF-8 text, so a connection can be failed as soon as possible
/// (the Autobahn test suite, cases 6.x, checks this), not only at the end of the message.
///
/// Well-formed sequences are those of the table in RFC 3629 §4:
///
/// ```
/// U+0000..U+007F     00..7F
/// U+0080..U+07FF     C2..DF  80..BF
/// U+0800..U+0FFF     E0      A0..BF  80..BF
/// U+1000..U+CFFF     E1..EC  80..BF  80..BF
/// U+D000..U+D7FF     ED      80..9F  80..BF
/// U+E000..U+FFFF     EE..EF  80..BF  80..BF
/// U+10000..U+3FFFF   F0      90..BF  80..BF  80..BF
/// U+40000..U+FFFFF   F1..F3  80..BF  80..BF  80..BF
/// U+100000..U+10FFFF F4      80..8F  80..BF  80..BF
/// ```
///
/// So C0, C1 and F5…FF never appear; after E0 and F0 the next byte excludes overlong forms;
/// after ED it excludes the surrogates U+D800…U+DFFF; after F4 it excludes code points above
/// U+10FFFF.
///
/// Usage for one message:
///
/// ```swift
/// var validator = UTF8Validator()
/// for chunk in chunks {
///   if let index = validator.validate(chunk) { /* fail: byte `index` of this chunk */ }
/// }
/// let valid = validator.isComplete  // false: the message ended inside a character
/// ```
///
/// Speed: runs of ASCII are skipped 16 bytes at a time (one test of the high bits of two
/// 64-bit words); other text is checked 16 bytes at a time with `SIMD16<UInt8>` arithmetic,
/// each byte against the three before it, with no branch per character. Only the first and
/// last few bytes of a chunk, a character split between chunks, and the block holding an
/// error go one byte at a time.
public struct UTF8Validator: Sendable {
  /// Continuation bytes still expected by the pending sequence (0…3).
  private var needed: UInt8 = 0
  /// Bytes of the pending sequence already seen, lead byte included (0…3).
  private var seen: UInt8 = 0
  /// The inclusive range allowed for the next byte of the pending sequence.
  private var lower: UInt8 = 0x80
  private var upper: UInt8 = 0xBF
  /// Set once the stream is invalid; sticky until ``reset()``.
  private var failed = false
  /// Bytes accepted so far, a pending partial sequence included.
  private var accepted = 0

  /// Creates a validator at the start of a message.
  public init() {}

  /// True when the bytes seen so far end on a character boundary (no partial sequence is
  /// pending) and no error occurred.
  ///
  /// This is the check at the end of a message: a text message is valid UTF-8 exactly when
  /// every `validate(_:)` call returned `nil` and `isComplete`
  /// is `true` after the final fragment (RFC 6455 §5.6, §8.1).
  public var isComplete: Bool { !failed && needed == 0 }

  /// The number of bytes of the pending partial sequence (0…3), for diagnostics.
  /// Zero after an error.
  public var pendingByteCount: Int { Int(seen) }

  /// The total number of bytes accepted so far, a pending partial sequence included.
  ///
  /// After an error this is the position of the offending byte within the whole message,
  /// ready for a "byte N of the message" error message.
  public var bytesValidated: Int { accepted }

  /// Forgets everything, ready for a new message.
  public mutating func reset() {
    self = UTF8Validator()
  }

  /// Validates the next chunk of the message.
  ///
  /// - Returns: `nil` when every byte so far can still be part of valid UTF-8, or the index
  ///   (0-based, within this chunk) of the first byte that makes the stream invalid: the first
  ///   byte at which no valid continuation exists. For example, after `E0` only `A0…BF` may
  ///   follow, so for `E0 80` the error is at `80`; for `ED A0` (a surrogate) it is at `A0`;
  ///   for `F4 90` (above U+10FFFF) at `90`; `C0`, `C1` and `F5…FF` fail at themselves, and so
  ///   does a continuation byte without a lead byte; a lead byte where a continuation byte was
  ///   expected fails at that lead byte.
  ///
  ///   After an error the validator stays failed, and every further call returns `0` (for an
  ///   empty chunk too) until ``reset()``.
  public mutating func validate(_ chunk: UnsafeRawBufferPointer) -> Int? {
    if failed { return 0 }
    guard let base = chunk.baseAddress else { return nil }
    let count = chunk.count
    var index = 0
    var needed = self.needed
    var seen = self.seen
    var lower = self.lower
    var upper = self.upper

    chunkLoop: while true {
      // Finish a multi-byte sequence in progress: one carried over from the previous chunk,
      // one that runs past the end of this chunk, or one that the fast paths below rejected
      // (walked again here byte by byte to find the exact failing byte).
      while needed != 0 {
        if index == count { break chunkLoop }
        let byte = base.load(fromByteOffset: index, as: UInt8.self)
        if byte &- lower > upper &- lower { return fail(at: index) }
        needed &-= 1
        seen = needed == 0 ? 0 : seen &+ 1
        lower = 0x80
        upper = 0xBF
        index &+= 1
      }

      // From here on `index` is always at a character boundary.
      mainLoop: while index < count {
        // 1. ASCII: skip 16 bytes at a time, then find the first byte with its high bit set.
        while count &- index >= 16 {
          let word0 = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
          let word1 = base.loadUnaligned(fromByteOffset: index &+ 8, as: UInt64.self)
          if (word0 | word1) & Self.highBits != 0 { break }
          index &+= 16
        }
        while count &- index >= 8 {
          let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
          // After conversion, the byte at offset j sits in bits 8j...8j+7 on any host.
          let high = UInt64(littleEndian: word) & Self.highBits
          if high != 0 {
            index &+= high.trailingZeroBitCount &>> 3
            break
          }
          index &+= 8
        }

        // 2. Mixed text: 16 bytes per step, all bytes checked at once (see `checkBlock`).
        //    It reads the 3 bytes before each block, so it starts at byte 3 or later.
        var limit = count
        if index >= 3 {
          let start = index
          while count &- index >= 16 {
            let block = Self.checkBlock(base + index)
            if block.invalid {
              limit = index &+ 16
              break
            }
            index &+= 16
            // A valid all-ASCII block ends on a character boundary: back to the fast skip.
            if block.ascii { continue mainLoop }
          }
          // The blocks checked bytes start..<index but may have stopped inside a character:
          // step back to the lead byte of the character that holds byte index - 1.
          if index > start {
            while index &- 1 > start && Self.isContinuation(base, index &- 1) { index &-= 1 }
            index &-= 1
          }
        } else {
          limit = min(3, count)
        }

        // 3. One character at a time, up to `limit`: at the start and the end of the chunk,
        //    and in a block where the parallel check found an error (this finds the exact
        //    byte). The loop at the top checks the continuation bytes.
        while index < limit {
          let lead = base.load(fromByteOffset: index, as: UInt8.self)
          index &+= 1
          if lead < 0x80 { continue }
          guard let info = Self.leadInfo(lead) else { return fail(at: index &- 1) }
          needed = info.length &- 1
          seen = 1
          lower = info.lower
          upper = info.upper
          continue chunkLoop
        }
      }
      break
    }

    self.needed = needed
    self.seen = seen
    self.lower = lower
    self.upper = upper
    accepted &+= count
    return nil
  }

  /// Validates the next chunk of the message; see `validate(_:)`.
  ///
  /// Contiguous collections (`[UInt8]`, `ArraySlice<UInt8>`, …) are validated in place; any
  /// other collection is first copied into an array.
  public mutating func validate(_ chunk: some Collection<UInt8>) -> Int? {
    if let result = chunk.withContiguousStorageIfAvailable({ buffer in
      validate(UnsafeRawBufferPointer(buffer))
    }) {
      return result
    }
    return Array(chunk).withUnsafeBytes { buffer in validate(buffer) }
  }

  /// Records an error at `index` of the current chunk and returns it.
  private mutating func fail(at index: Int) -> Int {
    failed = true
    needed = 0
    seen = 0
    accepted &+= index
    return index
  }

  private static let highBits: UInt64 = 0x8080_8080_8080_8080

  @inline(__always)
  private static func isContinuation(_ base: UnsafeRawPointer, _ index: Int) -> Bool {
    base.load(fromByteOffset: index, as: UInt8.self) & 0xC0 == 0x80
  }

  /// Sixteen bytes, checked at once with the lane-wise bitwise operations, additions and
  /// shifts that vectorize well (SSE2 on x86-64, NEON on arm64); no lane comparisons.
  private typealias Block = SIMD16<UInt8>

  /// For each byte of `value`, bit 7 is set exactly when the byte is zero. Other bits are
  /// garbage.
  @inline(__always)
  private static func zeroBytes(_ value: Block) -> Block {
    ~(((value & 0x7F) &+ 0x7F) | value)
  }

  /// Checks the 16 bytes at `pointer` against the RFC 3629 §4 table, given that the bytes
  /// before `pointer` are valid and `pointer - 3` is readable.
  ///
  /// Each byte is checked from itself and the three bytes before it (read with overlapping
  /// loads), all bytes at once: a byte must be a continuation byte (10xxxxxx) exactly when a
  /// lead byte long enough to reach it sits 1, 2 or 3 bytes before it; C0, C1 and F5...FF never
  /// occur; and the byte after E0, ED, F0 or F4 must lie in that lead byte's narrower range.
  /// A character that runs past the end of the block is checked as far as the block goes; the
  /// rest is checked with the next block (or by the caller). Every flag lives in bit 7 of its
  /// byte; a left shift by k moves bit 7 - k of each byte into bit 7.
  @inline(__always)
  private static func checkBlock(_ pointer: UnsafeRawPointer) -> (invalid: Bool, ascii: Bool) {
    let byte = pointer.loadUnaligned(as: Block.self)
    let prev1 = pointer.loadUnaligned(fromByteOffset: -1, as: Block.self)
    let prev2 = pointer.loadUnaligned(fromByteOffset: -2, as: Block.self)
    let prev3 = pointer.loadUnaligned(fromByteOffset: -3, as: Block.self)
    let bit6 = byte &<< 1
    let bit5 = byte &<< 2
    let bit4 = byte &<< 3
    // 10xxxxxx exactly where a lead byte of length >= 2, 3, 4 sits 1, 2, 3 bytes back.
    let isContinuation = byte & ~bit6
    let mustContinue =
      (prev1 & (prev1 &<< 1))
      | (prev2 & (prev2 &<< 1) & (prev2 &<< 2))
      | (prev3 & (prev3 &<< 1) & (prev3 &<< 2) & (prev3 &<< 3))
    var invalid = isContinuation ^ mustContinue
    // C0 and C1: 110 0000x, a 2-byte lead with bits 4...1 clear (+ 0x7E sets bit 7 unless so).
    invalid |= byte & bit6 & ~bit5 & ~((byte & 0x1E) &+ 0x7E)
    // F5...FF: 1111xxxx with a low nibble of 5 or more (nibble + 11 carries into bit 4).
    invalid |= byte & bit6 & bit5 & bit4 & (((byte & 0x0F) &+ 0x0B) &<< 3)
    // The byte after E0 must be A0...BF, after F0 90...BF: bit 5 set, or (F0) bit 4.
    // The byte after ED must be 80...9F, after F4 80...8F: bit 5 clear, and (F4) bit 4.
    // (A byte there that is not a continuation byte is flagged above.)
    let high = bit5 | ((prev1 &<< 3) & bit4)
    invalid |= zeroBytes((prev1 & 0xEF) ^ 0xE0) & ~high
    invalid |= (zeroBytes(prev1 ^ 0xED) | zeroBytes(prev1 ^ 0xF4)) & high
    let flags = unsafeBitCast(invalid & 0x80, to: SIMD2<UInt64>.self)
    let ascii = unsafeBitCast(byte & 0x80, to: SIMD2<UInt64>.self)
    return ((flags[0] | flags[1]) != 0, (ascii[0] | ascii[1]) == 0)
  }

  /// The sequence length and the allowed range of the second byte for a lead byte, from the
  /// RFC 3629 §4 table; `nil` for a byte that cannot start a multi-byte sequence
  /// (80…C1, F5…FF).
  @inline(__always)
  private static func leadInfo(_ lead: UInt8) -> (length: UInt8, lower: UInt8, upper: UInt8)? {
    guard lead &- 0xC2 <= 0xF4 - 0xC2 else { return nil }
    // 110xxxxx -> 2, 1110xxxx -> 3, 11110xxx -> 4: the number of leading one bits.
    let length = UInt8(truncatingIfNeeded: (~lead).leadingZeroBitCount)
    let lower: UInt8 = lead == 0xE0 ? 0xA0 : (lead == 0xF0 ? 0x90 : 0x80)
    let upper: UInt8 = lead == 0xED ? 0x9F : (lead == 0xF4 ? 0x8F : 0xBF)
    return (length, lower, upper)
  }
}
