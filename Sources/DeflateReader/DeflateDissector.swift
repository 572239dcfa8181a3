// A DEFLATE (RFC 1951) bitstream reader that reports every syntactic element it decodes.
//
// Lesson 4 uses it to take a compressed WebSocket payload (RFC 7692) apart bit by bit, and the
// tests use it as an inflater that shares no code with zlib. It is written for clarity and
// robustness rather than speed, but it is fast enough for megabytes of input.
//
// It is a target of its own, apart from zlib (the Deflate layer) and from the trace model: a
// reader of the format, not a codec, doing no I/O; it needs Trace only to format bytes.

import Trace

/// One syntactic element of a DEFLATE stream, in stream order.
///
/// Elements are contiguous: each starts at the bit where the previous one ended, and together
/// they cover the stream from bit 0 up to where decoding stopped.
public struct DeflateElement: Sendable, Equatable {
  /// What the element is.
  public enum Kind: Sendable, Equatable {
    /// The 3-bit block header: BFINAL, then BTYPE (0 stored, 1 fixed Huffman, 2 dynamic Huffman,
    /// 3 reserved). RFC 1951 §3.2.3.
    case blockHeader(final: Bool, type: UInt8)
    /// Bits skipped to reach a byte boundary: before a stored block's LEN (RFC 1951 §3.2.4), after
    /// the final block, or the zero bits that end a stream which stops at a block boundary.
    case padding(bits: Int)
    /// A stored block's LEN and NLEN (the one's complement of LEN). RFC 1951 §3.2.4.
    case storedHeader(length: Int, complement: Int)
    /// The LEN literal bytes of a stored block (only present when LEN > 0). RFC 1951 §3.2.4.
    case storedData(count: Int)
    /// A dynamic block's HLIT, HDIST and HCLEN fields, given here as the counts they encode
    /// (HLIT + 257, HDIST + 1, HCLEN + 4). RFC 1951 §3.2.7.
    case dynamicTableHeader(literalLengthCodes: Int, distanceCodes: Int, codeLengthCodes: Int)
    /// The 3-bit code lengths of the code-length alphabet, indexed by symbol 0...18 (transmitted in
    /// the order 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15). RFC 1951 §3.2.7.
    case codeLengthCode(lengths: [UInt8])
    /// The code lengths of the literal/length and distance alphabets, Huffman-coded with the
    /// code-length code (symbols 16, 17 and 18 repeat). RFC 1951 §3.2.7.
    case codeLengths(literalLength: [UInt8], distance: [UInt8])
    /// A literal byte. RFC 1951 §3.2.5.
    case literal(UInt8)
    /// A back-reference: copy `length` bytes from `distance` bytes back. RFC 1951 §3.2.5.
    case match(length: Int, distance: Int)
    /// Symbol 256, the end of a Huffman-coded block. RFC 1951 §3.2.5.
    case endOfBlock
    /// Whole bytes after the final block: not part of the DEFLATE stream.
    case trailingBytes(count: Int)
  }

  public var kind: Kind
  /// Offset of the element's first bit in the stream: byte × 8 + bit, bits numbered from the least
  /// significant bit of each byte (RFC 1951 §3.1.1).
  public var bitOffset: Int
  public var bitCount: Int
  /// The bits as a reader should see them. Huffman codes are shown most significant bit first, as
  /// RFC 1951 §3.1.1 defines them (`01111000`); other fields as their binary value at their
  /// width (BTYPE 1 is `01`). Sub-fields are separated by spaces: a block header is `BFINAL BTYPE`, a
  /// match is `length-code [extra] distance-code [extra]` (extra bits omitted when there are none),
  /// the code lengths are one code-length code each, with the extra bits of a repeat after a `+`
  /// (`1110+111`), stored data and trailing bytes are shown as hex bytes.
  public var bits: String
  /// One line saying what the element means, such as
  /// `literal 'H' (0x48): fixed code 01111000 = 0x30 + 0x48`.
  public var meaning: String
  /// Where the rule comes from, such as `RFC 1951 §3.2.6`.
  public var section: String

  public init(kind: Kind, bitOffset: Int, bitCount: Int, bits: String, meaning: String, section: String) {
    self.kind = kind
    self.bitOffset = bitOffset
    self.bitCount = bitCount
    self.bits = bits
    self.meaning = meaning
    self.section = section
  }

  /// The bits the element occupies.
  public var bitRange: Range<Int> { bitOffset..<(bitOffset + bitCount) }
}

/// The result of ``DeflateDissector/dissect(_:history:maxOutput:)``.
public struct DeflateDissection: Sendable, Equatable {
  /// The elements decoded, in stream order, contiguous from bit 0 to ``stopBitOffset``.
  public var elements: [DeflateElement]
  /// The decompressed bytes (new output only, not the history).
  public var output: [UInt8]
  /// `true` when the stream ended with a complete block with BFINAL=1 (whole bytes after it, if
  /// any, are reported as ``DeflateElement/Kind/trailingBytes(count:)``); `false` when it stopped
  /// cleanly at a block boundary without a final block, as a sync-flushed stream does (a
  /// WebSocket payload with its `00 00 ff ff` tail appended back, or without it: see
  /// ``DeflateDissector/dissect(_:history:maxOutput:)``); `nil` when it ended in the middle of
  /// something or decoding failed.
  public var endedWithFinalBlock: Bool?
  /// Why decoding stopped early, with the bit offset: truncated input, an invalid code, a distance
  /// too far back, a stored LEN/NLEN mismatch, the reserved BTYPE 11, output over `maxOutput`.
  public var error: String?
  /// Where decoding stopped: the end of the last element (the input's length in bits after a clean
  /// end). An error is about what follows this offset, or about the last element itself.
  public var stopBitOffset: Int

  public init(
    elements: [DeflateElement], output: [UInt8], endedWithFinalBlock: Bool?, error: String?, stopBitOffset: Int
  ) {
    self.elements = elements
    self.output = output
    self.endedWithFinalBlock = endedWithFinalBlock
    self.error = error
    self.stopBitOffset = stopBitOffset
  }
}

/// Decodes raw DEFLATE streams (RFC 1951) element by element.
public enum DeflateDissector {
  /// The largest distance DEFLATE can express, and so the most history that matters (RFC 1951 §2).
  public static let windowSize = 32768

  /// Decodes a raw DEFLATE stream (no zlib or gzip wrapper) and reports every element.
  ///
  /// Stored (RFC 1951 §3.2.4), fixed Huffman (§3.2.6) and dynamic Huffman (§3.2.7) blocks are
  /// decoded; the reserved block type 11 is an error. Code sets are checked as zlib checks them:
  /// over-subscribed codes are rejected, and incomplete ones too, except a literal/length or
  /// distance code made of a single 1-bit code; a distance code may be empty.
  ///
  /// A permessage-deflate payload (RFC 7692 §7.2.1) is a sync-flushed stream whose `00 00 ff ff`
  /// tail was removed. With the tail appended back the stream ends with an empty stored block and
  /// ``DeflateDissection/endedWithFinalBlock`` is `false`. Without it, the payload ends with the
  /// 3-bit header of that stored block and zero padding up to the byte boundary; this is also
  /// accepted as a clean end, the header and padding are reported and the last element's meaning
  /// says the LEN/NLEN are missing. Zero bits short of a block header after a complete block end
  /// the stream cleanly too.
  ///
  /// - Parameters:
  ///   - bytes: The raw DEFLATE stream.
  ///   - history: The sliding window carried over from earlier messages (context takeover,
  ///     RFC 7692 §7.2.3.2): back-references may reach into it. Only its last 32 KiB are used.
  ///   - maxOutput: The most bytes of output to produce. Decoding stops with an error before a
  ///     literal, match or stored block would exceed it.
  /// - Returns: The elements, the output and how the stream ended. Never traps, always terminates,
  ///   and allocates in proportion to `bytes.count` and `maxOutput` only.
  public static func dissect(_ bytes: [UInt8], history: [UInt8] = [], maxOutput: Int = 1 << 24)
    -> DeflateDissection
  {
    var decoder = DeflateDecoder(bytes: bytes, history: history, maxOutput: max(0, maxOutput))
    return decoder.run()
  }
}

// MARK: - Decoder

/// Why decoding stopped early.
struct DeflateFailure: Error {
  var message: String
}

/// A canonical Huffman code (RFC 1951 §3.2.2), decoded one bit at a time as in zlib's puff.c.
struct DeflateHuffmanCode: Sendable {
  enum Shape: Sendable, Equatable { case empty, complete, incomplete, oversubscribed }

  /// `counts[n]`: how many symbols have an `n`-bit code.
  var counts: [Int]
  /// Symbols ordered by code.
  var symbols: [Int]
  /// Code length per symbol (0: unused).
  var lengths: [UInt8]
  /// Code per symbol, valid where the length is not 0.
  var codes: [Int]
  var shape: Shape
  var maxLength: Int

  init(lengths: [UInt8]) {
    self.lengths = lengths
    var counts = [Int](repeating: 0, count: 16)
    for length in lengths { counts[Int(length) & 15] += 1 }
    counts[0] = 0
    self.counts = counts
    maxLength = counts.lastIndex(where: { $0 > 0 }) ?? 0

    var left = 1
    var shape = Shape.complete
    for n in 1...15 {
      left <<= 1
      left -= counts[n]
      if left < 0 {
        shape = .oversubscribed
        break
      }
    }
    if shape == .complete && left > 0 { shape = maxLength == 0 ? .empty : .incomplete }
    self.shape = shape

    // Symbols sorted by code length, then by value: the canonical order of RFC 1951 §3.2.2.
    var offsets = [Int](repeating: 0, count: 16)
    for n in 1..<15 { offsets[n + 1] = offsets[n] + counts[n] }
    var symbols = [Int](repeating: 0, count: counts.reduce(0, +))
    for (symbol, length) in lengths.enumerated() where length != 0 {
      let n = Int(length)
      if offsets[n] < symbols.count { symbols[offsets[n]] = symbol }
      offsets[n] += 1
    }
    self.symbols = symbols

    // The codes themselves, for display: RFC 1951 §3.2.2 steps 2 and 3.
    var nextCode = [Int](repeating: 0, count: 16)
    var code = 0
    for n in 1...15 {
      code = (code + counts[n - 1]) << 1
      nextCode[n] = code
    }
    var codes = [Int](repeating: 0, count: lengths.count)
    for (symbol, length) in lengths.enumerated() where length != 0 {
      codes[symbol] = nextCode[Int(length)]
      nextCode[Int(length)] += 1
    }
    self.codes = codes
  }

  /// The fixed literal/length code of RFC 1951 §3.2.6 (symbols 0...287).
  static let fixedLiteralLength: DeflateHuffmanCode = {
    var lengths = [UInt8](repeating: 8, count: 288)
    for i in 144..<256 { lengths[i] = 9 }
    for i in 256..<280 { lengths[i] = 7 }
    return DeflateHuffmanCode(lengths: lengths)
  }()

  /// The fixed distance code of RFC 1951 §3.2.6: 5-bit codes for symbols 0...31.
  static let fixedDistance = DeflateHuffmanCode(lengths: [UInt8](repeating: 5, count: 32))
}

/// RFC 1951 §3.2.5 tables.
enum DeflateTables {
  static let lengthBase: [Int] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
  ]
  static let lengthExtra: [Int] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
  ]
  static let distanceBase: [Int] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
    4097, 6145, 8193, 12289, 16385, 24577,
  ]
  static let distanceExtra: [Int] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
  ]
  /// The order in which the code-length code lengths are sent (RFC 1951 §3.2.7).
  static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
}

/// The decoding state. One per ``DeflateDissector/dissect(_:history:maxOutput:)`` call.
struct DeflateDecoder {
  let bytes: [UInt8]
  let bitLength: Int
  /// The next bit to read.
  var position = 0
  /// History (at most 32 KiB) followed by the output so far: what back-references copy from.
  var window: [UInt8]
  let historyCount: Int
  let maxOutput: Int
  var elements: [DeflateElement] = []
  /// Where the element being decoded starts, and what it is (for truncation messages).
  var elementStart = 0
  var elementName = ""
  /// Per-block cache of the bits and meaning of each literal and of end-of-block (symbols 0...256):
  /// a block repeats the same few symbols, and the strings are shared rather than rebuilt.
  var symbolText: [(bits: String, meaning: String)?] = []

  init(bytes: [UInt8], history: [UInt8], maxOutput: Int) {
    self.bytes = bytes
    bitLength = bytes.count * 8
    let kept = history.suffix(DeflateDissector.windowSize)
    window = Array(kept)
    historyCount = kept.count
    self.maxOutput = maxOutput
    window.reserveCapacity(historyCount + min(maxOutput, max(1024, bytes.count * 4)))
  }

  var outputCount: Int { window.count - historyCount }

  mutating func run() -> DeflateDissection {
    var ended: Bool? = nil
    var message: String? = nil
    do throws(DeflateFailure) {
      while true {
        if stopsAtBlockBoundary() {
          ended = false
          break
        }
        if try block() {
          finishAfterFinalBlock()
          ended = true
          break
        }
      }
    } catch {
      message = error.message
    }
    let stop = elements.last.map { $0.bitOffset + $0.bitCount } ?? 0
    return DeflateDissection(
      elements: elements, output: Array(window[historyCount...]), endedWithFinalBlock: ended, error: message,
      stopBitOffset: stop)
  }

  // MARK: Reading bits

  /// Starts a new element at the current position.
  mutating func begin(_ name: String) {
    elementStart = position
    elementName = name
  }

  /// Reads `count` bits (at most 24) as a number, first bit least significant (RFC 1951 §3.1.1).
  mutating func read(_ count: Int) throws(DeflateFailure) -> Int {
    guard count > 0 else { return 0 }
    guard bitLength - position >= count else { throw truncated() }
    var value = 0
    var got = 0
    var at = position
    while got < count {
      let byte = Int(bytes[at >> 3]) >> (at & 7)
      let take = min(8 - (at & 7), count - got)
      value |= (byte & ((1 << take) - 1)) << got
      got += take
      at += take
    }
    position = at
    return value
  }

  func truncated() -> DeflateFailure {
    let whereItStops =
      elementStart == bitLength
      ? "where the \(elementName) should start"
      : "inside the \(elementName) starting at bit \(elementStart)"
    return DeflateFailure(message: "truncated input: the stream ends at bit \(bitLength), " + whereItStops)
  }

  func failure(_ text: String) -> DeflateFailure {
    DeflateFailure(message: text)
  }

  /// Decodes one symbol of `code`, reading its bits one at a time (a Huffman code starts with its
  /// most significant bit, RFC 1951 §3.1.1). Returns the symbol, its code and the code's length.
  mutating func decode(_ code: DeflateHuffmanCode, _ what: String) throws(DeflateFailure) -> (
    symbol: Int, code: Int, length: Int
  ) {
    let start = position
    guard code.shape != .empty else {
      throw failure("invalid \(what) at bit \(start): the block's \(what) has no codes")
    }
    var value = 0  // the bits read so far, most significant first
    var first = 0  // the first code of the current length
    var index = 0  // where the codes of the current length start in `symbols`
    // No code is longer than the longest length in use: past it, the bits are no code at all
    // (possible in an incomplete code, as soon as zlib would notice).
    for length in 1...code.maxLength {
      guard position < bitLength else { throw truncated() }
      value |= Int(bytes[position >> 3] >> UInt8(position & 7)) & 1
      position += 1
      let count = code.counts[length]
      if value - first < count {
        return (code.symbols[index + value - first], value, length)
      }
      index += count
      first = (first + count) << 1
      value <<= 1
    }
    throw failure(
      "invalid \(what) at bit \(start): these \(code.maxLength) bits are not a code of this block's \(what)")
  }

  /// Appends an element running from `elementStart` to the current position.
  mutating func emit(_ kind: DeflateElement.Kind, bits: String, meaning: String, section: String) {
    elements.append(
      DeflateElement(
        kind: kind, bitOffset: elementStart, bitCount: position - elementStart, bits: bits, meaning: meaning,
        section: section))
  }

  // MARK: Blocks

  /// At a block boundary, after a block that was not final: whether the stream stops here cleanly.
  /// It does when the input is exhausted, when only zero bits short of a block header remain, or
  /// when what remains is exactly a zero block header (BFINAL=0, BTYPE=00) and zero padding to the
  /// end of the input: a sync-flushed stream whose `00 00 ff ff` tail was removed (RFC 7692 §7.2.1).
  mutating func stopsAtBlockBoundary() -> Bool {
    let remaining = bitLength - position
    if remaining == 0 { return true }
    let headerEnd = position + 3
    let alignedEnd = (headerEnd + 7) / 8 * 8
    guard remaining < 3 || alignedEnd == bitLength else { return false }
    // At most 10 bits remain; they must all be zero.
    var at = position
    while at < bitLength {
      if (bytes[at >> 3] >> UInt8(at & 7)) & 1 != 0 { return false }
      at += 1
    }
    let missing =
      "the input ends here, without LEN and NLEN: the 00 00 ff ff a sync flush ends with was removed, "
      + "as permessage-deflate does (RFC 7692 §7.2.1)"
    if remaining < 3 {
      begin("padding")
      position = bitLength
      emit(
        .padding(bits: remaining), bits: String(repeating: "0", count: remaining),
        meaning: "\(DeflateFormat.count(remaining, "zero bit")) to the end of the input: the stream stops at a "
          + "block boundary", section: "RFC 1951 §3.2.3")
      return true
    }
    begin("block header")
    position = headerEnd
    let padding = alignedEnd - headerEnd
    emit(
      .blockHeader(final: false, type: 0), bits: "0 00",
      meaning: "BFINAL=0: more blocks follow; BTYPE=00: stored block (no compression)"
        + (padding == 0 ? "; " + missing : ""), section: "RFC 1951 §3.2.3")
    if padding > 0 {
      begin("padding")
      position = alignedEnd
      emit(
        .padding(bits: padding), bits: String(repeating: "0", count: padding),
        meaning: "\(DeflateFormat.count(padding, "bit")) of padding to the byte boundary; " + missing,
        section: "RFC 1951 §3.2.4")
    }
    return true
  }

  /// Decodes one block, header included. Returns whether it was the final block.
  mutating func block() throws(DeflateFailure) -> Bool {
    begin("block header")
    let header = try read(3)
    let final = header & 1 == 1
    let type = header >> 1
    let typeMeaning: String
    let section: String
    switch type {
    case 0:
      typeMeaning = "stored block (no compression)"
      section = "RFC 1951 §3.2.4"
    case 1:
      typeMeaning = "fixed Huffman codes"
      section = "RFC 1951 §3.2.6"
    case 2:
      typeMeaning = "dynamic Huffman codes"
      section = "RFC 1951 §3.2.7"
    default:
      typeMeaning = "reserved (error)"
      section = "RFC 1951 §3.2.3"
    }
    emit(
      .blockHeader(final: final, type: UInt8(type)), bits: (final ? "1 " : "0 ") + DeflateFormat.binary(type, width: 2),
      meaning: (final ? "BFINAL=1: last block of the stream" : "BFINAL=0: more blocks follow") + "; BTYPE="
        + DeflateFormat.binary(type, width: 2) + ": " + typeMeaning, section: section)
    switch type {
    case 0:
      try storedBlock()
    case 1:
      try huffmanBlock(
        literalLength: DeflateHuffmanCode.fixedLiteralLength, distance: DeflateHuffmanCode.fixedDistance,
        fixed: true)
    case 2:
      let (literalLength, distance) = try dynamicCodes()
      try huffmanBlock(literalLength: literalLength, distance: distance, fixed: false)
    default:
      throw failure("reserved block type BTYPE=11 at bit \(elementStart + 1) (RFC 1951 §3.2.3)")
    }
    return final
  }

  /// After the final block: padding to the byte boundary, then any whole bytes left over.
  mutating func finishAfterFinalBlock() {
    let padding = (8 - position % 8) % 8
    if padding > 0 {
      begin("padding")
      let value = (try? read(padding)) ?? 0
      emit(
        .padding(bits: padding), bits: DeflateFormat.binary(value, width: padding),
        meaning: "\(DeflateFormat.count(padding, "bit")) after the final block, to the byte boundary"
          + (value == 0 ? "" : " (not zero: ignored)"), section: "RFC 1951 §3.2.3")
    }
    if position < bitLength {
      begin("trailing bytes")
      let count = (bitLength - position) / 8
      let shown = Array(bytes[(position >> 3)...].prefix(16))
      position = bitLength
      emit(
        .trailingBytes(count: count), bits: shown.hexString + (count > 16 ? " …" : ""),
        meaning: "\(DeflateFormat.count(count, "byte")) after the final block: not part of the DEFLATE stream "
          + "(an inflater stops at the end of the BFINAL=1 block)", section: "RFC 1951 §3.2.3")
    }
  }

  /// A stored block: padding, LEN, NLEN, then LEN bytes (RFC 1951 §3.2.4).
  mutating func storedBlock() throws(DeflateFailure) {
    let padding = (8 - position % 8) % 8
    if padding > 0 {
      begin("padding")
      let value = try read(padding)
      emit(
        .padding(bits: padding), bits: DeflateFormat.binary(value, width: padding),
        meaning: "\(DeflateFormat.count(padding, "bit")) of padding to the byte boundary"
          + (value == 0 ? "" : " (not zero: ignored)"), section: "RFC 1951 §3.2.4")
    }
    begin("stored block LEN/NLEN")
    let length = try read(16)
    let complement = try read(16)
    let matches = length == (~complement & 0xffff)
    var meaning = "stored block, LEN=\(length), NLEN=0x" + DeflateFormat.hex16(complement)
    if !matches {
      meaning += ": NLEN is not the one's complement of LEN (error)"
    } else if length == 0 {
      meaning += ": the empty block a sync flush adds (00 00 ff ff)"
    } else {
      meaning += " (the one's complement of LEN): \(DeflateFormat.count(length, "byte")) follow"
    }
    emit(
      .storedHeader(length: length, complement: complement),
      bits: DeflateFormat.binary(length, width: 16) + " " + DeflateFormat.binary(complement, width: 16),
      meaning: meaning,
      section: "RFC 1951 §3.2.4")
    guard matches else {
      throw failure(
        "stored block LEN/NLEN mismatch at bit \(elementStart): LEN=\(length) (0x\(DeflateFormat.hex16(length))), "
          + "NLEN=0x\(DeflateFormat.hex16(complement)), expected NLEN=0x\(DeflateFormat.hex16(~length & 0xffff))")
    }
    guard length > 0 else { return }
    begin("stored data")
    guard (bitLength - position) / 8 >= length else { throw truncated() }
    guard outputCount + length <= maxOutput else { throw overLimit(adding: length) }
    let from = position >> 3
    let data = bytes[from..<(from + length)]
    window.append(contentsOf: data)
    position += length * 8
    let shown = Array(data.prefix(16))
    emit(
      .storedData(count: length), bits: shown.hexString + (length > 16 ? " …" : ""),
      meaning: "\(DeflateFormat.count(length, "stored byte")): " + DeflateFormat.quoted(data, limit: 48),
      section: "RFC 1951 §3.2.4")
  }

  func overLimit(adding count: Int) -> DeflateFailure {
    failure(
      "output limit: \(DeflateFormat.count(count, "more byte")) at bit \(elementStart) would take the output past "
        + "maxOutput (\(maxOutput) bytes; \(outputCount) so far)")
  }

  /// Reads a dynamic block's code definitions (RFC 1951 §3.2.7).
  mutating func dynamicCodes() throws(DeflateFailure) -> (DeflateHuffmanCode, DeflateHuffmanCode) {
    begin("dynamic block header (HLIT, HDIST, HCLEN)")
    let hlit = try read(5)
    let hdist = try read(5)
    let hclen = try read(4)
    let literalCount = hlit + 257
    let distanceCount = hdist + 1
    let codeLengthCount = hclen + 4
    emit(
      .dynamicTableHeader(
        literalLengthCodes: literalCount, distanceCodes: distanceCount, codeLengthCodes: codeLengthCount),
      bits: DeflateFormat.binary(hlit, width: 5) + " " + DeflateFormat.binary(hdist, width: 5) + " "
        + DeflateFormat.binary(hclen, width: 4),
      meaning: "HLIT=\(hlit): \(DeflateFormat.count(literalCount, "literal/length code")); HDIST=\(hdist): "
        + "\(DeflateFormat.count(distanceCount, "distance code")); HCLEN=\(hclen): "
        + "\(DeflateFormat.count(codeLengthCount, "code length code"))", section: "RFC 1951 §3.2.7")
    guard literalCount <= 286, distanceCount <= 30 else {
      throw failure(
        "too many codes at bit \(elementStart): \(literalCount) literal/length (at most 286) and \(distanceCount) "
          + "distance (at most 30)")
    }

    begin("code length code lengths")
    var codeLengthLengths = [UInt8](repeating: 0, count: 19)
    var fields: [String] = []
    var listed: [String] = []
    for i in 0..<codeLengthCount {
      let value = try read(3)
      let symbol = DeflateTables.codeLengthOrder[i]
      codeLengthLengths[symbol] = UInt8(value)
      fields.append(DeflateFormat.binary(value, width: 3))
      listed.append("\(symbol):\(value)")
    }
    let codeLengthCode = DeflateHuffmanCode(lengths: codeLengthLengths)
    emit(
      .codeLengthCode(lengths: codeLengthLengths), bits: fields.joined(separator: " "),
      meaning: "code lengths of the code length alphabet, as symbol:length in the order sent: "
        + listed.joined(separator: " ") + " (0 = unused)", section: "RFC 1951 §3.2.7")
    guard codeLengthCode.shape == .complete else {
      throw failure(
        "invalid code length code at bit \(elementStart): the lengths "
          + (codeLengthCode.shape == .oversubscribed ? "are over-subscribed" : "do not form a complete code"))
    }

    begin("literal/length and distance code lengths")
    let total = literalCount + distanceCount
    var lengths: [UInt8] = []
    lengths.reserveCapacity(total)
    fields = []
    var repeats = 0
    while lengths.count < total {
      let at = position
      let (symbol, code, codeLength) = try decode(codeLengthCode, "code length code")
      var field = DeflateFormat.binary(code, width: codeLength)
      switch symbol {
      case 0..<16:
        lengths.append(UInt8(symbol))
      default:
        let value: UInt8
        let count: Int
        switch symbol {
        case 16:
          guard let previous = lengths.last else {
            throw failure("code length 16 (repeat the previous length) at bit \(at) with no previous length")
          }
          value = previous
          let extra = try read(2)
          field += "+" + DeflateFormat.binary(extra, width: 2)
          count = 3 + extra
        case 17:
          value = 0
          let extra = try read(3)
          field += "+" + DeflateFormat.binary(extra, width: 3)
          count = 3 + extra
        default:
          value = 0
          let extra = try read(7)
          field += "+" + DeflateFormat.binary(extra, width: 7)
          count = 11 + extra
        }
        guard lengths.count + count <= total else {
          throw failure(
            "code length repeat at bit \(at) runs past the \(total) code lengths HLIT and HDIST announce")
        }
        lengths.append(contentsOf: repeatElement(value, count: count))
        repeats += 1
      }
      fields.append(field)
    }
    let literalLengths = Array(lengths[..<literalCount])
    let distanceLengths = Array(lengths[literalCount...])
    emit(
      .codeLengths(literalLength: literalLengths, distance: distanceLengths), bits: fields.joined(separator: " "),
      meaning: "code lengths, Huffman-coded with the code length code (\(fields.count) codes, \(repeats) of them "
        + "repeats): literal/length code " + summary(literalLengths) + "; distance code " + summary(distanceLengths),
      section: "RFC 1951 §3.2.7")

    guard literalLengths[256] != 0 else {
      throw failure("invalid literal/length code at bit \(elementStart): no code for end-of-block (256)")
    }
    let literalLength = DeflateHuffmanCode(lengths: literalLengths)
    try check(literalLength, "literal/length code")
    let distance = DeflateHuffmanCode(lengths: distanceLengths)
    if distance.shape != .empty { try check(distance, "distance code") }
    return (literalLength, distance)
  }

  /// Rejects over-subscribed codes, and incomplete ones except a single 1-bit code (as zlib does).
  func check(_ code: DeflateHuffmanCode, _ what: String) throws(DeflateFailure) {
    switch code.shape {
    case .complete: return
    case .incomplete where code.maxLength == 1: return
    case .oversubscribed:
      throw failure("invalid \(what) at bit \(elementStart): the code lengths are over-subscribed")
    default:
      throw failure("invalid \(what) at bit \(elementStart): the code lengths do not form a complete code")
    }
  }

  /// `57 symbols, 4–12 bits` style summary of a code's lengths.
  func summary(_ lengths: [UInt8]) -> String {
    let used = lengths.filter { $0 != 0 }
    guard let low = used.min(), let high = used.max() else { return "unused (no codes)" }
    return "\(DeflateFormat.count(used.count, "symbol")), " + (low == high ? "\(low)" : "\(low)–\(high)")
      + " bit\(high == 1 ? "" : "s")"
  }

  /// The compressed data of a Huffman block, up to and including end-of-block (RFC 1951 §3.2.5).
  mutating func huffmanBlock(
    literalLength: DeflateHuffmanCode, distance: DeflateHuffmanCode, fixed: Bool
  ) throws(DeflateFailure) {
    symbolText = [(bits: String, meaning: String)?](repeating: nil, count: 257)
    while true {
      begin("literal/length code")
      let (symbol, code, codeLength) = try decode(literalLength, "literal/length code")
      if symbol < 256 {
        guard outputCount < maxOutput else { throw overLimit(adding: 1) }
        window.append(UInt8(symbol))
        let text = describe(symbol: symbol, code: code, codeLength: codeLength, fixed: fixed)
        emit(.literal(UInt8(symbol)), bits: text.bits, meaning: text.meaning, section: "RFC 1951 §3.2.5")
        continue
      }
      if symbol == 256 {
        let text = describe(symbol: symbol, code: code, codeLength: codeLength, fixed: fixed)
        emit(.endOfBlock, bits: text.bits, meaning: text.meaning, section: "RFC 1951 §3.2.5")
        return
      }
      elementName = "match (length and distance)"
      let lengthIndex = symbol - 257
      guard lengthIndex < 29 else {
        throw failure("invalid literal/length symbol \(symbol) at bit \(elementStart) (286 and 287 are never used)")
      }
      let lengthExtraBits = DeflateTables.lengthExtra[lengthIndex]
      let lengthExtra = try read(lengthExtraBits)
      let length = DeflateTables.lengthBase[lengthIndex] + lengthExtra
      let distanceAt = position
      let (distanceSymbol, distanceCode, distanceCodeLength) = try decode(distance, "distance code")
      guard distanceSymbol < 30 else {
        throw failure("invalid distance symbol \(distanceSymbol) at bit \(distanceAt) (30 and 31 are never used)")
      }
      let distanceExtraBits = DeflateTables.distanceExtra[distanceSymbol]
      let distanceExtra = try read(distanceExtraBits)
      let distanceValue = DeflateTables.distanceBase[distanceSymbol] + distanceExtra

      var bits = DeflateFormat.binary(code, width: codeLength)
      if lengthExtraBits > 0 { bits += " " + DeflateFormat.binary(lengthExtra, width: lengthExtraBits) }
      bits += " " + DeflateFormat.binary(distanceCode, width: distanceCodeLength)
      if distanceExtraBits > 0 { bits += " " + DeflateFormat.binary(distanceExtra, width: distanceExtraBits) }
      let codes =
        " (length symbol \(symbol)" + (lengthExtraBits > 0 ? " + \(lengthExtra)" : "")
        + ", distance symbol \(distanceSymbol)" + (distanceExtraBits > 0 ? " + \(distanceExtra)" : "") + ")"
      let head = "match: length \(length), distance \(distanceValue)"

      guard distanceValue <= window.count else {
        emit(
          .match(length: length, distance: distanceValue), bits: bits,
          meaning: head + " — too far back: only \(DeflateFormat.count(window.count, "byte")) of history "
            + "and output" + codes, section: "RFC 1951 §3.2.5")
        throw failure(
          "distance too far back at bit \(elementStart): distance \(distanceValue), but only \(window.count) "
            + "byte\(window.count == 1 ? " is" : "s are") available (history and output)")
      }
      guard outputCount + length <= maxOutput else {
        emit(
          .match(length: length, distance: distanceValue), bits: bits,
          meaning: head + " — not copied: over maxOutput" + codes, section: "RFC 1951 §3.2.5")
        throw overLimit(adding: length)
      }
      // Byte by byte: when the distance is shorter than the length, the copy overlaps what it writes
      // and repeats the last `distance` bytes (RFC 1951 §3.2.3).
      let from = window.count - distanceValue
      for i in 0..<length { window.append(window[from + i]) }
      let copied = window[(window.count - length)...]
      let back = "\(DeflateFormat.count(distanceValue, "byte")) back"
      let how =
        distanceValue < length
        ? " — copy " + DeflateFormat.quoted(copied, limit: 32)
          + " from \(back) (overlapping: repeats the last \(DeflateFormat.count(distanceValue, "byte")))"
        : " — copy " + DeflateFormat.quoted(copied, limit: 32) + " from \(back)"
      emit(
        .match(length: length, distance: distanceValue), bits: bits, meaning: head + how + codes,
        section: "RFC 1951 §3.2.5")
    }
  }

  /// The bits and meaning of a literal or end-of-block, built once per block and symbol.
  mutating func describe(symbol: Int, code: Int, codeLength: Int, fixed: Bool) -> (bits: String, meaning: String) {
    if symbol < symbolText.count, let text = symbolText[symbol] { return text }
    let bits = DeflateFormat.binary(code, width: codeLength)
    var how = (fixed ? "fixed code " : "dynamic code ") + bits
    if fixed {
      switch symbol {
      case 0..<144: how += " = 0x30 + 0x" + DeflateFormat.hex16(symbol)
      case 144..<256: how += " = 0x190 + (0x" + DeflateFormat.hex16(symbol) + " - 0x90)"
      default: break
      }
    } else {
      how += " (\(DeflateFormat.count(codeLength, "bit")))"
    }
    let meaning =
      symbol == 256
      ? "end of block (256): " + how
      : "literal " + DeflateFormat.literalName(UInt8(symbol)) + ": " + how
    let text = (bits: bits, meaning: meaning)
    if symbol < symbolText.count { symbolText[symbol] = text }
    return text
  }
}

// MARK: - Formatting

/// Text helpers for the dissector.
enum DeflateFormat {
  /// `value` in binary, most significant bit first, zero-padded to `width` digits.
  static func binary(_ value: Int, width: Int) -> String {
    var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
    var v = value
    var i = width - 1
    while i >= 0 {
      if v & 1 == 1 { digits[i] = UInt8(ascii: "1") }
      v >>= 1
      i -= 1
    }
    return String(decoding: digits, as: UTF8.self)
  }

  /// `Trace.quoted`, with a fast path for ASCII text (the common case, and the hot one: every match
  /// quotes what it copies). Same result either way.
  static func quoted(_ bytes: ArraySlice<UInt8>, limit: Int) -> String {
    let shown = bytes.prefix(limit)
    var text: [UInt8] = [0x22]
    text.reserveCapacity(shown.count + 8)
    for byte in shown {
      switch byte {
      case 0x22, 0x5c: text.append(0x5c); text.append(byte)  // \" and \\
      case 0x0a: text.append(0x5c); text.append(0x6e)  // \n
      case 0x0d: text.append(0x5c); text.append(0x72)  // \r
      case 0x09: text.append(0x5c); text.append(0x74)  // \t
      case 0x20..<0x7f: text.append(byte)
      default: return Trace.quoted(bytes, limit: limit)
      }
    }
    text.append(0x22)
    return String(decoding: text, as: UTF8.self) + (bytes.count > limit ? "…" : "")
  }

  /// `1 bit`, `3 bits`.
  static func count(_ n: Int, _ noun: String) -> String {
    "\(n) " + noun + (n == 1 ? "" : "s")
  }

  /// Lower-case hex without leading zeros beyond two digits (`48`, `ffff`).
  static func hex16(_ value: Int) -> String {
    value <= 0xff ? Trace.hex(UInt8(value)) : Trace.hex(UInt8(value >> 8 & 0xff)) + Trace.hex(UInt8(value & 0xff))
  }

  /// `'H' (0x48)`, `'\n' (0x0a)`, `0x00`, `0xe9`.
  static func literalName(_ byte: UInt8) -> String {
    let code = "0x" + Trace.hex(byte)
    switch byte {
    case 0x27: return "'\\'' (\(code))"
    case 0x5c: return "'\\\\' (\(code))"
    case 0x20..<0x7f: return "'" + String(UnicodeScalar(byte)) + "' (\(code))"
    case 0x0a: return "'\\n' (\(code))"
    case 0x0d: return "'\\r' (\(code))"
    case 0x09: return "'\\t' (\(code))"
    default: return code
    }
  }
}
