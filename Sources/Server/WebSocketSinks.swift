import Connection
import Handshake
import NIOCore

/// Messages to application code on another task (the async/await API), with flow control: the
/// one bridge for both roles.
final class AsyncBridge {
  private let queue = MessageQueue()
  let flow: FlowControl
  private var finished = false

  init(channel: Channel) {
    flow = FlowControl(channel: channel)
  }

  /// The socket the application gets.
  func socket(
    _ opened: OpenedConnection, handler: WebSocketHandler, eventLoop: EventLoop,
    outcome: EventLoopFuture<CloseOutcome>
  ) -> WebSocket {
    WebSocket(
      opened: opened, messages: WebSocketMessages(queue: queue, flow: flow),
      transport: NIOLoopBound(handler as any WebSocketTransport, eventLoop: eventLoop), outcome: outcome)
  }

  func yield(_ message: OutgoingMessage) {
    guard !finished else { return }
    // Counted before the application can see it (and count it as consumed).
    flow.produced()
    switch message {
    case .text(let text): queue.yield(.text(text))
    case .binary(let bytes): queue.yield(.binary(bytes))
    }
  }

  /// Ends the messages: normally, or with the error the application's loop throws.
  func finish(throwing error: (any Error)? = nil) {
    guard !finished else { return }
    finished = true
    queue.finish(throwing: error)
  }
}

/// The server's sink: every open WebSocket is a member of the server (for chat rooms, broadcast
/// and shutdown); messages are echoed, shared with the room or everyone, or handed to the
/// server's async application.
final class ServerSink: WebSocketSink {
  private let server: ServerContext
  private let id: Int
  /// The request path: the chat room.
  private let room: String
  private let tracer: ConnectionTracer?
  private var bridge: AsyncBridge?
  private var outcome: EventLoopPromise<CloseOutcome>?

  init(server: ServerContext, id: Int, room: String, tracer: ConnectionTracer?) {
    self.server = server
    self.id = id
    self.room = room
    self.tracer = tracer
  }

  func opened(_ opened: OpenedConnection, handler: WebSocketHandler, context: ChannelHandlerContext) {
    let bound = NIOLoopBound(handler, eventLoop: context.eventLoop)
    if !server.join(ServerContext.Member(id: id, room: room, handler: bound)) {
      // Opened while the server shuts down: it missed the 1001 round; send it now.
      context.eventLoop.execute { bound.value.goAway() }
    }
    if let application = server.application {
      let bridge = AsyncBridge(channel: context.channel)
      self.bridge = bridge
      let outcome = context.eventLoop.makePromise(of: CloseOutcome.self)
      self.outcome = outcome
      let socket = bridge.socket(opened, handler: handler, eventLoop: context.eventLoop, outcome: outcome.futureResult)
      if #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *) {
        Task(executorPreference: EventLoopTaskExecutor(context.eventLoop)) { await application(socket) }
      } else {
        Task { await application(socket) }
      }
    }
  }

  func received(_ message: OutgoingMessage, handler: WebSocketHandler) {
    if let bridge { return bridge.yield(message) }
    switch server.configuration.mode {
    case .echo: handler.deliver(message)
    case .chat, .broadcast:
      if !server.publish(message, from: id, room: room, mode: server.configuration.mode) {
        tracer?.note("the cluster's outbox is full (database slow or away): closing with 1013")
        handler.goAway(code: .tryAgainLater, reason: "cluster backlog full")
      }
    }
  }

  func holdsBackClose() -> Bool { bridge?.flow.holdUntilCaughtUp() ?? false }
  var pausesReading: Bool { bridge?.flow.isPaused ?? false }

  func failed(_ failure: ConnectionFailure) { bridge?.finish(throwing: failure) }

  func closed(_ closed: CloseOutcome) {
    bridge?.finish()
    outcome?.succeed(closed)
    outcome = nil
  }

  func transportClosed() {
    server.release(id)
    tracer?.note("TCP connection closed")
  }
}

/// The client's sink: the socket for the caller of ``WebSocketClient/connect(to:configuration:group:)``.
final class ClientSink: WebSocketSink {
  /// Until it is completed: the fulfilled future would hold the socket, which holds the handler,
  /// which holds this sink (a cycle that would keep every closed connection alive).
  private var openPromise: EventLoopPromise<WebSocket>?
  private let outcomePromise: EventLoopPromise<CloseOutcome>
  private var outcomeCompleted = false
  private var bridge: AsyncBridge?

  /// `opened` completes with the open socket, or fails with the handshake error.
  init(opened: EventLoopPromise<WebSocket>, eventLoop: EventLoop) {
    openPromise = opened
    outcomePromise = eventLoop.makePromise()
  }

  private func completeOpen(_ result: Result<WebSocket, any Error>) {
    openPromise?.completeWith(result)
    openPromise = nil
  }

  func opened(_ opened: OpenedConnection, handler: WebSocketHandler, context: ChannelHandlerContext) {
    let bridge = AsyncBridge(channel: context.channel)
    self.bridge = bridge
    completeOpen(
      .success(
        bridge.socket(opened, handler: handler, eventLoop: context.eventLoop, outcome: outcomePromise.futureResult)))
  }

  func handshakeFailed(_ error: HandshakeError) {
    completeOpen(.failure(WebSocketError.handshakeFailed("\(error)")))
  }

  func received(_ message: OutgoingMessage, handler: WebSocketHandler) { bridge?.yield(message) }
  func holdsBackClose() -> Bool { bridge?.flow.holdUntilCaughtUp() ?? false }
  var pausesReading: Bool { bridge?.flow.isPaused ?? false }
  func failed(_ failure: ConnectionFailure) { bridge?.finish(throwing: failure) }

  func closed(_ outcome: CloseOutcome) {
    completeOpen(.failure(WebSocketError.connectionFailed("closed before the handshake completed (\(outcome))")))
    bridge?.finish()
    outcomeCompleted = true
    outcomePromise.succeed(outcome)
  }

  /// A channel that never connected (refused, timed out) is removed without a close: its
  /// promises still get an answer (NIO reports an unanswered promise as a leak).
  func removed() {
    completeOpen(.failure(WebSocketError.connectionFailed("the connection closed before it opened")))
    if !outcomeCompleted {
      outcomeCompleted = true
      outcomePromise.fail(WebSocketError.connectionFailed("the connection closed before it opened"))
    }
  }

  /// The connection broke: before the handshake, connecting fails with it; after, the
  /// application's message loop throws it.
  func transportError(_ error: Error) {
    completeOpen(.failure(WebSocketError.connectionFailed("\(error)")))
    bridge?.finish(throwing: WebSocketError.connectionFailed("\(error)"))
  }
}
