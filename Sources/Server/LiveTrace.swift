import Connection
import NIOConcurrencyHelpers
import NIOCore
import Trace

/// Live tracing for browsers (`wslab serve --live-trace`): every connection's trace events,
/// rendered by the lessons' ``HTMLRenderer``, streamed over WebSocket to trace viewers at
/// `/trace/ws`. The page at `/` follows its own connection (it opens `/trace/ws?follow=TOKEN`, then
/// its WebSocket with `?trace=TOKEN`); the teacher view at `/trace` follows every connection.
///
/// Each connection's last ``historyLimit`` events are kept, so a viewer sees a connection from its
/// start even when it subscribes later. Viewers themselves are never traced here (a viewer that
/// follows everything would otherwise trace its own frames without end).
///
/// Thread-safe: connections on any event loop record into it; each viewer gets its messages on
/// its own event loop.
final class LiveTraceHub: Sendable {
  struct Viewer {
    let handler: NIOLoopBound<WebSocketHandler>
    /// The token of the connections it follows; nil: every connection.
    let follow: String?
  }

  private struct State {
    var history: [Int: [TraceEvent]] = [:]
    /// Connection ids in the order they were first seen, for evicting the oldest.
    var order: [Int] = []
    var tokens: [Int: String] = [:]
    var viewers: [Int: Viewer] = [:]
    var sequence: [Int: Int] = [:]
  }

  /// Events kept per connection, and connections kept.
  let historyLimit = 200
  let connectionLimit = 500
  private let state = NIOLockedValueBox(State())

  /// One event of connection `id`.
  func record(_ event: TraceEvent, connection id: Int) {
    let (targets, number) = state.withLockedValue { s -> ([Viewer], Int) in
      if s.history[id] == nil {
        s.order.append(id)
        if s.order.count > connectionLimit {
          let old = s.order.removeFirst()
          s.history[old] = nil
          s.tokens[old] = nil
          s.sequence[old] = nil
        }
      }
      s.history[id, default: []].append(event)
      if s.history[id]!.count > historyLimit { s.history[id]!.removeFirst() }
      s.sequence[id, default: 0] += 1
      let token = s.tokens[id]
      let targets = s.viewers.values.filter { $0.follow == nil || ($0.follow == token && token != nil) }
      return (targets, s.sequence[id]!)
    }
    guard !targets.isEmpty else { return }
    let message = Self.message(event, connection: id, number: number)
    for viewer in targets { Self.send(message, to: viewer) }
  }

  /// The connection's WebSocket request carried `?trace=TOKEN`: viewers following the token get
  /// its story so far, and everything after.
  func tag(connection id: Int, token: String) {
    let (targets, events) = state.withLockedValue { s -> ([Viewer], [TraceEvent]) in
      s.tokens[id] = token
      return (s.viewers.values.filter { $0.follow == token }, s.history[id] ?? [])
    }
    for viewer in targets { replay(events, connection: id, to: viewer) }
  }

  /// A trace viewer opened: it gets the history of what it follows, then every new event.
  func addViewer(id: Int, handler: NIOLoopBound<WebSocketHandler>, follow: String?) {
    let viewer = Viewer(handler: handler, follow: follow)
    let backlog = state.withLockedValue { s -> [(Int, [TraceEvent])] in
      // A viewer is not traced itself.
      s.history[id] = nil
      s.order.removeAll { $0 == id }
      s.viewers[id] = viewer
      return s.order.compactMap { c in
        guard follow == nil || s.tokens[c] == follow, let events = s.history[c] else { return nil }
        return (c, events)
      }
    }
    for (connection, events) in backlog { replay(events, connection: connection, to: viewer) }
  }

  func removeViewer(id: Int) {
    state.withLockedValue { s in s.viewers[id] = nil }
  }

  /// Shutdown: every viewer is closed with 1001 like the other WebSockets.
  func goAwayAll() {
    let viewers = state.withLockedValue { s in Array(s.viewers.values) }
    for viewer in viewers {
      let handler = viewer.handler
      handler.eventLoop.execute { handler.value.goAway() }
    }
  }

  private func replay(_ events: [TraceEvent], connection id: Int, to viewer: Viewer) {
    for (i, event) in events.enumerated() {
      Self.send(Self.message(event, connection: id, number: i + 1), to: viewer)
    }
  }

  /// `{"connection":3,"html":"<figure …>"}`: the event as the lessons' pages render it.
  static func message(_ event: TraceEvent, connection id: Int, number: Int) -> String {
    let html = HTMLRenderer().render(event, id: "c\(id)-r\(number)", source: "c\(id)")
    return "{\"connection\":\(id),\"html\":\(Trace.jsonString(html))}"
  }

  private static func send(_ message: String, to viewer: Viewer) {
    let handler = viewer.handler
    if handler.eventLoop.inEventLoop {
      handler.value.deliver(.text(message))
    } else {
      handler.eventLoop.execute { handler.value.deliver(.text(message)) }
    }
  }
}

/// The sink of a trace viewer's WebSocket: it only receives (what it sends is ignored).
final class TraceViewerSink: WebSocketSink {
  private let server: ServerContext
  private let hub: LiveTraceHub
  private let id: Int
  private let follow: String?

  init(server: ServerContext, hub: LiveTraceHub, id: Int, follow: String?) {
    self.server = server
    self.hub = hub
    self.id = id
    self.follow = follow
  }

  func opened(_ opened: OpenedConnection, handler: WebSocketHandler, context: ChannelHandlerContext) {
    hub.addViewer(id: id, handler: NIOLoopBound(handler, eventLoop: context.eventLoop), follow: follow)
  }

  func received(_ message: OutgoingMessage, handler: WebSocketHandler) {}

  var pausesReading: Bool { false }

  func failed(_ failure: ConnectionFailure) {}

  func closed(_ outcome: CloseOutcome) { hub.removeViewer(id: id) }

  func transportClosed() {
    hub.removeViewer(id: id)
    server.release(id)
  }

  func transportError(_ error: Error) { hub.removeViewer(id: id) }
}
