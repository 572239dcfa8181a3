import NIOCore
import XCTest

@testable import Framing

final class MessageAssemblerTests: XCTestCase {
  let encoder = FrameEncoder()

  func frame(_ opcode: Opcode, fin: Bool = true, _ payload: [UInt8]) -> Frame {
    Frame(fin: fin, opcode: opcode, payload: ByteBuffer(bytes: payload))
  }

  func frame(_ opcode: Opcode, fin: Bool = true, _ text: String) -> Frame {
    frame(opcode, fin: fin, Array(text.utf8))
  }

  func testSingleFrameMessages() throws {
    var assembler = MessageAssembler()
    XCTAssertEqual(try assembler.append(frame(.text, "Hello")), .text("Hello"))
    XCTAssertEqual(try assembler.append(frame(.binary, [1, 2, 3])), .binary(ByteBuffer(bytes: [1, 2, 3])))
    XCTAssertEqual(try assembler.append(frame(.text, "")), .text(""))
    XCTAssertEqual(try assembler.append(frame(.ping, "p")), .ping(ByteBuffer(string: "p")))
    XCTAssertEqual(try assembler.append(frame(.pong, "q")), .pong(ByteBuffer(string: "q")))
    XCTAssertEqual(try assembler.append(frame(.close, [0x03, 0xe8])), .close(ByteBuffer(bytes: [0x03, 0xe8])))
  }

  func testRFCFragmentedHelloFromWireBytes() throws {
    // RFC 6455 §5.7: 01 03 48 65 6c ("Hel") then 80 02 6c 6f ("lo").
    let (frames, error) = decodeAll(hex("01 03 48 65 6c 80 02 6c 6f"), role: .client)
    XCTAssertNil(error)
    var assembler = MessageAssembler()
    XCTAssertNil(try assembler.append(frames[0]))
    XCTAssertEqual(assembler.messageInProgress, .text)
    XCTAssertEqual(try assembler.append(frames[1]), .text("Hello"))
    XCTAssertNil(assembler.messageInProgress)
  }

  func testControlFramesBetweenFragmentsComeOutAtOnce() throws {
    var assembler = MessageAssembler()
    XCTAssertNil(try assembler.append(frame(.binary, fin: false, [1])))
    XCTAssertEqual(try assembler.append(frame(.ping, "a")), .ping(ByteBuffer(string: "a")))
    XCTAssertNil(try assembler.append(frame(.continuation, fin: false, [2])))
    XCTAssertEqual(try assembler.append(frame(.pong, "b")), .pong(ByteBuffer(string: "b")))
    XCTAssertEqual(try assembler.append(frame(.continuation, fin: true, [3])), .binary(ByteBuffer(bytes: [1, 2, 3])))
    // And the next message starts fresh.
    XCTAssertEqual(try assembler.append(frame(.text, "x")), .text("x"))
  }

  func testManyEmptyFragments() throws {
    var assembler = MessageAssembler()
    XCTAssertNil(try assembler.append(frame(.text, fin: false, "")))
    for _ in 0..<1000 { XCTAssertNil(try assembler.append(frame(.continuation, fin: false, ""))) }
    XCTAssertEqual(try assembler.append(frame(.continuation, fin: true, "")), .text(""))
  }

  func testContinuationWithoutStartIs1002() {
    var assembler = MessageAssembler()
    XCTAssertThrowsError(try assembler.append(frame(.continuation, "x"))) {
      XCTAssertEqual(($0 as? ProtocolError)?.kind, .unexpectedContinuation)
      XCTAssertEqual(($0 as? ProtocolError)?.closeCode, .protocolError)
    }
  }

  func testNewDataFrameInsideFragmentedMessageIs1002() throws {
    for opcode in [Opcode.text, .binary] {
      var assembler = MessageAssembler()
      XCTAssertNil(try assembler.append(frame(.text, fin: false, "a")))
      XCTAssertThrowsError(try assembler.append(frame(opcode, "b"))) {
        XCTAssertEqual(($0 as? ProtocolError)?.kind, .expectedContinuation(got: opcode))
        XCTAssertEqual(($0 as? ProtocolError)?.closeCode.rawValue, 1002)
      }
    }
  }

  func testMessageLimitAcrossFragmentsIs1009() throws {
    var assembler = MessageAssembler(configuration: .init(maxMessageSize: 10))
    XCTAssertNil(try assembler.append(frame(.binary, fin: false, [UInt8](repeating: 0, count: 6))))
    XCTAssertThrowsError(try assembler.append(frame(.continuation, fin: false, [UInt8](repeating: 0, count: 5)))) {
      XCTAssertEqual(($0 as? ProtocolError)?.kind, .messageTooLarge(size: 11, limit: 10))
      XCTAssertEqual(($0 as? ProtocolError)?.closeCode.rawValue, 1009)
    }
    var single = MessageAssembler(configuration: .init(maxMessageSize: 10))
    XCTAssertThrowsError(try single.append(frame(.text, [UInt8](repeating: 0x61, count: 11))))
    XCTAssertEqual(try single.append(frame(.text, String(repeating: "a", count: 10))), .text("aaaaaaaaaa"))
  }

  /// Part by part: the limit is checked on the header, before any payload; text is validated
  /// chunk by chunk; a message that arrives as one chunk is that chunk.
  func testPartByPartTheLimitIsCheckedOnTheHeaderAndTextOnEveryChunk() throws {
    var assembler = MessageAssembler(configuration: .init(maxMessageSize: 10))
    XCTAssertThrowsError(try assembler.beginFrame(FrameHeader(opcode: .binary, payloadLength: 11))) {
      XCTAssertEqual(($0 as? ProtocolError)?.kind, .messageTooLarge(size: 11, limit: 10))
    }
    // When an extension will change the payload, the length on the wire is not the message's:
    // the chunks are counted instead.
    var transformed = MessageAssembler(configuration: .init(maxMessageSize: 10))
    try transformed.beginFrame(FrameHeader(opcode: .binary, payloadLength: 3), lengthIsFinal: false)
    try transformed.appendPayload(ByteBuffer(repeating: 1, count: 6))
    XCTAssertThrowsError(try transformed.appendPayload(ByteBuffer(repeating: 1, count: 5))) {
      XCTAssertEqual(($0 as? ProtocolError)?.kind, .messageTooLarge(size: 11, limit: 10))
    }

    var text = MessageAssembler()
    try text.beginFrame(FrameHeader(opcode: .text, payloadLength: 1000))
    try text.appendPayload(ByteBuffer(string: "ok "))
    XCTAssertThrowsError(try text.appendPayload(ByteBuffer(bytes: [0x41, 0xc0]))) {
      XCTAssertEqual(($0 as? ProtocolError)?.kind, .invalidUTF8(messageOffset: 4))
    }

    var single = MessageAssembler()
    let chunk = ByteBuffer(string: "Hello")
    try single.beginFrame(FrameHeader(opcode: .binary, payloadLength: 5))
    try single.appendPayload(chunk)
    guard case .binary(let message) = try single.endFrame() else { return XCTFail("no message") }
    XCTAssertEqual(message, chunk)
    chunk.withUnsafeReadableBytes { a in
      message.withUnsafeReadableBytes { b in XCTAssertEqual(a.baseAddress, b.baseAddress, "no copy") }
    }
  }

  func testUTF8SplitAcrossFragmentsAtEveryPointIsValid() throws {
    let text = "κόσμε € 𝄞 ok"
    let bytes = Array(text.utf8)
    for split in 0...bytes.count {
      var assembler = MessageAssembler()
      XCTAssertNil(try assembler.append(frame(.text, fin: false, Array(bytes[..<split]))))
      XCTAssertEqual(try assembler.append(frame(.continuation, fin: true, Array(bytes[split...]))), .text(text))
    }
  }

  func testInvalidUTF8FailsFastInTheFirstFragmentWith1007() {
    var assembler = MessageAssembler()
    // "ok " then ED A0 80 (a surrogate): invalid at A0, message offset 4, before FIN.
    XCTAssertThrowsError(try assembler.append(frame(.text, fin: false, Array("ok ".utf8) + [0xed, 0xa0, 0x80]))) {
      XCTAssertEqual(($0 as? ProtocolError)?.kind, .invalidUTF8(messageOffset: 4))
      XCTAssertEqual(($0 as? ProtocolError)?.closeCode.rawValue, 1007)
    }
  }

  func testInvalidUTF8InALaterFragmentReportsTheMessageOffset() throws {
    var assembler = MessageAssembler()
    XCTAssertNil(try assembler.append(frame(.text, fin: false, "abc")))
    XCTAssertNil(try assembler.append(frame(.continuation, fin: false, [0xe2, 0x82])))
    XCTAssertThrowsError(try assembler.append(frame(.continuation, fin: true, [0x41]))) {
      XCTAssertEqual(($0 as? ProtocolError)?.kind, .invalidUTF8(messageOffset: 5))
    }
  }

  func testTextEndingInsideASequenceIs1007() {
    var assembler = MessageAssembler()
    XCTAssertThrowsError(try assembler.append(frame(.text, Array("price: ".utf8) + [0xe2, 0x82]))) {
      XCTAssertEqual(($0 as? ProtocolError)?.kind, .truncatedUTF8(messageOffset: 7))
      XCTAssertEqual(($0 as? ProtocolError)?.closeCode.rawValue, 1007)
    }
  }

  func testBinaryIsNotValidated() throws {
    var assembler = MessageAssembler()
    XCTAssertEqual(try assembler.append(frame(.binary, [0xff, 0xfe])), .binary(ByteBuffer(bytes: [0xff, 0xfe])))
    XCTAssertThrowsError(try assembler.append(frame(.text, [0xff])))
  }

  /// A seeded random conversation: messages cut into random fragments with control frames in
  /// between, encoded, cut into random chunks, decoded and reassembled.
  func testRandomFragmentedConversationsReassembleExactly() throws {
    var rng = TestRandom(seed: 7)
    let alphabet = Array("aé€𝄞 xyz".unicodeScalars)
    for round in 0..<60 {
      var wire: [UInt8] = []
      var expected: [Message] = []
      for _ in 0..<Int.random(in: 1...8, using: &rng) {
        let isText = Bool.random(using: &rng)
        let payload: [UInt8]
        if isText {
          var s = String.UnicodeScalarView()
          for _ in 0..<Int.random(in: 0...200, using: &rng) { s.append(alphabet.randomElement(using: &rng)!) }
          payload = Array(String(s).utf8)
          expected.append(.text(String(s)))
        } else {
          payload = (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
          expected.append(.binary(ByteBuffer(bytes: payload)))
        }
        // Cut into fragments (byte-wise, so UTF-8 sequences are split too).
        var cuts = (0..<Int.random(in: 0...4, using: &rng)).map { _ in Int.random(in: 0...payload.count, using: &rng) }
        cuts = ([0] + cuts.sorted() + [payload.count])
        for i in 0..<(cuts.count - 1) {
          let part = Array(payload[cuts[i]..<cuts[i + 1]])
          let opcode: Opcode = i == 0 ? (isText ? .text : .binary) : .continuation
          let key = MaskingKey(UInt8(round), UInt8(i), 0x5a, 0xa5)
          wire += encoder.frameBytes(opcode: opcode, fin: i == cuts.count - 2, maskingKey: key, payload: part)
          if Int.random(in: 0..<3, using: &rng) == 0 && i < cuts.count - 2 {
            wire += encoder.frameBytes(opcode: .ping, maskingKey: key, payload: [UInt8(i)])
            expected.append(.ping(ByteBuffer(bytes: [UInt8(i)])))
          }
        }
      }
      // Control frames come out before the message they interrupted: reorder expectations.
      var chunks: [Int] = []
      var left = wire.count
      while left > 0 {
        let c = min(left, Int.random(in: 1...64, using: &rng))
        chunks.append(c)
        left -= c
      }
      let (frames, error) = decodeAll(wire, role: .server, chunks: chunks)
      XCTAssertNil(error)
      var assembler = MessageAssembler()
      var received: [Message] = []
      for f in frames { if let m = try assembler.append(f) { received.append(m) } }
      let sortedExpected = expected.filter { if case .ping = $0 { false } else { true } }
      let sortedReceived = received.filter { if case .ping = $0 { false } else { true } }
      XCTAssertEqual(sortedReceived, sortedExpected, "round \(round)")
      XCTAssertEqual(received.count, expected.count)
    }
  }
}
