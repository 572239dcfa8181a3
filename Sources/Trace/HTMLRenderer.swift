/// Renders trace records and whole documents as HTML: the illustrated edition of the lessons.
///
/// A record becomes a block of byte groups in hex (one group per field; the bit fields of one
/// byte share its group). Hovering or clicking a group shows its annotation: field name, value,
/// meaning, and the RFC section linked to the RFC's text; bit fields get a row of eight bit cells.
/// Pages are self-contained (inline CSS and JavaScript, nothing loaded from elsewhere), so they
/// work opened from disk, offline, and print with every annotation expanded.
///
/// Like ``TraceRenderer`` this type knows nothing about the protocol: it lays out what the codec
/// reported. The output depends only on its input (no dates, no random ids).
public struct HTMLRenderer: Sendable {
  /// Bytes of one field shown before the rest is summarised (`… 65,472 more bytes`).
  public var maxBytesPerField: Int
  /// The words around the lesson (navigation, "Exercises", "Answer"), and `<html lang>`.
  public var labels: Labels = .english

  public init(maxBytesPerField: Int = 32) {
    self.maxBytesPerField = max(1, maxBytesPerField)
  }

  /// A page in a set of lessons: where the index and the neighbours are.
  public struct Navigation: Sendable, Equatable {
    public var index: String
    public var previous: (href: String, title: String)?
    public var next: (href: String, title: String)?
    /// The same page in the other language (`简体中文` on an English page, `English` on a Chinese one).
    public var alternate: (href: String, title: String)?

    public init(
      index: String = "index.html", previous: (String, String)? = nil, next: (String, String)? = nil,
      alternate: (String, String)? = nil
    ) {
      self.index = index
      self.previous = previous.map { (href: $0.0, title: $0.1) }
      self.next = next.map { (href: $0.0, title: $0.1) }
      self.alternate = alternate.map { (href: $0.0, title: $0.1) }
    }

    public static func == (a: Navigation, b: Navigation) -> Bool {
      a.index == b.index && a.previous?.href == b.previous?.href && a.previous?.title == b.previous?.title
        && a.next?.href == b.next?.href && a.next?.title == b.next?.title
        && a.alternate?.href == b.alternate?.href && a.alternate?.title == b.alternate?.title
    }
  }

  // MARK: records

  /// How a record's fields group into byte groups: each group is a byte range and the fields
  /// that describe it (several bit fields of one byte share a group). Bytes no field covers are
  /// left out. This is what the page shows as one clickable group.
  public static func groups(of record: TraceRecord) -> [(range: Range<Int>, fields: [Int])] {
    var groups: [(range: Range<Int>, fields: [Int])] = []
    for (index, field) in record.fields.enumerated() {
      let lower = max(0, min(field.range.lowerBound, record.bytes.count))
      let upper =
        field.bits != nil
        ? min(lower + 1, record.bytes.count) : max(lower, min(field.range.upperBound, record.bytes.count))
      if field.bits != nil, let last = groups.last, last.range == lower..<upper,
        record.fields[last.fields[0]].bits != nil
      {
        groups[groups.count - 1].fields.append(index)
      } else {
        groups.append((lower..<upper, [index]))
      }
    }
    return groups
  }

  /// One record as a `<figure>` with id `id`; `source` (`c1`) names the connection it came from.
  public func render(_ record: TraceRecord, id: String, source: String? = nil) -> String {
    let groups = Self.groups(of: record)
    var out =
      "<figure class=\"rec \(record.layout == .hex ? "hex" : "head")\" id=\"\(id)\" data-groups=\"\(groups.count)\">"
    out += "<figcaption><a class=\"anchor\" href=\"#\(id)\" title=\"link to this record\">▶</a> "
    if let source { out += "<span class=\"src\">\(Self.escape(source))</span> " }
    switch record.direction {
    case .clientToServer: out += "<span class=\"dir c2s\">client → server</span> "
    case .serverToClient: out += "<span class=\"dir s2c\">server → client</span> "
    case .unspecified: break
    }
    out += "<span class=\"rt\">\(Self.escape(record.title))</span></figcaption>"
    out += "\n" + (record.layout == .hex ? hexBytes(record, groups) : headLines(record, groups))
    out += "\n<div class=\"notes\">\n"
    for (g, group) in groups.enumerated() {
      out += "<div class=\"note k\(g % 5)\" data-g=\"\(g)\">"
      for index in group.fields {
        let field = record.fields[index]
        out += "<div class=\"f\"><span class=\"off\">\(group.range.lowerBound)</span>"
        if let mask = field.bits, group.range.lowerBound < record.bytes.count {
          out += bitRow(record.bytes[group.range.lowerBound], mask: mask)
        }
        out += "<b class=\"n\">\(Self.escape(field.name))</b> <code class=\"v\">\(Self.escape(field.value))</code> "
        out += "<span class=\"m\">\(Self.escape(field.meaning))</span>"
        if let section = field.section { out += " " + Self.sectionLink(section) }
        out += "</div>"
      }
      out += "</div>\n"
    }
    return out + "</div></figure>\n"
  }

  private func hexBytes(_ record: TraceRecord, _ groups: [(range: Range<Int>, fields: [Int])]) -> String {
    var out = "<div class=\"bytes\">"
    var covered = 0
    func uncovered(_ r: Range<Int>) {
      guard !r.isEmpty else { return }
      out += "<span class=\"u\" title=\"not annotated\">\(hex(record.bytes[r]))</span> "
    }
    for (g, group) in groups.enumerated() {
      if group.range.lowerBound > covered { uncovered(covered..<group.range.lowerBound) }
      let names = group.fields.map { record.fields[$0].name }.joined(separator: ", ")
      out +=
        "<button type=\"button\" class=\"g k\(g % 5)\" data-g=\"\(g)\" aria-expanded=\"false\" title=\"\(Self.escape(names))\">"
      let shown = group.range.prefix(maxBytesPerField)
      out += group.range.isEmpty ? "<i>empty</i>" : hex(record.bytes[shown])
      if group.range.count > shown.count {
        out += " <i>… \(Self.grouped(group.range.count - shown.count)) more bytes</i>"
      }
      out += "</button> "
      covered = max(covered, group.range.upperBound)
    }
    uncovered(covered..<record.bytes.count)
    return out + "</div>"
  }

  private func headLines(_ record: TraceRecord, _ groups: [(range: Range<Int>, fields: [Int])]) -> String {
    var out = "<div class=\"lines\">"
    var covered = 0
    func visible(_ r: Range<Int>) -> String {
      Self.escape(Trace.visibleText(record.bytes[r])).replacing(
        "\\r\\n", with: "<span class=\"crlf\">\\r\\n</span>")
    }
    for (g, group) in groups.enumerated() {
      if group.range.lowerBound > covered {
        out += "<span class=\"u\">\(visible(covered..<group.range.lowerBound))</span>"
      }
      out += "<button type=\"button\" class=\"g k\(g % 5)\" data-g=\"\(g)\" aria-expanded=\"false\">"
      out += visible(group.range) + "</button>"
      covered = max(covered, group.range.upperBound)
    }
    if covered < record.bytes.count { out += "<span class=\"u\">\(visible(covered..<record.bytes.count))</span>" }
    return out + "</div>"
  }

  /// A string of bits (`0 01`, `0000010 00100 0`) as bit cells, one group per space-separated
  /// word; anything that is not a bit (hex bytes, `…`) stays text.
  static func bitCells(_ text: String) -> String {
    let groups = text.split(separator: " ")
    guard !groups.isEmpty, groups.allSatisfy({ $0.allSatisfy { $0 == "0" || $0 == "1" } }) else {
      return escape(text)
    }
    return "<span class=\"bitgroups\" aria-label=\"bits \(escape(text))\">"
      + groups.map { group in
        "<span class=\"bitrow\">" + group.map { "<i class=\"on\">\($0)</i>" }.joined() + "</span>"
      }.joined(separator: " ") + "</span>"
  }

  /// Eight cells, most significant bit first: the field's bits show their value, others a dot.
  private func bitRow(_ byte: UInt8, mask: UInt8) -> String {
    var out = "<span class=\"bitrow\" aria-label=\"bits \(Trace.bitPattern(byte, mask: mask))\">"
    for i in (0..<8).reversed() {
      let bit = UInt8(1) << UInt8(i)
      out += mask & bit == 0 ? "<i>·</i>" : "<i class=\"on\">\(byte & bit == 0 ? "0" : "1")</i>"
    }
    return out + "</span>"
  }

  private func hex(_ bytes: ArraySlice<UInt8>) -> String {
    bytes.map { Trace.hex($0) }.joined(separator: " ")
  }

  /// A trace event: a record, a state change or a remark.
  public func render(_ event: TraceEvent, id: String, source: String? = nil) -> String {
    let from = source.map { "<span class=\"src\">\(Self.escape($0))</span> " } ?? ""
    switch event {
    case .bytes(let record):
      return render(record, id: id, source: source)
    case .transition(let old, let new, let reason):
      return "<p class=\"ev state\">\(from)state: \(Self.escape(old)) → \(Self.escape(new))"
        + (reason.isEmpty ? "" : " <span class=\"why\">(\(Self.escape(reason)))</span>") + "</p>\n"
    case .note(let text):
      return "<p class=\"ev remark\">\(from)note: \(Self.escape(text))</p>\n"
    }
  }

  // MARK: pages

  /// A whole lesson page: title, table of contents, sections, and the navigation between pages.
  public func page(number: Int, title: String, blocks: [DocumentBlock], navigation: Navigation) -> String {
    var body = ""
    var toc: [(id: String, text: String)] = []
    var records = 0
    var pendingLines: [String] = []
    var diagram: [DiagramStep] = []
    var sectionOpen = false

    func flushLines() {
      while pendingLines.first?.isEmpty == true { pendingLines.removeFirst() }
      while pendingLines.last?.isEmpty == true { pendingLines.removeLast() }
      if !pendingLines.isEmpty {
        body += "<pre class=\"out\">" + pendingLines.map(Self.escape).joined(separator: "\n") + "</pre>\n"
      }
      pendingLines = []
    }
    func nextRecordID() -> String {
      records += 1
      return "r\(records)"
    }
    func flushDiagram() {
      guard !diagram.isEmpty else { return }
      body += "<div class=\"seq\">"
      for step in diagram {
        switch step {
        case .lanes(let left, let right):
          body += "<div class=\"lanes\"><span>\(Self.escape(left))</span><span>\(Self.escape(right))</span></div>"
        case .arrow(let direction, let label):
          let side = direction == .serverToClient ? "s2c" : "c2s"
          body += "<div class=\"arrow \(side)\"><span>\(Self.escape(label))</span></div>"
        case .record(let record):
          body += "<div class=\"dissect\">" + render(record, id: nextRecordID()) + "</div>"
        case .note(let side, let text):
          let where_ = side == .serverToClient ? "right" : "left"
          body += "<div class=\"snote \(where_)\"><span>\(Self.escape(text))</span></div>"
        case .gap:
          body += "<div class=\"gap\"></div>"
        }
      }
      body += "</div>\n"
      diagram = []
    }

    for block in blocks {
      if case .line(let text) = block {
        // A blank line inside a diagram is spacing for the terminal; the page has its own.
        if text.isEmpty && !diagram.isEmpty { continue }
        flushDiagram()
        pendingLines.append(text)
        continue
      }
      if case .diagram(let step) = block {
        flushLines()
        diagram.append(step)
        continue
      }
      flushLines()
      flushDiagram()
      switch block {
      case .banner(let n, let t, let subtitle):
        let kicker = Labels.format(labels.banner, "\(n)", "").trimmingSuffix(": ").trimmingSuffix("：")
        body += "<header id=\"top\"><p class=\"kicker\">\(Self.escape(kicker))</p><h1>\(Self.escape(t))</h1>"
        body += "<p class=\"subtitle\">\(Self.inline(subtitle))</p></header>\n<!--toc-->\n"
      case .heading(let n, let t):
        if sectionOpen { body += "</section>\n" }
        let id = "s" + n.replacing(".", with: "-")
        toc.append((id, n + "  " + t))
        body += "<section id=\"\(id)\"><h2><a class=\"anchor\" href=\"#\(id)\">\(n)</a> \(Self.inline(t))</h2>\n"
        sectionOpen = true
      case .prose(let text):
        body += Self.prose(text)
      case .trace(let event, let source):
        if case .bytes = event {
          body += render(event, id: nextRecordID(), source: source)
        } else {
          body += render(event, id: "", source: source)
        }
      case .table(let header, let rows, let bitColumn):
        body += "<div class=\"tw\"><table><thead><tr>"
        body += header.map { "<th>\(Self.inline($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows {
          body += "<tr>"
          for (i, cell) in row.enumerated() {
            body += i == bitColumn ? "<td>\(Self.bitCells(cell))</td>" : "<td>\(Self.inline(cell))</td>"
          }
          body += "</tr>"
        }
        body += "</tbody></table></div>\n"
      case .box(let t, let items):
        body += "<aside class=\"box\"><h3>\(Self.inline(t))</h3><ul>"
        body += items.map { "<li>\(Self.inline($0))</li>" }.joined() + "</ul></aside>\n"
      case .exercises(let exercises, _):
        if sectionOpen { body += "</section>\n" }
        sectionOpen = true
        toc.append(("exercises", labels.exercises))
        body += "<section id=\"exercises\" class=\"exercises\"><h2><a class=\"anchor\" href=\"#exercises\">✎</a> "
        body += "\(Self.escape(labels.exercises))</h2>\n<ol>"
        for exercise in exercises {
          body += "<li><p>\(Self.inline(exercise.question))</p>"
          if let answerCheck = exercise.answerCheck {
            body += "<p class=\"check\">\(Self.escape(labels.yourAnswer)) <code>\(Self.escape(answerCheck))</code></p>"
          }
          body += "<details><summary>\(Self.escape(labels.answer))</summary>"
          body += "<p>\(Self.inline(exercise.answer))</p>"
          if let check = exercise.check {
            body += "<p>\(Self.escape(labels.check)) <code>\(Self.escape(check))</code></p>"
          }
          body += "</details></li>\n"
        }
        body += "</ol>\n"
      case .end(let n, let next):
        if sectionOpen { body += "</section>\n" }
        sectionOpen = false
        let end = Self.escape(Labels.format(labels.end, "\(n)"))
        body += "<footer><p>\(end)\(next.map { Self.inline(Labels.format(labels.next, $0)) } ?? "")</p></footer>\n"
      case .line, .diagram:
        break
      }
    }
    flushLines()
    flushDiagram()
    if sectionOpen { body += "</section>\n" }

    var tocHTML = "<nav class=\"toc\" aria-label=\"sections\"><ol>"
    for entry in toc { tocHTML += "<li><a href=\"#\(entry.id)\">\(Self.escape(entry.text))</a></li>" }
    tocHTML += "</ol></nav>"
    body = body.replacing("<!--toc-->", with: tocHTML)

    let pageTitle = Labels.format(labels.banner, "\(number)", title)
    return Self.document(
      title: pageTitle, navigation: navigation, body: body, records: records, labels: labels)
  }

  /// One lesson's page of the printable handout.
  public struct HandoutEntry: Sendable {
    public var number: Int
    public var title: String
    public var summary: String
    /// Captions and records, already rendered as plain text (the terminal's dissection).
    public var keyBytes: [(caption: String, text: String)]
    /// The lesson's corrected misconceptions.
    public var remember: [String]
    /// Each exercise's task and the `wslab check` command that checks it.
    public var checks: [(task: String, command: String)]

    public init(
      number: Int, title: String, summary: String, keyBytes: [(caption: String, text: String)],
      remember: [String], checks: [(task: String, command: String)]
    ) {
      self.number = number
      self.title = title
      self.summary = summary
      self.keyBytes = keyBytes
      self.remember = remember
      self.checks = checks
    }
  }

  /// A lesson's page of the handout: what it is about, its key bytes as the terminal shows them,
  /// what to remember, and the exercises with the commands that check them. One printed page.
  public func handoutSection(_ entry: HandoutEntry) -> String {
    var out = "<section class=\"handout-page\" id=\"lesson-\(entry.number)\">"
    let heading = Labels.format(labels.lessonLink, "\(entry.number)") + labels.titleSeparator + entry.title
    out += "<h2>\(Self.escape(heading))</h2>"
    out += "<p class=\"subtitle\">\(Self.inline(entry.summary))</p>"
    if !entry.keyBytes.isEmpty {
      out += "<h3>\(Self.escape(labels.keyBytes))</h3>"
      for (caption, text) in entry.keyBytes {
        out += "<p class=\"caption\">\(Self.inline(caption))</p><pre>\(Self.escape(text))</pre>"
      }
    }
    if !entry.remember.isEmpty {
      out += "<h3>\(Self.escape(labels.remember))</h3><ul>"
      for item in entry.remember { out += "<li>\(Self.inline(item))</li>" }
      out += "</ul>"
    }
    if !entry.checks.isEmpty {
      out += "<h3>\(Self.escape(labels.checkYourself))</h3><ol class=\"checks\">"
      for (task, command) in entry.checks {
        out += "<li>\(Self.inline(task)): <code>\(Self.escape(command))</code></li>"
      }
      out += "</ol>"
    }
    return out + "</section>\n"
  }

  /// The printable handout: every lesson's page, one printed page each (A4 or Letter).
  public func handout(sections: [String]) -> String {
    var body = "<header id=\"top\" class=\"handout-head\"><p class=\"kicker\">WSLab</p>"
    body += "<h1>\(Self.escape(labels.handoutHeading))</h1><p class=\"subtitle\">\(Self.inline(labels.handoutIntro))"
    body += "</p></header>\n"
    body += sections.joined()
    return Self.document(
      title: labels.handoutHeading, navigation: nil, body: body, records: 0, extraStyle: Self.handoutStyle,
      labels: labels)
  }

  static let handoutStyle = """
    .handout-page{margin:2rem 0;padding-top:1rem;border-top:1px solid var(--line)}
    .handout-page pre{font-size:.72rem;line-height:1.25;overflow-x:auto}
    .handout-page h3{margin:.8rem 0 .3rem;font-size:1rem} .handout-page .caption{margin:.2rem 0;color:var(--mute)}
    .handout-page ul,.handout-page ol{margin:.2rem 0 .2rem 1.2rem;padding:0} .handout-page li{margin:.15rem 0}
    @page{margin:12mm}
    @media print{.handout-head{display:none}.handout-page{margin:0;padding:0;border:0;break-after:page;\
    font-size:9pt}.handout-page pre{font-size:7.4pt;white-space:pre;overflow:visible}\
    .handout-page h2{margin:0 0 .2rem}.handout-page .subtitle{margin:0 0 .3rem}}
    """

  /// The index page: one entry per lesson. `alternate`: the index in the other language.
  public func index(
    lessons: [(href: String, number: Int, title: String, summary: String)],
    alternate: (href: String, title: String)? = nil
  ) -> String {
    var body = "<header id=\"top\"><p class=\"kicker\">WSLab</p><h1>\(Self.escape(labels.indexHeading))</h1>"
    body += "<p class=\"subtitle\">\(Self.inline(labels.indexIntro))</p></header>\n<ol class=\"lessons\">"
    for lesson in lessons {
      let name = Labels.format(labels.lessonLink, "\(lesson.number)")
      body +=
        "<li><a href=\"\(Self.escape(lesson.href))\">\(Self.escape(name + labels.titleSeparator + lesson.title))</a>"
      body += "<p>\(Self.inline(lesson.summary))</p></li>"
    }
    body += "</ol>\n<p class=\"handout-link\"><a href=\"handout.html\">\(Self.escape(labels.handoutLink))</a>"
    body += "\(Self.escape(labels.handoutLinkRest))</p>\n"
    if let alternate {
      body += "<p class=\"lang\"><a rel=\"alternate\" href=\"\(Self.escape(alternate.href))\">"
      body += "\(Self.escape(alternate.title))</a></p>\n"
    }
    return Self.document(title: labels.lessonsIndex, navigation: nil, body: body, records: 0, labels: labels)
  }

  static func document(
    title: String, navigation: Navigation?, body: String, records: Int, extraStyle: String = "",
    labels: Labels = .english
  ) -> String {
    var nav = "<nav class=\"top\">"
    if let navigation {
      nav += "<a href=\"\(escape(navigation.index))\">\(escape(labels.lessonsIndex))</a>"
      if let p = navigation.previous {
        nav += " <a rel=\"prev\" href=\"\(escape(p.href))\">← \(escape(p.title))</a>"
      }
      if let n = navigation.next {
        nav += " <a rel=\"next\" href=\"\(escape(n.href))\">\(escape(n.title)) →</a>"
      }
      if let a = navigation.alternate {
        nav += " <a class=\"lang\" rel=\"alternate\" hreflang=\"\(labels.language == "en" ? "zh-CN" : "en")\" "
        nav += "href=\"\(escape(a.href))\">\(escape(a.title))</a>"
      }
    } else {
      nav += "<span>\(escape(labels.lessonsIndex))</span>"
    }
    if records > 0 {
      nav +=
        "<label class=\"switch\"><input type=\"checkbox\" id=\"annotate-all\"> \(escape(labels.annotateAll))</label>"
    }
    nav += "</nav>"
    return """
      <!doctype html>
      <html lang="\(labels.language)">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <meta name="color-scheme" content="light dark">
      <title>\(escape(title))</title>
      <style>\(stylesheet)\(extraStyle)</style>
      </head>
      <body data-records="\(records)">
      \(nav)
      <main>
      \(body)</main>
      <script>\(script)</script>
      </body>
      </html>

      """
  }

  // MARK: text

  /// Prose as paragraphs, lists and preformatted lines (the same conventions as the text edition).
  static func prose(_ text: String) -> String {
    var out = ""
    var paragraph: [String] = []
    var list: (ordered: Bool, items: [String])?
    var pre: [String] = []
    func flush() {
      if !paragraph.isEmpty {
        out += "<p>" + inline(paragraph.joined(separator: " ")) + "</p>\n"
        paragraph = []
      }
      if let l = list {
        let tag = l.ordered ? "ol" : "ul"
        out += "<\(tag)>" + l.items.map { "<li>" + inline($0) + "</li>" }.joined() + "</\(tag)>\n"
        list = nil
      }
      if !pre.isEmpty {
        out += "<pre class=\"out\">" + pre.map(escape).joined(separator: "\n") + "</pre>\n"
        pre = []
      }
    }
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let line = String(raw)
      if line.isEmpty {
        flush()
      } else if line.hasPrefix("  ") {
        if !paragraph.isEmpty || list != nil {
          let keep = pre
          pre = []
          flush()
          pre = keep
        }
        pre.append(String(line.dropFirst(2)))
      } else if let marker = DocumentTextRenderer.listMarker(raw) {
        if !pre.isEmpty || !paragraph.isEmpty { flush() }
        let ordered = marker != "-"
        if list == nil || list?.ordered != ordered {
          flush()
          list = (ordered, [])
        }
        list?.items.append(String(line.dropFirst(marker.count + 1)))
      } else if list != nil, paragraph.isEmpty, pre.isEmpty {
        // A continuation line of the last list item.
        if var l = list, !l.items.isEmpty {
          l.items[l.items.count - 1] += " " + line
          list = l
        }
      } else {
        if !pre.isEmpty { flush() }
        paragraph.append(line)
      }
    }
    flush()
    return out
  }

  /// Escapes text, turns `code` into <code> and RFC section references into links.
  public static func inline(_ text: String) -> String {
    var out = ""
    var inCode = false
    var segment = ""
    var lastRFC = "6455"
    func flushSegment() {
      if inCode {
        out += "<code>" + escape(segment) + "</code>"
      } else {
        out += linkSections(segment, lastRFC: &lastRFC)
      }
      segment = ""
    }
    for character in text {
      if character == "`" {
        flushSegment()
        inCode.toggle()
      } else {
        segment.append(character)
      }
    }
    if inCode {  // an unmatched backtick is just a character
      inCode = false
      segment = "`" + segment
    }
    flushSegment()
    return out
  }

  /// `RFC 7692 §7.2.1` and `§5.2` become links to the RFC's text; a bare `§` refers to the RFC
  /// last named before it (RFC 6455 when none was).
  static func linkSections(_ text: String, lastRFC: inout String) -> String {
    var out = ""
    let chars = Array(text)
    var i = 0
    while i < chars.count {
      // "RFC 1234"
      if chars[i] == "R", i + 4 <= chars.count, String(chars[i..<(i + 4)]) == "RFC " {
        var j = i + 4
        var digits = ""
        while j < chars.count, chars[j].isASCII, chars[j].isNumber {
          digits.append(chars[j])
          j += 1
        }
        if digits.count >= 3 && digits.count <= 5 {
          lastRFC = digits
          // "RFC 1234 §x.y" links as one.
          if j + 1 < chars.count, chars[j] == " ", chars[j + 1] == "§", let (section, end) = sectionNumber(chars, j + 2)
          {
            out += "<a class=\"sec\" href=\"\(rfcURL(digits, section))\">RFC \(digits) §\(section)</a>"
            i = end
            continue
          }
          out += "<a class=\"rfc\" href=\"\(rfcURL(digits, nil))\">RFC \(digits)</a>"
          i = j
          continue
        }
      }
      if chars[i] == "§", let (section, end) = sectionNumber(chars, i + 1) {
        out += "<a class=\"sec\" href=\"\(rfcURL(lastRFC, section))\">§\(section)</a>"
        i = end
        continue
      }
      out += escape(String(chars[i]))
      i += 1
    }
    return out
  }

  /// `5.2.1` starting at `start` (digits and dots, not ending in a dot).
  static func sectionNumber(_ chars: [Character], _ start: Int) -> (String, Int)? {
    var j = start
    var s = ""
    while j < chars.count, chars[j].isASCII, chars[j].isNumber || (chars[j] == "." && !s.isEmpty) {
      s.append(chars[j])
      j += 1
    }
    while s.hasSuffix(".") {
      s.removeLast()
      j -= 1
    }
    return s.isEmpty ? nil : (s, j)
  }

  static func rfcURL(_ number: String, _ section: String?) -> String {
    "https://www.rfc-editor.org/rfc/rfc\(number)" + (section.map { "#section-\($0)" } ?? "")
  }

  /// A field's section (`RFC 6455 §5.2`) shown compactly (`§5.2`) and linked.
  static func sectionLink(_ section: String) -> String {
    var rfc = "6455"
    if section.hasPrefix("RFC ") {
      let digits = section.dropFirst(4).prefix { $0.isNumber }
      if !digits.isEmpty { rfc = String(digits) }
    }
    let compact = TraceRenderer.compact(section)
    var last = rfc
    let linked = linkSections(compact, lastRFC: &last)
    return "<span class=\"secs\">\(linked)</span>"
  }

  /// Text safe inside HTML elements and attribute values.
  public static func escape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for scalar in s.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default:
        if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" || (0x7f...0x9f).contains(scalar.value) {
          out += "\\u{" + String(scalar.value, radix: 16) + "}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }

  /// `65472` as `65,472`.
  static func grouped(_ n: Int) -> String {
    let digits = Array(String(n))
    var out = ""
    for (i, d) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
      out.append(d)
    }
    return out
  }

  // MARK: style and behaviour (inline: pages load nothing from elsewhere)

  public static let stylesheet = """
    :root{--bg:#fdfdfc;--fg:#1d1f21;--mute:#5f6368;--line:#d5d8dc;--card:#f4f5f7;--link:#0b57d0;\
    --k0:#fde68a;--k1:#bbf7d0;--k2:#bae6fd;--k3:#ddd6fe;--k4:#fbcfe8;--c2s:#0b7a3e;--s2c:#8a3ffc}
    @media (prefers-color-scheme:dark){:root{--bg:#15171a;--fg:#e6e6e6;--mute:#9aa0a6;--line:#3a3f45;\
    --card:#1f2329;--link:#8ab4f8;--k0:#6b5a12;--k1:#1f5f3a;--k2:#1d4f6b;--k3:#45386e;--k4:#6b2e52;\
    --c2s:#5fd38d;--s2c:#c4a7ff}}
    *{box-sizing:border-box}
    body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif}
    main{max-width:60rem;margin:0 auto;padding:1rem 1.25rem 4rem}
    a{color:var(--link)}
    code,pre,.bytes,.lines,.bitrow,.off{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace}
    :lang(zh){font-family:system-ui,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",\
    "Source Han Sans SC",sans-serif}
    :lang(zh) code,:lang(zh) pre{font-family:ui-monospace,Menlo,Consolas,"Noto Sans Mono CJK SC","Sarasa Mono SC",monospace}
    nav.top{position:sticky;top:0;z-index:2;display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center;\
    padding:.5rem 1.25rem;background:var(--card);border-bottom:1px solid var(--line);font-size:.9rem}
    nav.top .switch{margin-left:auto;cursor:pointer;user-select:none}
    .kicker{margin:1.5rem 0 0;color:var(--mute);text-transform:uppercase;letter-spacing:.06em;font-size:.8rem}
    h1{margin:.2rem 0 .4rem;font-size:1.9rem;line-height:1.2}
    .subtitle{color:var(--mute);margin-top:0}
    h2{margin-top:2.5rem;padding-top:.5rem;border-top:1px solid var(--line);font-size:1.35rem}
    h2 .anchor,figcaption .anchor{text-decoration:none}
    nav.toc ol{columns:2 18rem;padding-left:1.2rem;font-size:.92rem}
    pre.out{background:var(--card);padding:.7rem .9rem;border-radius:6px;overflow-x:auto;font-size:.85rem;line-height:1.45}
    .tw{overflow-x:auto}
    table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}
    th,td{border-bottom:1px solid var(--line);padding:.3rem .7rem;text-align:left;vertical-align:top}
    th{border-bottom:2px solid var(--fg)}
    aside.box{border:1px solid var(--line);border-left:4px solid var(--link);border-radius:6px;padding:.2rem 1rem;\
    margin:1.2rem 0;background:var(--card)}
    aside.box h3{font-size:1rem;margin:.6rem 0 .2rem}
    figure.rec{margin:1rem 0;padding:.6rem .8rem;border:1px solid var(--line);border-radius:8px;background:var(--card)}
    figure.rec:target{outline:3px solid var(--link)}
    figure.rec,section,header{scroll-margin-top:3.5rem}
    figcaption{font-weight:600;margin-bottom:.4rem;overflow-wrap:anywhere}
    .dir{font-weight:500;font-size:.85rem;padding:.05rem .4rem;border-radius:4px;border:1px solid currentColor}
    .dir.c2s{color:var(--c2s)} .dir.s2c{color:var(--s2c)}
    .bytes,.lines{font-size:.9rem;line-height:1.9}
    .lines{display:flex;flex-direction:column;align-items:flex-start}
    button.g{font:inherit;color:inherit;border:0;border-radius:4px;padding:.05rem .3rem;margin:0 .05rem;cursor:pointer;\
    text-align:left;white-space:pre-wrap;overflow-wrap:anywhere}
    button.g.on,button.g:hover,button.g:focus-visible{outline:2px solid var(--fg)}
    .k0{background:var(--k0)} .k1{background:var(--k1)} .k2{background:var(--k2)} .k3{background:var(--k3)}
    .k4{background:var(--k4)}
    .u{color:var(--mute)} .crlf{color:var(--mute)} i{font-style:normal;color:var(--mute)}
    button.g i{color:inherit;opacity:.75}
    .notes{margin-top:.3rem}
    .note{display:none;margin:.3rem 0;padding:.35rem .6rem;border-radius:6px;font-size:.9rem}
    .note.open,.note.hover,body.all .note{display:block}
    .note .f{display:flex;flex-wrap:wrap;gap:.15rem .6rem;align-items:baseline}
    .note .off{color:var(--mute);min-width:2.5em}
    .note .v{font-weight:600}
    .bitrow{display:inline-flex;gap:1px}
    .bitgroups{display:inline-flex;flex-wrap:wrap;gap:.15rem .5rem;max-width:24rem}
    .bitrow i{display:inline-block;width:1.1em;text-align:center;border:1px solid var(--line);border-radius:2px;\
    background:var(--bg)}
    .bitrow i.on{color:var(--fg);font-weight:700}
    p.ev{margin:.2rem 0;font-size:.9rem;font-family:ui-monospace,Menlo,Consolas,monospace;overflow-wrap:anywhere}
    p.ev.state{color:var(--s2c)} p.ev.remark{color:var(--mute)}
    .src{font:600 .8rem ui-monospace,Menlo,Consolas,monospace;padding:0 .3rem;border-radius:4px;background:var(--line)}
    .seq{margin:1.2rem 0;padding:0 .5rem;border-left:3px solid var(--c2s);border-right:3px solid var(--s2c);font-size:.88rem}
    .seq .lanes{display:flex;justify-content:space-between;font-weight:700;margin:0 -.5rem;padding:.2rem .6rem;\
    background:var(--card)}
    .seq .arrow{position:relative;margin:.7rem 0;padding:0 1rem .15rem;border-bottom:2px solid var(--fg);text-align:center}
    .seq .arrow.c2s::after{content:"▶";position:absolute;right:-.45rem;bottom:-.8rem}
    .seq .arrow.s2c::before{content:"◀";position:absolute;left:-.45rem;bottom:-.8rem}
    .seq .snote{display:flex;margin:.3rem 0;color:var(--mute)}
    .seq .snote.right{justify-content:flex-end;text-align:right}
    .seq .snote span{max-width:70%}
    .seq .gap{height:.6rem}
    .seq .dissect figure{margin:.4rem 0}
    footer{margin-top:3rem;border-top:1px solid var(--line);color:var(--mute)}
    .exercises li{margin:.8rem 0} details{margin:.3rem 0 .3rem 1rem} summary{cursor:pointer;color:var(--link)}
    details p{margin:.3rem 0}
    ol.lessons li{margin:.8rem 0}
    ol.lessons p{margin:.2rem 0;color:var(--mute)}
    @media (max-width:40rem){body{font-size:15px}main{padding:.6rem .7rem 3rem}nav.toc ol{columns:1}}
    @media print{nav.top{display:none}body{background:#fff;color:#000}.note{display:block!important}\
    figure.rec,aside.box,.seq{break-inside:avoid}a{color:inherit}}
    """

  public static let script = """
    (function(){
    var all=document.getElementById('annotate-all');
    if(all){all.addEventListener('change',function(){document.body.classList.toggle('all',all.checked);});}
    window.addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true;});});
    function noteOf(g){var r=g.closest('figure.rec');return r&&r.querySelector('.note[data-g="'+g.dataset.g+'"]');}
    document.addEventListener('click',function(e){var g=e.target.closest&&e.target.closest('button.g');if(!g)return;\
    var n=noteOf(g);if(!n)return;var open=!n.classList.contains('open');n.classList.toggle('open',open);\
    g.classList.toggle('on',open);g.setAttribute('aria-expanded',open?'true':'false');});
    document.addEventListener('mouseover',function(e){var g=e.target.closest&&e.target.closest('button.g');\
    if(!g)return;var n=noteOf(g);if(n)n.classList.add('hover');});
    document.addEventListener('mouseout',function(e){var g=e.target.closest&&e.target.closest('button.g');\
    if(!g)return;var n=noteOf(g);if(n)n.classList.remove('hover');});
    })();
    """
}
