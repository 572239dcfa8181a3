import CZlib
import DeflateReader
import Foundation
import NIOCore
import Trace
import XCTest

@testable import Deflate

func hexBytes(_ s: String) -> [UInt8] { s.split(separator: " ").map { UInt8($0, radix: 16)! } }

extension ByteBuffer {
  var array: [UInt8] { Array(readableBytesView) }
}

final class DeflateCodecTests: XCTestCase {
  let hello = ByteBuffer(string: "Hello")

  func codec(_ parameters: DeflateParameters = .init(), isServer: Bool = true, options: DeflateOptions = .init())
    -> PerMessageDeflate
  {
    PerMessageDeflate(parameters: parameters, options: options, isServer: isServer)
  }

  // MARK: RFC 7692 §7.2.3 vectors

  func testCompressesHelloAsTheRFCDoes() throws {
    let sender = codec()
    XCTAssertEqual(try sender.compress(hello, isLast: true).array, hexBytes("f2 48 cd c9 c9 07 00"), "§7.2.3.1")
    XCTAssertEqual(try sender.compress(hello, isLast: true).array, hexBytes("f2 00 11 00 00"), "§7.2.3.2, takeover")
    let noTakeover = codec(DeflateParameters(serverNoContextTakeover: true))
    XCTAssertEqual(try noTakeover.compress(hello, isLast: true).array, hexBytes("f2 48 cd c9 c9 07 00"))
    XCTAssertEqual(
      try noTakeover.compress(hello, isLast: true).array, hexBytes("f2 48 cd c9 c9 07 00"), "§7.2.3.2, no takeover")
  }

  /// Lesson 4's explanation of why the second "Hello" keeps a literal H: not a rule about the
  /// first byte after a flush (with "xHello" first, the whole "Hello" is one match right after the
  /// flush), but zlib's hash chains, which use position 0 as "no match".
  func testAMatchCanStartRightAfterAFlushButNotAtWindowPositionZero() throws {
    let sender = codec()
    XCTAssertEqual(
      try sender.compress(ByteBuffer(string: "xHello"), isLast: true).array, hexBytes("aa f0 48 cd c9 c9 07 00"))
    XCTAssertEqual(try sender.compress(hello, isLast: true).array, hexBytes("02 13 00 00"), "one match, length 5")
    let fresh = codec()
    XCTAssertEqual(
      try fresh.compress(ByteBuffer(string: "Hello, Hello"), isLast: true).array,
      hexBytes("f2 48 cd c9 c9 d7 51 f0 00 51 00 00"), "'H' literal again: the first H is at position 0")
  }

  func testInflatesEveryRFCExample() throws {
    func inflate(_ parts: [String], into receiver: PerMessageDeflate) throws -> String {
      var out = ByteBuffer()
      for (i, part) in parts.enumerated() {
        var piece = try receiver.decompress(ByteBuffer(bytes: hexBytes(part)), isLast: i == parts.count - 1)
        out.writeBuffer(&piece)
      }
      return String(buffer: out)
    }
    let r = codec(isServer: false)
    XCTAssertEqual(try inflate(["f2 48 cd c9 c9 07 00"], into: r), "Hello")
    XCTAssertEqual(try inflate(["f2 00 11 00 00"], into: r), "Hello", "back-reference into the previous message")
    XCTAssertEqual(try inflate(["f2 48 cd", "c9 c9 07 00"], into: codec(isServer: false)), "Hello", "fragmented")
    XCTAssertEqual(try inflate(["00 05 00 fa ff 48 65 6c 6c 6f 00"], into: codec(isServer: false)), "Hello", "stored")
    XCTAssertEqual(try inflate(["f3 48 cd c9 c9 07 00 00"], into: codec(isServer: false)), "Hello", "BFINAL=1")
    XCTAssertEqual(
      try inflate(["f2 48 05 00 00 00 ff ff ca c9 c9 07 00"], into: codec(isServer: false)), "Hello", "two blocks")
    // After a BFINAL=1 message the stream starts afresh.
    let afterFinal = codec(isServer: false)
    XCTAssertEqual(try inflate(["f3 48 cd c9 c9 07 00 00"], into: afterFinal), "Hello")
    XCTAssertEqual(try inflate(["f2 48 cd c9 c9 07 00"], into: afterFinal), "Hello")
  }

  func testEmptyMessageIsOneZeroByte() throws {
    // RFC 7692 §7.2.3.6: an empty message compresses to 00.
    XCTAssertEqual(try codec().compress(ByteBuffer(), isLast: true).array, [0x00])
    XCTAssertEqual(try codec(isServer: false).decompress(ByteBuffer(bytes: [0x00]), isLast: true).readableBytes, 0)
    // Also right after another message, when zlib has nothing to flush and writes nothing.
    let sender = codec()
    let receiver = codec(isServer: false)
    for text in ["Hello", "", "", "Hello", ""] {
      let compressed = try sender.compress(ByteBuffer(string: text), isLast: true)
      XCTAssertGreaterThan(compressed.readableBytes, 0)
      XCTAssertEqual(String(buffer: try receiver.decompress(compressed, isLast: true)), text)
    }
    // A peer that sends an empty payload for an empty message is accepted too.
    XCTAssertEqual(try receiver.decompress(ByteBuffer(), isLast: true).readableBytes, 0)
    XCTAssertEqual(
      String(
        buffer: try receiver.decompress(try sender.compress(ByteBuffer(string: "ok"), isLast: true), isLast: true)),
      "ok")
  }

  // MARK: round trips

  /// Seeded data from 0 bytes to 1 MiB, every window size, with and without context takeover,
  /// several messages in a row, some of them fragmented.
  func testRoundTripsUnderEveryWindowSize() throws {
    var rng = SeededRandom(seed: 7692)
    let words = ["hello", "websocket", "frame", "{\"user\":\"ada\",", "\"text\":\"", "\"}", " ", "ping", "1234"]
    func sample(_ size: Int) -> [UInt8] {
      if Bool.random(using: &rng) {
        return (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
      }
      var out: [UInt8] = []
      while out.count < size { out += Array(words.randomElement(using: &rng)!.utf8) }
      return Array(out.prefix(size))
    }
    let sizes = [0, 1, 31, 32, 200, 4096, 70_000, 1 << 20]
    for bits in 9...15 {
      for noTakeover in [false, true] {
        let params = DeflateParameters(
          serverNoContextTakeover: noTakeover, clientNoContextTakeover: noTakeover, serverMaxWindowBits: bits,
          clientMaxWindowBits: bits)
        let sender = PerMessageDeflate(parameters: params, isServer: true)
        let receiver = PerMessageDeflate(parameters: params, isServer: false)
        for size in sizes where bits == 15 || size <= 70_000 {
          let data = sample(size)
          let fragments = size > 64 && Bool.random(using: &rng) ? 3 : 1
          var received: [UInt8] = []
          let cut = [0, size / 3, 2 * size / 3, size]
          for f in 0..<fragments {
            let part = fragments == 1 ? data[...] : data[cut[f]..<cut[f + 1]]
            let compressed = try sender.compress(ByteBuffer(bytes: part), isLast: f == fragments - 1)
            received += try receiver.decompress(compressed, isLast: f == fragments - 1).array
          }
          XCTAssertEqual(received.count, data.count, "bits \(bits) size \(size) noTakeover \(noTakeover)")
          XCTAssertTrue(received == data, "bits \(bits) size \(size) noTakeover \(noTakeover)")
        }
      }
    }
  }

  /// A compressed message split into two fragments at every point inflates to the same text.
  func testCompressedMessageAtEveryFragmentSplit() throws {
    let text = String(repeating: "permessage-deflate ", count: 20)
    let compressed = try codec().compress(ByteBuffer(string: text), isLast: true).array
    for split in 0...compressed.count {
      let r = codec(isServer: false)
      var out = try r.decompress(ByteBuffer(bytes: compressed[..<split]), isLast: false)
      var rest = try r.decompress(ByteBuffer(bytes: compressed[split...]), isLast: true)
      out.writeBuffer(&rest)
      XCTAssertEqual(String(buffer: out), text, "split at \(split)")
    }
  }

  // MARK: limits and bad data

  func testDecompressionBombStopsAtTheCap() throws {
    let bomb = try codec().compress(ByteBuffer(repeating: 0, count: 16 << 20), isLast: true)
    XCTAssertLessThan(bomb.readableBytes, 20_000, "16 MiB of zeros compresses to a few KiB")
    let r = codec(isServer: false, options: DeflateOptions(maxDecompressedMessageSize: 1 << 20))
    XCTAssertThrowsError(try r.decompress(bomb, isLast: true)) {
      XCTAssertEqual($0 as? DeflateError, .messageTooBig(limit: 1 << 20))
    }
    // Across fragments too.
    let half = bomb.readableBytes / 2
    let f = codec(isServer: false, options: DeflateOptions(maxDecompressedMessageSize: 1 << 20))
    XCTAssertThrowsError(
      try {
        _ = try f.decompress(bomb.getSlice(at: 0, length: half)!, isLast: false)
        _ = try f.decompress(bomb.getSlice(at: half, length: bomb.readableBytes - half)!, isLast: true)
      }())
    // Exactly at the cap is fine.
    let exact = try codec().compress(ByteBuffer(repeating: 7, count: 4096), isLast: true)
    let e = codec(isServer: false, options: DeflateOptions(maxDecompressedMessageSize: 4096))
    XCTAssertEqual(try e.decompress(exact, isLast: true).readableBytes, 4096)
  }

  func testCorruptAndTruncatedStreamsAreErrors() {
    // BTYPE=11 is reserved.
    XCTAssertThrowsError(try codec(isServer: false).decompress(ByteBuffer(bytes: [0xff, 0xff]), isLast: true)) {
      guard case .corrupt = $0 as? DeflateError else { return XCTFail("\($0)") }
    }
    // A message cut inside its block: "Hello" without its last byte.
    XCTAssertThrowsError(
      try codec(isServer: false).decompress(ByteBuffer(bytes: hexBytes("f2 48 cd c9 c9")), isLast: true)
    ) {
      guard case .corrupt = $0 as? DeflateError else { return XCTFail("\($0)") }
    }
    // A distance beyond the window: a back-reference into a history that does not exist.
    XCTAssertThrowsError(
      try codec(isServer: false).decompress(ByteBuffer(bytes: hexBytes("f2 00 11 00 00")), isLast: true))
  }

  func testSmallMessagesAndWindow8StayUncompressed() {
    let c = codec()
    XCTAssertFalse(c.shouldCompress(size: 31))
    XCTAssertTrue(c.shouldCompress(size: 32))
    let w8 = codec(DeflateParameters(serverMaxWindowBits: 8))
    XCTAssertFalse(w8.canCompress)
    XCTAssertFalse(w8.shouldCompress(size: 10_000))
    // ... while the peer's window-8 stream is still readable (inflated with 9).
    let client8 = PerMessageDeflate(parameters: DeflateParameters(clientMaxWindowBits: 9), isServer: false)
    let server = PerMessageDeflate(parameters: DeflateParameters(clientMaxWindowBits: 8), isServer: true)
    XCTAssertEqual(server.receiveWindowBits, 8)
    let data = ByteBuffer(string: String(repeating: "abcdefgh", count: 100))
    XCTAssertEqual(try server.decompress(try client8.compress(data, isLast: true), isLast: true), data)
  }

  // MARK: independent inflaters

  /// The Trace layer's DEFLATE reader shares no code with zlib: our compressed messages, with
  /// the tail appended and the previous messages as history, must read back exactly.
  func testOutputReadsBackWithTheIndependentDissector() throws {
    var rng = SeededRandom(seed: 1951)
    for bits in [9, 12, 15] {
      let sender = codec(DeflateParameters(serverMaxWindowBits: bits))
      var history: [UInt8] = []
      for _ in 0..<30 {
        let size = Int.random(in: 0...3000, using: &rng)
        let data: [UInt8] =
          Bool.random(using: &rng)
          ? (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
          : Array(String(repeating: "{\"user\":\"ada\",\"n\":\(size)}", count: size / 20 + 1).utf8.prefix(size))
        let compressed = try sender.compress(ByteBuffer(bytes: data), isLast: true).array
        let result = DeflateDissector.dissect(compressed + PerMessageDeflate.tail, history: history)
        XCTAssertNil(result.error, "window \(bits), \(size) bytes")
        XCTAssertTrue(result.output == data, "window \(bits), \(size) bytes")
        history += data
      }
    }
  }

  /// Our output must be plain raw DEFLATE: Python's zlib (wbits=-15) inflates it, and we inflate
  /// Python's. Python 3 is part of the build machine; a missing python3 fails loudly.
  func testInteroperatesWithPythonZlib() throws {
    let text = String(repeating: "{\"user\":\"ada\",\"text\":\"hello websocket\"}", count: 50)
    let ours = try codec().compress(ByteBuffer(string: text), isLast: true).array
    let script = """
      import sys, zlib, binascii
      data = binascii.unhexlify(sys.argv[1])
      d = zlib.decompressobj(-15)
      out = d.decompress(data + b'\\x00\\x00\\xff\\xff')
      sys.stdout.write(out.decode())
      sys.stdout.write('\\n')
      c = zlib.compressobj(6, zlib.DEFLATED, -15)
      z = c.compress(out) + c.flush(zlib.Z_SYNC_FLUSH)
      assert z.endswith(b'\\x00\\x00\\xff\\xff')
      sys.stdout.write(binascii.hexlify(z[:-4]).decode())
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, ours.map { String(format: "%02x", $0) }.joined()]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, "python3 with zlib must be available: \(output)")
    let lines = output.split(separator: "\n")
    guard lines.count == 2 else { return XCTFail("unexpected python output: \(output)") }
    XCTAssertEqual(String(lines[0]), text, "Python inflated our output")
    let theirs = stride(from: 0, to: lines[1].count, by: 2).compactMap {
      UInt8(lines[1].dropFirst($0).prefix(2), radix: 16)
    }
    XCTAssertEqual(String(buffer: try codec(isServer: false).decompress(ByteBuffer(bytes: theirs), isLast: true)), text)
  }
}
