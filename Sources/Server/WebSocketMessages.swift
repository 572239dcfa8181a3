import NIOConcurrencyHelpers
import NIOCore

/// The messages a ``WebSocket`` receives, as an `AsyncSequence`, with flow control: when the
/// application falls behind by ``highWatermark`` messages, the connection stops reading from the
/// socket (TCP then slows the peer down); it reads again once the application has caught up to
/// ``lowWatermark``. A fast peer can never make a slow application buffer without bound.
public struct WebSocketMessages: AsyncSequence, Sendable {
  public typealias Element = WebSocketMessage

  /// Messages buffered for the application before reading pauses.
  public static let highWatermark = 64
  /// Buffered messages at which reading resumes.
  public static let lowWatermark = 16

  let queue: MessageQueue
  let flow: FlowControl

  public struct AsyncIterator: AsyncIteratorProtocol {
    let queue: MessageQueue
    let flow: FlowControl
    /// The application holds the message `next()` returned last: it is done with it when it asks
    /// for the next one, and only then is it counted as consumed.
    var holdsOne = false

    public mutating func next() async throws -> WebSocketMessage? {
      if holdsOne { flow.consumed() }
      let message = try await queue.next()
      holdsOne = message != nil
      return message
    }
  }

  public func makeAsyncIterator() -> AsyncIterator {
    AsyncIterator(queue: queue, flow: flow)
  }
}

/// Counts messages between the connection's event loop (producer) and the application
/// (consumer), and switches the channel's reading off and on.
final class FlowControl: Sendable {
  private struct State {
    var buffered = 0
    var paused = false
    /// The connection holds a close back until the application has caught up.
    var notifyWhenCaughtUp = false
  }
  private let state = NIOLockedValueBox(State())
  private let channel: Channel

  init(channel: Channel) { self.channel = channel }

  /// Called on the event loop when the connection holds back a close (or a violation) behind
  /// messages: true when the application has not yet taken and answered all of them; it is then
  /// told with ``ApplicationCaughtUp`` in the pipeline as soon as it asks for the next message.
  func holdUntilCaughtUp() -> Bool {
    state.withLockedValue { s in
      guard s.buffered > 0 else { return false }
      s.notifyWhenCaughtUp = true
      return true
    }
  }

  /// Messages handed over that the application has not finished with (the one it is handling
  /// counts until it asks for the next).
  var buffered: Int { state.withLockedValue { $0.buffered } }
  /// Reading is off because the application is behind.
  var isPaused: Bool { state.withLockedValue { $0.paused } }

  /// A message was handed to the application (on the event loop). Pauses reading when the
  /// application is too far behind.
  func produced() {
    let pause = state.withLockedValue { s -> Bool in
      s.buffered += 1
      guard !s.paused, s.buffered >= WebSocketMessages.highWatermark else { return false }
      s.paused = true
      return true
    }
    if pause { channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in } }
  }

  /// The application is done with a message (it asks for the next one). Resumes reading once it
  /// has caught up, and tells a connection that holds a close back for it when it has finished
  /// with every message.
  func consumed() {
    let (resume, caughtUp) = state.withLockedValue { s -> (Bool, Bool) in
      s.buffered -= 1
      var caughtUp = false
      if s.buffered == 0 && s.notifyWhenCaughtUp {
        s.notifyWhenCaughtUp = false
        caughtUp = true
      }
      guard s.paused, s.buffered <= WebSocketMessages.lowWatermark else { return (false, caughtUp) }
      s.paused = false
      return (true, caughtUp)
    }
    if caughtUp {
      let channel = self.channel
      channel.eventLoop.execute { channel.pipeline.fireUserInboundEventTriggered(ApplicationCaughtUp()) }
    }
    if resume {
      let channel = self.channel
      channel.eventLoop.execute {
        channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in channel.read() }
      }
    }
  }
}

/// Fired through the pipeline when the application has taken and answered every message handed to
/// it, while the connection was holding a close back for it.
struct ApplicationCaughtUp {}
