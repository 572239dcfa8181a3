import Connection
import Framing
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// What every connection of one server shares: the configuration, the live connections (for
/// chat rooms, broadcast and shutdown), the long-polling mailboxes, the connection count.
final class ServerContext: Sendable {
  let configuration: ServerConfiguration
  let logger: Logger
  /// For servers written with async/await: called once per open WebSocket, on a task of its own.
  let application: (@Sendable (WebSocket) async -> Void)?
  private let state = NIOLockedValueBox(State())
  let mailboxes = LongPollMailboxes()
  /// The lessons' pages, when configured (read once, here).
  let site: LessonSite?
  /// Live tracing for browsers (`--live-trace`).
  let liveTrace: LiveTraceHub?
  /// Rooms shared with other servers through PostgreSQL (`--cluster`).
  let cluster: ClusterBus?

  struct Member {
    let id: Int
    let room: String
    let handler: NIOLoopBound<WebSocketHandler>
  }

  struct State {
    var nextID = 1
    var open = 0
    var accepting = true
    var members: [Int: Member] = [:]
  }

  init(
    configuration: ServerConfiguration, logger: Logger, group: any EventLoopGroup,
    application: (@Sendable (WebSocket) async -> Void)?
  ) {
    self.site = configuration.lessonsDirectory.map(LessonSite.init(directory:))
    self.liveTrace = configuration.liveTrace ? LiveTraceHub() : nil
    self.configuration = configuration
    self.logger = logger
    self.application = application
    self.cluster = configuration.cluster.map {
      ClusterBus(configuration: $0, group: group, trace: configuration.trace, logger: logger)
    }
    cluster?.setDeliverer { [weak self] notification, message, announce in
      self?.deliverFromCluster(notification, message, announce: announce)
    }
  }

  /// A new TCP connection: its id, or nil when the server is full or shutting down.
  func admit() -> Int? {
    state.withLockedValue { s in
      guard s.accepting, s.open < configuration.maxConnections else { return nil }
      s.open += 1
      defer { s.nextID += 1 }
      return s.nextID
    }
  }

  /// An id for a connection that is refused (for its trace lines).
  func refusedID() -> Int {
    state.withLockedValue { s in
      defer { s.nextID += 1 }
      return s.nextID
    }
  }

  func release(_ id: Int) {
    state.withLockedValue { s in
      s.open -= 1
      s.members[id] = nil
    }
  }

  var openConnections: Int { state.withLockedValue { $0.open } }

  /// The tracer of connection `id`: text (`--trace`), live for browsers (`--live-trace`), both, or
  /// none (no cost).
  func tracer(for id: Int) -> ConnectionTracer? {
    guard configuration.trace != nil || liveTrace != nil else { return nil }
    return ConnectionTracer(sink: configuration.trace, hub: liveTrace, id: id)
  }

  /// Registers an open WebSocket in a room (its request path). Returns false when the server
  /// is already shutting down (the caller then closes it with 1001 itself).
  @discardableResult
  func join(_ member: Member) -> Bool {
    state.withLockedValue { s in
      s.members[member.id] = member
      return s.accepting
    }
  }

  /// Sends a message to every member of `room` (chat: except the sender) or of the server
  /// (broadcast), on each member's own event loop; in a cluster, through the database to every
  /// node. False when the cluster's outbox is full (the caller closes the sender with 1013).
  func publish(_ message: OutgoingMessage, from sender: Int, room: String, mode: ServerMode) -> Bool {
    if let cluster, mode != .echo {
      return cluster.publish(message, room: room, connection: sender)
    }
    let targets = state.withLockedValue { s in
      s.members.values.filter { m in
        switch mode {
        case .chat: m.room == room && m.id != sender
        case .broadcast: true
        case .echo: m.id == sender
        }
      }
    }
    deliver(message, to: targets)
    return true
  }

  /// A message from the cluster (any node, this one included), in the cluster's order: to the
  /// members of its room here (chat: not to its sender) or to every member here (broadcast).
  /// `announce` hears how many members it goes to, before anything is sent.
  func deliverFromCluster(
    _ notification: ClusterNotification, _ message: OutgoingMessage, announce: (Int) -> Void
  ) {
    let mode = configuration.mode
    let ownNode = notification.node == cluster?.configuration.node
    let targets = state.withLockedValue { s in
      s.members.values.filter { m in
        switch mode {
        case .chat: m.room == notification.room && !(ownNode && Int64(m.id) == notification.connection)
        case .broadcast: true
        case .echo: false
        }
      }
    }
    announce(targets.count)
    deliver(message, to: targets)
  }

  /// Encodes the frame once and hands the same bytes to every target (each connection without
  /// extensions writes them as they are; one with permessage-deflate compresses for itself).
  private func deliver(_ message: OutgoingMessage, to targets: [Member]) {
    let prepared =
      switch message {
      case .text(let text): PreparedMessage(text: text)
      case .binary(let bytes): PreparedMessage(binary: bytes)
      }
    for target in targets {
      let handler = target.handler
      if handler.eventLoop.inEventLoop {
        handler.value.deliver(prepared)
      } else {
        handler.eventLoop.execute { handler.value.deliver(prepared) }
      }
    }
  }

  /// Stops accepting and asks every open WebSocket to close: 1001 (going away) or 1012 (service
  /// restart: come back).
  func beginShutdown(code: CloseCode = .goingAway) {
    let members = state.withLockedValue { s in
      s.accepting = false
      return Array(s.members.values)
    }
    for member in members {
      let handler = member.handler
      handler.eventLoop.execute {
        handler.value.goAway(code: code, reason: code == .serviceRestart ? "server restarting" : "server shutting down")
      }
    }
    liveTrace?.goAwayAll()
  }
}

/// A message to send, as the application chose it.
enum OutgoingMessage: Sendable {
  case text(String)
  case binary(ByteBuffer)
}
