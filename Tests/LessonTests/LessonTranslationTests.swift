import Foundation
import XCTest

@testable import LessonSupport

/// The machinery behind `--lang zh-CN --strings-report`: the report names what a catalog lacks and
/// what it holds that nothing printed, so the strings test over the real lessons can fail.
final class LessonTranslationTests: XCTestCase {
  func testReportNamesMissingAndUnusedStrings() {
    let translation = LessonTranslation(
      lesson: [
        "A kept sentence.": "保留的句子。", "A stale entry.": "过时的条目。", "{} bytes": "{} 字节", "See {}.": "见 {}。",
      ],
      shared: ["Shared, and not the lesson's.": "共享的。"])
    XCTAssertEqual(
      translation.prose(
        "A kept sentence.\nAn untranslated sentence.\n\n- 26 bytes\n  0x81 0x05\nSee §4.1 item 7.\nSee the big one."),
      "保留的句子。\nAn untranslated sentence.\n\n- 26 字节\n  0x81 0x05\n见 §4.1 第 7 项。\n见 the big one。")
    // Only the lesson's own entries count as unused: the shared catalog serves every lesson. A
    // value kept in English is listed (a section reference is not: it becomes 第 7 项).
    XCTAssertEqual(
      translation.report,
      """
      # missing: 1
      missing: An untranslated sentence.
      # unused: 1
      unused: A stale entry.
      # values kept as they are: 1
      value: the big one

      """)
  }

  /// `either` looks up the text this run did not print, so a missing translation of it is reported
  /// (the release build's line in a debug run, the other reading of a measured ratio).
  func testEitherReportsTheAlternativeNotPrinted() throws {
    let lesson = Lesson(
      number: 9, title: "T", chinese: ["Narrowed.": "缩小了。"],
      arguments: ["Lesson09", "--no-pause", "--no-color", "--lang", "zh-CN"])
    XCTAssertEqual(lesson.either(false, "Narrowed.", "Did not narrow."), "Did not narrow.")
    XCTAssertEqual(lesson.either(true, "Narrowed.", "Did not narrow."), "Narrowed.")
    let report = try XCTUnwrap(lesson.translation?.report)
    XCTAssertEqual(report, "# missing: 1\nmissing: Did not narrow.\n# unused: 0\n# values kept as they are: 0\n")
    // In English nothing is looked up.
    let english = Lesson(number: 9, title: "T", arguments: ["Lesson09", "--no-pause", "--no-color", "--lang", "en"])
    XCTAssertNil(english.translation)
    XCTAssertEqual(english.either(false, "Narrowed.", "Did not narrow."), "Did not narrow.")
  }

  /// The site's list of translated lessons is the lessons with a README.zh-CN.md.
  func testNavigationListsEveryTranslatedLesson() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Lessons")
    let folders = try FileManager.default.contentsOfDirectory(atPath: root.path)
      .filter { FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/README.zh-CN.md").path) }
      .compactMap { Int($0.prefix(2)) }
    XCTAssertEqual(LessonNavigation.translated, Set(folders))
    XCTAssertEqual(Set(folders), Set(LessonNavigation.lessons.map(\.number)), "every lesson speaks Chinese")
  }
}
