import XCTest

@testable import Trace

/// The capture format, checked structurally (tshark reads real captures in make test).
final class PcapNGTests: XCTestCase {
  func le32(_ b: [UInt8], _ at: Int) -> UInt32 {
    UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
  }
  func be32(_ b: [UInt8], _ at: Int) -> UInt32 {
    UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
  }

  /// Every block as (type, body); each block's two length fields agree and it is 4-byte aligned.
  func blocks(_ bytes: [UInt8]) -> [(type: UInt32, body: [UInt8])] {
    var out: [(UInt32, [UInt8])] = []
    var i = 0
    while i < bytes.count {
      let type = le32(bytes, i)
      let length = Int(le32(bytes, i + 4))
      XCTAssertEqual(length % 4, 0)
      XCTAssertEqual(le32(bytes, i + length - 4), UInt32(length), "trailing length of block at \(i)")
      out.append((type, Array(bytes[(i + 8)..<(i + length - 4)])))
      i += length
    }
    XCTAssertEqual(i, bytes.count)
    return out
  }

  func testAConnectionAsBlocksAndSegments() {
    var capture = PcapNGCapture(maxSegment: 4)
    let client = PcapNGCapture.Endpoint(127, 0, 0, 1, port: 50001)
    let server = PcapNGCapture.Endpoint(127, 0, 0, 1, port: 80)
    capture.open(1, client: client, server: server, at: 1_000_000)
    capture.send(1, from: .client, Array("hello".utf8), at: 2_000_000)  // two segments of 4 and 1
    capture.close(1, from: .server, at: 3_000_000)
    let all = blocks(capture.bytes)
    XCTAssertEqual(all[0].type, 0x0A0D_0D0A)
    XCTAssertEqual(le32(all[0].body, 0), 0x1A2B_3C4D)
    XCTAssertEqual(all[1].type, 1)
    XCTAssertEqual(all[1].body[0], 101)  // LINKTYPE_RAW
    let packets = all.dropFirst(2).map { block -> [UInt8] in
      XCTAssertEqual(block.type, 6)
      let length = Int(le32(block.body, 12))
      return Array(block.body[20..<(20 + length)])
    }
    // SYN, SYN-ACK, ACK; 2 × (data, ACK); FIN, ACK.
    XCTAssertEqual(packets.count, 3 + 4 + 2)
    XCTAssertEqual(packets.map { $0[33] }, [0x02, 0x12, 0x10, 0x18, 0x10, 0x18, 0x10, 0x11, 0x10])
    for packet in packets {
      XCTAssertEqual(PcapNGCapture.checksum(Array(packet[0..<20])), 0, "IPv4 header checksum")
      let tcp = Array(packet[20...])
      var pseudo = Array(packet[12..<20]) + [0, 6]
      PcapNGCapture.append16(&pseudo, UInt16(tcp.count))
      XCTAssertEqual(PcapNGCapture.checksum(pseudo + tcp), 0, "TCP checksum")
    }
    // Sequence numbers advance with the bytes: the second data segment starts 4 after the first,
    // and the server's ACK of it acknowledges all 5.
    let firstSeq = be32(packets[3], 24)
    XCTAssertEqual(be32(packets[5], 24), firstSeq &+ 4)
    XCTAssertEqual(be32(packets[6], 28), firstSeq &+ 5)
    XCTAssertEqual(Array(packets[3][40...]), Array("hell".utf8))
    XCTAssertEqual(Array(packets[5][40...]), Array("o".utf8))
    // Timestamps in microseconds.
    let epb = all[5].body
    XCTAssertEqual(UInt64(le32(epb, 4)) << 32 | UInt64(le32(epb, 8)), 2_000_000)
    // Data on a connection never opened is ignored, not invented.
    var other = PcapNGCapture()
    let before = other.bytes.count
    other.send(9, from: .client, [1, 2, 3], at: 0)
    XCTAssertEqual(other.bytes.count, before)
  }

  func testEndpointsFromText() {
    XCTAssertEqual(PcapNGCapture.Endpoint(ipv4: "127.0.0.2", port: 9001), .init(127, 0, 0, 2, port: 9001))
    XCTAssertNil(PcapNGCapture.Endpoint(ipv4: "::1", port: 9001))
    XCTAssertNil(PcapNGCapture.Endpoint(ipv4: "127.0.0.1", port: 70000))
  }
}
