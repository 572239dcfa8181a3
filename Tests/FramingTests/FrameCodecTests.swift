import NIOCore
import Trace
import XCTest

@testable import Framing

final class FrameCodecTests: XCTestCase {
  let rfcKey = MaskingKey(0x37, 0xfa, 0x21, 0x3d)
  let hello = Array("Hello".utf8)
  let encoder = FrameEncoder()

  // MARK: RFC 6455 §5.7 vectors, encoder side

  func testEncodesRFCExamples() {
    XCTAssertEqual(encoder.frameBytes(opcode: .text, payload: hello), hex("81 05 48 65 6c 6c 6f"))
    XCTAssertEqual(
      encoder.frameBytes(opcode: .text, maskingKey: rfcKey, payload: hello), hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"))
    XCTAssertEqual(encoder.frameBytes(opcode: .text, fin: false, payload: Array("Hel".utf8)), hex("01 03 48 65 6c"))
    XCTAssertEqual(encoder.frameBytes(opcode: .continuation, payload: Array("lo".utf8)), hex("80 02 6c 6f"))
    XCTAssertEqual(encoder.frameBytes(opcode: .ping, payload: hello), hex("89 05 48 65 6c 6c 6f"))
    XCTAssertEqual(
      encoder.frameBytes(opcode: .pong, maskingKey: rfcKey, payload: hello), hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58"))
    let b256 = encoder.frameBytes(opcode: .binary, payload: [UInt8](repeating: 7, count: 256))
    XCTAssertEqual(Array(b256.prefix(4)), hex("82 7e 01 00"))
    XCTAssertEqual(b256.count, 260)
    let b64k = encoder.frameBytes(opcode: .binary, payload: [UInt8](repeating: 7, count: 65536))
    XCTAssertEqual(Array(b64k.prefix(10)), hex("82 7f 00 00 00 00 00 01 00 00"))
    XCTAssertEqual(b64k.count, 65546)
  }

  func testHeaderUsesMinimalLengthAtEveryBoundary() {
    let cases: [(Int, String)] = [
      (0, "82 00"), (1, "82 01"), (125, "82 7d"), (126, "82 7e 00 7e"), (127, "82 7e 00 7f"),
      (65535, "82 7e ff ff"), (65536, "82 7f 00 00 00 00 00 01 00 00"),
      (1 << 32, "82 7f 00 00 00 01 00 00 00 00"),
    ]
    for (length, expected) in cases {
      let header = FrameHeader(opcode: .binary, payloadLength: length)
      XCTAssertEqual(header.bytes, hex(expected), "length \(length)")
      XCTAssertEqual(header.encodedSize, header.bytes.count)
    }
    let masked = FrameHeader(fin: false, rsv: 0x40, opcode: .text, maskingKey: rfcKey, payloadLength: 70000)
    XCTAssertEqual(masked.bytes, hex("41 ff 00 00 00 00 00 01 11 70 37 fa 21 3d"))
    XCTAssertEqual(masked.encodedSize, FrameHeader.maxEncodedSize)
  }

  func testEncoderAppendsToExistingBufferAndMasksOnlyThePayload() {
    var buffer = ByteBuffer(bytes: [0xaa, 0xbb])
    buffer.moveReaderIndex(forwardBy: 1)
    encoder.encode(opcode: .text, maskingKey: rfcKey, payload: hello, into: &buffer)
    XCTAssertEqual(buffer.bytes, [0xbb] + hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"))
    var second = ByteBuffer()
    encoder.encode(opcode: .text, maskingKey: rfcKey, payload: ByteBuffer(bytes: hello), into: &second)
    XCTAssertEqual(second.bytes, hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"))
  }

  // MARK: decoder, RFC vectors in every chunking

  func testDecodesRFCExamplesInEveryChunking() {
    let vectors: [(String, Role, Opcode, Bool, [UInt8], MaskingKey?)] = [
      ("81 05 48 65 6c 6c 6f", .client, .text, true, hello, nil),
      ("81 85 37 fa 21 3d 7f 9f 4d 51 58", .server, .text, true, hello, rfcKey),
      ("01 03 48 65 6c", .client, .text, false, Array("Hel".utf8), nil),
      ("80 02 6c 6f", .client, .continuation, true, Array("lo".utf8), nil),
      ("89 05 48 65 6c 6c 6f", .client, .ping, true, hello, nil),
      ("8a 85 37 fa 21 3d 7f 9f 4d 51 58", .server, .pong, true, hello, rfcKey),
    ]
    for (wire, role, opcode, fin, payload, key) in vectors {
      let bytes = hex(wire)
      for chunks in chunkings(bytes.count) {
        let (frames, error) = decodeAll(bytes, role: role, chunks: chunks)
        XCTAssertNil(error, "\(wire) \(chunks)")
        XCTAssertEqual(frames.count, 1, "\(wire) \(chunks)")
        XCTAssertEqual(frames.first?.opcode, opcode)
        XCTAssertEqual(frames.first?.fin, fin)
        XCTAssertEqual(frames.first?.header.maskingKey, key)
        XCTAssertEqual(frames.first?.payload.bytes, payload, "\(wire) \(chunks)")
      }
    }
  }

  func testDecodesLargeRFCLengthsInEveryTwoChunkSplitOfTheHeader() {
    for length in [256, 65536] {
      let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
      let bytes = encoder.frameBytes(opcode: .binary, payload: payload)
      for split in 1...12 {
        let (frames, error) = decodeAll(bytes, role: .client, chunks: [split, bytes.count - split])
        XCTAssertNil(error)
        XCTAssertEqual(frames.first?.payload.bytes, payload, "length \(length) split \(split)")
      }
    }
  }

  func testDecoderNeverReadsPastTheFrame() throws {
    var decoder = FrameDecoder(role: .client)
    decoder.append(contentsOf: hex("81 05 48 65 6c 6c 6f 82 7e 01"))
    let frame = try XCTUnwrap(decoder.next())
    XCTAssertEqual(frame.payload.bytes, hello)
    XCTAssertNil(try decoder.next())
    XCTAssertEqual(decoder.bufferedBytes, 3)
    XCTAssertEqual(decoder.consumedBytes, 7)
    XCTAssertEqual(decoder.completedBytes, 7)
    // A frame whose header has been handed out but whose payload has not arrived: consumed moves
    // on, completed stays at the frame's start.
    decoder.append(contentsOf: hex("05"))
    XCTAssertNil(try decoder.next())
    XCTAssertEqual(decoder.consumedBytes, 11)
    XCTAssertEqual(decoder.completedBytes, 7)
    XCTAssertEqual(decoder.bufferedBytes, 4)
  }

  func testAppendingAByteBufferWorksWithAndWithoutPendingBytes() throws {
    var decoder = FrameDecoder(role: .server)
    let wire = hex("81 85 37 fa 21 3d 7f 9f 4d 51 58")
    decoder.append(ByteBuffer(bytes: wire[0..<3]))
    XCTAssertNil(try decoder.next())
    decoder.append(ByteBuffer(bytes: wire[3...]))
    XCTAssertEqual(try decoder.next()?.payload.bytes, hello)
    decoder.append(ByteBuffer(bytes: wire))
    XCTAssertEqual(try decoder.next()?.payload.bytes, hello)
    XCTAssertNil(try decoder.next())
  }

  func testBufferStaysBoundedWhenEveryReadEndsMidFrame() throws {
    var decoder = FrameDecoder(role: .client)
    let frame = encoder.frameBytes(opcode: .binary, payload: [UInt8](repeating: 9, count: 1000))
    decoder.append(contentsOf: frame[..<500])
    var maxCapacity = 0
    var count = 0
    for _ in 0..<5000 {
      // Each append completes one frame and starts the next: the buffer is never empty.
      decoder.append(contentsOf: frame[500...] + frame[..<500])
      while let f = try decoder.next() {
        XCTAssertEqual(f.payload.readableBytes, 1000)
        count += 1
      }
      maxCapacity = max(maxCapacity, decoder.bufferCapacity)
    }
    XCTAssertEqual(count, 5000)
    XCTAssertLessThan(maxCapacity, 64 * 1024, "5 MB went through; the buffer must not keep it")
  }

  // MARK: seeded round trips

  func testRandomRoundTripsOverLengthsUpTo70000WithRandomChunking() throws {
    var rng = TestRandom(seed: 0x5eed_f00d)
    var lengths = Array(0...300) + [1000, 4095, 4096, 65534, 65535, 65536, 65537, 70000]
    for _ in 0..<40 { lengths.append(Int.random(in: 0...70000, using: &rng)) }
    for length in lengths {
      let payload = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
      for masked in [false, true] {
        let key =
          masked
          ? MaskingKey(
            UInt8.random(in: 0...255, using: &rng), UInt8.random(in: 0...255, using: &rng),
            UInt8.random(in: 0...255, using: &rng), UInt8.random(in: 0...255, using: &rng)) : nil
        let opcode: Opcode = length % 3 == 0 ? .continuation : .binary
        let fin = length % 2 == 0
        let rsv: UInt8 = 0
        let bytes = encoder.frameBytes(opcode: opcode, fin: fin, rsv: rsv, maskingKey: key, payload: payload)
        XCTAssertEqual(
          bytes.count, FrameHeader(opcode: opcode, maskingKey: key, payloadLength: length).encodedSize + length)
        var chunks: [Int] = []
        var left = bytes.count
        while left > 0 {
          let c = min(left, Int.random(in: 1...max(1, bytes.count / 3 + 1), using: &rng))
          chunks.append(c)
          left -= c
        }
        let (frames, error) = decodeAll(bytes, role: masked ? .server : .client, chunks: chunks)
        XCTAssertNil(error, "length \(length) masked \(masked)")
        XCTAssertEqual(frames.count, 1)
        XCTAssertEqual(frames.first?.payload.bytes, payload, "length \(length) masked \(masked)")
        XCTAssertEqual(frames.first?.header.maskingKey, key)
        XCTAssertEqual(frames.first?.fin, fin)
        XCTAssertEqual(frames.first?.opcode, opcode)
      }
    }
  }

  func testManyFramesInOneBufferDecodeInOrder() {
    var rng = TestRandom(seed: 42)
    var wire: [UInt8] = []
    var expected: [[UInt8]] = []
    for i in 0..<200 {
      let payload = (0..<Int.random(in: 0...300, using: &rng)).map { UInt8(truncatingIfNeeded: $0 + i) }
      expected.append(payload)
      wire += encoder.frameBytes(opcode: .binary, maskingKey: MaskingKey(1, 2, 3, UInt8(i % 256)), payload: payload)
    }
    for chunks in [
      [wire.count], Array(repeating: 1, count: wire.count), Array(repeating: 7, count: wire.count / 7 + 1),
    ] {
      let (frames, error) = decodeAll(wire, role: .server, chunks: chunks)
      XCTAssertNil(error)
      XCTAssertEqual(frames.map(\.payload.bytes), expected)
    }
  }

  // MARK: every header rule, with close code and offending byte

  func assertFails(
    _ bytes: [UInt8], role: Role, _ kind: ProtocolError.Kind, code: UInt16, offset: Int, maxFrameSize: Int = 16 << 20,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    for chunks in chunkings(bytes.count) {
      let (frames, error) = decodeAll(bytes, role: role, chunks: chunks, maxFrameSize: maxFrameSize)
      XCTAssertEqual(frames.count, 0, file: file, line: line)
      XCTAssertEqual(error?.kind, kind, "chunks \(chunks)", file: file, line: line)
      XCTAssertEqual(error?.closeCode.rawValue, code, file: file, line: line)
      XCTAssertEqual(error?.streamOffset, offset, file: file, line: line)
    }
    // Fail fast: the bytes up to and including the offending one are enough.
    let (_, early) = decodeAll(Array(bytes.prefix(offset + 1)), role: role, maxFrameSize: maxFrameSize)
    XCTAssertEqual(early?.kind, kind, "fails as soon as byte \(offset) arrives", file: file, line: line)
  }

  func testReservedBitsWithoutExtensionAre1002() {
    assertFails(hex("c1 05 48 65 6c 6c 6f"), role: .client, .reservedBitsSet(0x40), code: 1002, offset: 0)
    assertFails(hex("a1 00"), role: .client, .reservedBitsSet(0x20), code: 1002, offset: 0)
    assertFails(hex("91 00"), role: .client, .reservedBitsSet(0x10), code: 1002, offset: 0)
    assertFails(hex("f1 00"), role: .client, .reservedBitsSet(0x70), code: 1002, offset: 0)
  }

  func testRSV1IsAcceptedWhenAnExtensionClaimsIt() throws {
    var decoder = FrameDecoder(configuration: .init(role: .client, allowedRSV: 0x40))
    decoder.append(contentsOf: hex("c1 07 f2 48 cd c9 c9 07 00"))
    let frame = try XCTUnwrap(decoder.next())
    XCTAssertTrue(frame.header.rsv1)
    XCTAssertEqual(frame.payload.bytes, hex("f2 48 cd c9 c9 07 00"))
    decoder.append(contentsOf: hex("e1 00"))
    XCTAssertThrowsError(try decoder.next()) { XCTAssertEqual(($0 as? ProtocolError)?.kind, .reservedBitsSet(0x20)) }
  }

  func testReservedOpcodesAre1002() {
    for op: UInt8 in [0x3, 0x4, 0x5, 0x6, 0x7, 0xb, 0xc, 0xd, 0xe, 0xf] {
      assertFails([0x80 | op, 0x00], role: .client, .reservedOpcode(op), code: 1002, offset: 0)
    }
  }

  func testControlFrameRules() {
    assertFails(hex("09 00"), role: .client, .fragmentedControlFrame(.ping), code: 1002, offset: 0)
    assertFails(hex("08 00"), role: .client, .fragmentedControlFrame(.close), code: 1002, offset: 0)
    assertFails(hex("0a 00"), role: .client, .fragmentedControlFrame(.pong), code: 1002, offset: 0)
    let long = encoder.frameBytes(opcode: .ping, payload: [UInt8](repeating: 0, count: 126))
    assertFails(long, role: .client, .controlFrameTooLong(opcode: .ping, length: 126), code: 1002, offset: 1)
    assertFails(
      hex("88 7f 00 00 00 00 00 01 00 00"), role: .client, .controlFrameTooLong(opcode: .close, length: 127),
      code: 1002,
      offset: 1)
    // 125 is fine.
    let ok = encoder.frameBytes(opcode: .ping, payload: [UInt8](repeating: 0, count: 125))
    XCTAssertEqual(decodeAll(ok, role: .client).frames.first?.payload.readableBytes, 125)
  }

  func testMaskingDirectionRules() {
    assertFails(hex("81 05 48 65 6c 6c 6f"), role: .server, .unmaskedFrameFromClient, code: 1002, offset: 1)
    assertFails(hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"), role: .client, .maskedFrameFromServer, code: 1002, offset: 1)
  }

  func testNonMinimalLengthsAndHighBitAre1002() {
    assertFails(
      hex("82 7e 00 05") + [UInt8](repeating: 0, count: 5), role: .client, .nonMinimalLength(length: 5, lengthBytes: 2),
      code: 1002, offset: 3)
    assertFails(
      hex("82 7e 00 7d"), role: .client, .nonMinimalLength(length: 125, lengthBytes: 2), code: 1002, offset: 3)
    assertFails(
      hex("82 7f 00 00 00 00 00 00 ff ff"), role: .client, .nonMinimalLength(length: 65535, lengthBytes: 8), code: 1002,
      offset: 9)
    assertFails(
      hex("82 7f 00 00 00 00 00 00 00 05"), role: .client, .nonMinimalLength(length: 5, lengthBytes: 8), code: 1002,
      offset: 9)
    assertFails(hex("82 7f 80 00 00 00 00 00 00 00"), role: .client, .lengthHighBitSet, code: 1002, offset: 2)
    assertFails(hex("82 7f ff ff ff ff ff ff ff ff"), role: .client, .lengthHighBitSet, code: 1002, offset: 2)
  }

  func testFrameOverTheLimitIs1009BeforeThePayloadArrives() {
    // Only the header: the decoder must not wait for (or buffer) 2000 bytes.
    assertFails(
      hex("82 7e 07 d0"), role: .client, .frameTooLarge(length: 2000, limit: 1024), code: 1009, offset: 3,
      maxFrameSize: 1024)
    assertFails(
      hex("82 7f 00 00 00 01 00 00 00 00"), role: .client, .frameTooLarge(length: 1 << 32, limit: 16 << 20), code: 1009,
      offset: 9)
    // Exactly at the limit is fine.
    let atLimit = encoder.frameBytes(opcode: .binary, payload: [UInt8](repeating: 1, count: 1024))
    XCTAssertNil(decodeAll(atLimit, role: .client, maxFrameSize: 1024).error)
  }

  func testExtremeLimitsNeitherTrapNorOverflow() throws {
    // "No limit" and a nonsense limit: the peer's 2^63-1 length must be handled either way.
    var unlimited = FrameDecoder(role: .client, maxFrameSize: .max)
    unlimited.append(contentsOf: hex("82 7f 7f ff ff ff ff ff ff ff 00 01 02"))
    XCTAssertNil(try unlimited.next(), "waits for the payload (the transport's limits apply)")
    var negative = FrameDecoder(role: .client, maxFrameSize: -1)
    negative.append(contentsOf: hex("82 01 00"))
    XCTAssertThrowsError(try negative.next()) {
      XCTAssertEqual(($0 as? ProtocolError)?.kind, .frameTooLarge(length: 1, limit: -1))
    }
  }

  /// Payloads are slices of the receive buffer; keeping them (as an event queue does) while
  /// later masked frames of the same read are decoded must not corrupt or lose anything.
  func testKeptPayloadsStayIntactAcrossReadsAndFrames() throws {
    var rng = TestRandom(seed: 77)
    var decoder = FrameDecoder(role: .server)
    var kept: [Frame] = []
    var expected: [[UInt8]] = []
    var wire: [UInt8] = []
    for i in 0..<3000 {
      let payload = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
      expected.append(payload)
      wire += encoder.frameBytes(
        opcode: .binary, maskingKey: MaskingKey(UInt8(i & 0xff), 0x11, 0x22, 0x33), payload: payload)
    }
    var start = 0
    while start < wire.count {
      let end = min(wire.count, start + Int.random(in: 1...9000, using: &rng))
      decoder.append(ByteBuffer(bytes: wire[start..<end]))
      start = end
      while let frame = try decoder.next() { kept.append(frame) }
    }
    XCTAssertEqual(kept.map(\.payload.bytes), expected)
  }

  func testDecoderStaysFailed() {
    var decoder = FrameDecoder(role: .client)
    decoder.append(contentsOf: hex("83 00 81 05 48 65 6c 6c 6f"))
    XCTAssertThrowsError(try decoder.next())
    XCTAssertThrowsError(try decoder.next()) { XCTAssertEqual(($0 as? ProtocolError)?.kind, .reservedOpcode(3)) }
  }

  func testErrorsSayWhatWhyAndWhere() {
    let error = ProtocolError(.nonMinimalLength(length: 5, lengthBytes: 2), streamOffset: 2)
    XCTAssertEqual(
      error.description,
      "1002 protocol error: length 5 sent in the 16-bit form; a sender must use the minimal number of bytes, and WSLab refuses any other (RFC 6455 §5.2)"
    )
    XCTAssertEqual(
      ProtocolError(.invalidUTF8(messageOffset: 3)).description,
      "1007 invalid payload data: text message is not valid UTF-8 (byte 3 of the message cannot continue a valid sequence) (RFC 6455 §8.1)"
    )
    XCTAssertEqual(ProtocolError(.messageTooLarge(size: 10, limit: 5)).closeCode, .messageTooBig)
  }
}
