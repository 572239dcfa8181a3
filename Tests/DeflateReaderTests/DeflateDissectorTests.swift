import CZlib
import Trace
import XCTest

@testable import DeflateReader

final class DeflateDissectorTests: XCTestCase {
  typealias Kind = DeflateElement.Kind

  // MARK: RFC 7692 §7.2.3 vectors

  /// §7.2.3.1: "Hello" as one fixed-Huffman block, sync-flushed (`00 00 ff ff` appended back).
  func testRFC7692HelloSyncFlushedBitByBit() {
    let d = DeflateDissector.dissect(bytes("f2 48 cd c9 c9 07 00 00 00 ff ff"))
    XCTAssertNil(d.error)
    XCTAssertEqual(d.endedWithFinalBlock, false)
    XCTAssertEqual(String(decoding: d.output, as: UTF8.self), "Hello")
    XCTAssertEqual(d.stopBitOffset, 88)
    let expected: [(Kind, Int, Int, String)] = [
      (.blockHeader(final: false, type: 1), 0, 3, "0 01"),
      (.literal(0x48), 3, 8, "01111000"),
      (.literal(0x65), 11, 8, "10010101"),
      (.literal(0x6c), 19, 8, "10011100"),
      (.literal(0x6c), 27, 8, "10011100"),
      (.literal(0x6f), 35, 8, "10011111"),
      (.endOfBlock, 43, 7, "0000000"),
      (.blockHeader(final: false, type: 0), 50, 3, "0 00"),
      (.padding(bits: 3), 53, 3, "000"),
      (.storedHeader(length: 0, complement: 0xffff), 56, 32, "0000000000000000 1111111111111111"),
    ]
    XCTAssertEqual(d.elements.count, expected.count)
    for (element, (kind, offset, count, bits)) in zip(d.elements, expected) {
      XCTAssertEqual(element.kind, kind)
      XCTAssertEqual(element.bitOffset, offset, "\(kind)")
      XCTAssertEqual(element.bitCount, count, "\(kind)")
      XCTAssertEqual(element.bits, bits, "\(kind)")
    }
    XCTAssertEqual(d.elements[0].meaning, "BFINAL=0: more blocks follow; BTYPE=01: fixed Huffman codes")
    XCTAssertEqual(d.elements[0].section, "RFC 1951 §3.2.6")
    XCTAssertEqual(d.elements[1].meaning, "literal 'H' (0x48): fixed code 01111000 = 0x30 + 0x48")
    XCTAssertEqual(d.elements[1].section, "RFC 1951 §3.2.5")
    XCTAssertEqual(d.elements[6].meaning, "end of block (256): fixed code 0000000")
    XCTAssertEqual(d.elements[7].meaning, "BFINAL=0: more blocks follow; BTYPE=00: stored block (no compression)")
    XCTAssertEqual(d.elements[8].meaning, "3 bits of padding to the byte boundary")
    XCTAssertEqual(
      d.elements[9].meaning, "stored block, LEN=0, NLEN=0xffff: the empty block a sync flush adds (00 00 ff ff)")
    assertWellFormed(d, bitLength: 88)
  }

  /// §7.2.3.1 as it travels in the frame, tail removed: it stops cleanly after the block header of the
  /// empty stored block, and says why.
  func testRFC7692HelloWithoutTail() {
    let d = DeflateDissector.dissect(bytes("f2 48 cd c9 c9 07 00"))
    XCTAssertNil(d.error)
    XCTAssertEqual(d.endedWithFinalBlock, false)
    XCTAssertEqual(d.output, Array("Hello".utf8))
    XCTAssertEqual(
      d.elements.map(\.kind),
      [
        .blockHeader(final: false, type: 1), .literal(0x48), .literal(0x65), .literal(0x6c), .literal(0x6c),
        .literal(0x6f), .endOfBlock, .blockHeader(final: false, type: 0), .padding(bits: 3),
      ])
    XCTAssertTrue(d.elements.last?.meaning.contains("RFC 7692 §7.2.1") ?? false)
    XCTAssertTrue(d.elements.last?.meaning.contains("without LEN and NLEN") ?? false)
    assertWellFormed(d, bitLength: 56)
  }

  /// §7.2.3.2: the second "Hello" with context takeover. It is not one 5-byte match: zlib sends the
  /// literal 'H' and then a 4-byte match 5 bytes back ("ello" from the first message).
  func testRFC7692ContextTakeover() {
    let hello = Array("Hello".utf8)
    let d = DeflateDissector.dissect(bytes("f2 00 11 00 00 00 00 ff ff"), history: hello)
    XCTAssertNil(d.error)
    XCTAssertEqual(d.endedWithFinalBlock, false)
    XCTAssertEqual(d.output, hello)
    let expected: [(Kind, Int, Int, String)] = [
      (.blockHeader(final: false, type: 1), 0, 3, "0 01"),
      (.literal(0x48), 3, 8, "01111000"),
      (.match(length: 4, distance: 5), 11, 13, "0000010 00100 0"),
      (.endOfBlock, 24, 7, "0000000"),
      (.blockHeader(final: false, type: 0), 31, 3, "0 00"),
      (.padding(bits: 6), 34, 6, "000000"),
      (.storedHeader(length: 0, complement: 0xffff), 40, 32, "0000000000000000 1111111111111111"),
    ]
    XCTAssertEqual(d.elements.count, expected.count)
    for (element, (kind, offset, count, bits)) in zip(d.elements, expected) {
      XCTAssertEqual(element.kind, kind)
      XCTAssertEqual(element.bitOffset, offset, "\(kind)")
      XCTAssertEqual(element.bitCount, count, "\(kind)")
      XCTAssertEqual(element.bits, bits, "\(kind)")
    }
    XCTAssertEqual(
      d.elements[2].meaning,
      "match: length 4, distance 5 — copy \"ello\" from 5 bytes back (length symbol 258, distance symbol 4 + 0)")
    assertWellFormed(d, bitLength: 72)

    // Without the history the match reaches back before the start: an error, not a trap.
    let alone = DeflateDissector.dissect(bytes("f2 00 11 00 00 00 00 ff ff"))
    XCTAssertNil(alone.endedWithFinalBlock)
    XCTAssertEqual(alone.output, [0x48])
    XCTAssertTrue(alone.error?.contains("distance too far back at bit 11") ?? false, alone.error ?? "")
    assertWellFormed(alone, bitLength: 72)

    // The tail-removed payload as it travels.
    let raw = DeflateDissector.dissect(bytes("f2 00 11 00 00"), history: hello)
    XCTAssertNil(raw.error)
    XCTAssertEqual(raw.endedWithFinalBlock, false)
    XCTAssertEqual(raw.output, hello)
    XCTAssertEqual(raw.elements.suffix(2).map(\.kind), [.blockHeader(final: false, type: 0), .padding(bits: 6)])
  }

  /// §7.2.3.3: a stored block. The payload's last byte `00` is the 3-bit header of the empty stored
  /// block of the sync flush (and its padding), whose LEN/NLEN went with the removed tail.
  func testRFC7692StoredBlock() {
    let withTail = DeflateDissector.dissect(bytes("00 05 00 fa ff 48 65 6c 6c 6f 00 00 00 ff ff"))
    XCTAssertNil(withTail.error)
    XCTAssertEqual(withTail.endedWithFinalBlock, false)
    XCTAssertEqual(withTail.output, Array("Hello".utf8))
    let expected: [(Kind, Int, Int)] = [
      (.blockHeader(final: false, type: 0), 0, 3),
      (.padding(bits: 5), 3, 5),
      (.storedHeader(length: 5, complement: 0xfffa), 8, 32),
      (.storedData(count: 5), 40, 40),
      (.blockHeader(final: false, type: 0), 80, 3),
      (.padding(bits: 5), 83, 5),
      (.storedHeader(length: 0, complement: 0xffff), 88, 32),
    ]
    XCTAssertEqual(withTail.elements.count, expected.count)
    for (element, (kind, offset, count)) in zip(withTail.elements, expected) {
      XCTAssertEqual(element.kind, kind)
      XCTAssertEqual(element.bitOffset, offset, "\(kind)")
      XCTAssertEqual(element.bitCount, count, "\(kind)")
    }
    XCTAssertEqual(withTail.elements[2].bits, "0000000000000101 1111111111111010")
    XCTAssertEqual(
      withTail.elements[2].meaning, "stored block, LEN=5, NLEN=0xfffa (the one's complement of LEN): 5 bytes follow")
    XCTAssertEqual(withTail.elements[3].bits, "48 65 6c 6c 6f")
    XCTAssertEqual(withTail.elements[3].meaning, "5 stored bytes: \"Hello\"")
    assertWellFormed(withTail, bitLength: 120)

    let asSent = DeflateDissector.dissect(bytes("00 05 00 fa ff 48 65 6c 6c 6f 00"))
    XCTAssertNil(asSent.error)
    XCTAssertEqual(asSent.endedWithFinalBlock, false)
    XCTAssertEqual(asSent.output, Array("Hello".utf8))
    XCTAssertEqual(asSent.elements.map(\.kind), expected.prefix(6).map(\.0))
    assertWellFormed(asSent, bitLength: 88)
  }

  /// §7.2.3.4: BFINAL=1. The sender still appended an empty stored block and removed its last four
  /// bytes, so one `00` follows the final block; it is not part of the DEFLATE stream.
  func testRFC7692FinalBlock() {
    for tail in ["", " 00 00 ff ff"] {
      let input = bytes("f3 48 cd c9 c9 07 00 00" + tail)
      let d = DeflateDissector.dissect(input)
      XCTAssertNil(d.error)
      XCTAssertEqual(d.endedWithFinalBlock, true)
      XCTAssertEqual(d.output, Array("Hello".utf8))
      XCTAssertEqual(
        d.elements.map(\.kind),
        [
          .blockHeader(final: true, type: 1), .literal(0x48), .literal(0x65), .literal(0x6c), .literal(0x6c),
          .literal(0x6f), .endOfBlock, .padding(bits: 6), .trailingBytes(count: tail.isEmpty ? 1 : 5),
        ])
      XCTAssertEqual(d.elements[0].bits, "1 01")
      XCTAssertEqual(d.elements[0].meaning, "BFINAL=1: last block of the stream; BTYPE=01: fixed Huffman codes")
      XCTAssertEqual(d.elements[7].bitOffset, 50)
      assertWellFormed(d, bitLength: input.count * 8)
    }
    // Without the extra byte, the stream ends exactly with the final block's padding.
    let exact = DeflateDissector.dissect(bytes("f3 48 cd c9 c9 07 00"))
    XCTAssertEqual(exact.endedWithFinalBlock, true)
    XCTAssertEqual(exact.elements.last?.kind, .padding(bits: 6))
  }

  /// §7.2.3.5: two DEFLATE blocks in one message ("He" flushed, then "llo").
  func testRFC7692TwoBlocks() {
    let d = DeflateDissector.dissect(bytes("f2 48 05 00 00 00 ff ff ca c9 c9 07 00 00 00 ff ff"))
    XCTAssertNil(d.error)
    XCTAssertEqual(d.endedWithFinalBlock, false)
    XCTAssertEqual(d.output, Array("Hello".utf8))
    XCTAssertEqual(
      d.elements.map(\.kind),
      [
        .blockHeader(final: false, type: 1), .literal(0x48), .literal(0x65), .endOfBlock,
        .blockHeader(final: false, type: 0), .padding(bits: 3), .storedHeader(length: 0, complement: 0xffff),
        .blockHeader(final: false, type: 1), .literal(0x6c), .literal(0x6c), .literal(0x6f), .endOfBlock,
        .blockHeader(final: false, type: 0), .padding(bits: 3), .storedHeader(length: 0, complement: 0xffff),
      ])
    assertWellFormed(d, bitLength: 17 * 8)
  }

  func testEmptyInputs() {
    let empty = DeflateDissector.dissect([])
    XCTAssertEqual(empty.elements, [])
    XCTAssertEqual(empty.output, [])
    XCTAssertNil(empty.error)
    XCTAssertEqual(empty.endedWithFinalBlock, false)
    XCTAssertEqual(empty.stopBitOffset, 0)

    // An empty message as permessage-deflate sends it: `00`, and `00 00 00 ff ff` once restored.
    let payload = DeflateDissector.dissect([0x00])
    XCTAssertNil(payload.error)
    XCTAssertEqual(payload.endedWithFinalBlock, false)
    XCTAssertEqual(payload.elements.map(\.kind), [.blockHeader(final: false, type: 0), .padding(bits: 5)])
    let restored = DeflateDissector.dissect(bytes("00 00 00 ff ff"))
    XCTAssertNil(restored.error)
    XCTAssertEqual(restored.endedWithFinalBlock, false)
    XCTAssertEqual(restored.elements.last?.kind, .storedHeader(length: 0, complement: 0xffff))

    // zlib's empty raw stream: an empty final fixed block.
    let finished = DeflateDissector.dissect(bytes("03 00"))
    XCTAssertNil(finished.error)
    XCTAssertEqual(finished.endedWithFinalBlock, true)
    XCTAssertEqual(
      finished.elements.map(\.kind), [.blockHeader(final: true, type: 1), .endOfBlock, .padding(bits: 6)])
  }

  /// The dissector's fast ASCII quoting gives what `Trace.quoted` gives.
  func testQuotingMatchesTraceQuoted() {
    var rng = SeededRandom(seed: 3)
    var samples: [[UInt8]] = [
      [], Array("Hello".utf8), Array("say \"hi\"\\\n\r\t".utf8), Array("{\"a\":1}\n".utf8), Array("é€👋".utf8),
      [0x00, 0x41], [0x7f], [0xff, 0xfe, 0x80, 0x81], Array(String(repeating: "ab", count: 40).utf8),
    ]
    let alphabet = Array("ab\"\\\n\r\t\u{0}\u{7f}é👋 ~".utf8)
    for _ in 0..<2000 {
      samples.append((0..<Int(rng.next() % 70)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
    }
    for sample in samples {
      for limit in [0, 1, 3, 32, 48] {
        XCTAssertEqual(
          DeflateFormat.quoted(sample[...], limit: limit), Trace.quoted(sample, limit: limit), sample.hexString)
      }
    }
  }

  // MARK: Hand-made streams and errors

  func testReservedBlockType() {
    let d = DeflateDissector.dissect([0x07])
    XCTAssertEqual(d.elements.map(\.kind), [.blockHeader(final: true, type: 3)])
    XCTAssertEqual(d.elements[0].meaning, "BFINAL=1: last block of the stream; BTYPE=11: reserved (error)")
    XCTAssertNil(d.endedWithFinalBlock)
    XCTAssertTrue(d.error?.contains("reserved block type BTYPE=11") ?? false, d.error ?? "")
    XCTAssertEqual(d.stopBitOffset, 3)
  }

  func testStoredLengthMismatch() {
    let d = DeflateDissector.dissect(bytes("01 05 00 00 00 48"))
    XCTAssertEqual(
      d.elements.map(\.kind),
      [.blockHeader(final: true, type: 0), .padding(bits: 5), .storedHeader(length: 5, complement: 0)])
    XCTAssertTrue(d.elements[2].meaning.contains("not the one's complement"))
    XCTAssertTrue(d.error?.contains("LEN/NLEN mismatch at bit 8") ?? false, d.error ?? "")
    XCTAssertNil(d.endedWithFinalBlock)
    XCTAssertEqual(d.output, [])
  }

  func testTruncatedStoredData() {
    let d = DeflateDissector.dissect(bytes("01 05 00 fa ff 48 65"))
    XCTAssertNil(d.endedWithFinalBlock)
    XCTAssertEqual(d.output, [])
    XCTAssertEqual(d.stopBitOffset, 40)
    XCTAssertEqual(
      d.error, "truncated input: the stream ends at bit 56, inside the stored data starting at bit 40")
  }

  /// A fixed block made by hand: a literal, overlapping matches, the symbols that are never used.
  func testFixedBlockByHand() {
    // "a" then length 10 distance 1: an overlapping copy that repeats the last byte.
    var w = DeflateTestBitWriter()
    w.write(1, 1)  // BFINAL
    w.write(1, 2)  // BTYPE 01
    w.writeCode(0x30 + 0x61, 8)  // 'a'
    w.writeCode(264 - 256, 7)  // length symbol 264: length 10
    w.writeCode(0, 5)  // distance symbol 0: distance 1
    w.writeCode(0, 7)  // end of block
    let d = DeflateDissector.dissect(w.bytes)
    XCTAssertNil(d.error)
    XCTAssertEqual(d.endedWithFinalBlock, true)
    XCTAssertEqual(d.output, Array(repeating: 0x61, count: 11))
    XCTAssertEqual(d.elements[2].kind, .match(length: 10, distance: 1))
    XCTAssertEqual(d.elements[2].bits, "0001000 00000")
    XCTAssertEqual(
      d.elements[2].meaning,
      "match: length 10, distance 1 — copy \"aaaaaaaaaa\" from 1 byte back (overlapping: repeats the last 1 byte)"
        + " (length symbol 264, distance symbol 0)")
    assertWellFormed(d, bitLength: w.bytes.count * 8)
    XCTAssertEqual(inflateWithZlib(w.bytes).output, d.output)

    // Length symbol 286 does not exist.
    var bad = DeflateTestBitWriter()
    bad.write(3, 3)
    bad.writeCode(0xc0 + 6, 8)
    let d286 = DeflateDissector.dissect(bad.bytes)
    XCTAssertTrue(d286.error?.contains("invalid literal/length symbol 286 at bit 3") ?? false, d286.error ?? "")
    XCTAssertEqual(d286.elements.count, 1)

    // Distance symbol 30 does not exist.
    var bad30 = DeflateTestBitWriter()
    bad30.write(3, 3)
    bad30.writeCode(0x30, 8)  // literal 0
    bad30.writeCode(1, 7)  // length 3
    bad30.writeCode(30, 5)
    let d30 = DeflateDissector.dissect(bad30.bytes)
    XCTAssertTrue(d30.error?.contains("invalid distance symbol 30 at bit 18") ?? false, d30.error ?? "")
    XCTAssertEqual(d30.output, [0])
  }

  /// The longest distance, 32768, reaches the first byte of a 32 KiB history; longer history is ignored.
  func testLongestDistanceReachesIntoHistory() {
    var rng = SeededRandom(seed: 7)
    let history = (0..<40_000).map { _ in rng.byte() }
    var w = DeflateTestBitWriter()
    w.write(3, 3)
    w.writeCode(285 - 280 + 0xc0, 8)  // length symbol 285: 258
    w.writeCode(29, 5)  // distance symbol 29: 24577 + 13 extra bits
    w.write(32768 - 24577, 13)
    w.writeCode(0, 7)
    let d = DeflateDissector.dissect(w.bytes, history: history)
    XCTAssertNil(d.error)
    XCTAssertEqual(d.output, Array(history[(40_000 - 32768)..<(40_000 - 32768 + 258)]))
    XCTAssertEqual(d.elements[1].kind, .match(length: 258, distance: 32768))
    XCTAssertEqual(d.elements[1].bits, "11000101 11101 1111111111111")

    // With one byte less of history, the same distance is too far back.
    let short = DeflateDissector.dissect(w.bytes, history: Array(history.prefix(32767)))
    XCTAssertTrue(short.error?.contains("distance too far back") ?? false)
    XCTAssertEqual(short.output, [])
  }

  /// A dynamic block made by hand: a code-length code of three symbols, 256 zero lengths sent as two
  /// runs of code 18, end-of-block as the only (1-bit) literal/length code and an empty distance code.
  func testDynamicBlockByHand() {
    func stream(data: (inout DeflateTestBitWriter) -> Void) -> [UInt8] {
      var w = DeflateTestBitWriter()
      w.write(1, 1)
      w.write(2, 2)  // BTYPE 10
      w.write(0, 5)  // HLIT: 257
      w.write(0, 5)  // HDIST: 1
      w.write(14, 4)  // HCLEN: 18 (up to symbol 1 in the transmission order)
      var lengths = [Int](repeating: 0, count: 18)
      lengths[2] = 1  // symbol 18: code 0
      lengths[3] = 2  // symbol 0: code 10
      lengths[17] = 2  // symbol 1: code 11
      for length in lengths { w.write(length, 3) }
      w.writeCode(0, 1)
      w.write(127, 7)  // 138 zeros
      w.writeCode(0, 1)
      w.write(107, 7)  // 118 zeros
      w.writeCode(3, 2)  // literal/length 256: length 1
      w.writeCode(2, 2)  // distance 0: length 0
      data(&w)
      return w.bytes
    }
    let good = stream { $0.writeCode(0, 1) }  // end of block
    let d = DeflateDissector.dissect(good)
    XCTAssertNil(d.error)
    XCTAssertEqual(d.endedWithFinalBlock, true)
    XCTAssertEqual(d.output, [])
    XCTAssertEqual(d.elements.count, 6)
    XCTAssertEqual(
      d.elements[1].kind, .dynamicTableHeader(literalLengthCodes: 257, distanceCodes: 1, codeLengthCodes: 18))
    XCTAssertEqual(d.elements[1].bits, "00000 00000 1110")
    XCTAssertEqual(
      d.elements[1].meaning,
      "HLIT=0: 257 literal/length codes; HDIST=0: 1 distance code; HCLEN=14: 18 code length codes")
    var codeLengthLengths = [UInt8](repeating: 0, count: 19)
    codeLengthLengths[18] = 1
    codeLengthLengths[0] = 2
    codeLengthLengths[1] = 2
    XCTAssertEqual(d.elements[2].kind, .codeLengthCode(lengths: codeLengthLengths))
    XCTAssertEqual(d.elements[2].bitCount, 54)
    var literalLengths = [UInt8](repeating: 0, count: 257)
    literalLengths[256] = 1
    XCTAssertEqual(d.elements[3].kind, .codeLengths(literalLength: literalLengths, distance: [0]))
    XCTAssertEqual(d.elements[3].bits, "0+1111111 0+1101011 11 10")
    XCTAssertTrue(d.elements[3].meaning.contains("literal/length code 1 symbol, 1 bit; distance code unused"))
    XCTAssertEqual(d.elements[4].kind, .endOfBlock)
    XCTAssertEqual(d.elements[4].meaning, "end of block (256): dynamic code 0 (1 bit)")
    assertWellFormed(d, bitLength: good.count * 8)
    XCTAssertEqual(inflateWithZlib(good).status, Z_STREAM_END)

    // Bit 1 is no code of that incomplete literal/length code.
    let badCode = DeflateDissector.dissect(stream { $0.writeCode(1, 1) })
    XCTAssertTrue(badCode.error?.contains("invalid literal/length code at bit 91") ?? false, badCode.error ?? "")
    XCTAssertEqual(badCode.stopBitOffset, 91)
  }

  func testDynamicHeaderErrors() {
    /// A final dynamic block header with HLIT, HDIST, HCLEN = 4 and the given code length code lengths.
    func header(hlit: Int = 0, codeLengthLengths: [Int]) -> DeflateTestBitWriter {
      var w = DeflateTestBitWriter()
      w.write(5, 3)
      w.write(hlit, 5)
      w.write(0, 5)
      w.write(codeLengthLengths.count - 4, 4)
      for length in codeLengthLengths { w.write(length, 3) }
      return w
    }
    var cases: [(String, [UInt8])] = []

    // HLIT=30 would mean 287 literal/length codes.
    var w = header(hlit: 30, codeLengthLengths: [0, 0, 0, 0])
    cases.append(("too many codes at bit 3", w.bytes))

    // Four 1-bit codes (symbols 16, 17, 18, 0): over-subscribed.
    w = header(codeLengthLengths: [1, 1, 1, 1])
    cases.append(("invalid code length code at bit 17: the lengths are over-subscribed", w.bytes))

    // One 1-bit code: incomplete, which the code length code may not be.
    w = header(codeLengthLengths: [0, 0, 1, 0])
    cases.append(("invalid code length code at bit 17: the lengths do not form a complete code", w.bytes))

    // Symbols 16 and 0 with 1-bit codes; a 16 first has no previous length to repeat.
    w = header(codeLengthLengths: [1, 0, 0, 1])
    w.writeCode(1, 1)
    w.write(0, 2)
    cases.append(("code length 16 (repeat the previous length) at bit 29 with no previous length", w.bytes))

    // Symbols 18 and 0; 258 zero lengths: no code for end-of-block.
    w = header(codeLengthLengths: [0, 0, 1, 1])
    w.writeCode(1, 1)
    w.write(127, 7)
    w.writeCode(1, 1)
    w.write(109, 7)
    cases.append(("invalid literal/length code at bit 29: no code for end-of-block (256)", w.bytes))

    // A repeat that runs past HLIT + HDIST.
    w = header(codeLengthLengths: [0, 0, 1, 1])
    w.writeCode(1, 1)
    w.write(127, 7)
    w.writeCode(1, 1)
    w.write(110, 7)
    cases.append(("code length repeat at bit 37 runs past the 258 code lengths", w.bytes))

    // 257 literal/length codes of 8 bits and end-of-block too: over-subscribed.
    w = header(codeLengthLengths: [0, 1, 0, 0, 1])  // symbols 8 (code 0) and 17 (code 1)
    for _ in 0..<258 { w.writeCode(0, 1) }
    cases.append(("invalid literal/length code at bit 32: the code lengths are over-subscribed", w.bytes))

    for (expected, input) in cases {
      let d = DeflateDissector.dissect(input)
      XCTAssertTrue(d.error?.contains(expected) ?? false, "\(d.error ?? "no error"), expected \(expected)")
      XCTAssertNil(d.endedWithFinalBlock)
      XCTAssertEqual(d.output, [])
      assertWellFormed(d, bitLength: input.count * 8)
      XCTAssertEqual(inflateWithZlib(input).status, Z_DATA_ERROR, expected)
    }
  }

  // MARK: Against zlib

  /// Hundreds of inputs compressed by zlib at every level, strategy and window size: the output
  /// must be the input, and the elements must tile the stream.
  func testInflatesWhatZlibDeflates() {
    let levels: [Int32] = [0, 1, 6, 9]
    let strategies: [Int32] = [Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED]
    var rng = SeededRandom(seed: 0x5eed)
    var blockTypes = Set<UInt8>()
    var matches = 0
    for i in 0..<420 {
      let combination = i % 140
      let level = levels[combination % 4]
      let strategy = strategies[combination / 4 % 5]
      let windowBits = Int32(9 + combination / 20)
      let input = DeflateTestCorpus.input(i, &rng)
      let finish = i % 2 == 1
      let label = "input \(i) (\(input.count) bytes), level \(level), strategy \(strategy), window \(windowBits)"
      guard
        let compressed = deflateWithZlib(
          [input], level: level, windowBits: windowBits, strategy: strategy, finish: finish
        ).first
      else { continue }
      let d = DeflateDissector.dissect(compressed)
      XCTAssertNil(d.error, label)
      XCTAssertTrue(d.output == input, label)
      XCTAssertEqual(d.endedWithFinalBlock, finish, label)
      assertWellFormed(d, bitLength: compressed.count * 8, label)
      for element in d.elements {
        switch element.kind {
        case .blockHeader(_, let type): blockTypes.insert(type)
        case .match: matches += 1
        default: break
        }
      }
      if !finish {
        XCTAssertEqual(d.elements.last?.kind, .storedHeader(length: 0, complement: 0xffff), label)
        XCTAssertEqual(Array(compressed.suffix(4)), [0x00, 0x00, 0xff, 0xff], label)
        // As permessage-deflate sends it, tail removed.
        let sent = DeflateDissector.dissect(Array(compressed.dropLast(4)))
        XCTAssertNil(sent.error, label)
        XCTAssertTrue(sent.output == input, label)
        XCTAssertEqual(sent.endedWithFinalBlock, false, label)
        assertWellFormed(sent, bitLength: (compressed.count - 4) * 8, label)
      }
    }
    XCTAssertEqual(blockTypes, [0, 1, 2])
    XCTAssertGreaterThan(matches, 1000)
  }

  /// Context takeover: message k decodes with the earlier messages as history.
  func testContextTakeoverAgainstZlib() {
    var rng = SeededRandom(seed: 0xc0ffee)
    for round in 0..<40 {
      let count = 2 + Int(rng.next() % 4)
      var messages: [[UInt8]] = (0..<count).map { _ in DeflateTestCorpus.chat(&rng, count: 1 + Int(rng.next() % 6)) }
      if round % 4 == 0 {
        // Identical short messages: the second is one back-reference to the first.
        messages[0] = DeflateTestCorpus.chat(&rng, count: 1)
        messages[1] = messages[0]
      }
      if round % 8 == 1 { messages[count - 1] = DeflateTestCorpus.input(Int(rng.next() % 6), &rng) }
      let level: Int32 = [1, 6, 9][round % 3]
      let windowBits = Int32(9 + round % 7)
      let compressed = deflateWithZlib(
        messages, level: level, windowBits: windowBits, strategy: Z_DEFAULT_STRATEGY, finish: false)
      var history: [UInt8] = []
      for (k, message) in messages.enumerated() {
        let label = "round \(round), message \(k) of \(count) (\(message.count) bytes)"
        // What permessage-deflate sends (RFC 7692 §7.2.1), and what the receiver inflates once the tail
        // is appended back. An empty message right after a flush gives zlib nothing to write at all
        // (deflate returns Z_BUF_ERROR): the sender then sends the single byte 00.
        let sent = compressed[k].isEmpty ? [0x00] : Array(compressed[k].dropLast(4))
        if !compressed[k].isEmpty { XCTAssertEqual(Array(compressed[k].suffix(4)), [0x00, 0x00, 0xff, 0xff], label) }
        let payload = sent + [0x00, 0x00, 0xff, 0xff]
        let d = DeflateDissector.dissect(payload, history: history)
        XCTAssertNil(d.error, label)
        XCTAssertTrue(d.output == message, label)
        XCTAssertEqual(d.endedWithFinalBlock, false, label)
        assertWellFormed(d, bitLength: payload.count * 8, label)
        if k == 1 && round % 4 == 0 {
          let data = d.elements.map(\.kind).filter {
            switch $0 {
            case .literal, .match: true
            default: false
            }
          }
          // zlib cannot start a match on the first byte after a flush: it sends that byte as a literal
          // and the rest as one match (RFC 7692 §7.2.3.2 shows the same: 'H', then "ello").
          XCTAssertEqual(
            data, [.literal(message[0]), .match(length: message.count - 1, distance: message.count)], label)
        }
        history += message
      }
    }
  }

  /// Every prefix of valid streams: no trap, output a prefix of the full output, the elements tile
  /// what was decoded, and only the complete stream ends with its final block.
  func testEveryTruncation() {
    var rng = SeededRandom(seed: 99)
    var streams: [[UInt8]] = [
      bytes("f2 48 cd c9 c9 07 00 00 00 ff ff"), bytes("00 05 00 fa ff 48 65 6c 6c 6f 00 00 00 ff ff"),
      bytes("f3 48 cd c9 c9 07 00 00"), bytes("f2 48 05 00 00 00 ff ff ca c9 c9 07 00 00 00 ff ff"),
    ]
    let text = DeflateTestCorpus.chat(&rng, count: 12)
    for (level, strategy) in [(6, Z_DEFAULT_STRATEGY), (9, Z_FIXED), (1, Z_HUFFMAN_ONLY), (0, Z_DEFAULT_STRATEGY)] {
      for finish in [false, true] {
        streams += deflateWithZlib([text], level: Int32(level), windowBits: 15, strategy: strategy, finish: finish)
      }
    }
    for stream in streams {
      let full = DeflateDissector.dissect(stream)
      XCTAssertNil(full.error)
      for cut in 0...stream.count {
        let prefix = Array(stream.prefix(cut))
        let d = DeflateDissector.dissect(prefix)
        let label = "\(stream.count)-byte stream cut at \(cut)"
        XCTAssertTrue(full.output.starts(with: d.output), label)
        assertWellFormed(d, bitLength: cut * 8, label)
        if d.error == nil {
          XCTAssertNotNil(d.endedWithFinalBlock, label)
        } else {
          XCTAssertNil(d.endedWithFinalBlock, label)
        }
        if d.endedWithFinalBlock == true {
          XCTAssertEqual(d.output, full.output, label)
        }
      }
    }
  }

  /// Random bytes and bit-flipped zlib streams: never a trap, and the same verdict as zlib.
  func testRandomAndCorruptedStreamsAgreeWithZlib() {
    var rng = SeededRandom(seed: 0xdead_beef)
    var corpus: [[UInt8]] = []
    for _ in 0..<2500 {
      var random = (0..<Int(rng.next() % 64)).map { _ in rng.byte() }
      // Steer half of them past the block header: BTYPE 01 or 10.
      if !random.isEmpty && rng.next() % 2 == 0 { random[0] = random[0] & 0xf9 | (rng.next() % 2 == 0 ? 2 : 4) }
      corpus.append(random)
    }
    var sources: [[UInt8]] = []
    for i in 0..<24 {
      let input = Array(DeflateTestCorpus.input(i, &rng).prefix(6000))
      let level: Int32 = [1, 6, 9][i % 3]
      let strategy = i % 4 == 3 ? Z_FIXED : Z_DEFAULT_STRATEGY
      sources += deflateWithZlib([input], level: level, windowBits: 15, strategy: strategy, finish: i % 2 == 0)
    }
    for _ in 0..<2500 {
      guard var stream = sources.randomElement(using: &rng), !stream.isEmpty else { continue }
      for _ in 0..<(1 + Int(rng.next() % 3)) {
        let bit = Int(rng.next() % UInt64(stream.count * 8))
        stream[bit / 8] ^= 1 << UInt8(bit % 8)
      }
      corpus.append(stream)
    }
    var verdicts: [String: Int] = [:]
    for (i, input) in corpus.enumerated() {
      let label = "stream \(i): \(Array(input.prefix(24)).hexString)"
      let d = DeflateDissector.dissect(input)
      let z = inflateWithZlib(input)
      assertWellFormed(d, bitLength: input.count * 8, label)
      switch z.status {
      case Z_STREAM_END:
        verdicts["end", default: 0] += 1
        XCTAssertNil(d.error, label)
        XCTAssertEqual(d.endedWithFinalBlock, true, label)
        XCTAssertTrue(d.output == z.output, label)
      case Z_DATA_ERROR:
        verdicts["data error", default: 0] += 1
        // The same error at the same place: not a truncation, and the same output up to it.
        XCTAssertFalse(d.error?.hasPrefix("truncated") ?? true, label)
        XCTAssertTrue(d.output == z.output, label)
      default:
        verdicts["needs more input", default: 0] += 1
        XCTAssertNotEqual(d.endedWithFinalBlock, true, label)
        if let error = d.error {
          XCTAssertTrue(error.hasPrefix("truncated input"), label)
          // zlib also hands out part of a stored block that is cut short.
          XCTAssertTrue(z.output.starts(with: d.output), label)
        } else {
          XCTAssertTrue(d.output == z.output, label)
        }
      }
      // A small output limit is honoured.
      let limited = DeflateDissector.dissect(input, maxOutput: 100)
      XCTAssertLessThanOrEqual(limited.output.count, 100, label)
      XCTAssertTrue(d.output.starts(with: limited.output), label)
      if d.output.count > 100 { XCTAssertTrue(limited.error?.contains("maxOutput") ?? false, label) }
    }
    print("DeflateDissector vs zlib on random and corrupted streams: \(verdicts.sorted { $0.key < $1.key })")
    XCTAssertGreaterThan(verdicts["end"] ?? 0, 200, "\(verdicts)")
    XCTAssertGreaterThan(verdicts["data error"] ?? 0, 1000, "\(verdicts)")
  }

  /// 1 MiB of zeros compresses to about a kilobyte; maxOutput stops it.
  func testDecompressionBombStopsAtMaxOutput() {
    let zeros = [UInt8](repeating: 0, count: 1 << 20)
    guard
      let bomb = deflateWithZlib([zeros], level: 9, windowBits: 15, strategy: Z_DEFAULT_STRATEGY, finish: true).first
    else { return XCTFail("no zlib output") }
    XCTAssertLessThan(bomb.count, 2048)
    let d = DeflateDissector.dissect(bomb, history: [UInt8](repeating: 1, count: 100), maxOutput: 4096)
    XCTAssertLessThanOrEqual(d.output.count, 4096)
    XCTAssertNil(d.endedWithFinalBlock)
    XCTAssertTrue(d.error?.contains("maxOutput (4096 bytes") ?? false, d.error ?? "")
    XCTAssertTrue(d.output.allSatisfy { $0 == 0 })
    assertWellFormed(d, bitLength: bomb.count * 8)
    // Unlimited, it is all there.
    XCTAssertTrue(DeflateDissector.dissect(bomb).output == zeros)
    // A stored block over the limit is refused whole.
    let stored = DeflateDissector.dissect(bytes("01 05 00 fa ff 48 65 6c 6c 6f"), maxOutput: 4)
    XCTAssertEqual(stored.output, [])
    XCTAssertTrue(stored.error?.contains("maxOutput (4 bytes") ?? false, stored.error ?? "")
    XCTAssertEqual(DeflateDissector.dissect(bytes("01 05 00 fa ff 48 65 6c 6c 6f"), maxOutput: 5).output.count, 5)
    XCTAssertEqual(DeflateDissector.dissect(bytes("01 05 00 fa ff 48 65 6c 6c 6f"), maxOutput: -1).output, [])
  }

  /// Not a timed assertion: prints how long 1 MiB of text takes (chat-like JSON, and random words,
  /// which leave far more literals).
  func testPerformanceOneMebibyteOfText() {
    var rng = SeededRandom(seed: 1)
    var chat: [UInt8] = []
    while chat.count < 1 << 20 { chat += DeflateTestCorpus.chat(&rng, count: 1) }
    let words = DeflateTestCorpus.repetitive(&rng, count: 1 << 20)
    for (name, text) in [("chat JSON", Array(chat.prefix(1 << 20))), ("random words", words)] {
      guard
        let compressed = deflateWithZlib(
          [text], level: 6, windowBits: 15, strategy: Z_DEFAULT_STRATEGY, finish: true
        ).first
      else { return XCTFail("no zlib output") }
      let clock = ContinuousClock()
      var d: DeflateDissection?
      let elapsed = clock.measure { d = DeflateDissector.dissect(compressed) }
      XCTAssertTrue(d?.output == text)
      print(
        "DeflateDissector: 1 MiB of \(name), \(compressed.count) bytes compressed, "
          + "\(d?.elements.count ?? 0) elements: \(elapsed)")
    }
  }

  // MARK: Helpers

  func bytes(_ hex: String) -> [UInt8] {
    hex.split(separator: " ").compactMap { UInt8($0, radix: 16) }
  }

  /// The elements tile the stream from bit 0 to `stopBitOffset`, which is the whole input after a
  /// clean end; what they output adds up.
  func assertWellFormed(
    _ d: DeflateDissection, bitLength: Int, _ label: String = "", file: StaticString = #filePath, line: UInt = #line
  ) {
    var at = 0
    var produced = 0
    var gaps = 0
    for element in d.elements {
      if element.bitOffset != at || element.bitCount <= 0 { gaps += 1 }
      at = element.bitOffset + element.bitCount
      switch element.kind {
      case .literal: produced += 1
      case .match(let length, _): produced += length
      case .storedData(let count): produced += count
      default: break
      }
    }
    XCTAssertEqual(gaps, 0, "elements not contiguous " + label, file: file, line: line)
    XCTAssertEqual(d.stopBitOffset, at, label, file: file, line: line)
    XCTAssertEqual(d.error == nil, d.endedWithFinalBlock != nil, label, file: file, line: line)
    if d.error == nil {
      XCTAssertEqual(at, bitLength, "a clean end consumes the input " + label, file: file, line: line)
      XCTAssertEqual(produced, d.output.count, label, file: file, line: line)
    } else {
      // The last element may be a match that was read but not copied.
      XCTAssertGreaterThanOrEqual(produced, d.output.count, label, file: file, line: line)
    }
  }

  /// Raw DEFLATE with zlib: each message sync-flushed in one stream (context takeover), the last one
  /// finished instead when `finish` is set.
  func deflateWithZlib(
    _ messages: [[UInt8]], level: Int32, windowBits: Int32, strategy: Int32, finish: Bool
  ) -> [[UInt8]] {
    var stream = z_stream()
    guard wslab_deflateInit2(&stream, level, -windowBits, 8) == Z_OK else {
      XCTFail("deflateInit2 failed")
      return []
    }
    defer { deflateEnd(&stream) }
    XCTAssertEqual(deflateParams(&stream, level, strategy), Z_OK)
    var results: [[UInt8]] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    for (index, message) in messages.enumerated() {
      let flush = finish && index == messages.count - 1 ? Z_FINISH : Z_SYNC_FLUSH
      var input = message
      var output: [UInt8] = []
      var status = Z_OK
      input.withUnsafeMutableBufferPointer { input in
        stream.next_in = input.baseAddress
        stream.avail_in = uInt(input.count)
        repeat {
          chunk.withUnsafeMutableBufferPointer { buffer in
            stream.next_out = buffer.baseAddress
            stream.avail_out = uInt(buffer.count)
            status = deflate(&stream, flush)
            output += buffer[0..<(buffer.count - Int(stream.avail_out))]
          }
        } while status == Z_OK && (stream.avail_out == 0 || (flush == Z_FINISH))
      }
      // A sync flush that exactly filled the buffer makes the next call report "no progress".
      if status == Z_BUF_ERROR && flush == Z_SYNC_FLUSH { status = Z_OK }
      XCTAssertEqual(status, flush == Z_FINISH ? Z_STREAM_END : Z_OK)
      results.append(output)
    }
    return results
  }

  /// Raw inflate with zlib: the status it stops with (Z_STREAM_END, Z_DATA_ERROR, or Z_OK/Z_BUF_ERROR
  /// when it needs more input) and what it produced.
  func inflateWithZlib(_ bytes: [UInt8]) -> (status: Int32, output: [UInt8]) {
    var stream = z_stream()
    guard wslab_inflateInit2(&stream, -15) == Z_OK else {
      XCTFail("inflateInit2 failed")
      return (Z_STREAM_ERROR, [])
    }
    defer { inflateEnd(&stream) }
    var input = bytes
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var status = Z_OK
    input.withUnsafeMutableBufferPointer { input in
      stream.next_in = input.baseAddress
      stream.avail_in = uInt(input.count)
      repeat {
        chunk.withUnsafeMutableBufferPointer { buffer in
          stream.next_out = buffer.baseAddress
          stream.avail_out = uInt(buffer.count)
          status = inflate(&stream, Z_NO_FLUSH)
          output += buffer[0..<(buffer.count - Int(stream.avail_out))]
        }
      } while status == Z_OK && stream.avail_out == 0
    }
    return (status, output)
  }
}

extension SeededRandom {
  mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
}

/// Writes bits the way DEFLATE packs them (RFC 1951 §3.1.1).
struct DeflateTestBitWriter {
  var bytes: [UInt8] = []
  var count = 0

  /// A number, least significant bit first.
  mutating func write(_ value: Int, _ width: Int) {
    for i in 0..<width { append(value >> i & 1) }
  }

  /// A Huffman code, most significant bit first.
  mutating func writeCode(_ code: Int, _ length: Int) {
    for i in (0..<length).reversed() { append(code >> i & 1) }
  }

  mutating func append(_ bit: Int) {
    if count % 8 == 0 { bytes.append(0) }
    bytes[bytes.count - 1] |= UInt8(bit) << UInt8(count % 8)
    count += 1
  }
}

/// Test inputs: random bytes, repetitive text, chat-like JSON, long runs, empty, larger mixes.
enum DeflateTestCorpus {
  static let words = [
    "the", "socket", "frame", "deflate", "hello", "world", "message", "window", "server", "client", "ping", "pong",
    "close", "a", "of", "and", "to", "in", "is", "that", "it", "with", "for", "as", "on", "was", "compression",
  ]
  static let names = ["ada", "grace", "linus", "barbara", "ken", "dennis", "margaret"]

  static func input(_ i: Int, _ rng: inout SeededRandom) -> [UInt8] {
    switch i % 6 {
    case 0: return (0..<Int(rng.next() % 2000)).map { _ in rng.byte() }
    case 1: return repetitive(&rng, count: Int(rng.next() % 5000))
    case 2: return chat(&rng, count: 1 + Int(rng.next() % 40))
    case 3: return runs(&rng, count: Int(rng.next() % 8000))
    case 4: return []
    default:
      // Larger and mixed: several dynamic blocks, distances up to the window.
      var out: [UInt8] = []
      let target = 20_000 + Int(rng.next() % 60_000)
      while out.count < target {
        switch rng.next() % 4 {
        case 0: out += (0..<Int(rng.next() % 300)).map { _ in rng.byte() }
        case 1: out += repetitive(&rng, count: Int(rng.next() % 3000))
        case 2: out += chat(&rng, count: 4)
        default: out += runs(&rng, count: Int(rng.next() % 2000))
        }
      }
      return out
    }
  }

  static func repetitive(_ rng: inout SeededRandom, count: Int) -> [UInt8] {
    var text = ""
    while text.utf8.count < count {
      text += words[Int(rng.next() % UInt64(words.count))]
      text += rng.next() % 9 == 0 ? ".\n" : " "
    }
    return Array(text.utf8.prefix(count))
  }

  static func chat(_ rng: inout SeededRandom, count: Int) -> [UInt8] {
    var text = ""
    for _ in 0..<count {
      let name = names[Int(rng.next() % UInt64(names.count))]
      let body = (0..<(1 + Int(rng.next() % 8))).map { _ in words[Int(rng.next() % UInt64(words.count))] }
      text += "{\"type\":\"message\",\"user\":\"\(name)\",\"id\":\(rng.next() % 100_000),"
      text += "\"text\":\"\(body.joined(separator: " "))\",\"emoji\":\"\u{1F44B}\"}\n"
    }
    return Array(text.utf8)
  }

  static func runs(_ rng: inout SeededRandom, count: Int) -> [UInt8] {
    var out: [UInt8] = []
    while out.count < count {
      out += repeatElement(rng.byte() & 0x0f, count: 1 + Int(rng.next() % 1000))
    }
    return Array(out.prefix(count))
  }
}
