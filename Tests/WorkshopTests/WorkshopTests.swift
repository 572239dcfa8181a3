import Workshop
import XCTest

/// `wslab check`: every exercise accepts its answer, refuses a wrong one with a hint, and refuses
/// each known mistake with the hint for that mistake. The answers are computed by the codec; a few
/// are also compared with values worked out by hand from the RFCs, so that a codec bug cannot
/// make its own check pass.
final class WorkshopTests: XCTestCase {
  func testEveryExerciseAcceptsItsAnswerAndRefusesWrongOnes() {
    XCTAssertEqual(WorkshopExercises.all.count, 26)
    XCTAssertEqual(Set(WorkshopExercises.all.map(\.id)).count, WorkshopExercises.all.count, "ids are unique")
    for exercise in WorkshopExercises.all {
      let answer = exercise.answer()
      XCTAssertEqual(exercise.check(answer), .right(answer), exercise.id)
      XCTAssertEqual(exercise.check("  " + answer + " "), .right(answer), "\(exercise.id): spaces around")
      XCTAssertEqual(exercise.check("not the answer"), .wrong(hint: exercise.hint), exercise.id)
      XCTAssertEqual(exercise.check(""), .wrong(hint: exercise.hint), exercise.id)
      for mistake in exercise.mistakes {
        XCTAssertEqual(exercise.check(mistake.answer), .wrong(hint: mistake.hint), "\(exercise.id): \(mistake.answer)")
      }
      XCTAssertTrue(exercise.command.hasPrefix("wslab check \(exercise.id) "), exercise.command)
      XCTAssertFalse(exercise.task.isEmpty)
    }
  }

  /// Answers worked out by hand (and one by openssl), independent of the code that computes them.
  func testAnswersAgreeWithTheRFCsWorkedByHand() {
    let expected: [String: String] = [
      // printf '%s' 'EBfUJOozc2+oWH0qCh4ijQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11' | openssl sha1 -binary | base64
      "1.1": "iWOPylNrDCImKDdHVPSYv5MgDMc=",
      "1.2": "yes yes no",  // §4.2.1 items 4, 3 (case-insensitive), 6 (exactly 13)
      "1.3": "7",  // 81 05 + "Hello"
      "2.1": "8",  // 2 + 2 (126 → 16-bit length) + 4 (key)
      "2.2": "1007",  // 'H' ^ 0x80 = 0xc8: a lead byte without continuation (§8.1)
      "2.3": "Hello, world!",
      "2.4": "1002",  // §5.4: fragments of two messages interleaved
      "3.1": "server",  // §7.1.1
      "3.2": "1 two",  // §5.5.3
      "3.3": "0",  // §7.1.7
      "4.1": "4 7",  // "ello" 7 back; 'H' at position 0 stays a literal
      "4.3": "no",  // RFC 7692 §7.1.2.1
      "5.1": "10",  // 2 + 8, unmasked
      "5.3": "11",  // 2 + 4 + 5
      "6.1": "60",  // (2 + 4 + 26) + (2 + 26)
      "6.2": "64",
      "7.1": "18",  // "1 a 1 text /r 2\nhi"
      "7.2": "yes no",  // 5200 → 6936 base64 chars, 5300 → 7068
      "7.3": "1012",
      "8.1": "29",  // 5 + (2 + 5) + 1 + 16
      "8.2": "403",  // §10.2
      "8.3": "55 71 02 58 3d",  // 47^12 45^34 54^56 20^78 2f^12
      "8.4": "401",  // RFC 9110 §15.5.2
    ]
    for (id, answer) in expected {
      let exercise = WorkshopExercises.find(id)
      XCTAssertEqual(exercise.map { $0.check(answer) }, .right(exercise?.answer() ?? ""), id)
    }
    XCTAssertNil(WorkshopExercises.find("9.9"))
  }

  func testAnswersAreComparedTheWayLearnersWriteThem() throws {
    let masked = try XCTUnwrap(WorkshopExercises.find("8.3"))
    for form in ["55 71 02 58 3d", "557102583d", "0x55, 0x71, 0x02, 0x58, 0x3D", "55:71:02:58:3d"] {
      XCTAssertEqual(masked.check(form), .right("55 71 02 58 3d"), form)
    }
    let headers = try XCTUnwrap(WorkshopExercises.find("1.2"))
    XCTAssertEqual(headers.check("Yes, YES, no"), .right("yes yes no"))
    // Base64 is case-sensitive: a changed letter is a different value.
    let accept = try XCTUnwrap(WorkshopExercises.find("1.1"))
    XCTAssertNotEqual(accept.check("iwopylnrdcimkddhvpsyv5mgdmc="), .right("iWOPylNrDCImKDdHVPSYv5MgDMc="))
    let sizes = try XCTUnwrap(WorkshopExercises.find("6.1"))
    XCTAssertEqual(sizes.check("60 bytes"), .right("60"))
  }
}
