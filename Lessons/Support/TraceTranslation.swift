import Synchronization
import Trace

/// The codec's annotations in another language for wslab's own traces (`wslab serve --trace`,
/// `wslab connect --trace`), from the catalog the lessons share: field meanings, notes, titles.
/// Safe to call from every event loop at once (one lock around one translator).
public final class TraceTranslation: Sendable {
  private let translation: Mutex<LessonTranslation>
  /// The renderer's own words in that language.
  let labels: Labels

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

  /// As wslab's trace sinks and `wslab decode` take it.
  public var language: TraceLanguage {
    TraceLanguage(labels: labels, event: { self.event($0) }, text: { self.text($0) })
  }
}
