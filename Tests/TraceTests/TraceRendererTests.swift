import XCTest

@testable import Trace

final class TraceRendererTests: XCTestCase {
  func testBitPatternsAndValues() {
    XCTAssertEqual(Trace.bitPattern(0x81, mask: 0x80), "1.......")
    XCTAssertEqual(Trace.bitPattern(0x81, mask: 0x70), ".000....")
    XCTAssertEqual(Trace.bitPattern(0x81, mask: 0x0f), "....0001")
    XCTAssertEqual(Trace.bits(0x85, mask: 0x7f), 5)
    XCTAssertEqual(Trace.bits(0xc1, mask: 0x70), 4)
    XCTAssertEqual(Trace.bits(0xff, mask: 0), 0)
    XCTAssertEqual([0x81, 0x05, 0xff].hexString, "81 05 ff")
    XCTAssertEqual(Trace.shortHex(10), "0xa")
  }

  func testQuotedNeverFailsAndEscapes() {
    XCTAssertEqual(Trace.quoted(Array("Hello".utf8)), "\"Hello\"")
    XCTAssertEqual(Trace.quoted(Array("a\r\n\"\\".utf8)), "\"a\\r\\n\\\"\\\\\"")
    XCTAssertEqual(Trace.quoted([0x48, 0x69, 0xc3, 0x28]), "\"Hi\\xc3(\"")
    // A UTF-8 sequence cut by the limit or by the end of the bytes is escaped, not dropped.
    XCTAssertEqual(Trace.quoted(Array("a€".utf8).dropLast()), "\"a\\xe2\\x82\"")
    XCTAssertEqual(Trace.quoted(Array("abcdef".utf8), limit: 3), "\"abc\"…")
    // Mostly invalid bytes read better as hex.
    XCTAssertEqual(Trace.quoted([0xff, 0xfe, 0x80, 0x81]), "ff fe 80 81")
    XCTAssertEqual(Trace.quoted([UInt8]()), "\"\"")
    XCTAssertEqual(Trace.quoted([0x00]), "\"\\u{0}\"")
  }

  func testTextLayoutShowsEveryLineWithItsMeaning() {
    let head = Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
    let record = TraceRecord(
      title: "request", direction: .clientToServer, layout: .text, bytes: head,
      fields: [
        TraceField(
          range: 0..<16, name: "request line", value: "GET / HTTP/1.1", meaning: "a GET", section: "RFC 6455 §4.1"),
        TraceField(range: 16..<25, name: "Host", value: "a", meaning: "the server's authority"),
        TraceField(range: 25..<27, name: "end of head", value: "", meaning: "an empty line ends the head"),
      ])
    let expected = """
      ▶ client → server  request
        0     GET / HTTP/1.1\\r\\n
              └ a GET  §4.1
        16    Host: a\\r\\n
              └ the server's authority
        25    \\r\\n
              └ an empty line ends the head

      """
    XCTAssertEqual(TraceRenderer().render(record), expected)
  }

  func testVisibleTextEscapesControlAndInvalidBytes() {
    XCTAssertEqual(Trace.visibleText(Array("a§\r\n\t".utf8) + [0x01, 0xff, 0x62]), "a§\\r\\n\\t\\x01\\xffb")
  }

  func testControlCharactersNeverReachTheTerminal() {
    let r = TraceRenderer()
    XCTAssertEqual(r.render(.note("a\u{1b}[2Jb\u{07}")), "note: a\\u{1b}[2Jb\\u{7}\n")
    let record = TraceRecord(
      title: "t\u{1b}", bytes: [1],
      fields: [TraceField(range: 0..<1, name: "n\u{9b}", value: "v\u{0}", meaning: "m\u{7f}")])
    XCTAssertFalse(
      r.render(record).unicodeScalars.contains {
        $0.value == 0x1b || $0.value == 0x9b || $0.value == 0 || $0.value == 0x7f
      })
  }

  func testBytesNoFieldDescribesAreStillShown() {
    let record = TraceRecord(
      title: "partial", bytes: [1, 2, 3, 4], fields: [TraceField(range: 1..<2, name: "x", value: "2", meaning: "m")])
    let out = TraceRenderer().render(record)
    XCTAssertTrue(out.contains("0     01"), out)
    XCTAssertTrue(out.contains("(not annotated)"), out)
    XCTAssertTrue(out.contains("2     03 04"), out)
  }

  func testLongFieldsAreSummarised() {
    let record = TraceRecord(
      title: "big", bytes: [UInt8](repeating: 0xab, count: 100),
      fields: [TraceField(range: 0..<100, name: "payload", value: "100 bytes", meaning: "data")])
    let out = TraceRenderer(bytesPerLine: 8, maxLinesPerField: 2).render(record)
    XCTAssertEqual(out.split(separator: "\n").count, 3, out)
    XCTAssertTrue(out.contains("… 92 more bytes"), out)
  }

  func testANSIStyleAddsColourButNoInformation() {
    let record = TraceRecord(
      title: "t", direction: .serverToClient, bytes: [0x81],
      fields: [
        TraceField(range: 0..<1, bits: 0x80, name: "FIN", value: "1", meaning: "final", section: "RFC 6455 §5.2")
      ])
    let plain = TraceRenderer(style: .plain).render(record)
    let ansi = TraceRenderer(style: .ansi).render(record)
    XCTAssertNotEqual(plain, ansi)
    XCTAssertTrue(ansi.contains("\u{1b}["))
    XCTAssertFalse(plain.contains("\u{1b}["))
    XCTAssertEqual(stripANSI(ansi), plain)
  }

  func testEventsAndPrefix() {
    let r = TraceRenderer(linePrefix: "[c1] ")
    XCTAssertEqual(r.render(.note("hi")), "[c1] note: hi\n")
    XCTAssertEqual(
      r.render(.transition(from: "OPEN", to: "CLOSING", reason: "close sent")),
      "[c1] state: OPEN → CLOSING (close sent)\n")
    let log = TraceLog()
    log.record(.note("a"))
    log.record(.bytes(TraceRecord(title: "x", bytes: [])))
    XCTAssertEqual(log.records.count, 1)
    XCTAssertEqual(log.drain().count, 2)
    XCTAssertTrue(log.events.isEmpty)
  }

  private func stripANSI(_ s: String) -> String {
    var out = ""
    var inEscape = false
    for c in s.unicodeScalars {
      if inEscape {
        if c == "m" { inEscape = false }
      } else if c == "\u{1b}" {
        inEscape = true
      } else {
        out.unicodeScalars.append(c)
      }
    }
    return out
  }
}
