import NIOConcurrencyHelpers
import NIOCore

/// The messages between a connection's event loop (which adds them) and the one task that reads
/// them (``WebSocketMessages``): a buffer, one waiting reader, and the end.
///
/// It does what `AsyncThrowingStream` did here, for this one element type: `AsyncThrowingStream`
/// is generic code in the Swift runtime that is not specialized for the caller, and perf showed a
/// fifth of the async API's CPU in the runtime looking up its generic metadata on every message.
/// A reader that finds messages buffered takes one without suspending.
final class MessageQueue: Sendable {
  private struct State {
    var buffer = CircularBuffer<WebSocketMessage>(initialCapacity: 4)
    var waiter: UnsafeContinuation<WebSocketMessage?, any Error>?
    /// Ended: nil while open; `.success` when the connection closed, `.failure` when it failed
    /// (thrown once, then the end).
    var end: Result<Void, any Error>?
  }
  private let state = NIOLockedValueBox(State())

  /// Adds a message (on the event loop); wakes the reader when it waits.
  func yield(_ message: WebSocketMessage) {
    let waiter = state.withLockedValue { s -> UnsafeContinuation<WebSocketMessage?, any Error>? in
      guard s.end == nil else { return nil }
      if let waiter = s.waiter {
        s.waiter = nil
        return waiter
      }
      s.buffer.append(message)
      return nil
    }
    waiter?.resume(returning: message)
  }

  /// Ends the messages: after the buffered ones, the reader gets nil, or `error` once.
  func finish(throwing error: (any Error)? = nil) {
    let waiter = state.withLockedValue { s -> UnsafeContinuation<WebSocketMessage?, any Error>? in
      guard s.end == nil else { return nil }
      s.end = error.map { .failure($0) } ?? .success(())
      defer { s.waiter = nil }
      return s.waiter
    }
    if let waiter {
      if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: nil) }
      // The error was thrown: the end is plain from now on.
      state.withLockedValue { $0.end = .success(()) }
    }
  }

  /// The next message: at once when one is buffered; nil at the end (or when the task is
  /// cancelled while it waits); the failure once.
  func next() async throws -> WebSocketMessage? {
    if let ready = try state.withLockedValue({ s in try Self.take(&s) }) { return ready.message }
    return try await withTaskCancellationHandler {
      try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<WebSocketMessage?, any Error>) in
        let ready: Ready?
        do {
          ready = try state.withLockedValue { s -> Ready? in
            if let ready = try Self.take(&s) { return ready }
            precondition(s.waiter == nil, "WebSocket messages read by two tasks at once")
            s.waiter = continuation
            return nil
          }
        } catch {
          return continuation.resume(throwing: error)
        }
        if let ready { continuation.resume(returning: ready.message) }
      }
    } onCancel: {
      let waiter = state.withLockedValue { s -> UnsafeContinuation<WebSocketMessage?, any Error>? in
        if s.end == nil { s.end = .success(()) }
        defer { s.waiter = nil }
        return s.waiter
      }
      waiter?.resume(returning: nil)
    }
  }

  /// A buffered message, or the end (nil message), or nil when the reader must wait.
  private struct Ready { var message: WebSocketMessage? }

  private static func take(_ s: inout State) throws -> Ready? {
    if let message = s.buffer.popFirst() { return Ready(message: message) }
    switch s.end {
    case nil: return nil
    case .success: return Ready(message: nil)
    case .failure(let error):
      s.end = .success(())
      throw error
    }
  }
}
