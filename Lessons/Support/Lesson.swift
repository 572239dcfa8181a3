import Trace

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What every lesson executable shares: options, headings, prose, tables, and the trace renderer.
///
/// Lessons compute nothing by hand. Every byte they show comes from the real codec through a
/// ``TraceRecord``; this type only lays it out. Output goes to standard output, plain unless it is
/// a terminal (then ANSI colour, unless `--no-color` or `NO_COLOR`), and the lesson pauses between
/// sections only when both standard input and output are terminals (never with `--no-pause`).
public struct Lesson {
  public let number: Int
  public let title: String
  public let style: TraceRenderer.Style
  public let interactive: Bool
  /// Width prose is wrapped to.
  public let width = 88
  public let renderer: TraceRenderer
  private var section = 0

  public init(number: Int, title: String, arguments: [String] = CommandLine.arguments) {
    self.number = number
    self.title = title
    let noColor =
      arguments.contains("--no-color") || Self.environment("NO_COLOR").map { !$0.isEmpty } == true
      || Self.environment("TERM") == "dumb"
    let tty = isatty(STDOUT_FILENO) == 1
    self.style = (tty && !noColor) ? .ansi : .plain
    self.interactive = tty && isatty(STDIN_FILENO) == 1 && !arguments.contains("--no-pause")
    self.renderer = TraceRenderer(style: style, linePrefix: "  ")
    if arguments.contains("--help") || arguments.contains("-h") {
      print(
        """
        Lesson \(number): \(title)
        usage: Lesson\(number < 10 ? "0" : "")\(number) [--no-color] [--no-pause]
          --no-color  plain text (also when NO_COLOR is set or output is not a terminal)
          --no-pause  do not wait for Enter between sections (automatic when not a terminal)
        """)
      exit(0)
    }
  }

  static func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
  }

  // MARK: layout

  /// The lesson's title block.
  public func banner(_ subtitle: String) {
    let line = String(repeating: "=", count: width)
    print(line)
    print(bold("WSLab lesson \(number): \(title)"))
    print(subtitle)
    print(line)
    print()
  }

  /// A numbered section heading; pauses first when interactive.
  public mutating func heading(_ text: String) {
    section += 1
    if section > 1 { pause() }
    let head = "\(number).\(section)  \(text)"
    print(bold(head))
    print(String(repeating: "-", count: head.count))
  }

  /// Prose, wrapped to ``width`` columns. Blank lines separate paragraphs.
  public func say(_ text: String) {
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if paragraph.isEmpty {
        print()
        continue
      }
      // Lines indented by two spaces or more are preformatted: printed as they are.
      if paragraph.hasPrefix("  ") {
        print(paragraph)
        continue
      }
      // List items ("1. ", "- ") wrap with a hanging indent.
      let marker = paragraph.prefix { $0.isNumber || $0 == "." || $0 == "-" }
      let isListMarker =
        marker == "-" || (marker.count >= 2 && marker.hasSuffix(".") && marker.dropLast().allSatisfy(\.isNumber))
      let hanging =
        (isListMarker && paragraph.dropFirst(marker.count).hasPrefix(" "))
        ? String(repeating: " ", count: marker.count + 1) : ""
      var line = ""
      for word in paragraph.split(separator: " ") {
        if line.isEmpty {
          line = String(word)
        } else if line.count + 1 + word.count > width {
          print(line)
          line = hanging + word
        } else {
          line += " " + word
        }
      }
      print(line)
    }
    print()
  }

  /// A trace event rendered by the shared renderer.
  public func show(_ event: TraceEvent) {
    print(renderer.render(event), terminator: "")
  }

  /// Events in order; a blank line after each byte record and after the last event.
  public func show(_ events: [TraceEvent]) {
    guard !events.isEmpty else { return }
    for (i, event) in events.enumerated() {
      show(event)
      if case .bytes = event, i < events.count - 1 { print() }
    }
    print()
  }

  public func show(_ record: TraceRecord) {
    show(.bytes(record))
    print()
  }

  /// A line of output, indented like trace output.
  public func line(_ text: String = "") {
    print(text.isEmpty ? "" : "  " + text)
  }

  /// A plain table with a header row and aligned columns.
  public func table(_ header: [String], _ rows: [[String]]) {
    var widths = header.map(\.count)
    for row in rows {
      for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
    }
    func render(_ cells: [String]) -> String {
      var s = "  "
      for (i, cell) in cells.enumerated() {
        s += i == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count + 2)
      }
      return s
    }
    print(bold(render(header)))
    print("  " + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
    for row in rows { print(render(row)) }
    print()
  }

  /// A boxed aside, for misconceptions and rules worth remembering.
  public func box(_ title: String, _ items: [String]) {
    let inner = width - 4
    print("  +" + String(repeating: "-", count: inner) + "+")
    print("  | " + bold(title) + String(repeating: " ", count: max(0, inner - 1 - title.count)) + "|")
    print("  |" + String(repeating: " ", count: inner) + "|")
    for item in items {
      var line = "- "
      var lines: [String] = []
      for word in item.split(separator: " ") {
        if line.count + 1 + word.count > inner - 2 {
          lines.append(line)
          line = "  "
        }
        line += (line == "- " || line == "  " ? "" : " ") + word
      }
      lines.append(line)
      for l in lines {
        print("  | " + l + String(repeating: " ", count: max(0, inner - 1 - l.count)) + "|")
      }
    }
    print("  +" + String(repeating: "-", count: inner) + "+")
    print()
  }

  /// Waits for Enter when interactive; does nothing otherwise.
  public func pause() {
    guard interactive else { return }
    print(dim("  [Enter: next section]"), terminator: "")
    fflush(nil)
    _ = readLine()
    print()
  }

  public func bold(_ s: String) -> String { style == .ansi ? "\u{1b}[1m\(s)\u{1b}[0m" : s }
  public func dim(_ s: String) -> String { style == .ansi ? "\u{1b}[2m\(s)\u{1b}[0m" : s }

  /// Ends the lesson.
  public func finish(next: String?) {
    print(String(repeating: "=", count: width))
    print("End of lesson \(number)." + (next.map { " Next: \($0)" } ?? ""))
    print()
  }
}

extension String {
  /// The string followed by spaces up to `width` characters.
  public func padded(to width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }
}
