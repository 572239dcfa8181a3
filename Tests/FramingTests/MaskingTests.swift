import Foundation
import Trace
import XCTest

@testable import Framing

extension SeededRandom {
  fileprivate mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
  fileprivate mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in byte() } }
  fileprivate mutating func key() -> MaskingKey { MaskingKey(byte(), byte(), byte(), byte()) }
}

final class MaskingTests: XCTestCase {
  /// The reference: RFC 6455 §5.3 read literally, independent of `MaskingKey`'s own code.
  private func reference(_ bytes: [UInt8], key: [UInt8], offset: Int) -> [UInt8] {
    bytes.enumerated().map { i, byte in byte ^ key[(offset + i) % 4] }
  }

  // MARK: - RFC 6455 §5.7

  func testRFC6455MaskedHelloExample() {
    // §5.7: "A single-frame masked text message": 0x81 0x85 0x37 0xfa 0x21 0x3d 0x7f 0x9f
    // 0x4d 0x51 0x58 contains "Hello".
    let key = MaskingKey(0x37, 0xFA, 0x21, 0x3D)
    let hello: [UInt8] = Array("Hello".utf8)
    let wire: [UInt8] = [0x7F, 0x9F, 0x4D, 0x51, 0x58]

    XCTAssertEqual(key.masked(hello), wire)
    XCTAssertEqual(key.masked(wire), hello)

    var fast = hello
    key.apply(to: &fast)
    XCTAssertEqual(fast, wire)

    var slow = hello
    slow.withUnsafeMutableBytes { key.applyByteByByte(to: $0) }
    XCTAssertEqual(slow, wire)

    XCTAssertEqual(key.description, "37 fa 21 3d")
  }

  // MARK: - Key basics

  func testKeyAccessors() {
    let key = MaskingKey(0x01, 0x02, 0x03, 0x04)
    XCTAssertEqual(key.bytes, [1, 2, 3, 4])
    XCTAssertEqual([key.b0, key.b1, key.b2, key.b3], [1, 2, 3, 4])
    XCTAssertEqual((0..<8).map { key[$0] }, [1, 2, 3, 4, 1, 2, 3, 4])
    XCTAssertEqual((-4..<0).map { key[$0] }, [1, 2, 3, 4], "i mod 4, mathematically")
    XCTAssertEqual(key[Int.max], 4)
    XCTAssertEqual(key[Int.min], 1)
    XCTAssertEqual(key.description, "01 02 03 04")
    XCTAssertEqual(MaskingKey(0, 0xFF, 0x0A, 0xA0).description, "00 ff 0a a0")
    XCTAssertEqual(MaskingKey(1, 2, 3, 4), MaskingKey([1, 2, 3, 4]))
    XCTAssertNotEqual(MaskingKey(1, 2, 3, 4), MaskingKey(4, 3, 2, 1))
  }

  func testInitFromCollection() {
    XCTAssertEqual(MaskingKey([0x37, 0xFA, 0x21, 0x3D]), MaskingKey(0x37, 0xFA, 0x21, 0x3D))
    XCTAssertEqual(MaskingKey([9, 1, 2, 3, 4, 9][1..<5]), MaskingKey(1, 2, 3, 4))
    XCTAssertEqual(MaskingKey((1...4).lazy.map { UInt8($0) }), MaskingKey(1, 2, 3, 4))
    XCTAssertEqual(MaskingKey(Data([5, 6, 7, 8])), MaskingKey(5, 6, 7, 8))

    XCTAssertNil(MaskingKey([UInt8]()))
    XCTAssertNil(MaskingKey([1]))
    XCTAssertNil(MaskingKey([1, 2]))
    XCTAssertNil(MaskingKey([1, 2, 3]))
    XCTAssertNil(MaskingKey([1, 2, 3, 4, 5]))
    XCTAssertNil(MaskingKey([UInt8](repeating: 0, count: 1000)))
    XCTAssertNil(MaskingKey(Data([1, 2, 3])))
  }

  // MARK: - Fast path against the reference

  func testFastMatchesByteByByteForEveryLengthOffsetAndAlignment() {
    var rng = SeededRandom(seed: 0x5EED_0001)
    let padding = 24
    for length in 0...200 {
      for offset in 0...7 {
        for alignment in 0...15 {
          let key = rng.key()
          let original = rng.bytes(alignment + length + padding)
          let range = alignment..<(alignment + length)

          var fast = original
          var slow = original
          fast.withUnsafeMutableBytes { buffer in
            key.apply(to: UnsafeMutableRawBufferPointer(rebasing: buffer[range]), offset: offset)
          }
          slow.withUnsafeMutableBytes { buffer in
            key.applyByteByByte(
              to: UnsafeMutableRawBufferPointer(rebasing: buffer[range]), offset: offset)
          }
          guard fast == slow else {
            XCTFail("length \(length), offset \(offset), alignment \(alignment), key \(key)")
            return
          }
          // Bytes outside the range are untouched (fast == slow, and slow only touches range).
          XCTAssertEqual(fast[..<alignment], original[..<alignment])
          XCTAssertEqual(fast[range.upperBound...], original[range.upperBound...])
          // And both agree with the literal RFC formula.
          let expected = reference(Array(original[range]), key: key.bytes, offset: offset)
          XCTAssertEqual(Array(fast[range]), expected)
        }
      }
    }
  }

  /// The fused copy-and-unmask writes exactly what copying and then masking in place writes, for
  /// every length, key offset and alignment, and leaves its source alone.
  func testCopyingWhileMaskingMatchesMaskingInPlace() {
    var rng = SeededRandom(seed: 0x5EED_0002)
    for length in 0...200 {
      for offset in 0...7 {
        for alignment in [0, 1, 3, 7, 13] {
          let key = rng.key()
          let source = rng.bytes(alignment + length)
          var destination = [UInt8](repeating: 0xEE, count: alignment + length + 8)
          source.withUnsafeBytes { from in
            destination.withUnsafeMutableBytes { to in
              key.apply(
                from: UnsafeRawBufferPointer(rebasing: from[alignment...]),
                to: UnsafeMutableRawBufferPointer(rebasing: to[alignment...]), offset: offset)
            }
          }
          let expected = reference(Array(source[alignment...]), key: key.bytes, offset: offset)
          guard Array(destination[alignment..<(alignment + length)]) == expected else {
            XCTFail("length \(length), offset \(offset), alignment \(alignment), key \(key)")
            return
          }
          // Nothing before or after the written range changes.
          XCTAssertEqual(destination[..<alignment], ArraySlice(repeating: 0xEE, count: alignment))
          XCTAssertEqual(Array(destination[(alignment + length)...]), [UInt8](repeating: 0xEE, count: 8))
        }
      }
    }
  }

  func testLargeOffsetsWrapModuloFour() {
    let key = MaskingKey(0x11, 0x22, 0x33, 0x44)
    let payload = [UInt8](repeating: 0, count: 37)
    for offset in [4, 1 << 40, (1 << 40) + 1, Int.max - 3, -1, -6] {
      let expected = (0..<payload.count).map { key[offset &+ $0] }
      XCTAssertEqual(key.masked(payload, offset: offset), expected, "offset \(offset)")
    }
  }

  func testEmptyAndNilBuffers() {
    let key = MaskingKey(1, 2, 3, 4)
    key.apply(to: UnsafeMutableRawBufferPointer(start: nil, count: 0))
    key.applyByteByByte(to: UnsafeMutableRawBufferPointer(start: nil, count: 0))
    var empty: [UInt8] = []
    key.apply(to: &empty, offset: 3)
    XCTAssertEqual(empty, [])
    XCTAssertEqual(key.masked([]), [])
  }

  // MARK: - Properties

  func testApplyingTwiceRestoresTheInput() {
    var rng = SeededRandom(seed: 0x5EED_0002)
    for length in [0, 1, 3, 4, 7, 8, 15, 16, 63, 64, 65, 127, 128, 129, 1000, 4099] {
      for offset in 0...3 {
        let key = rng.key()
        let original = rng.bytes(length)
        var bytes = original
        key.apply(to: &bytes, offset: offset)
        if length >= 8 && key != MaskingKey(0, 0, 0, 0) {
          XCTAssertNotEqual(bytes, original, "length \(length)")
        }
        key.apply(to: &bytes, offset: offset)
        XCTAssertEqual(bytes, original, "length \(length), offset \(offset)")
        XCTAssertEqual(key.masked(key.masked(original, offset: offset), offset: offset), original)
      }
    }
  }

  func testSplittingAPayloadAtEveryPointGivesTheSameResult() {
    var rng = SeededRandom(seed: 0x5EED_0003)
    for length in [0, 1, 5, 17, 64, 131, 300] {
      let key = rng.key()
      let payload = rng.bytes(length)
      let whole = key.masked(payload)
      for split in 0...length {
        var first = Array(payload[..<split])
        var second = Array(payload[split...])
        key.apply(to: &first, offset: 0)
        key.apply(to: &second, offset: split)
        XCTAssertEqual(first + second, whole, "length \(length), split \(split)")
      }
      // Three pieces, also through the raw-buffer entry point.
      if length >= 10 {
        var pieces = payload
        pieces.withUnsafeMutableBytes { buffer in
          key.apply(to: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<3]), offset: 0)
          key.apply(to: UnsafeMutableRawBufferPointer(rebasing: buffer[3..<10]), offset: 3)
          key.apply(to: UnsafeMutableRawBufferPointer(rebasing: buffer[10...]), offset: 10)
        }
        XCTAssertEqual(pieces, whole)
      }
    }
  }

  func testLargeSizes() {
    var rng = SeededRandom(seed: 0x5EED_0004)
    for length in [65536, (1 << 20) + 3] {
      for offset in [0, 1, 2, 3] {
        let key = rng.key()
        let payload = rng.bytes(length)
        var fast = payload
        var slow = payload
        key.apply(to: &fast, offset: offset)
        slow.withUnsafeMutableBytes { key.applyByteByByte(to: $0, offset: offset) }
        XCTAssertEqual(fast, slow, "length \(length), offset \(offset)")
        XCTAssertEqual(fast[length - 1], payload[length - 1] ^ key[offset + length - 1])
        key.apply(to: &fast, offset: offset)
        XCTAssertEqual(fast, payload)
      }
    }
  }
}
