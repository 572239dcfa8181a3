import Synchronization
import Trace

/// The codec's annotations in another language for wslab's own traces (`wslab serve --trace`,
/// `wslab connect --trace`), from the catalog the lessons share: field meanings, notes, titles.
/// Safe to call from every event loop at once (one lock around one translator).
public final class TraceTranslation: Sendable {
  private let translation: Mutex<LessonTranslation>
  /// The renderer's own words in that language.
  public let labels: Labels

  /// nil for English: the codec writes English.
  public init?(_ language: Language) {
    guard language != .english else { return nil }
    translation = Mutex(LessonTranslation(lesson: [:], shared: SharedChinese.catalog))
    labels = language.labels
  }

  public func event(_ event: TraceEvent) -> TraceEvent {
    translation.withLock { $0.event(event) }
  }

  /// A line of a tool's own output (`result: valid: 1 frame(s), …`).
  public func text(_ text: String) -> String {
    translation.withLock { $0.text(text) }
  }

  /// For tools that take a ``TraceLanguage`` (`wslab decode`).
  public var language: TraceLanguage {
    TraceLanguage(labels: labels, event: { self.event($0) }, text: { self.text($0) })
  }
}

extension Language {
  /// The language of a command's output: `tag` (`--lang`) when given, else the locale (LC_ALL,
  /// LC_MESSAGES, LANG, as the lessons choose); nil when `tag` names no language WSLab speaks.
  public static func chosen(tag: String?) -> Language? {
    if let tag { return Language(tag: tag) }
    return chosen(arguments: [], environment: Lesson.environment)
  }
}
