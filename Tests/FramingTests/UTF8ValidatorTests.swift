import Foundation
import Trace
import XCTest

@testable import Framing

extension SeededRandom {
  fileprivate mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
  fileprivate mutating func pick<T>(_ choices: [T]) -> T { choices[below(choices.count)] }
}

// MARK: - Oracle

/// The well-formed UTF-8 byte sequences of RFC 3629 §4, one row per lead byte range, written
/// out independently of the validator.
private let wellFormedSequences: [[ClosedRange<UInt8>]] = [
  [0x00...0x7F],
  [0xC2...0xDF, 0x80...0xBF],
  [0xE0...0xE0, 0xA0...0xBF, 0x80...0xBF],
  [0xE1...0xEC, 0x80...0xBF, 0x80...0xBF],
  [0xED...0xED, 0x80...0x9F, 0x80...0xBF],
  [0xEE...0xEF, 0x80...0xBF, 0x80...0xBF],
  [0xF0...0xF0, 0x90...0xBF, 0x80...0xBF, 0x80...0xBF],
  [0xF1...0xF3, 0x80...0xBF, 0x80...0xBF, 0x80...0xBF],
  [0xF4...0xF4, 0x80...0x8F, 0x80...0xBF, 0x80...0xBF],
]

/// Whether `bytes` is a prefix of some valid UTF-8 string, and if so whether it also ends on
/// a character boundary (is itself valid).
private func prefixStatus(_ bytes: ArraySlice<UInt8>) -> (isPrefix: Bool, isComplete: Bool) {
  var i = bytes.startIndex
  while i < bytes.endIndex {
    guard let row = wellFormedSequences.first(where: { $0[0].contains(bytes[i]) }) else {
      return (false, false)
    }
    for (k, range) in row.enumerated() {
      if i + k == bytes.endIndex { return (true, false) }  // stops inside a character
      if !range.contains(bytes[i + k]) { return (false, false) }
    }
    i += row.count
  }
  return (true, true)
}

/// The fail-fast position: the first index `n` such that `bytes[0...n]` is not a prefix of any
/// valid UTF-8 string, or `nil` if every prefix is. Being a valid prefix is monotone (a prefix
/// of a valid prefix is one too), so a binary search finds the longest valid prefix.
private func oracleFailIndex(_ bytes: [UInt8]) -> Int? {
  if prefixStatus(bytes[...]).isPrefix { return nil }
  var low = 0  // bytes[..<low] is a valid prefix
  var high = bytes.count  // bytes[..<high] is not
  while high - low > 1 {
    let middle = (low + high) / 2
    if prefixStatus(bytes[..<middle]).isPrefix { low = middle } else { high = middle }
  }
  return low
}

/// The independent oracle: Swift's own UTF-8 decoder, `String(validating:as:)` (Swift 6 standard
/// library). On Apple platforms older than the Swift 6 runtime the standard library's
/// transcoder with `stoppingOnError` makes the same decision.
private func swiftDecoderAccepts(_ bytes: [UInt8]) -> Bool {
  if #available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *) {
    return String(validating: bytes, as: UTF8.self) != nil
  }
  let failed = transcode(
    bytes.makeIterator(), from: UTF8.self, to: UTF32.self, stoppingOnError: true, into: { _ in })
  return !failed
}

/// UTF-8 encoding of a scalar value (which must be a valid scalar).
private func utf8(_ value: UInt32) -> [UInt8] {
  guard let scalar = Unicode.Scalar(value) else { return [] }
  var out: [UInt8] = []
  UTF8.encode(scalar) { out.append($0) }
  return out
}

// MARK: - Tests

final class UTF8ValidatorTests: XCTestCase {
  /// The outcome of feeding `chunks` in order: the absolute position of the first failure
  /// (if any), whether the validator then reports a complete message, and its byte count.
  private struct Outcome: Equatable {
    var failure: Int?
    var isComplete: Bool
    var bytesValidated: Int
  }

  private func feed(_ chunks: [ArraySlice<UInt8>], contiguous: Bool = true) -> Outcome {
    var validator = UTF8Validator()
    var position = 0
    for chunk in chunks {
      let result =
        contiguous ? validator.validate(chunk) : validator.validate(chunk.lazy.map { $0 })
      if let index = result {
        XCTAssert(chunk.indices.contains(chunk.startIndex + index), "index \(index) in chunk")
        XCTAssertEqual(validator.bytesValidated, position + index)
        // Sticky: every later call fails at 0, even with valid or empty input.
        XCTAssertEqual(validator.validate([0x41]), 0)
        XCTAssertEqual(validator.validate([UInt8]()), 0)
        XCTAssertFalse(validator.isComplete)
        XCTAssertEqual(validator.pendingByteCount, 0)
        return Outcome(
          failure: position + index, isComplete: false, bytesValidated: position + index)
      }
      position += chunk.count
      XCTAssertEqual(validator.bytesValidated, position)
    }
    return Outcome(
      failure: nil, isComplete: validator.isComplete, bytesValidated: validator.bytesValidated)
  }

  private func whole(_ bytes: [UInt8]) -> Outcome { feed([bytes[...]]) }

  private func byteByByte(_ bytes: [UInt8]) -> Outcome {
    feed(bytes.indices.map { bytes[$0...$0] })
  }

  /// Checks `bytes` fed whole, one byte at a time and (if `splits`) in two pieces at every
  /// split point against the expected failure position (`nil` for a valid prefix).
  private func check(
    _ bytes: [UInt8], failsAt expected: Int?, complete: Bool? = nil, splits: Bool = true,
    _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
  ) {
    let label = "\(message()) [\(bytes.map { String($0, radix: 16) }.joined(separator: " "))]"
    let reference = whole(bytes)
    XCTAssertEqual(reference.failure, expected, "whole: \(label)", file: file, line: line)
    if let complete {
      XCTAssertEqual(reference.isComplete, complete, "isComplete: \(label)", file: file, line: line)
    }
    XCTAssertEqual(byteByByte(bytes), reference, "byte by byte: \(label)", file: file, line: line)
    if splits {
      for split in 0...bytes.count {
        let outcome = feed([bytes[..<split], bytes[split...]])
        if outcome != reference {
          XCTFail("split at \(split): \(outcome) \(label)", file: file, line: line)
          return
        }
      }
    }
  }

  // MARK: Valid text

  func testValidSamples() {
    let samples: [(String, [UInt8])] = [
      ("empty", []),
      ("ASCII", Array("Hello, world! 0123456789 ~\u{7F}\u{0}".utf8)),
      ("kosme (Kuhn 1)", [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5]),
      ("kosme string", Array("κόσμε".utf8)),
      ("U+0080", [0xC2, 0x80]),
      ("U+07FF", [0xDF, 0xBF]),
      ("U+0800", [0xE0, 0xA0, 0x80]),
      ("U+0FFF", [0xE0, 0xBF, 0xBF]),
      ("U+1000", [0xE1, 0x80, 0x80]),
      ("U+D7FF", [0xED, 0x9F, 0xBF]),
      ("U+E000", [0xEE, 0x80, 0x80]),
      ("U+FFFD", [0xEF, 0xBF, 0xBD]),
      ("U+FFFE", [0xEF, 0xBF, 0xBE]),
      ("U+FFFF", [0xEF, 0xBF, 0xBF]),
      ("U+10000", [0xF0, 0x90, 0x80, 0x80]),
      ("U+3FFFF", [0xF0, 0xBF, 0xBF, 0xBF]),
      ("U+40000", [0xF1, 0x80, 0x80, 0x80]),
      ("U+FFFFF", [0xF3, 0xBF, 0xBF, 0xBF]),
      ("U+100000", [0xF4, 0x80, 0x80, 0x80]),
      ("U+10FFFF", [0xF4, 0x8F, 0xBF, 0xBF]),
      ("emoji", Array("😀👍🏽👨‍👩‍👧 🇯🇵".utf8)),
      ("CJK", Array("日本語のテキスト、中文文本，한국어 텍스트".utf8)),
      ("mixed", Array("Grüße, Ελληνικά, Русский, עברית, العربية, हिन्दी, ภาษาไทย 🎉 end".utf8)),
      ("long", Array(String(repeating: "aé€𐍈 ", count: 50).utf8)),
      ("long ASCII then emoji", Array((String(repeating: "x", count: 77) + "🙂").utf8)),
    ]
    for (name, bytes) in samples {
      XCTAssertTrue(swiftDecoderAccepts(bytes), name)
      check(bytes, failsAt: nil, complete: true, name)
    }
  }

  // MARK: Invalid classes (Autobahn 6.x, Markus Kuhn's UTF-8 decoder stress test)

  /// Invalid sequences with the fail-fast index of the offending byte.
  private let invalidVectors: [(String, [UInt8], Int)] = [
    // Overlong forms.
    ("overlong / (2 bytes)", [0xC0, 0xAF], 0),
    ("overlong NUL (2 bytes)", [0xC0, 0x80], 0),
    ("overlong U+007F (2 bytes)", [0xC1, 0xBF], 0),
    ("overlong NUL (3 bytes)", [0xE0, 0x80, 0x80], 1),
    ("overlong U+07FF (3 bytes)", [0xE0, 0x9F, 0xBF], 1),
    ("overlong NUL (4 bytes)", [0xF0, 0x80, 0x80, 0x80], 1),
    ("overlong U+FFFF (4 bytes)", [0xF0, 0x8F, 0xBF, 0xBF], 1),
    ("overlong / (5 bytes)", [0xF8, 0x80, 0x80, 0x80, 0xAF], 0),
    ("overlong / (6 bytes)", [0xFC, 0x80, 0x80, 0x80, 0x80, 0xAF], 0),
    // UTF-16 surrogates.
    ("U+D800", [0xED, 0xA0, 0x80], 1),
    ("U+DB7F", [0xED, 0xAD, 0xBF], 1),
    ("U+DB80", [0xED, 0xAE, 0x80], 1),
    ("U+DBFF", [0xED, 0xAF, 0xBF], 1),
    ("U+DC00", [0xED, 0xB0, 0x80], 1),
    ("U+DF80", [0xED, 0xBE, 0x80], 1),
    ("U+DFFF", [0xED, 0xBF, 0xBF], 1),
    ("U+D800 U+DC00 pair", [0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80], 1),
    ("U+DBFF U+DFFF pair", [0xED, 0xAF, 0xBF, 0xED, 0xBF, 0xBF], 1),
    // Above U+10FFFF.
    ("U+110000", [0xF4, 0x90, 0x80, 0x80], 1),
    ("U+13FFFF", [0xF4, 0xBF, 0xBF, 0xBF], 1),
    ("F5 lead", [0xF5, 0x80, 0x80, 0x80], 0),
    ("F7 BF BF BF (U+1FFFFF)", [0xF7, 0xBF, 0xBF, 0xBF], 0),
    ("5-byte U+200000", [0xF8, 0x88, 0x80, 0x80, 0x80], 0),
    ("6-byte U+4000000", [0xFC, 0x84, 0x80, 0x80, 0x80, 0x80], 0),
    ("FE", [0xFE], 0),
    ("FF", [0xFF], 0),
    ("FE FE FF FF", [0xFE, 0xFE, 0xFF, 0xFF], 0),
    // Unexpected continuation bytes.
    ("lone 80", [0x80], 0),
    ("lone BF", [0xBF], 0),
    ("80 BF", [0x80, 0xBF], 0),
    ("ASCII then 80", [0x61, 0x80], 1),
    ("extra continuation after 2-byte", [0xC2, 0x80, 0x80], 2),
    ("extra continuation after 3-byte", [0xE2, 0x82, 0xAC, 0xAC], 3),
    ("extra continuation after 4-byte", [0xF0, 0x9F, 0x98, 0x80, 0x80], 4),
    // A byte other than a continuation byte where one was expected.
    ("C2 then ASCII", [0xC2, 0x41], 1),
    ("E2 82 then ASCII", [0xE2, 0x82, 0x41], 2),
    ("F0 9F 98 then ASCII", [0xF0, 0x9F, 0x98, 0x20], 3),
    ("lead interrupts 2-byte", [0xC2, 0xC2, 0x80], 1),
    ("lead interrupts 3-byte", [0xE1, 0x80, 0xC2, 0x80], 2),
    ("lead interrupts 4-byte", [0xF0, 0x90, 0x80, 0xE1, 0x80, 0x80], 3),
    ("lone start bytes with spaces (Kuhn 3.2.1)", [0xC0, 0x20, 0xC1, 0x20], 0),
    ("E0 then space (Kuhn 3.2.2)", [0xE0, 0x20], 1),
    ("concatenated truncated sequences (Kuhn 3.4)", [0xC2, 0xE0, 0x80, 0xF0, 0x80], 1),
    // Autobahn case 6.3.1: "κόσμε-edited" with an encoded surrogate inside.
    (
      "Autobahn 6.3.1",
      [
        0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80,
        0x65, 0x64, 0x69, 0x74, 0x65, 0x64,
      ],
      12
    ),
  ]

  func testInvalidSequencesFailAtTheFirstImpossibleByte() {
    for (name, bytes, index) in invalidVectors {
      XCTAssertFalse(swiftDecoderAccepts(bytes), name)
      XCTAssertEqual(oracleFailIndex(bytes), index, "oracle agrees: \(name)")
      check(bytes, failsAt: index, complete: false, name)
    }
  }

  func testEveryInvalidByteValueAlone() {
    for byte in [0x80...0xC1, 0xF5...0xFF].joined() {
      check([UInt8(byte)], failsAt: 0, complete: false, "byte \(byte)")
    }
  }

  func testSecondByteRangesForEveryLeadByte() {
    // Exhaustive over every lead byte and every second byte, followed by enough continuation
    // bytes to finish the character; the oracle table decides.
    for lead in 0xC2...0xF4 {
      for second in 0...0xFF {
        let bytes = [UInt8(lead), UInt8(second), 0x80, 0x80, 0x41]
        let expected = oracleFailIndex(bytes)
        let outcome = whole(bytes)
        XCTAssertEqual(outcome.failure, expected, "\(lead) \(second)")
        XCTAssertEqual(byteByByte(bytes), outcome)
      }
    }
  }

  /// The same invalid sequences after prefixes of various lengths and kinds, and followed by
  /// more text, so that the error is found by every code path (ASCII skipping, 16-byte block
  /// checks, the per-character loop, the last bytes of a chunk).
  func testInvalidSequencesInsideLongerText() {
    let prefixes: [[UInt8]] = [
      [], Array("a".utf8), Array("ab".utf8), Array("abc".utf8), Array("é".utf8),
      Array("€".utf8), Array(String(repeating: "x", count: 13).utf8),
      Array(String(repeating: "y", count: 16).utf8), Array(String(repeating: "z", count: 40).utf8),
      Array("日本語テキスト".utf8), Array("ab😀cd€€é".utf8),
      Array(String(repeating: "ä", count: 20).utf8),
    ]
    let suffixes: [[UInt8]] = [[], Array(" and more text after the error 日本".utf8)]
    for (name, bad, index) in invalidVectors {
      for prefix in prefixes {
        for suffix in suffixes {
          let bytes = prefix + bad + suffix
          check(
            bytes, failsAt: prefix.count + index, complete: false, splits: suffix.isEmpty, name)
        }
      }
    }
  }

  // MARK: Truncation and state across chunks

  func testTruncatedSequencesAtMessageEnd() {
    let cases: [([UInt8], Int)] = [
      ([0xC2], 1),
      ([0xDF], 1),
      ([0xE0], 1),
      ([0xE0, 0xA0], 2),
      ([0xED, 0x9F], 2),
      ([0xEF, 0xBF], 2),
      ([0xF0], 1),
      ([0xF0, 0x90], 2),
      ([0xF0, 0x9F, 0x98], 3),
      ([0xF4, 0x8F, 0xBF], 3),
      (Array("abc".utf8) + [0xE2, 0x82], 2),
      (Array(String(repeating: "é", count: 30).utf8) + [0xF0, 0x9F], 2),
    ]
    for (bytes, pending) in cases {
      var validator = UTF8Validator()
      XCTAssertNil(validator.validate(bytes))
      XCTAssertFalse(validator.isComplete, "\(bytes)")
      XCTAssertEqual(validator.pendingByteCount, pending, "\(bytes)")
      XCTAssertEqual(validator.bytesValidated, bytes.count)
      XCTAssertFalse(swiftDecoderAccepts(bytes))
      check(bytes, failsAt: nil, complete: false)
    }
  }

  func testCharacterSplitAcrossChunks() {
    var validator = UTF8Validator()
    XCTAssertTrue(validator.isComplete)
    XCTAssertNil(validator.validate(Array("a".utf8) + [0xF0]))
    XCTAssertEqual(validator.pendingByteCount, 1)
    XCTAssertNil(validator.validate([UInt8]()))
    XCTAssertEqual(validator.pendingByteCount, 1)
    XCTAssertNil(validator.validate([0x9F]))
    XCTAssertEqual(validator.pendingByteCount, 2)
    XCTAssertNil(validator.validate([0x98]))
    XCTAssertEqual(validator.pendingByteCount, 3)
    XCTAssertFalse(validator.isComplete)
    XCTAssertNil(validator.validate([0x80, 0x62]))
    XCTAssertEqual(validator.pendingByteCount, 0)
    XCTAssertTrue(validator.isComplete)
    XCTAssertEqual(validator.bytesValidated, 6)
  }

  func testFailureInALaterChunkReportsTheIndexWithinThatChunk() {
    var validator = UTF8Validator()
    XCTAssertNil(validator.validate(Array("abc".utf8) + [0xE0]))
    // After E0 only A0...BF may follow: the 80 at index 0 of this chunk is the error.
    XCTAssertEqual(validator.validate([0x80, 0x80]), 0)
    XCTAssertEqual(validator.bytesValidated, 4)
    XCTAssertFalse(validator.isComplete)
    XCTAssertEqual(validator.validate(Array("fine".utf8)), 0, "stays failed")

    validator.reset()
    XCTAssertTrue(validator.isComplete)
    XCTAssertEqual(validator.bytesValidated, 0)
    XCTAssertNil(validator.validate(Array("fine".utf8)))
    XCTAssertEqual(validator.validate(Array("ok".utf8) + [0xED, 0xA0]), 3)
    XCTAssertEqual(validator.bytesValidated, 4 + 3)
  }

  func testRawBufferAndCollectionEntryPoints() {
    let bytes = Array("héllo wörld, 你好, 😀".utf8)
    var raw = UTF8Validator()
    let rawResult = bytes.withUnsafeBytes { raw.validate($0) }
    XCTAssertNil(rawResult)
    XCTAssertTrue(raw.isComplete)

    var generic = UTF8Validator()
    XCTAssertNil(generic.validate(bytes.lazy.map { $0 }))  // not contiguous: copied
    XCTAssertNil(generic.validate(Data([0xC3])))
    XCTAssertNil(generic.validate(Data([0xA9])[...]))
    XCTAssertTrue(generic.isComplete)
    XCTAssertEqual(generic.bytesValidated, bytes.count + 2)

    var empty = UTF8Validator()
    XCTAssertNil(empty.validate(UnsafeRawBufferPointer(start: nil, count: 0)))
    XCTAssertTrue(empty.isComplete)
  }

  // MARK: Random inputs against Swift's own decoder and the RFC 3629 table

  /// A random byte string: valid text with occasional (or frequent, or no) damage.
  private func randomInput(_ rng: inout SeededRandom) -> [UInt8] {
    let length = rng.below(301)
    let damage = rng.pick([0, 0, 0, 1, 1, 1, 1, 5, 30, 100])  // per mille of pieces, roughly
    let edgeScalars: [UInt32] = [
      0x00, 0x7F, 0x80, 0x7FF, 0x800, 0xFFF, 0x1000, 0xCFFF, 0xD000, 0xD7FF, 0xE000, 0xFFFD,
      0xFFFF, 0x10000, 0x3FFFF, 0x40000, 0xFFFFF, 0x100000, 0x10FFFF,
    ]
    let edgeBytes: [UInt8] = [
      0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE,
      0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF7, 0xF8, 0xFE, 0xFF,
    ]
    var out: [UInt8] = []
    while out.count < length {
      if rng.below(1000) < damage * 10 {
        switch rng.below(3) {
        case 0: out.append(UInt8(truncatingIfNeeded: rng.next()))
        case 1: out.append(rng.pick(edgeBytes))
        default:  // a character with its last bytes cut off
          let character = utf8(UInt32(0x80 + rng.below(0x10FFFF - 0x80)))
          if character.count > 1 { out += character.dropLast(1 + rng.below(character.count - 1)) }
        }
        continue
      }
      switch rng.below(10) {
      case 0...3:  // an ASCII run
        for _ in 0..<(1 + rng.below(24)) { out.append(UInt8(0x20 + rng.below(0x5F))) }
      case 4: out += utf8(UInt32(0x80 + rng.below(0x780)))
      case 5, 6: out += utf8(UInt32(0x4E00 + rng.below(0x5200)))  // CJK
      case 7: out += utf8(UInt32(0x1F300 + rng.below(0x300)))  // emoji
      case 8: out += utf8(rng.pick(edgeScalars))
      default:
        var value = UInt32(rng.below(0x110000))
        if (0xD800...0xDFFF).contains(value) { value = 0xFFFD }
        out += utf8(value)
      }
    }
    if rng.below(8) == 0 {  // end inside a character
      let character = utf8(UInt32(0x80 + rng.below(0xFF80)))
      if character.count > 1 { out += character.dropLast(1) }
    }
    return out
  }

  func testRandomInputsAgainstOracles() {
    var rng = SeededRandom(seed: 0x5EED_0010)
    var counts = (valid: 0, invalid: 0, truncated: 0)
    for caseNumber in 0..<3000 {
      let bytes = randomInput(&rng)
      let swiftValid = swiftDecoderAccepts(bytes)
      let failIndex = oracleFailIndex(bytes)
      let status = prefixStatus(bytes[...])
      // The two oracles agree with each other.
      XCTAssertEqual(
        swiftValid, failIndex == nil && status.isComplete, "oracles, case \(caseNumber)")
      if swiftValid {
        counts.valid += 1
      } else if failIndex == nil {
        counts.truncated += 1
      } else {
        counts.invalid += 1
      }

      let outcome = whole(bytes)
      XCTAssertEqual(outcome.failure, failIndex, "case \(caseNumber): \(bytes)")
      XCTAssertEqual(outcome.failure == nil && outcome.isComplete, swiftValid, "case \(caseNumber)")
      XCTAssertEqual(byteByByte(bytes), outcome, "byte by byte, case \(caseNumber)")

      // Random chunk sizes, through both entry points.
      var chunks: [ArraySlice<UInt8>] = []
      var start = 0
      while start < bytes.count {
        let end = min(bytes.count, start + 1 + rng.below(40))
        chunks.append(bytes[start..<end])
        start = end
      }
      XCTAssertEqual(feed(chunks), outcome, "random chunks, case \(caseNumber)")
      if caseNumber % 10 == 0 {
        XCTAssertEqual(feed(chunks, contiguous: false), outcome, "generic, case \(caseNumber)")
      }
      // Two pieces at every split point (for a share of the cases, to keep the test quick).
      if caseNumber % 8 == 0 {
        for split in 0...bytes.count where feed([bytes[..<split], bytes[split...]]) != outcome {
          XCTFail("split at \(split), case \(caseNumber): \(bytes)")
          break
        }
      }
    }
    // The generator really produces all three kinds.
    XCTAssertGreaterThan(counts.valid, 500)
    XCTAssertGreaterThan(counts.invalid, 500)
    XCTAssertGreaterThan(counts.truncated, 20)
  }

  func testLongInputs() {
    var text: [UInt8] = []
    var rng = SeededRandom(seed: 0x5EED_0011)
    while text.count < 100_000 {
      text += utf8(rng.pick([0x41, 0xE9, 0x20AC, 0x4E2D, 0x1F600, 0x10FFFF]))
    }
    XCTAssertEqual(whole(text).failure, nil)
    XCTAssertTrue(whole(text).isComplete)
    for position in [0, 1, 15, 16, 17, 4095, 50_000, text.count - 1] {
      var broken = text
      broken.insert(0xFF, at: position)
      XCTAssertEqual(whole(broken).failure, position)
      // Cut the text, possibly inside a character, and end on a partial "€".
      let truncated = Array(text.prefix(position)) + [0xE2, 0x82]
      let outcome = whole(truncated)
      XCTAssertEqual(outcome.failure, oracleFailIndex(truncated))
      XCTAssertFalse(outcome.isComplete)
    }
  }
}
