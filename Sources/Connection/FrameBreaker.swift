import Framing
import Trace

/// Break it: flips the bits of a valid frame one at a time and runs every variant through the
/// real receiving ``Connection`` (``WireDecoder/decode(_:from:deflate:contextTakeover:style:)``),
/// to show which rule each bit is guarding. What `wslab break` prints and lessons 2 and 4 show.
///
/// Bits are numbered as RFC 6455 §5.2 draws the header: bit 0 is the most significant bit of
/// byte 0 (FIN), bit 8 the most significant bit of byte 1 (MASK).
public enum FrameBreaker {
  /// What the receiver makes of one variant.
  public enum Outcome: Sendable, Equatable {
    /// Still valid: what the application now gets (`delivers text "HEllo"`), or why nothing.
    case valid(String)
    /// A rule broken: the receiver fails the connection.
    case invalid(ConnectionFailure)
    /// The frame now claims more bytes than there are: the receiver waits (until a timeout).
    case incomplete(missing: Int?)
  }

  /// One flipped bit and its outcome.
  public struct Variant: Sendable, Equatable {
    /// Bit number, from the most significant bit of byte 0.
    public var bit: Int
    public var byte: Int { bit / 8 }
    /// The flipped bit's mask within its byte (`0x80` … `0x01`).
    public var mask: UInt8 { 0x80 >> UInt8(bit % 8) }
    /// The field the bit belongs to in the original frame (`RSV1`, `opcode`, `payload`).
    public var field: String
    /// The byte before and after the flip.
    public var before: UInt8
    public var after: UInt8
    public var outcome: Outcome
  }

  public struct BreakError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
  }

  /// The variants of `bytes` with each bit of `bits` flipped (all bits when nil). The frame must
  /// be valid as given, or there is nothing to break.
  public static func variants(
    of bytes: [UInt8], bits: [Int]? = nil, from sender: Role? = nil, deflate: Bool = false,
    contextTakeover: Bool = false
  ) throws(BreakError) -> (sender: Role, variants: [Variant]) {
    let original = WireDecoder.decode(bytes, from: sender, deflate: deflate, contextTakeover: contextTakeover)
    guard case .valid = original.verdict else {
      let why = original.text.split(separator: "\n").last.map(String.init) ?? "not valid"
      throw BreakError(description: "the frame must be valid to break it; \(why)")
    }
    let sender = original.sender
    let annotated = FrameAnnotator.record(
      for: bytes, direction: sender.sendDirection, allowedRSV: deflate ? 0x40 : 0)
    let chosen = bits ?? Array(0..<(bytes.count * 8))
    if let bad = chosen.first(where: { $0 < 0 || $0 >= bytes.count * 8 }) {
      throw BreakError(
        description: "bit \(bad) is outside the \(bytes.count) bytes given (bits 0-\(bytes.count * 8 - 1))")
    }
    var variants: [Variant] = []
    for bit in chosen {
      var flipped = bytes
      let mask = UInt8(0x80) >> UInt8(bit % 8)
      flipped[bit / 8] ^= mask
      let report = WireDecoder.decode(flipped, from: sender, deflate: deflate, contextTakeover: contextTakeover)
      let outcome: Outcome
      switch report.verdict {
      case .invalid(let failure):
        outcome = .invalid(failure)
      case .incomplete(let count):
        outcome = .incomplete(missing: missingBytes(Array(flipped.suffix(count))))
      case .valid:
        // What the application now gets, as the receiver reported it; a first fragment
        // delivers nothing yet.
        let lines = report.text.split(separator: "\n")
        let delivered = lines.filter { $0.hasPrefix("note: app ← ") }.map { $0.dropFirst("note: app ← ".count) }
        let titles = lines.filter { $0.hasPrefix("▶ ") }
        if !delivered.isEmpty {
          outcome = .valid("delivers " + delivered.joined(separator: ", "))
        } else if titles.count == 1, titles[0].contains("FIN=0") {
          outcome = .valid("a first fragment; waits for the rest of the message")
        } else {
          outcome = .valid("\(titles.count) frame(s), nothing delivered")
        }
      }
      variants.append(
        Variant(
          bit: bit, field: fieldName(annotated, byte: bit / 8, mask: mask), before: bytes[bit / 8],
          after: flipped[bit / 8], outcome: outcome))
    }
    return (sender, variants)
  }

  /// The name of the field that holds the bit `mask` of byte `byte`.
  static func fieldName(_ record: TraceRecord, byte: Int, mask: UInt8) -> String {
    for field in record.fields where field.range.contains(byte) {
      if let bits = field.bits {
        guard bits & mask != 0 else { continue }
        if field.name == "RSV1-3" { return ["RSV1", "RSV2", "RSV3"][[0x40, 0x20, 0x10].firstIndex(of: mask) ?? 0] }
        let width = bits.nonzeroBitCount
        if width == 1 { return field.name }
        let position = mask.trailingZeroBitCount - bits.trailingZeroBitCount
        return "\(field.name) bit \(position)"
      }
      let offset = byte - field.range.lowerBound
      return field.range.count > 1 ? "\(field.name) byte \(offset)" : field.name
    }
    return "after the frame"
  }

  /// Bytes still missing for the frame that starts `rest`, when its header is complete.
  static func missingBytes(_ rest: [UInt8]) -> Int? {
    guard let header = FrameHeaderFields(reading: rest), let size = header.size, let length = header.payloadLength
    else { return nil }
    let total = UInt64(size) + length
    return total > UInt64(rest.count) ? Int(min(total - UInt64(rest.count), UInt64(Int.max))) : nil
  }

  /// The variants as table rows: bit, byte and mask, field, the byte before → after, what the
  /// receiver does, the close code, and the rule's RFC section.
  public static func rows(_ variants: [Variant]) -> (header: [String], rows: [[String]]) {
    let header = ["bit", "byte", "field", "now", "what the receiver does", "close", "rule"]
    let rows = variants.map { v -> [String] in
      let now = "\(Trace.hex(v.before)) → \(Trace.hex(v.after))"
      let place = "\(v.byte) \(Trace.hex(v.mask))"
      switch v.outcome {
      case .invalid(let failure):
        let (reason, section) = describe(failure)
        return [String(v.bit), place, v.field, now, reason, String(failure.closeCode.rawValue), section]
      case .incomplete(let missing):
        return [
          String(v.bit), place, v.field, now,
          "waits for " + (missing.map { "\($0) more byte\($0 == 1 ? "" : "s")" } ?? "more bytes"), "-", "",
        ]
      case .valid(let what):
        return [String(v.bit), place, v.field, now, "accepts it: " + what, "-", ""]
      }
    }
    return (header, rows)
  }

  static func describe(_ failure: ConnectionFailure) -> (String, String) {
    if case .protocolViolation(let error) = failure {
      return (error.reason, TraceRenderer.compact(error.section))
    }
    return ("\(failure)", "")
  }
}
