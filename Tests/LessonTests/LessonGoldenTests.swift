import Foundation
import Trace
import XCTest

/// Each lesson's plain output must equal its golden file byte for byte. The lessons run the real
/// codec, so a change in the codec that changes a byte shows up here; `make golden` regenerates
/// the files after a deliberate change (then read the diff).
final class LessonGoldenTests: XCTestCase {
  /// The folder holding the built lesson executables: the same one as the test bundle.
  static func binDirectory() throws -> URL {
    var candidates: [URL] = []
    if let exe = Bundle.main.executableURL { candidates.append(exe.deletingLastPathComponent()) }
    candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
    candidates.append(Bundle.main.bundleURL)
    for dir in candidates
    where FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("Lesson01").path) {
      return dir
    }
    struct LessonsNotBuilt: Error, CustomStringConvertible {
      let searched: [String]
      var description: String { "lesson executables not found next to the test bundle in \(searched)" }
    }
    throw LessonsNotBuilt(searched: candidates.map(\.path))
  }

  func run(
    _ lesson: String, arguments: [String] = ["--no-color", "--no-pause"], columns: Int? = nil,
    locale: [String: String] = [:]
  ) throws -> (String, Int32) {
    let process = Process()
    process.executableURL = try Self.binDirectory().appendingPathComponent(lesson)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = nil
    env["COLUMNS"] = columns.map(String.init)
    // The language comes from the locale: the machine's must not choose it for the tests.
    env["LC_ALL"] = nil
    env["LC_MESSAGES"] = nil
    env["LANG"] = "C.UTF-8"
    env.merge(locale) { _, new in new }
    process.environment = env
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (String(decoding: data, as: UTF8.self), process.terminationStatus)
  }

  func golden(_ name: String, language: String? = nil) throws -> String {
    let url = try XCTUnwrap(
      Bundle.module.url(
        forResource: name, withExtension: "txt", subdirectory: language.map { "Golden/" + $0 } ?? "Golden"))
    return try String(contentsOf: url, encoding: .utf8)
  }

  func assertMatchesGolden(
    _ lesson: String, _ golden: String, normalise: (String) -> String = { $0 }, file: StaticString = #filePath,
    line: UInt = #line
  ) throws {
    let (rawOutput, status) = try run(lesson)
    XCTAssertEqual(status, 0, file: file, line: line)
    let output = normalise(rawOutput)
    let expected = normalise(try self.golden(golden))
    if output != expected {
      let got = output.split(separator: "\n", omittingEmptySubsequences: false)
      let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
      let first = (0..<min(got.count, want.count)).first { got[$0] != want[$0] } ?? min(got.count, want.count)
      XCTFail(
        """
        \(lesson) output differs from Golden/\(golden).txt at line \(first + 1) (run `make golden` after a deliberate change):
          expected: \(first < want.count ? String(want[first]) : "<end>")
          actual:   \(first < got.count ? String(got[first]) : "<end>")
        """, file: file, line: line)
    }
  }

  func testLesson01Handshake() throws { try assertMatchesGolden("Lesson01", "01-handshake") }
  func testLesson02Framing() throws { try assertMatchesGolden("Lesson02", "02-framing") }
  func testLesson03Connection() throws { try assertMatchesGolden("Lesson03", "03-connection") }
  func testLesson04Deflate() throws { try assertMatchesGolden("Lesson04", "04-deflate") }
  /// Runs a real server and clients on 127.0.0.1 (ports normalised in the output).
  func testLesson05Server() throws { try assertMatchesGolden("Lesson05", "05-server") }

  /// Three servers and PostgreSQL (started by the lesson): ports, the database's port and the
  /// random reconnect delay are masked by the lesson itself.
  func testLesson07ScaleOut() throws { try assertMatchesGolden("Lesson07", "07-scale-out") }
  /// Real servers on 127.0.0.1, wss:// with the lesson's own certificate: TLS lengths are fixed,
  /// ciphertext is never shown.
  func testLesson08Security() throws { try assertMatchesGolden("Lesson08", "08-security") }

  /// Measures live: times and memory vary, so they are masked (and column padding with them);
  /// every byte count and every sentence must still match.
  func testLesson06VersusLongPolling() throws {
    try assertMatchesGolden(
      "Lesson06", "06-vs-long-polling",
      normalise: { text in
        var t = text.replacingOccurrences(of: #"\d+ µs"#, with: "N µs", options: .regularExpression)
        t = t.replacingOccurrences(of: #"about \d+ KiB"#, with: "about N KiB", options: .regularExpression)
        // Measured ratios, and the build the lesson ran in (debug here, release in `make lessons`).
        t = t.replacingOccurrences(of: #"\d+\.\d×"#, with: "N×", options: .regularExpression)
        t = t.replacingOccurrences(of: #"(?m)^  build: .*$"#, with: "  build: B", options: .regularExpression)
        t = t.replacingOccurrences(of: #"-{2,}"#, with: "--", options: .regularExpression)
        // Line breaks move with the measured numbers: compare the words.
        t = t.replacingOccurrences(of: #"[ \n]+"#, with: " ", options: .regularExpression)
        // The sentence that reads the measured ratios has two forms.
        return t.replacingOccurrences(
          of: #"In this run the gap (narrowed as messages grew|did not narrow) \(the second table\)[^.]*\."#,
          with: "In this run the gap GAP.", options: .regularExpression)
      })
  }

  /// The HTML edition of lessons 1-5 and 7 equals its golden page byte for byte (lesson 6 measures
  /// live; the browser test checks its page).
  func testHTMLPagesMatchGolden() throws {
    let pages = [
      ("Lesson01", "01-handshake"), ("Lesson02", "02-framing"), ("Lesson03", "03-connection"),
      ("Lesson04", "04-deflate"), ("Lesson05", "05-server"), ("Lesson07", "07-scale-out"),
      ("Lesson08", "08-security"),
    ]
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wslab-html-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for (lesson, name) in pages {
      let path = dir.appendingPathComponent(name + ".html").path
      let (_, status) = try run(lesson, arguments: ["--no-color", "--no-pause", "--html", path])
      XCTAssertEqual(status, 0)
      let page = try String(contentsOfFile: path, encoding: .utf8)
      let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: "html", subdirectory: "Golden"))
      let golden = try String(contentsOf: url, encoding: .utf8)
      if page != golden {
        let got = page.split(separator: "\n", omittingEmptySubsequences: false)
        let want = golden.split(separator: "\n", omittingEmptySubsequences: false)
        let first = (0..<min(got.count, want.count)).first { got[$0] != want[$0] } ?? min(got.count, want.count)
        XCTFail(
          "\(lesson) --html differs from Golden/\(name).html at line \(first + 1) (`make golden` after a deliberate change)"
        )
      }
      // Self-contained: nothing is loaded from elsewhere (links to the RFCs are only links).
      XCTAssertFalse(page.contains("<script src"), name)
      XCTAssertFalse(page.contains("<link"), name)
      XCTAssertFalse(page.contains("<img"), name)
      XCTAssertFalse(page.contains("@import"), name)
      XCTAssertFalse(page.contains("url("), name)
    }
  }

  /// Every lesson's README carries the lesson's exercises with their answers, as the lesson
  /// computes them now (`make golden` writes them; a lesson that gains an exercise, or whose
  /// answer changes with the codec, fails here until the README follows).
  func testReadmesCarryEachLessonsExercisesAndAnswers() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wslab-exercises-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let slugs = [
      "01-handshake", "02-framing", "03-connection", "04-deflate", "05-server", "06-vs-long-polling", "07-scale-out",
      "08-security",
    ]
    for (lesson, slug) in zip(Self.lessons, slugs) {
      let path = dir.appendingPathComponent(slug + ".md").path
      let (output, status) = try run(lesson, arguments: ["--no-color", "--no-pause", "--exercises-markdown", path])
      XCTAssertEqual(status, 0)
      let exercises = try String(contentsOfFile: path, encoding: .utf8)
      XCTAssertTrue(exercises.hasPrefix("1. "), "\(lesson) has no exercises")
      XCTAssertTrue(exercises.contains("<summary>Answer</summary>"), lesson)
      let readme = try String(
        contentsOf: root.appendingPathComponent("Lessons/\(slug)/README.md"), encoding: .utf8)
      XCTAssertTrue(
        readme.contains(exercises.trimmingCharacters(in: .newlines)),
        "Lessons/\(slug)/README.md does not have \(lesson)'s exercises and answers: run `make golden`")
      // The text edition prints every question and says where the answers are.
      let count = exercises.components(separatedBy: "<summary>Answer</summary>").count - 1
      // Each exercise names the `wslab check` that checks it, in order.
      for i in 1...count {
        XCTAssertTrue(
          exercises.contains("Your answer: `wslab check \(lesson.suffix(1)).\(i) "), "\(lesson) exercise \(i)")
        XCTAssertTrue(output.contains("→ wslab check \(lesson.suffix(1)).\(i) "), "\(lesson) exercise \(i)")
      }
      XCTAssertTrue(output.contains("\n\(count). "), lesson)
      XCTAssertFalse(output.contains("\n\(count + 1). "), lesson)
      XCTAssertTrue(output.contains("Answers: in Lessons/\(slug)/README.md"), lesson)
    }
  }

  static let lessons = [
    "Lesson01", "Lesson02", "Lesson03", "Lesson04", "Lesson05", "Lesson06", "Lesson07", "Lesson08",
  ]

  /// Lines wider than `limit` terminal columns (East Asian wide characters count two).
  func overWide(_ text: String, limit: Int) -> [String] {
    text.split(separator: "\n").filter { Trace.displayWidth($0) > limit }.map(String.init)
  }

  /// Every line of every lesson fits 80 columns when COLUMNS is unset (wrapped prose, tables,
  /// dissections whose meanings move under their fields, the sequence diagram's lanes).
  func testEveryLessonFitsEightyColumns() throws {
    for lesson in Self.lessons {
      let (output, status) = try run(lesson)
      XCTAssertEqual(status, 0)
      let wide = overWide(output, limit: 80)
      XCTAssertEqual(wide, [], "\(lesson): \(wide.count) lines wider than 80 columns, first: \(wide.first ?? "")")
    }
  }

  /// With COLUMNS set the lessons use that width: narrower still fits, wider is used by prose.
  func testLessonsFollowColumns() throws {
    let (narrow, _) = try run("Lesson02", columns: 64)
    XCTAssertEqual(overWide(narrow, limit: 64), [])
    let (wide, _) = try run("Lesson02", columns: 120)
    XCTAssertEqual(overWide(wide, limit: 120), [])
    XCTAssertFalse(overWide(wide, limit: 80).isEmpty, "COLUMNS=120 should give lines wider than 80")
    // A width below 60 is raised to 60: the dissection needs that much.
    let (tiny, _) = try run("Lesson01", columns: 20)
    XCTAssertEqual(overWide(tiny, limit: 60), [])
  }

  /// Plain output never contains escape sequences, and the output does not depend on the run.
  func testLessonsArePlainWhenNotATerminalAndDeterministic() throws {
    // Lesson 6 measures live.
    for lesson in ["Lesson01", "Lesson02", "Lesson03", "Lesson04", "Lesson05", "Lesson07", "Lesson08"] {
      let (first, _) = try run(lesson, arguments: [])
      let (second, _) = try run(lesson, arguments: [])
      XCTAssertFalse(first.contains("\u{1b}["), "\(lesson) printed ANSI escapes to a pipe")
      XCTAssertEqual(first, second, "\(lesson) output differs between runs")
    }
  }

  // MARK: the Chinese edition

  static var repositoryRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
  }

  /// The lessons translated so far: those with a README.zh-CN.md beside their README.
  static func chineseLessons() throws -> [(executable: String, slug: String)] {
    let lessons = Self.repositoryRoot.appendingPathComponent("Lessons")
    return try FileManager.default.contentsOfDirectory(atPath: lessons.path).sorted()
      .filter { FileManager.default.fileExists(atPath: lessons.appendingPathComponent("\($0)/README.zh-CN.md").path) }
      .map { ("Lesson" + $0.prefix(2), $0) }
  }

  /// `--lang zh-CN` prints each translated lesson as its golden file, fitting 80 columns (Chinese
  /// characters count two).
  func testChineseEditionMatchesGolden() throws {
    let lessons = try Self.chineseLessons()
    XCTAssertFalse(lessons.isEmpty)
    for (lesson, slug) in lessons {
      let (rawOutput, status) = try run(lesson, arguments: ["--no-color", "--no-pause", "--lang", "zh-CN"])
      XCTAssertEqual(status, 0)
      // Lesson 6 measures live: compare what does not depend on the run.
      let measured = lesson == "Lesson06"
      let output = measured ? Self.maskMeasuredChinese(rawOutput) : rawOutput
      let golden = try golden(slug, language: "zh-CN")
      let expected = measured ? Self.maskMeasuredChinese(golden) : golden
      if output != expected {
        let got = output.split(separator: "\n", omittingEmptySubsequences: false)
        let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let first = (0..<min(got.count, want.count)).first { got[$0] != want[$0] } ?? min(got.count, want.count)
        // A masked text is one long line: show where in it the two part.
        let (wanted, actual) = Self.aroundFirstDifference(
          first < want.count ? String(want[first]) : "<end>", first < got.count ? String(got[first]) : "<end>")
        XCTFail(
          """
          \(lesson) --lang zh-CN differs from Golden/zh-CN/\(slug).txt at line \(first + 1) (make golden):
            expected: \(wanted)
            actual:   \(actual)
          """)
      }
      XCTAssertEqual(overWide(rawOutput, limit: 80), [], "\(lesson) in Chinese is wider than 80 columns")
      // The text is Chinese: most lines with words have Chinese characters in them.
      XCTAssertTrue(output.contains("练习"), lesson)
      let readme = try String(
        contentsOf: Self.repositoryRoot.appendingPathComponent("Lessons/\(slug)/README.zh-CN.md"), encoding: .utf8)
      XCTAssertTrue(readme.contains("<summary>答案</summary>"), "\(slug)/README.zh-CN.md has no answers: make golden")
    }
  }

  /// Two lines cut to 40 characters each side of where they first differ (short lines whole).
  static func aroundFirstDifference(_ a: String, _ b: String) -> (String, String) {
    let x = Array(a)
    let y = Array(b)
    guard x.count > 100 || y.count > 100 else { return (a, b) }
    let i = (0..<min(x.count, y.count)).first { x[$0] != y[$0] } ?? min(x.count, y.count)
    func cut(_ c: [Character]) -> String {
      let lower = max(0, i - 40)
      let upper = min(c.count, i + 40)
      return (lower > 0 ? "…" : "") + String(c[lower..<upper]) + (upper < c.count ? "…" : "")
    }
    return (cut(x), cut(y))
  }

  /// Lesson 6 in Chinese with its measured figures masked: times, memory, ratios, the build, and
  /// the sentence that reads the ratios (two forms). Chinese lines break between any two
  /// characters, so the comparison ignores white space and column padding.
  static func maskMeasuredChinese(_ text: String) -> String {
    // A line may break inside a masked figure (`约` at the end of one line, `4 KiB` on the next).
    var t = text.replacingOccurrences(of: #"\d+\s*µs"#, with: "Nµs", options: .regularExpression)
    t = t.replacingOccurrences(of: #"约\s*\d+\s*KiB"#, with: "约NKiB", options: .regularExpression)
    t = t.replacingOccurrences(of: #"\d+\.\d\s*(倍|×)"#, with: "N$1", options: .regularExpression)
    t = t.replacingOccurrences(of: #"(?m)^  构建：.*$"#, with: "  构建：B", options: .regularExpression)
    t = t.replacingOccurrences(of: #"-{2,}"#, with: "--", options: .regularExpression)
    t = t.replacingOccurrences(of: #"\s+"#, with: "", options: .regularExpression)
    return t.replacingOccurrences(
      of: #"这次运行中，差距(随消息变大而缩小了|没有缩小)（第二张表）[^。]*。"#, with: "GAP", options: .regularExpression)
  }

  /// English a lesson shows as it came: PostgreSQL's message when the lesson stops a session.
  static let peersWords: Set<String> = [
    "terminating connection due to administrator command (SQLSTATE 57P01)"
  ]

  /// Every string a translated lesson prints has a translation, and every entry of its catalog is
  /// still printed: a string missing from either language fails here, named.
  func testChineseCatalogsHaveEveryStringAndNoStaleOne() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wslab-strings-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for (lesson, slug) in try Self.chineseLessons() {
      let path = dir.appendingPathComponent(slug + ".txt").path
      let (_, status) = try run(
        lesson, arguments: ["--no-color", "--no-pause", "--lang", "zh-CN", "--strings-report", path])
      XCTAssertEqual(status, 0)
      let report = try String(contentsOfFile: path, encoding: .utf8)
      XCTAssertTrue(report.contains("# missing: 0\n"), "\(lesson): strings without a translation:\n\(report)")
      XCTAssertTrue(report.contains("# unused: 0\n"), "\(lesson): catalog entries no longer printed:\n\(report)")
      // What a `{}` kept in English must be data (a header value, a path, a name): one that reads
      // as a phrase (two lowercase words in a row, quotes aside) is an entry a catalog lacks,
      // unless it is a peer's own words.
      let values = report.split(separator: "\n").filter { $0.hasPrefix("value: ") }.map { $0.dropFirst(7) }
      let phrases = values.filter { value in
        let unquoted = value.replacingOccurrences(of: #""[^"]*"|'[^']*'"#, with: "", options: .regularExpression)
        return unquoted.range(of: #"(?<![\w/=.-])[a-z]{2,} [a-z]{2,}(?![\w/=])"#, options: .regularExpression) != nil
          && !Self.peersWords.contains(String(value))
      }
      XCTAssertEqual(phrases, [], "\(lesson): English phrases kept as values (add them to a catalog)")
    }
    // Every lesson is translated: the check failing on a missing or stale string is
    // LessonTranslationTests' (the same report, from a catalog that lacks one and has one too many).
    XCTAssertEqual(try Self.chineseLessons().map(\.executable), Self.lessons)
  }

  /// The locale chooses the language as POSIX orders it (LC_ALL, LC_MESSAGES, LANG); --lang wins.
  func testLocaleChoosesTheLanguage() throws {
    let (chinese, _) = try run("Lesson01", arguments: ["--no-color", "--no-pause", "--lang", "zh-CN"])
    let (english, _) = try run("Lesson01")
    XCTAssertNotEqual(chinese, english)
    XCTAssertEqual(try run("Lesson01", locale: ["LANG": "zh_CN.UTF-8"]).0, chinese)
    XCTAssertEqual(try run("Lesson01", locale: ["LANG": "zh_CN.UTF-8", "LC_ALL": "en_US.UTF-8"]).0, english)
    XCTAssertEqual(try run("Lesson01", locale: ["LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"]).0, chinese)
    XCTAssertEqual(
      try run("Lesson01", arguments: ["--no-color", "--no-pause", "--lang", "en"], locale: ["LANG": "zh_CN.UTF-8"]).0,
      english)
    let (_, status) = try run("Lesson01", arguments: ["--no-pause", "--lang", "fr"])
    XCTAssertEqual(status, 2)
  }
}
