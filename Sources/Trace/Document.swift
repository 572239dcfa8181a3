/// A walkthrough (a lesson) as a sequence of blocks: prose, tables, asides, traced records and
/// sequence-diagram steps. A lesson emits each block once; ``DocumentTextRenderer`` renders it for
/// the terminal and golden files, ``HTMLRenderer`` renders the same blocks as a web page. Neither
/// renderer knows anything about the protocol: every byte comes from a ``TraceRecord``.
public enum DocumentBlock: Sendable, Equatable {
  /// The title block at the top: the lesson's number, title and one-line summary.
  case banner(number: Int, title: String, subtitle: String)
  /// A numbered section heading (`number` is `2.4`).
  case heading(number: String, title: String)
  /// Prose. Blank lines separate paragraphs; a line starting with `- ` or `1. ` is a list item;
  /// a line indented by two spaces or more is preformatted; text in backticks is code.
  case prose(String)
  /// One preformatted line (values, small calculations). Consecutive lines form one block; an
  /// empty line is a blank line.
  case line(String)
  /// A trace event: a record of annotated bytes, a state change or a note. `source` names where
  /// it came from when several connections are traced together (`c1`: shown as `[c1]`).
  case trace(TraceEvent, source: String? = nil)
  /// A table with a header row. `bitColumn`: a column of bits (`0 01`, groups separated by
  /// spaces), which the HTML edition draws as rows of bit cells.
  case table(header: [String], rows: [[String]], bitColumn: Int? = nil)
  /// An aside: a myth corrected, a rule worth remembering.
  case box(title: String, items: [String])
  /// One step of a two-lane sequence diagram. Consecutive steps form one diagram.
  case diagram(DiagramStep)
  /// Exercises with their answers. The text edition prints the questions and says where the
  /// answers are (`answers`: the lesson's README); the HTML edition folds each answer under its
  /// question.
  case exercises([Exercise], answers: String)
  /// The closing line, naming the next lesson if there is one.
  case end(number: Int, next: String?)
}

/// An exercise, its answer (computed by the codec where it can be), and a command that checks it.
public struct Exercise: Sendable, Equatable {
  public var question: String
  public var answer: String
  /// A command the learner can run to check the answer (`wslab decode …`), if there is one.
  public var check: String?
  /// `wslab check ID FORM`: checks the learner's own answer against the codec's.
  public var answerCheck: String?

  public init(_ question: String, answer: String, check: String? = nil, answerCheck: String? = nil) {
    self.question = question
    self.answer = answer
    self.check = check
    self.answerCheck = answerCheck
  }

  /// The exercises as Markdown for a README: numbered questions, each answer folded in a
  /// `<details>` element (GitHub renders it closed).
  public static func markdown(_ exercises: [Exercise], labels: Labels = .english) -> String {
    var out = ""
    for (i, exercise) in exercises.enumerated() {
      let indent = String(repeating: " ", count: "\(i + 1). ".count)
      out += "\(i + 1). " + exercise.question + "\n\n"
      // A full-width colon carries its own space.
      func label(_ l: String) -> String { l.hasSuffix("：") ? l : l + " " }
      if let answerCheck = exercise.answerCheck {
        out += indent + label(labels.yourAnswer) + "`" + answerCheck + "`\n\n"
      }
      out += indent + "<details><summary>\(labels.answer)</summary>\n\n"
      out += indent + exercise.answer + "\n\n"
      if let check = exercise.check { out += indent + label(labels.check) + "`" + check + "`\n\n" }
      out += indent + "</details>\n\n"
    }
    return out
  }
}

/// A step of a sequence diagram between two endpoints (left: client, right: server).
public enum DiagramStep: Sendable, Equatable {
  /// The lane names, at the top of the diagram.
  case lanes(left: String, right: String)
  /// Bytes crossing from one side to the other: `.clientToServer` goes left to right.
  case arrow(TraceDirection, String)
  /// The dissection of the bytes the previous arrow carried.
  case record(TraceRecord)
  /// A remark beside one lane (`.clientToServer`: the left endpoint's side).
  case note(TraceDirection, String)
  /// An empty stretch of both lanes.
  case gap
}

/// Renders document blocks as terminal text: wrapped to a width in columns, plain or in ANSI
/// colour (colour never carries information the plain text lacks).
public struct DocumentTextRenderer: Sendable {
  public var width: Int
  public var style: TraceRenderer.Style
  public var records: TraceRenderer
  public let diagram: SequenceDiagram
  public let labels: Labels

  public init(width: Int = 80, style: TraceRenderer.Style = .plain, labels: Labels = .english) {
    self.width = max(60, width)
    self.style = style
    self.labels = labels
    self.records = TraceRenderer(style: style, linePrefix: "  ", width: self.width)
    self.records.labels = labels
    self.diagram = SequenceDiagram(width: self.width)
  }

  /// The text of one block, every line ending in `\n`.
  public func render(_ block: DocumentBlock) -> String {
    switch block {
    case .banner(let number, let title, let subtitle):
      let rule = String(repeating: "=", count: width)
      return rule + "\n" + bold(Labels.format(labels.banner, "\(number)", title)) + "\n"
        + Trace.wrap(subtitle, width: width).map { $0 + "\n" }.joined() + rule + "\n\n"
    case .heading(let number, let title):
      let lines = Trace.wrap(
        title, width: width, first: number + "  ", rest: String(repeating: " ", count: number.count + 2))
      let rule = String(repeating: "-", count: lines.map { Trace.displayWidth($0) }.max() ?? 0)
      return lines.map { bold($0) + "\n" }.joined() + rule + "\n"
    case .prose(let text):
      return prose(text)
    case .line(let text):
      return line(text)
    case .trace(let event, let source):
      guard let source else { return records.render(event) }
      var prefixed = records
      prefixed.linePrefix += "[\(source)] "
      return prefixed.render(event)
    case .table(let header, let rows, _):
      return table(header, rows)
    case .box(let title, let items):
      return box(title, items)
    case .diagram(let step):
      switch step {
      case .lanes: return diagram.header + "\n"
      case .arrow(let direction, let label): return diagram.arrow(direction, label) + "\n"
      case .record(let record): return records.render(record) + diagram.lanes + "\n"
      case .note(let side, let text): return diagram.note(side, text) + "\n"
      case .gap: return diagram.lanes + "\n"
      }
    case .exercises(let exercises, let answers):
      var out = bold(labels.exercises) + "\n"
      for (i, exercise) in exercises.enumerated() {
        let marker = "\(i + 1). "
        let indent = String(repeating: " ", count: marker.count)
        out += Trace.wrap(exercise.question, width: width, first: marker, rest: indent).map { $0 + "\n" }.joined()
        if let answerCheck = exercise.answerCheck {
          out += Trace.wrap("→ " + answerCheck, width: width, first: indent, rest: indent + "  ")
            .map { $0 + "\n" }.joined()
        }
      }
      out += "\n"
      out += Trace.wrap(
        Labels.format(labels.answersAt, answers), width: width
      ).map { $0 + "\n" }.joined()
      return out + "\n"
    case .end(let number, let next):
      return String(repeating: "=", count: width) + "\n"
        + Trace.wrap(
          Labels.format(labels.end, "\(number)") + (next.map { Labels.format(labels.next, $0) } ?? ""), width: width
        )
        .map { $0 + "\n" }.joined() + "\n"
    }
  }

  /// Prose wrapped to the width; list items get a hanging indent; indented lines are kept as
  /// they are; a blank line follows.
  func prose(_ text: String) -> String {
    var out = ""
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if paragraph.isEmpty {
        out += "\n"
        continue
      }
      if paragraph.hasPrefix("  ") {
        out += line(String(paragraph.dropFirst(2)))
        continue
      }
      let marker = Self.listMarker(paragraph)
      let hanging = marker.map { String(repeating: " ", count: $0.count + 1) } ?? ""
      out += Trace.wrap(String(paragraph), width: width, rest: hanging).map { $0 + "\n" }.joined()
    }
    return out + "\n"
  }

  /// `-` or `12.` when the paragraph is a list item.
  public static func listMarker(_ paragraph: Substring) -> Substring? {
    let marker = paragraph.prefix { $0.isNumber || $0 == "." || $0 == "-" }
    let isMarker =
      marker == "-" || (marker.count >= 2 && marker.hasSuffix(".") && marker.dropLast().allSatisfy(\.isNumber))
    guard isMarker, paragraph.dropFirst(marker.count).hasPrefix(" ") else { return nil }
    return marker
  }

  /// A preformatted line, indented by two spaces. A line too wide for the terminal continues on
  /// the next lines, indented to where its value starts (after the label's run of spaces).
  func line(_ text: String) -> String {
    guard !text.isEmpty else { return "\n" }
    let full = "  " + text
    guard Trace.displayWidth(full) > width else { return full + "\n" }
    var hanging = 4
    let body = text.drop { $0 == " " }
    if let gap = body.firstRange(of: "  ") {
      var column =
        Trace.displayWidth(text.prefix(text.count - body.count)) + Trace.displayWidth(body[..<gap.lowerBound]) + 2
      var rest = body[gap.upperBound...]
      while rest.hasPrefix(" ") {
        rest = rest.dropFirst()
        column += 1
      }
      if column + 2 <= width / 2 { hanging = column + 2 }
    }
    let leading = String(text.prefix { $0 == " " })
    return Trace.wrap(text, width: width, first: "  " + leading, rest: String(repeating: " ", count: hanging))
      .map { $0 + "\n" }.joined()
  }

  /// Columns aligned by display width. When the table is wider than the width, the widest
  /// columns are narrowed and their cells wrap onto more lines, each within its column.
  func table(_ header: [String], _ rows: [[String]]) -> String {
    let columns = max(header.count, rows.map(\.count).max() ?? 0)
    var widths = [Int](repeating: 0, count: columns)
    for row in [header] + rows {
      for (i, cell) in row.enumerated() { widths[i] = max(widths[i], Trace.displayWidth(cell)) }
    }
    // Every column keeps at least its longest word (or 12 columns, whichever is less).
    var minimum = [Int](repeating: 1, count: columns)
    for row in [header] + rows {
      for (i, cell) in row.enumerated() {
        let longestWord = cell.split(separator: " ").map { Trace.displayWidth($0) }.max() ?? 0
        minimum[i] = max(minimum[i], min(12, longestWord))
      }
    }
    var total: Int { 2 + widths.reduce(0, +) + 2 * max(0, columns - 1) }
    while total > width {
      guard let widest = widths.indices.filter({ widths[$0] > minimum[$0] }).max(by: { widths[$0] < widths[$1] })
      else { break }
      widths[widest] -= 1
    }
    func render(_ cells: [String]) -> [String] {
      let wrapped = (0..<columns).map { i in
        i < cells.count ? Trace.wrap(cells[i], width: widths[i]) : [""]
      }
      let height = wrapped.map(\.count).max() ?? 1
      return (0..<height).map { lineIndex in
        var s = "  "
        for i in 0..<columns {
          let piece = lineIndex < wrapped[i].count ? wrapped[i][lineIndex] : ""
          s += i == columns - 1 ? piece : Trace.pad(piece, to: widths[i]) + "  "
        }
        while s.last == " " { s.removeLast() }
        return s
      }
    }
    var out = render(header).map { bold($0) + "\n" }.joined()
    out += "  " + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
    for row in rows { out += render(row).map { $0 + "\n" }.joined() }
    return out + "\n"
  }

  func box(_ title: String, _ items: [String]) -> String {
    let inner = width - 4
    var out = "  +" + String(repeating: "-", count: inner) + "+\n"
    func row(_ text: String, bolded: Bool = false) -> String {
      let padded = Trace.pad(text, to: inner - 1)
      return "  | " + (bolded ? bold(text) + String(padded.dropFirst(text.count)) : padded) + "|\n"
    }
    for line in Trace.wrap(title, width: inner - 2) { out += row(line, bolded: true) }
    out += "  |" + String(repeating: " ", count: inner) + "|\n"
    for item in items {
      for line in Trace.wrap(item, width: inner - 2, first: "- ", rest: "  ") { out += row(line) }
    }
    return out + "  +" + String(repeating: "-", count: inner) + "+\n\n"
  }

  public func bold(_ s: String) -> String { style == .ansi ? "\u{1b}[1m\(s)\u{1b}[0m" : s }
  public func dim(_ s: String) -> String { style == .ansi ? "\u{1b}[2m\(s)\u{1b}[0m" : s }
}
