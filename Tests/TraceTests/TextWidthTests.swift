import XCTest

@testable import Trace

/// Display width, wrapping, and the width-limited layouts of the text renderers.
final class TextWidthTests: XCTestCase {
  func testDisplayWidthCountsTerminalColumns() {
    XCTAssertEqual(Trace.displayWidth("Hello"), 5)
    XCTAssertEqual(Trace.displayWidth("你好"), 4)  // East Asian wide: two columns each
    XCTAssertEqual(Trace.displayWidth("ｈｉ"), 4)  // fullwidth forms
    XCTAssertEqual(Trace.displayWidth("é"), 1)  // precomposed
    XCTAssertEqual(Trace.displayWidth("e\u{301}"), 1)  // e + combining acute
    XCTAssertEqual(Trace.displayWidth("→ │ ▶ …"), 7)
    XCTAssertEqual(Trace.displayWidth("😀"), 2)
    XCTAssertEqual(Trace.pad("你好", to: 6), "你好  ")
    XCTAssertEqual(Trace.clip("你好世界", to: 5), "你好…")
    XCTAssertEqual(Trace.clip("abc", to: 3), "abc")
  }

  func testWrapKeepsEveryWordAndTheWidth() {
    let text = "the quick brown fox jumps over the lazy dog again and again"
    for width in 10...40 {
      let lines = Trace.wrap(text, width: width, first: "- ", rest: "  ")
      XCTAssertTrue(lines.allSatisfy { Trace.displayWidth($0) <= width }, "width \(width): \(lines)")
      XCTAssertEqual(
        lines.joined(separator: " ").split(separator: " ").filter { $0 != "-" }.joined(separator: " "), text)
      XCTAssertTrue(lines[0].hasPrefix("- "))
    }
    // A word longer than a line is split, never lost; wide characters count two columns.
    let long = Trace.wrap("x 你好世界你好世界", width: 6)
    XCTAssertTrue(long.allSatisfy { Trace.displayWidth($0) <= 6 }, "\(long)")
    XCTAssertEqual(long.joined().replacing(" ", with: ""), "x你好世界你好世界")
  }

  /// The `wslab serve --trace` bug: a value with Chinese text pushed the meaning column of that
  /// row two columns per character to the right. Columns now line up by display width.
  func testColumnsAlignWithWideCharacters() {
    let bytes: [UInt8] = [0x81, 0x06] + Array("你好".utf8)
    let record = TraceRecord(
      title: "frame", bytes: bytes,
      fields: [
        TraceField(range: 0..<1, name: "byte", value: "81", meaning: "first"),
        TraceField(range: 1..<2, name: "length", value: "6", meaning: "second"),
        TraceField(range: 2..<8, name: "payload", value: "\"你好\"", meaning: "third"),
      ])
    let lines = TraceRenderer().render(record).split(separator: "\n").dropFirst()
    let columns = lines.compactMap { line -> Int? in
      guard let range = line.range(of: "first") ?? line.range(of: "second") ?? line.range(of: "third") else {
        return nil
      }
      return Trace.displayWidth(line[..<range.lowerBound])
    }
    XCTAssertEqual(columns.count, 3)
    XCTAssertEqual(
      Set(columns).count, 1, "meanings start in different columns: \(columns)\n\(lines.joined(separator: "\n"))")
  }

  /// With a width, a record whose rows would be too wide puts each meaning under its field; the
  /// bytes, names, values, meanings and sections are all still there.
  func testNarrowHexLayoutStacksMeanings() {
    let record = TraceRecord(
      title: "frame: text \"Hello\"", direction: .serverToClient, bytes: [0x81, 0x05] + Array("Hello".utf8),
      fields: [
        TraceField(
          range: 0..<1, bits: 0x80, name: "FIN", value: "1",
          meaning: "final fragment: this frame ends the message, and the receiver may deliver it",
          section: "RFC 6455 §5.2"),
        TraceField(range: 0..<1, bits: 0x0f, name: "opcode", value: "0x1", meaning: "text", section: "RFC 6455 §5.2"),
        TraceField(range: 1..<2, bits: 0x7f, name: "length", value: "5", meaning: "five bytes"),
        TraceField(range: 2..<7, name: "payload", value: "\"Hello\"", meaning: "the text"),
      ])
    for width in [60, 72, 80] {
      let text = TraceRenderer(width: width).render(record)
      let lines = text.split(separator: "\n")
      XCTAssertTrue(lines.allSatisfy { Trace.displayWidth($0) <= width }, "width \(width):\n\(text)")
      XCTAssertTrue(text.contains("└ final fragment: this frame ends the"), text)
      XCTAssertTrue(text.contains("48 65 6c 6c"), text)
      XCTAssertTrue(text.contains("§5.2"), text)
      XCTAssertTrue(text.contains("\"Hello\""), text)
    }
    // Without a width the one-line layout is unchanged.
    XCTAssertFalse(TraceRenderer().render(record).contains("└"))
  }

  func testTextLayoutCutsLongHeadLinesKeepingEveryByte() {
    let line = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits; server_no_context_takeover\r\n"
    let record = TraceRecord(
      title: "head", layout: .text, bytes: Array(line.utf8),
      fields: [TraceField(range: 0..<line.utf8.count, name: "ext", value: "", meaning: "the offer")])
    let text = TraceRenderer(width: 60).render(record)
    XCTAssertTrue(text.split(separator: "\n").allSatisfy { Trace.displayWidth($0) <= 60 }, text)
    let rows = text.split(separator: "\n").dropFirst().filter { !$0.contains("└") }
    let joined = rows.map { $0.dropFirst(8) }.joined()
    XCTAssertEqual(joined, Trace.visibleText(Array(line.utf8)))
  }

  func testDocumentTablesWrapCellsWithinTheirColumns() {
    let renderer = DocumentTextRenderer(width: 60)
    let text = renderer.render(
      .table(
        header: ["case", "what the receiver does", "code"],
        rows: [["a", "fails the connection because RSV1 is set but nothing was negotiated", "1002"]]))
    let lines = text.split(separator: "\n")
    XCTAssertTrue(lines.allSatisfy { Trace.displayWidth($0) <= 60 }, text)
    XCTAssertTrue(lines[2].hasPrefix("  a     fails the connection"), text)
    XCTAssertTrue(lines[2].hasSuffix("1002"), text)
    XCTAssertTrue(text.contains("negotiated"), text)
  }
}

/// The translator of the Chinese edition, and wrapping Chinese text.
final class TranslatorTests: XCTestCase {
  func testExactAndTemplateEntries() {
    let t = Translator(catalog: [
      "Hello": "你好",
      "payload length: {} bytes": "负载长度：{} 字节",
      "{t} (RFC {})": "{}（RFC {}）",
      "frames": "帧",
      "{} then {}": "{2} 在 {1} 之后",
      "{} instead of {}": "用 {} 代替 {}",
    ])
    XCTAssertEqual(t.translate("Hello"), "你好")
    XCTAssertEqual(t.translate("payload length: 125 bytes"), "负载长度：125 字节")
    XCTAssertEqual(t.translate("frames (RFC 6455 §5.2)"), "帧（RFC 6455 §5.2）")
    XCTAssertEqual(t.translate("a then b"), "b 在 a 之后")
    XCTAssertEqual(t.translate("POST instead of GET"), "用 POST 代替 GET")
    // A value placeholder does not swallow a sentence: this prose is missing, not mistranslated.
    let prose = "The client refuses. It uses MD5 instead of SHA-1 here"
    XCTAssertEqual(t.translate(prose), prose)
    // `; ` between a header's parameters is a value; `; ` before a clause is prose.
    let h = Translator(catalog: ["offered {} -> {}": "提供 {} -> {}"])
    XCTAssertEqual(
      h.translate("offered permessage-deflate; client_max_window_bits, x-foo -> permessage-deflate"),
      "提供 permessage-deflate; client_max_window_bits, x-foo -> permessage-deflate")
    XCTAssertEqual(h.lookup("offered a frame; a client must mask -> 1002"), nil)
    // {t} must be translated: an unknown title is reported missing.
    XCTAssertEqual(t.translate("Sockets (RFC 6455 §1)"), "Sockets（RFC 6455 §1）")
    XCTAssertEqual(t.missing, [prose, "Sockets"])
    // Hex bytes, numbers and arrows need no entry; words do.
    XCTAssertEqual(t.translate("81 05 48 65 6c 6c 6f"), "81 05 48 65 6c 6c 6f")
    XCTAssertEqual(t.translate("→ 12"), "→ 12")
    XCTAssertEqual(t.missing.count, 2)
    XCTAssertTrue(Translator.needsTranslation("cf go"))
    XCTAssertFalse(Translator.needsTranslation("46 06 cf 38 be ea"))
    XCTAssertEqual(t.unused, [])
    XCTAssertEqual(Translator(catalog: ["x y": "z"]).unused, ["x y"])
  }

  /// A match that would leave English words in a `{}` capture gives way to one that translates
  /// everything, even a less specific one or an `@` key; what stays English is remembered.
  func testTheMatchLeavingTheLeastEnglishWins() {
    let t = Translator(catalog: [
      "{} normal closure": "{} 正常关闭",
      "masked; {}": "已加掩码；{}",
      "normal closure": "正常关闭",
      "frame: {} ({})": "帧：{}（{}）",
      "{} bytes": "{} 字节",
      "@masked, {} bytes": "已加掩码，{} 字节",
      "@text {}": "文本 {}",
      "{t} is {}": "{} 是 {}",
    ])
    // `{} normal closure` is more specific, but would keep "masked;" in English.
    XCTAssertEqual(t.translate("1000 normal closure"), "1000 正常关闭")
    XCTAssertEqual(t.translate("masked; normal closure"), "已加掩码；正常关闭")
    // Inside a title, the `@` key wins over the whole-string `{} bytes` for "masked, 14 bytes".
    XCTAssertEqual(t.translate("frame: text \"hi\" (masked, 14 bytes)"), "帧：文本 \"hi\"（已加掩码，14 字节）")
    XCTAssertEqual(t.keptValues, [])
    // When every match leaves something, the one leaving no missing {t} capture is used, and the
    // words it keeps are remembered as values (data, such as a name, or an entry to add; quoted
    // text is data and is not remembered).
    XCTAssertEqual(t.translate("frame: the big one (5 bytes)"), "帧：the big one（5 字节）")
    XCTAssertEqual(t.keptValues, ["the big one"])
    XCTAssertEqual(t.translate("Origin is http://a.example"), "Origin 是 http://a.example")
    XCTAssertEqual(t.missing, ["Origin"])
    XCTAssertEqual(t.keptValues, ["the big one", "http://a.example"])
  }

  func testChineseWrapsBetweenCharactersButNotBeforeClosingPunctuation() {
    let text = "客户端发送一个随机的密钥，服务器必须回答一个只有它才会算出来的值。"
    for width in 10...30 {
      let lines = Trace.wrap(text, width: width)
      XCTAssertEqual(lines.joined(), text, "width \(width): no character lost or added")
      for line in lines {
        XCTAssertLessThanOrEqual(Trace.displayWidth(line), width, "width \(width)")
        XCTAssertFalse(line.hasPrefix("，") || line.hasPrefix("。"), "width \(width): \(line)")
      }
      // Lines are filled: only the last may be shorter than width - 2 (one wide character).
      for line in lines.dropLast() { XCTAssertGreaterThanOrEqual(Trace.displayWidth(line), width - 3, "\(width)") }
    }
    // Mixed text keeps the spaces English words had, and adds none between Chinese characters.
    XCTAssertEqual(
      Trace.wrap("用 `Upgrade: websocket` 请求切换协议", width: 16), ["用 `Upgrade:", "websocket` 请求", "切换协议"])
  }
}
