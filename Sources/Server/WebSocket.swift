import Connection
import Framing
import NIOCore

/// A message as an application sends and receives it.
public enum WebSocketMessage: Sendable, Equatable {
  case text(String)
  case binary(ByteBuffer)
}

/// What a WebSocket handler on an event loop offers to async code.
protocol WebSocketTransport: AnyObject {
  func send(_ message: WebSocketMessage, promise: EventLoopPromise<Void>)
  /// From the connection's own event loop: queues the message, written with the others of this
  /// turn; returns what to wait for while the peer is not reading (nil: nothing to wait for).
  func sendOnEventLoop(_ message: WebSocketMessage) throws(WebSocketError) -> EventLoopFuture<Void>?
  func ping(promise: EventLoopPromise<Void>)
  func close(code: CloseCode, reason: String, promise: EventLoopPromise<Void>)
}

/// One open WebSocket, for async/await code, in either role.
///
/// ```swift
/// for try await message in socket.messages {
///   if case .text(let text) = message { try await socket.send(.text(text)) }
/// }
/// ```
///
/// The protocol runs on the connection's event loop; this type only carries messages across.
/// `send` suspends while the peer is not reading (SwiftNIO's write buffer is over its high
/// watermark), so a sender can never get ahead of a slow network (backpressure). A server's
/// application task runs on the connection's event loop: there a send is queued at once and the
/// sends of one turn go out in one write. From any other task, `send` suspends until the frame
/// has been written to the socket.
public final class WebSocket: Sendable {
  /// The handshake's result: path, subprotocol, extensions.
  public let opened: OpenedConnection
  /// Received messages, in order. Ends when the connection closes (normally) or fails (throws).
  /// Reading from the network pauses while the application is 64 messages behind.
  public let messages: WebSocketMessages
  private let transport: NIOLoopBound<any WebSocketTransport>
  private let outcome: EventLoopFuture<CloseOutcome>

  init(
    opened: OpenedConnection, messages: WebSocketMessages,
    transport: NIOLoopBound<any WebSocketTransport>, outcome: EventLoopFuture<CloseOutcome>
  ) {
    self.opened = opened
    self.messages = messages
    self.transport = transport
    self.outcome = outcome
  }

  public func send(_ message: WebSocketMessage) async throws {
    let transport = self.transport
    if transport.eventLoop.inEventLoop {
      if let wait = try transport.value.sendOnEventLoop(message) { try await wait.get() }
      return
    }
    let promise = transport.eventLoop.makePromise(of: Void.self)
    transport.eventLoop.execute { transport.value.send(message, promise: promise) }
    try await promise.futureResult.get()
  }

  public func send(text: String) async throws { try await send(.text(text)) }
  public func send(binary: ByteBuffer) async throws { try await send(.binary(binary)) }

  public func ping() async throws {
    let transport = self.transport
    let promise = transport.eventLoop.makePromise(of: Void.self)
    transport.eventLoop.execute { transport.value.ping(promise: promise) }
    try await promise.futureResult.get()
  }

  /// Starts the closing handshake and waits until the connection is closed; returns how.
  @discardableResult
  public func close(code: CloseCode = .normalClosure, reason: String = "") async throws -> CloseOutcome {
    let transport = self.transport
    let promise = transport.eventLoop.makePromise(of: Void.self)
    transport.eventLoop.execute { transport.value.close(code: code, reason: reason, promise: promise) }
    try await promise.futureResult.get()
    return try await outcome.get()
  }

  /// How the connection ended (waits for it).
  public var closed: CloseOutcome {
    get async throws { try await outcome.get() }
  }
}

/// Errors of the async API.
public enum WebSocketError: Error, CustomStringConvertible, Equatable {
  case notOpen(String)
  case handshakeFailed(String)
  case connectionFailed(String)
  case invalidURL(String)

  public var description: String {
    switch self {
    case .notOpen(let why): "cannot send: \(why)"
    case .handshakeFailed(let why): "opening handshake failed: \(why)"
    case .connectionFailed(let why): "connection failed: \(why)"
    case .invalidURL(let why): "invalid URL: \(why)"
    }
  }
}
