import Trace
import Workshop

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What every lesson executable shares: options, headings, prose, tables, and the trace renderer.
///
/// Lessons compute nothing by hand. Every byte they show comes from the real codec through a
/// ``TraceRecord``; this type only lays it out. Each call emits one ``DocumentBlock``: it is
/// rendered as text at once (``DocumentTextRenderer``) and kept, so that `--html FILE` can render
/// the same blocks as a web page at the end (``HTMLRenderer``). Text goes to standard output,
/// plain unless it is a terminal (then ANSI colour, unless `--no-color` or `NO_COLOR`), wrapped to
/// 80 columns or to `$COLUMNS` when it is set; the lesson pauses between sections only when both
/// standard input and output are terminals (never with `--no-pause`).
public struct Lesson {
  public let number: Int
  public let title: String
  public let style: TraceRenderer.Style
  public let interactive: Bool
  /// `--step`: step-by-step tables advance one row at a time on a terminal.
  public let stepping: Bool
  /// Width in terminal columns that every line fits in: 80, or `$COLUMNS` when it is set.
  public let width: Int
  public let text: DocumentTextRenderer
  /// Where `--html FILE` writes the page when the lesson ends (nil: no page).
  public let htmlPath: String?
  /// `--site DIR`: the page goes to DIR/NN-topic.html, and the index to DIR/index.html.
  public let siteDirectory: String?
  /// `--trace-json FILE`: every record the lesson showed, as a JSON array (for the site's test).
  public let traceJSONPath: String?
  /// `--exercises-markdown FILE`: the exercises and answers as Markdown (for the README).
  public let exercisesPath: String?
  /// `--pcap FILE`: the bytes the lesson's endpoints exchanged, as a capture for Wireshark
  /// (lessons 1-4 build it here; lessons 5 and 6 let their real server write it).
  public let pcapPath: String?
  private var capture = PcapNGCapture()
  private var captureTime: UInt64 = Lesson.captureEpoch
  private var connections = 0
  private var capturedFrames: [(connection: Int, from: Role, record: TraceRecord, message: String?)] = []
  /// `--pcap-frames FILE`: WSLab's records of the frames in the capture, as JSON.
  public let pcapFramesPath: String?
  /// The lessons' captures start at 2026-01-01 00:00:00 UTC (microseconds), one millisecond
  /// per packet: fixed, so a capture is the same on every run.
  static let captureEpoch: UInt64 = 1_767_225_600_000_000
  /// Everything the lesson emitted so far.
  public private(set) var blocks: [DocumentBlock] = []
  /// The records the printable handout shows for this lesson (``markKeyBytes(_:)``).
  public private(set) var keyBytes: [(caption: String, record: TraceRecord)] = []
  /// The items of the lesson's misconceptions box, for the handout.
  private var remember: [String] = []
  /// Each exercise's task and `wslab check` command, for the handout (translated in Chinese).
  private var checkTasks: [(task: String, command: String)] = []
  private var section = 0
  /// `--lang zh-CN` or a Chinese locale: Simplified Chinese; English otherwise.
  public let language: Language
  /// nil in English.
  let translation: LessonTranslation?
  /// `--strings-report FILE`: the strings the Chinese catalogs lack, and the lesson's unused entries.
  let stringsReportPath: String?

  /// - Parameter chinese: the lesson's own catalog for Simplified Chinese (English text, with
  ///   `{}` for what the lesson computes, to its translation); the codec's annotations are in the
  ///   shared catalog.
  public init(
    number: Int, title: String, chinese: [String: String] = [:], arguments: [String] = CommandLine.arguments
  ) {
    self.number = number
    self.title = title
    self.language = Language.chosen(arguments: arguments, environment: Self.environment)
    self.translation =
      language == .english ? nil : LessonTranslation(lesson: chinese, shared: SharedChinese.catalog)
    let noColor =
      arguments.contains("--no-color") || Self.environment("NO_COLOR").map { !$0.isEmpty } == true
      || Self.environment("TERM") == "dumb"
    let tty = isatty(STDOUT_FILENO) == 1
    self.style = (tty && !noColor) ? .ansi : .plain
    self.interactive = tty && isatty(STDIN_FILENO) == 1 && !arguments.contains("--no-pause")
    self.stepping = arguments.contains("--step")
    self.width = Self.environment("COLUMNS").flatMap { Int($0) }.map { max(60, min($0, 400)) } ?? 80
    self.text = DocumentTextRenderer(width: width, style: style, labels: language.labels)
    func value(_ option: String, example: String) -> String? {
      guard let i = arguments.firstIndex(of: option) else { return nil }
      guard i + 1 < arguments.count, !arguments[i + 1].hasPrefix("-") else {
        Self.fail("\(option) needs a value, as in \(option) \(example)")
      }
      return arguments[i + 1]
    }
    let slug = LessonNavigation.lessons.first { $0.number == number }?.slug ?? "lesson-\(number)"
    self.htmlPath = value("--html", example: "\(slug).html")
    self.siteDirectory = value("--site", example: "site")
    self.traceJSONPath = value("--trace-json", example: "\(slug).json")
    self.exercisesPath = value("--exercises-markdown", example: "exercises.md")
    self.pcapPath = value("--pcap", example: "\(slug).pcapng")
    self.pcapFramesPath = value("--pcap-frames", example: "\(slug).frames.json")
    self.stringsReportPath = value("--strings-report", example: "missing.txt")
    if arguments.contains("--help") || arguments.contains("-h") {
      print(
        """
        Lesson \(number): \(title)
        usage: Lesson\(number < 10 ? "0" : "")\(number) [--no-color] [--no-pause] [--step] [--html FILE]
          --no-color   plain text (also when NO_COLOR is set or output is not a terminal)
          --no-pause   do not wait for Enter between sections (automatic when not a terminal)
          --step       in step-by-step tables, show one byte at a time (Enter advances)
          --html FILE  also write the lesson as a self-contained web page
          --site DIR   write the page as DIR/NN-topic.html and the index as DIR/index.html
                       (`make site` runs every lesson with --site site)
          --trace-json FILE  every traced record shown, as JSON, in page order
          --pcap FILE  the lesson's traffic as a pcapng capture, for Wireshark and tshark
          --exercises-markdown FILE  the exercises with their answers, as Markdown
          --lang en|zh-CN  the language (default: from LC_ALL, LC_MESSAGES or LANG; zh* is Chinese)
          --strings-report FILE  with zh-CN: the strings the Chinese catalog lacks
        Text fits 80 columns, or $COLUMNS when it is set (60 at least).
        """)
      exit(0)
    }
  }

  static func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
  }

  static func fail(_ message: String) -> Never {
    let text = "error: \(message)\n"
    _ = text.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    exit(2)
  }

  /// Keeps a block and prints its text.
  public mutating func emit(_ block: DocumentBlock) {
    let block = translation?.block(block) ?? block
    blocks.append(block)
    print(text.render(block), terminator: "")
  }

  // MARK: layout

  /// The lesson's title block.
  public mutating func banner(_ subtitle: String) {
    emit(.banner(number: number, title: title, subtitle: subtitle))
  }

  /// A numbered section heading; pauses first when interactive.
  public mutating func heading(_ title: String) {
    section += 1
    if section > 1 { pause() }
    emit(.heading(number: "\(number).\(section)", title: title))
  }

  /// Prose, wrapped to ``width`` columns. Blank lines separate paragraphs; lines indented by two
  /// spaces are preformatted; `- ` and `1. ` start list items.
  public mutating func say(_ text: String) {
    emit(.prose(text))
  }

  /// A trace event rendered by the shared renderer; `source` (`c1`) names its connection.
  public mutating func show(_ event: TraceEvent, source: String? = nil) {
    emit(.trace(event, source: source))
  }

  /// Events in order; a blank line after each byte record and after the last event.
  public mutating func show(_ events: [TraceEvent]) {
    guard !events.isEmpty else { return }
    for (i, event) in events.enumerated() {
      show(event)
      if case .bytes = event, i < events.count - 1 { line() }
    }
    line()
  }

  public mutating func show(_ record: TraceRecord) {
    show(.bytes(record))
    line()
  }

  /// A preformatted line of output, indented like trace output.
  public mutating func line(_ text: String = "") {
    emit(.line(text))
  }

  /// `ifTrue` or `ifFalse`, for a sentence that depends on what the lesson measured or how it was
  /// built. In Chinese both are looked up, so that `--strings-report` names a missing translation
  /// of the one this run did not print (and counts neither as unused).
  public func either(_ condition: Bool, _ ifTrue: String, _ ifFalse: String) -> String {
    _ = translation?.text(condition ? ifFalse : ifTrue)
    return condition ? ifTrue : ifFalse
  }

  /// A step of a two-lane sequence diagram (client left, server right).
  public mutating func diagram(_ step: DiagramStep) {
    emit(.diagram(step))
  }

  /// A table with a header row and aligned columns; `bitColumn` holds bits (drawn as bit cells in
  /// the HTML edition).
  public mutating func table(_ header: [String], _ rows: [[String]], bitColumn: Int? = nil) {
    emit(.table(header: header, rows: rows, bitColumn: bitColumn))
  }

  /// The lesson's exercises with their answers (kept in its README too: `make golden` writes them
  /// there, and a test checks the README has them).
  public mutating func exercises(_ exercises: [Exercise]) {
    // The i-th exercise is checked by `wslab check N.i` (the Workshop catalog): the lesson prints
    // the command under the question.
    let checks = WorkshopExercises.all.filter { $0.lesson == number }
    guard checks.count == exercises.count else {
      Self.fail("lesson \(number) has \(exercises.count) exercises but wslab check knows \(checks.count)")
    }
    checkTasks = checks.map { (translation?.text($0.task) ?? $0.task, $0.command) }
    let exercises = zip(exercises, checks).map { exercise, check in
      var exercise = exercise
      exercise.answerCheck = check.command
      return exercise
    }
    let slug = LessonNavigation.lessons.first { $0.number == number }?.slug ?? "lesson-\(number)"
    emit(.exercises(exercises, answers: language.readme(slug: slug)))
    if let exercisesPath, case .exercises(let shown, _)? = blocks.last {
      Self.writeFile(Exercise.markdown(shown, labels: language.labels), to: exercisesPath)
    }
  }

  // MARK: the capture (--pcap)

  /// A new TCP connection in the capture, from 127.0.0.1:(50000 + n) to 127.0.0.1:80 (the port
  /// Wireshark decodes as HTTP, and the WebSocket after its upgrade, without being told).
  public mutating func openConnection() -> Int {
    connections += 1
    capture.open(
      connections, client: .init(127, 0, 0, 1, port: UInt16(50000 + connections)),
      server: .init(127, 0, 0, 1, port: 80),
      at: tick())
    return connections
  }

  /// Bytes one side of connection `id` sent (the real ones the lesson's codec produced), and the
  /// records the sender's codec reported for the frames among them (kept for `--pcap-frames`, so
  /// a test can compare Wireshark's reading of the capture with WSLab's, frame for frame).
  /// `message`: the text the frames deliver once inflated, when they are compressed.
  public mutating func wire(
    _ id: Int, from role: Role, _ bytes: some Collection<UInt8>, frames: [TraceRecord] = [], message: String? = nil
  ) {
    capture.send(id, from: role == .client ? .client : .server, bytes, at: tick())
    capturedFrames += frames.map { (id, role, $0, message) }
  }

  /// One side of connection `id` closes TCP.
  public mutating func closeWire(_ id: Int, from role: Role) {
    capture.close(id, from: role == .client ? .client : .server, at: tick())
  }

  private mutating func tick() -> UInt64 {
    captureTime += 1000
    return captureTime
  }

  /// A step-by-step table (one row per byte fed to a decoder). With `--step` on a terminal the
  /// rows appear one at a time, Enter advancing; elsewhere the whole table prints at once.
  public mutating func steps(_ header: [String], _ rows: [[String]]) {
    let block = DocumentBlock.table(header: header, rows: rows)
    guard stepping && interactive else { return emit(block) }
    blocks.append(block)
    let lines = text.render(block).split(separator: "\n", omittingEmptySubsequences: false)
    for (i, line) in lines.enumerated() {
      // A row starts where its first column is not blank (wrapped cells continue indented).
      if i > 2, line.count > 2, line.dropFirst(2).first != " " {
        print(dim("  [Enter: next byte]"), terminator: "")
        fflush(nil)
        _ = readLine()
      }
      print(line)
    }
  }

  /// A boxed aside, for misconceptions and rules worth remembering.
  public mutating func box(_ title: String, _ items: [String]) {
    emit(.box(title: title, items: items))
    if case .box(_, let shown)? = blocks.last { remember += shown }
  }

  /// Marks the record shown last (a traced record or a diagram's) as this lesson's key bytes: the
  /// printable handout (`make site` writes site/handout.html) shows it under `caption`.
  public mutating func markKeyBytes(_ caption: String) {
    for block in blocks.reversed() {
      switch block {
      case .trace(.bytes(let record), _), .diagram(.record(let record)):
        keyBytes.append((translation?.text(caption) ?? caption, record))
        return
      default: continue
      }
    }
  }

  /// Waits for Enter when interactive; does nothing otherwise.
  public func pause() {
    guard interactive else { return }
    print(text.dim("  [Enter: next section]"), terminator: "")
    fflush(nil)
    _ = readLine()
    print()
  }

  public func bold(_ s: String) -> String { text.bold(s) }
  public func dim(_ s: String) -> String { text.dim(s) }

  /// Ends the lesson; with `--html`, writes the page.
  public mutating func finish(next: String?) {
    emit(.end(number: number, next: next))
    if let stringsReportPath {
      Self.writeFile(translation?.report ?? "# English: nothing to translate\n", to: stringsReportPath)
    }
    // Lessons with a real server (5, 6) capture through the server instead (ServerConfiguration).
    if let pcapPath, connections > 0 { Self.writeFile(capture.bytes, to: pcapPath) }
    if let pcapFramesPath {
      let entries = capturedFrames.map { entry in
        "{\"connection\":\(entry.connection),\"from\":\"\(entry.from.rawValue)\","
          + "\"message\":\(entry.message.map { "\"" + $0 + "\"" } ?? "null"),\"record\":\(entry.record.json)}"
      }
      Self.writeFile("[\n" + entries.joined(separator: ",\n") + "\n]\n", to: pcapFramesPath)
    }
    if let traceJSONPath {
      let records = DocumentBlock.records(in: blocks).map(\.json)
      Self.writeFile("[\n" + records.joined(separator: ",\n") + "\n]\n", to: traceJSONPath)
    }
    guard htmlPath != nil || siteDirectory != nil else { return }
    var renderer = HTMLRenderer()
    renderer.labels = language.labels
    let page = renderer.page(
      number: number, title: translation?.text(title) ?? title, blocks: blocks,
      navigation: LessonNavigation.links(for: number, language: language))
    if let htmlPath { Self.writeFile(page, to: htmlPath) }
    if let siteDirectory {
      let slug = LessonNavigation.lessons.first { $0.number == number }?.slug ?? "lesson-\(number)"
      if mkdir(siteDirectory, 0o755) != 0 && errno != EEXIST {
        Self.fail("cannot create \(siteDirectory): \(String(cString: strerror(errno)))")
      }
      Self.writeFile(page, to: siteDirectory + "/" + slug + ".html")
      Self.writeFile(
        LessonNavigation.indexPage(language: language) { translation?.translator.lookup($0) ?? $0 },
        to: siteDirectory + "/index.html")
      writeHandout(in: siteDirectory)
    }
  }

  /// The printable handout: this lesson's page of it as `DIR/handout-NN.part.html`, then
  /// `DIR/handout.html` from the parts of every lesson run so far (`make site` runs them all).
  private func writeHandout(in directory: String) {
    let renderer = DocumentTextRenderer(width: 80, style: .plain, labels: language.labels)
    let summary = LessonNavigation.lessons.first { $0.number == number }?.summary ?? ""
    let entry = HTMLRenderer.HandoutEntry(
      number: number, title: translation?.text(title) ?? title, summary: translation?.text(summary) ?? summary,
      keyBytes: keyBytes.map { ($0.caption, renderer.render(.trace(.bytes($0.record)))) },
      remember: remember, checks: checkTasks)
    func part(_ n: Int) -> String { directory + "/handout-" + (n < 10 ? "0" : "") + "\(n).part.html" }
    var html = HTMLRenderer()
    html.labels = language.labels
    Self.writeFile(html.handoutSection(entry), to: part(number))
    var sections: [String] = []
    for lesson in LessonNavigation.lessons {
      guard let file = fopen(part(lesson.number), "r") else { continue }
      var bytes: [UInt8] = []
      var buffer = [UInt8](repeating: 0, count: 65536)
      while case let n = fread(&buffer, 1, buffer.count, file), n > 0 { bytes += buffer[0..<n] }
      fclose(file)
      sections.append(String(decoding: bytes, as: UTF8.self))
    }
    Self.writeFile(html.handout(sections: sections), to: directory + "/handout.html")
  }

  static func writeFile(_ bytes: [UInt8], to path: String) {
    guard let file = fopen(path, "wb") else {
      fail("cannot write \(path): \(String(cString: strerror(errno)))")
    }
    _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    fclose(file)
  }

  static func writeFile(_ text: String, to path: String) {
    guard let file = fopen(path, "w") else {
      fail("cannot write \(path): \(String(cString: strerror(errno)))")
    }
    fputs(text, file)
    fclose(file)
  }
}

extension String {
  /// The string followed by spaces up to `width` characters.
  public func padded(to width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }
}

/// The answer `wslab check ID` expects, computed by the codec now: lessons quote it in their
/// answers so that the two never disagree.
public func checkedAnswer(_ id: String) -> String {
  WorkshopExercises.find(id)?.answer() ?? "(no exercise \(id))"
}
