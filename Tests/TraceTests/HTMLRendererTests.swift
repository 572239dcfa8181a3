import XCTest

@testable import Trace

final class HTMLRendererTests: XCTestCase {
  let frame = TraceRecord(
    title: "frame: text \"<b>\" & more", direction: .clientToServer, bytes: [0x81, 0x83, 1, 2, 3, 4, 0x3d, 0x60, 0x3d],
    fields: [
      TraceField(range: 0..<1, bits: 0x80, name: "FIN", value: "1", meaning: "final", section: "RFC 6455 §5.2"),
      TraceField(range: 0..<1, bits: 0x70, name: "RSV1-3", value: "000", meaning: "reserved", section: "RFC 6455 §5.2"),
      TraceField(range: 0..<1, bits: 0x0f, name: "opcode", value: "0x1", meaning: "text", section: "RFC 6455 §5.2"),
      TraceField(range: 1..<2, bits: 0x80, name: "MASK", value: "1", meaning: "masked", section: "RFC 6455 §5.1"),
      TraceField(range: 1..<2, bits: 0x7f, name: "length", value: "3", meaning: "3 bytes"),
      TraceField(range: 2..<6, name: "masking key", value: "01 02 03 04", meaning: "XOR key", section: "RFC 6455 §5.3"),
      TraceField(range: 6..<9, name: "payload", value: "\"<b>\"", meaning: "unmasked: <b>"),
    ])

  /// Bit fields of one byte share its group; byte fields get one each.
  func testGroupsFollowTheFields() {
    let groups = HTMLRenderer.groups(of: frame)
    XCTAssertEqual(groups.map(\.range), [0..<1, 1..<2, 2..<6, 6..<9])
    XCTAssertEqual(groups.map(\.fields), [[0, 1, 2], [3, 4], [5], [6]])
    let html = HTMLRenderer().render(frame, id: "r1")
    XCTAssertEqual(html.components(separatedBy: "<button type=\"button\" class=\"g").count - 1, 4)
    XCTAssertEqual(html.components(separatedBy: "<div class=\"note k").count - 1, 4)
    XCTAssertTrue(html.contains(">81</button>"), html)
    XCTAssertTrue(html.contains(">01 02 03 04</button>"), html)
  }

  /// Text from the wire is escaped everywhere it appears: it can never become markup.
  func testEverythingIsEscaped() {
    let html = HTMLRenderer().render(frame, id: "r1")
    XCTAssertFalse(html.contains("<b>"), html)
    XCTAssertTrue(html.contains("frame: text &quot;&lt;b&gt;&quot; &amp; more"), html)
    XCTAssertTrue(html.contains("unmasked: &lt;b&gt;"), html)
    XCTAssertEqual(HTMLRenderer.escape("a\u{1b}[2Jb"), "a\\u{1b}[2Jb")
  }

  /// A bit field shows eight cells: its own bits with their values, the others as dots.
  func testBitRows() {
    let html = HTMLRenderer().render(frame, id: "r1")
    XCTAssertTrue(
      html.contains(
        "<span class=\"bitrow\" aria-label=\"bits .0000011\"><i>·</i><i class=\"on\">0</i><i class=\"on\">0</i>"
          + "<i class=\"on\">0</i><i class=\"on\">0</i><i class=\"on\">0</i><i class=\"on\">1</i><i class=\"on\">1</i></span>"
      ),
      html)
  }

  func testSectionsLinkToTheRFCText() {
    XCTAssertEqual(
      HTMLRenderer.inline("see RFC 7692 §7.2.1 and §7.2.2, then §5.2."),
      "see <a class=\"sec\" href=\"https://www.rfc-editor.org/rfc/rfc7692#section-7.2.1\">RFC 7692 §7.2.1</a> and "
        + "<a class=\"sec\" href=\"https://www.rfc-editor.org/rfc/rfc7692#section-7.2.2\">§7.2.2</a>, then "
        + "<a class=\"sec\" href=\"https://www.rfc-editor.org/rfc/rfc7692#section-5.2\">§5.2</a>.")
    XCTAssertEqual(
      HTMLRenderer.inline("`Upgrade: websocket` (§4.1)"),
      "<code>Upgrade: websocket</code> (<a class=\"sec\" href=\"https://www.rfc-editor.org/rfc/rfc6455#section-4.1\">§4.1</a>)"
    )
    XCTAssertTrue(HTMLRenderer().render(frame, id: "r1").contains("rfc6455#section-5.3\">§5.3</a>"))
  }

  func testLongFieldsAreSummarised() {
    let big = TraceRecord(
      title: "payload", bytes: [UInt8](repeating: 0xab, count: 1000),
      fields: [TraceField(range: 0..<1000, name: "payload", value: "1000 bytes", meaning: "data")])
    let html = HTMLRenderer(maxBytesPerField: 16).render(big, id: "r1")
    XCTAssertTrue(html.contains("<i>… 984 more bytes</i>"), html)
  }

  func testPageStructureAndDeterminism() {
    let blocks: [DocumentBlock] = [
      .banner(number: 2, title: "frames", subtitle: "bits"),
      .heading(number: "2.1", title: "The header (RFC 6455 §5.2)"),
      .prose("A paragraph with `code`.\n\n- one\n- two\n\n  preformatted"),
      .trace(.bytes(frame)),
      .line("value:  1"),
      .line(""),
      .table(header: ["a", "b"], rows: [["1", "2"]]),
      .heading(number: "2.2", title: "Diagram"),
      .diagram(.lanes(left: "client", right: "server")),
      .line(""),
      .diagram(.arrow(.clientToServer, "frame")),
      .diagram(.record(frame)),
      .diagram(.note(.serverToClient, "app ← text")),
      .box(title: "Myth", items: ["not MD5"]),
      .trace(.note("closed"), source: "c1"),
      .end(number: 2, next: "lesson 3"),
    ]
    let renderer = HTMLRenderer()
    let page = renderer.page(
      number: 2, title: "frames", blocks: blocks, navigation: .init(previous: ("01.html", "Lesson 1")))
    XCTAssertEqual(
      page,
      renderer.page(number: 2, title: "frames", blocks: blocks, navigation: .init(previous: ("01.html", "Lesson 1"))))
    XCTAssertTrue(page.contains("<body data-records=\"2\">"))
    XCTAssertTrue(page.contains("id=\"r1\"") && page.contains("id=\"r2\""))
    XCTAssertTrue(page.contains("<section id=\"s2-1\"><h2><a class=\"anchor\" href=\"#s2-1\">2.1</a>"))
    XCTAssertTrue(page.contains("<li><a href=\"#s2-2\">2.2  Diagram</a></li>"))
    XCTAssertTrue(page.contains("<ul><li>one</li><li>two</li></ul>"))
    XCTAssertTrue(page.contains("<pre class=\"out\">preformatted</pre>"))
    XCTAssertTrue(page.contains("<pre class=\"out\">value:  1</pre>"))
    XCTAssertTrue(
      page.contains("<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr>"))
    // One diagram: the blank line between its steps does not split it.
    XCTAssertEqual(page.components(separatedBy: "<div class=\"seq\">").count - 1, 1)
    XCTAssertTrue(page.contains("<div class=\"arrow c2s\"><span>frame</span></div><div class=\"dissect\"><figure"))
    XCTAssertTrue(page.contains("<div class=\"snote right\"><span>app ← text</span></div>"))
    XCTAssertTrue(page.contains("<p class=\"ev remark\"><span class=\"src\">c1</span> note: closed</p>"))
    XCTAssertTrue(page.contains("<a rel=\"prev\" href=\"01.html\">← Lesson 1</a>"))
    XCTAssertFalse(page.contains("rel=\"next\""))
    XCTAssertTrue(page.contains("<input type=\"checkbox\" id=\"annotate-all\">"))
  }

  func testRecordsAsJSON() {
    let json = frame.json
    XCTAssertTrue(
      json.hasPrefix("{\"title\":\"frame: text \\\"<b>\\\" & more\",\"direction\":\"client → server\""), json)
    XCTAssertTrue(json.contains("\"bytes\":\"81 83 01 02 03 04 3d 60 3d\""), json)
    XCTAssertTrue(
      json.contains(
        "{\"start\":0,\"end\":1,\"bits\":128,\"name\":\"FIN\",\"value\":\"1\",\"meaning\":\"final\",\"section\":\"RFC 6455 §5.2\"}"
      ),
      json)
    XCTAssertTrue(json.contains("\"bits\":null"), json)
    XCTAssertEqual(TraceRecord.quote("a\u{1}\n"), "\"a\\u0001\\n\"")
  }
}
