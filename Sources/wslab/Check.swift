import ArgumentParser
import Foundation
import Trace
import Workshop

/// `wslab check EXERCISE ANSWER`: a learner's answer to a lesson's exercise, checked against the
/// answer the codec computes now (the logic is `WorkshopExercises`, tested directly).
struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check your answer to a lesson's exercise, e.g. wslab check 1.1 s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
    discussion: """
      Every exercise in the lessons prints the command that checks it. The expected answer is \
      computed by WSLab's codec when you run the check, never stored. Without an answer, prints \
      the exercise; without an exercise, lists them all. Exit status: 0 right, 1 wrong (with a \
      hint), 2 for an unknown exercise.
      """)

  @Flag(help: "Print the expected answer instead of checking one (for teachers).") var reveal = false
  @Option(help: "With no exercise: list only this lesson's.") var lesson: Int?
  @Argument(help: "The exercise, as the lesson numbers it: 1.1, 8.3.") var exercise: String?
  @Argument(parsing: .remaining, help: "Your answer (several words need no quotes).")
  var answer: [String] = []

  func run() throws {
    guard let id = exercise else { return list() }
    guard let exercise = WorkshopExercises.find(id) else {
      fail("no exercise \(id); the exercises are \(WorkshopExercises.all.map(\.id).joined(separator: " "))")
    }
    if reveal {
      print(exercise.answer())
      return
    }
    guard !answer.isEmpty else {
      print("exercise \(exercise.id): \(exercise.task)")
      print("answer with: \(exercise.command)")
      return
    }
    switch exercise.check(answer.joined(separator: " ")) {
    case .right(let expected):
      print("right: \(expected)")
    case .wrong(let hint):
      print("wrong. Hint: \(hint)")
      Foundation.exit(1)
    }
  }

  private func list() {
    var lastLesson = 0
    for exercise in WorkshopExercises.all where lesson == nil || exercise.lesson == lesson {
      if exercise.lesson != lastLesson {
        if lastLesson != 0 { print() }
        print("Lesson \(exercise.lesson)")
        lastLesson = exercise.lesson
      }
      let lines = Trace.wrap(exercise.task, width: 80, first: "  \(exercise.id)  ", rest: "       ")
      lines.forEach { print($0) }
      print("       \(exercise.command)")
    }
  }
}
