import NIOCore
import Trace
import XCTest

@testable import Framing

/// The decoder as a stream of parts: a header, then the payload as it arrives.
final class FrameDecoderPartsTests: XCTestCase {
  let encoder = FrameEncoder()
  let rfcKey = MaskingKey(0x37, 0xfa, 0x21, 0x3d)

  /// Feeds `wire` in the given read sizes and returns every part handed out after each read.
  func parts(_ wire: [UInt8], role: Role, reads: [Int]) throws -> [[FrameDecoder.Part]] {
    var decoder = FrameDecoder(role: role)
    var out: [[FrameDecoder.Part]] = []
    var start = 0
    for size in reads {
      decoder.append(contentsOf: wire[start..<min(wire.count, start + size)])
      start += size
      var got: [FrameDecoder.Part] = []
      while let part = try decoder.nextPart() { got.append(part) }
      out.append(got)
    }
    return out
  }

  func testAFrameIsItsHeaderThenItsPayloadWithTheEndMarked() throws {
    let got = try parts(hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"), role: .server, reads: [11])
    XCTAssertEqual(
      got,
      [
        [
          .header(FrameHeader(opcode: .text, maskingKey: rfcKey, payloadLength: 5)),
          .payload(ByteBuffer(string: "Hello"), endOfFrame: true),
        ]
      ])
    // An empty payload still ends its frame with one (empty) chunk.
    XCTAssertEqual(
      try parts(hex("89 80 01 02 03 04"), role: .server, reads: [6]),
      [
        [
          .header(FrameHeader(opcode: .ping, maskingKey: MaskingKey(1, 2, 3, 4), payloadLength: 0)),
          .payload(ByteBuffer(), endOfFrame: true),
        ]
      ])
  }

  /// What has arrived of a payload is handed out at once, unmasked at the right key offset,
  /// whatever the read sizes; the header comes out as soon as its last byte is there.
  func testPayloadComesOutAsItArrivesUnmaskedAtEveryKeyOffset() throws {
    var rng = TestRandom(seed: 2024)
    let payload = (0..<1000).map { _ in UInt8.random(in: 0...255, using: &rng) }
    let key = MaskingKey(0xa1, 0xb2, 0xc3, 0xd4)
    let wire = encoder.frameBytes(opcode: .binary, maskingKey: key, payload: payload)
    let headerSize = 8
    for readSize in [1, 2, 3, 5, 7, 9, 64, 333, 1007] {
      let reads = Array(repeating: readSize, count: (wire.count + readSize - 1) / readSize)
      let got = try parts(wire, role: .server, reads: reads)
      var fed = 0
      var received: [UInt8] = []
      var sawHeader = false
      for (i, partsOfRead) in got.enumerated() {
        fed = min(wire.count, fed + reads[i])
        for part in partsOfRead {
          switch part {
          case .header(let header):
            XCTAssertFalse(sawHeader)
            sawHeader = true
            XCTAssertEqual(header.payloadLength, 1000)
          case .payload(let chunk, let end):
            XCTAssertTrue(sawHeader)
            received += chunk.readableBytesView
            XCTAssertEqual(end, received.count == 1000)
          }
        }
        XCTAssertEqual(sawHeader, fed >= headerSize, "read size \(readSize), fed \(fed)")
        XCTAssertEqual(received, Array(payload.prefix(max(0, fed - headerSize))), "read size \(readSize), fed \(fed)")
      }
    }
  }

  /// The decoder never holds a frame: a 2 MiB frame read 64 KiB at a time leaves at most the
  /// start of a split header behind after each read is drained.
  func testTheDecoderHoldsNoPayload() throws {
    var decoder = FrameDecoder(role: .server, maxFrameSize: 16 << 20)
    let payload = [UInt8](repeating: 0x5a, count: 2 << 20)
    let wire = encoder.frameBytes(opcode: .binary, maskingKey: rfcKey, payload: payload)
    var start = 0
    var total = 0
    var maxHeld = 0
    while start < wire.count {
      let end = min(wire.count, start + 65536 + 3)
      decoder.append(ByteBuffer(bytes: wire[start..<end]))
      start = end
      while let part = try decoder.nextPart() {
        if case .payload(let chunk, _) = part {
          XCTAssertTrue(chunk.readableBytesView.allSatisfy { $0 == 0x5a })
          total += chunk.readableBytes
        }
      }
      maxHeld = max(maxHeld, decoder.heldBytes)
    }
    XCTAssertEqual(total, 2 << 20)
    XCTAssertEqual(maxHeld, 0)
    XCTAssertEqual(decoder.consumedBytes, wire.count)
  }

  /// A header split over several reads is kept (at most 13 bytes) and completed.
  func testASplitHeaderIsStashedAndCompleted() throws {
    let wire = encoder.frameBytes(opcode: .binary, maskingKey: rfcKey, payload: [UInt8](repeating: 1, count: 70000))
    var decoder = FrameDecoder(role: .server)
    for i in 0..<13 {
      decoder.append(contentsOf: wire[i..<(i + 1)])
      XCTAssertNil(try decoder.nextPart())
      XCTAssertEqual(decoder.heldBytes, i + 1)
    }
    decoder.append(contentsOf: wire[13..<20])
    XCTAssertEqual(
      try decoder.nextPart(), .header(FrameHeader(opcode: .binary, maskingKey: rfcKey, payloadLength: 70000)))
    XCTAssertEqual(try decoder.nextPart(), .payload(ByteBuffer(bytes: [1, 1, 1, 1, 1, 1]), endOfFrame: false))
    XCTAssertEqual(decoder.heldBytes, 0)
  }

  /// A frame is traced once, when all of it has arrived, with its wire bytes (masked as sent).
  func testEachFrameIsTracedOnceWhenComplete() throws {
    let log = TraceLog()
    var decoder = FrameDecoder(role: .server, observer: log)
    let first = encoder.frameBytes(opcode: .text, maskingKey: rfcKey, payload: Array("Hello".utf8))
    let second = encoder.frameBytes(opcode: .binary, maskingKey: rfcKey, payload: [UInt8](repeating: 7, count: 300))
    let wire = first + second
    var handedOut = 0
    for i in 0..<wire.count {
      decoder.append(contentsOf: wire[i..<(i + 1)])
      while try decoder.nextPart() != nil { handedOut += 1 }
      let expected = (i + 1 >= first.count ? 1 : 0) + (i + 1 == wire.count ? 1 : 0)
      XCTAssertEqual(log.records.count, expected, "after \(i + 1) bytes")
    }
    XCTAssertEqual(log.records.map(\.bytes), [first, second])
    XCTAssertEqual(
      log.records.map(\.title), ["frame: text \"Hello\" (masked, 11 bytes)", "frame: binary (masked, 308 bytes)"])
    XCTAssertGreaterThan(handedOut, 4)
  }

  /// A frame that arrived whole is traced before its header is handed out, so a later stage that
  /// rejects the header reports after the frame it rejects.
  func testACompleteFrameIsTracedBeforeItsHeaderIsHandedOut() throws {
    let log = TraceLog()
    var decoder = FrameDecoder(role: .client, observer: log)
    decoder.append(contentsOf: hex("80 02 6c 6f"))
    XCTAssertEqual(log.records.count, 0, "nothing is traced before it is handed out")
    _ = try decoder.nextPart()
    XCTAssertEqual(log.records.map(\.title), ["frame: continuation \"lo\" (4 bytes)"])
  }

  /// A frame still arriving that a later stage rejects is traced as far as it arrived.
  func testAnUnfinishedFrameIsTracedWhenALaterStageRejectsIt() throws {
    let log = TraceLog()
    var decoder = FrameDecoder(role: .client, observer: log)
    decoder.append(contentsOf: hex("80 05 6c 6f"))
    XCTAssertEqual(try decoder.nextPart(), .header(FrameHeader(opcode: .continuation, payloadLength: 5)))
    let error = ProtocolError(.unexpectedContinuation)
    decoder.recordUnfinishedFrame(failingWith: error)
    decoder.recordUnfinishedFrame(failingWith: error)
    XCTAssertEqual(log.records.map(\.title), ["invalid frame: " + error.reason])
    XCTAssertEqual(log.records.first?.bytes, hex("80 05 6c 6f"))
  }

  /// Parts after a broken rule are never handed out; the ones before it are.
  func testPartsBeforeAViolationComeOutFirst() throws {
    var decoder = FrameDecoder(role: .client)
    decoder.append(contentsOf: hex("81 02 6f 6b 83 00 81 01 41"))
    XCTAssertEqual(try decoder.nextPart(), .header(FrameHeader(opcode: .text, payloadLength: 2)))
    XCTAssertEqual(try decoder.nextPart(), .payload(ByteBuffer(string: "ok"), endOfFrame: true))
    XCTAssertThrowsError(try decoder.nextPart()) {
      XCTAssertEqual($0 as? ProtocolError, ProtocolError(.reservedOpcode(3), streamOffset: 4))
    }
    decoder.append(contentsOf: hex("81 01 41"))
    XCTAssertThrowsError(try decoder.nextPart()) {
      XCTAssertEqual(($0 as? ProtocolError)?.kind, .reservedOpcode(3))
    }
  }

  /// The header layout is read in one place; the rules see the fields as far as they arrived.
  func testHeaderFieldsAsFarAsTheBytesGo() {
    let full = hex("82 ff 00 00 00 00 00 01 11 70 37 fa 21 3d")
    let fields = FrameHeaderFields(reading: full)!
    XCTAssertEqual(fields.size, 14)
    XCTAssertEqual(fields.payloadLength, 70000)
    XCTAssertEqual(fields.maskingKey, rfcKey)
    XCTAssertEqual(fields.header, FrameHeader(opcode: .binary, maskingKey: rfcKey, payloadLength: 70000))
    for n in 1..<14 {
      let partial = FrameHeaderFields(reading: full.prefix(n))!
      XCTAssertNil(partial.size, "\(n) bytes")
      XCTAssertEqual(partial.extendedLengthBytesPresent, min(8, max(0, n - 2)))
      XCTAssertEqual(partial.maskingKeyBytesPresent, max(0, n - 10))
    }
    XCTAssertNil(FrameHeaderFields(reading: [UInt8]()))
  }

  // MARK: - wire parts (issue 17: no copy of the read, one unmasking pass)

  /// The decoder reads the buffer it is given and never writes to it: a masked payload is still
  /// masked in the caller's buffer afterwards, and ``FrameDecoder/nextWirePart()`` hands it out
  /// as it arrived, with the key and the offset that unmask it.
  func testTheReadIsNeverWrittenAndWirePartsCarryKeyAndOffset() throws {
    var rng = TestRandom(seed: 17)
    let payload = (0..<300).map { _ in UInt8.random(in: 0...255, using: &rng) }
    let key = MaskingKey(0x11, 0x22, 0x33, 0x44)
    let wire = encoder.frameBytes(opcode: .binary, maskingKey: key, payload: payload)
    for split in 1..<wire.count {
      var decoder = FrameDecoder(role: .server)
      var unmasked = ByteBuffer()
      var offsets: [Int] = []
      for range in [0..<split, split..<wire.count] {
        let read = ByteBuffer(bytes: wire[range])
        decoder.append(read)
        XCTAssertEqual(Array(read.readableBytesView), Array(wire[range]), "split \(split): the read was written to")
        while let part = try decoder.nextWirePart() {
          guard case .payload(let chunk) = part else { continue }
          XCTAssertEqual(chunk.maskingKey, key)
          offsets.append(chunk.payloadOffset)
          // As it arrived: the masked bytes of the wire.
          let start = wire.count - payload.count + chunk.payloadOffset
          XCTAssertEqual(Array(chunk.wire.readableBytesView), Array(wire[start..<(start + chunk.count)]))
          chunk.unmask(appendingTo: &unmasked)
        }
      }
      XCTAssertEqual(Array(unmasked.readableBytesView), payload, "split \(split)")
      XCTAssertEqual(offsets.first, 0)
    }
  }

  /// Once every part of a read is out, the decoder holds nothing of it, so the transport can
  /// reuse its read buffer instead of allocating another.
  func testTheReadIsLetGoOnceEveryPartIsOut() throws {
    let wire = encoder.frameBytes(opcode: .binary, maskingKey: rfcKey, payload: Array(repeating: 7, count: 100))
    var decoder = FrameDecoder(role: .server)
    var read = ByteBuffer(bytes: wire + wire)
    decoder.append(read)
    var parts = 0
    while try decoder.nextWirePart() != nil { parts += 1 }
    XCTAssertEqual(parts, 4)
    XCTAssertTrue(read.modifyIfUniquelyOwned { _ in true } ?? false, "the decoder still holds the read")
  }
}
