import NIOConcurrencyHelpers
import Trace

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where live traces are written: standard output or a file. Thread-safe; lines from different
/// connections never interleave within a record.
///
/// `@unchecked Sendable`: the `FILE` pointer is only used under ``lock``.
public final class TraceSink: @unchecked Sendable {
  private let file: UnsafeMutablePointer<FILE>?
  private let lock = NIOLock()
  let renderer: TraceRenderer
  /// The language the trace is written in: the renderer's words, and what rewrites each event's
  /// annotations before it is rendered (the events kept and sent to the live trace stay as the
  /// codec wrote them). Called from any event loop.
  let language: TraceLanguage

  /// Traces to standard output, in colour when it is a terminal and `NO_COLOR` is unset.
  public init(colour: Bool? = nil, language: TraceLanguage = .english) {
    self.file = fdopen(dup(STDOUT_FILENO), "w")
    self.memoryBuffer = nil
    self.memoryEvents = nil
    let tty = isatty(STDOUT_FILENO) == 1 && getenv("NO_COLOR") == nil
    var renderer = TraceRenderer(style: (colour ?? tty) ? .ansi : .plain)
    renderer.labels = language.labels
    self.renderer = renderer
    self.language = language
  }

  /// Traces to a file (created or truncated), plain text.
  public init(path: String, language: TraceLanguage = .english) throws {
    guard let f = fopen(path, "w") else {
      throw TraceSinkError(path: path, reason: String(cString: strerror(errno)))
    }
    self.file = f
    self.memoryBuffer = nil
    self.memoryEvents = nil
    var renderer = TraceRenderer(style: .plain)
    renderer.labels = language.labels
    self.renderer = renderer
    self.language = language
  }

  /// Keeps the trace in memory (plain text) until ``drain()`` — for lessons and tests.
  public static func memory() -> TraceSink { TraceSink(memory: ()) }

  private let memoryBuffer: NIOLockedValueBox<String>?
  /// Memory sinks also keep the events themselves, with the connection each came from, so that a
  /// lesson can render them again (as HTML) and not only as text.
  private let memoryEvents: NIOLockedValueBox<[(source: String?, event: TraceEvent)]>?

  private init(memory: Void) {
    self.file = nil
    self.memoryBuffer = NIOLockedValueBox("")
    self.memoryEvents = NIOLockedValueBox([])
    self.renderer = TraceRenderer(style: .plain)
    self.language = .english
  }

  /// Renders an event (lines prefixed with `[source] ` when a source is given) and writes it;
  /// memory sinks keep the event too.
  public func record(_ event: TraceEvent, source: String? = nil) {
    var renderer = self.renderer
    if let source { renderer.linePrefix = "[\(source)] " }
    keep(event, source: source)
    write(renderer.render(language.event(event)))
  }

  func keep(_ event: TraceEvent, source: String?) {
    memoryEvents?.withLockedValue { $0.append((source, event)) }
  }

  /// The events recorded since the last call (memory sinks only), each with its source (`c1`).
  public func drainEvents() -> [(source: String?, event: TraceEvent)] {
    memoryEvents?.withLockedValue { events in
      defer { events = [] }
      return events
    } ?? []
  }

  /// The text written since the last drain (memory sinks only).
  public func drain() -> String {
    memoryBuffer?.withLockedValue { text in
      defer { text = "" }
      return text
    } ?? ""
  }

  /// The text written so far, without draining it (memory sinks only).
  public var contents: String { memoryBuffer?.withLockedValue { $0 } ?? "" }

  deinit {
    if let file { fclose(file) }
  }

  /// Writes already rendered text.
  public func write(_ text: String) {
    if let memoryBuffer {
      memoryBuffer.withLockedValue { $0 += text }
      return
    }
    guard let file else { return }
    lock.withLock {
      fputs(text, file)
      fflush(file)
    }
  }

  /// An observer for one connection: every line it writes starts with `[c<id>] `.
  func observer(connection id: Int) -> ConnectionTracer {
    ConnectionTracer(sink: self, hub: nil, id: id)
  }
}

public struct TraceSinkError: Error, CustomStringConvertible {
  public var path: String
  public var reason: String
  public var description: String { "cannot write the trace to \(path): \(reason)" }
}

/// One connection's trace events: rendered as text with its id in front of every line (a
/// ``TraceSink``, `--trace`), and/or handed to the ``LiveTraceHub`` for browsers (`--live-trace`).
final class ConnectionTracer: TraceObserver {
  let sink: TraceSink?
  let hub: LiveTraceHub?
  let id: Int
  let source: String
  let renderer: TraceRenderer

  init(sink: TraceSink?, hub: LiveTraceHub?, id: Int) {
    self.sink = sink
    self.hub = hub
    self.id = id
    self.source = "c\(id)"
    var r = sink?.renderer ?? TraceRenderer()
    r.linePrefix = "[c\(id)] "
    self.renderer = r
  }

  /// The same connection, without the live trace (for trace viewers, which are never traced).
  var withoutHub: ConnectionTracer? { sink.map { ConnectionTracer(sink: $0, hub: nil, id: id) } }

  func record(_ event: TraceEvent) {
    if let sink {
      sink.keep(event, source: source)
      sink.write(renderer.render(sink.language.event(event)))
    }
    hub?.record(event, connection: id)
  }

  func note(_ text: String) {
    record(.note(text))
  }
}
