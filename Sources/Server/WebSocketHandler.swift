import Connection
import Framing
import Handshake
import NIOConcurrencyHelpers
import NIOCore
import Trace

/// Where one WebSocket's messages go: echo them, share them in a chat room or a broadcast, or
/// hand them to application code on another task (the async/await API). The
/// ``WebSocketHandler`` does the protocol; a sink decides what a message means.
protocol WebSocketSink: AnyObject {
  /// The opening handshake completed.
  func opened(_ opened: OpenedConnection, handler: WebSocketHandler, context: ChannelHandlerContext)
  /// The opening handshake failed (the Connection already answered or closed).
  func handshakeFailed(_ error: HandshakeError)
  /// A text or binary message.
  func received(_ message: OutgoingMessage, handler: WebSocketHandler)
  /// A close or violation is held back behind messages this sink handed to application code:
  /// true while the application has not answered them yet (it will say so with
  /// ``ApplicationCaughtUp``).
  func holdsBackClose() -> Bool
  /// This endpoint failed the connection (the outcome follows).
  func failed(_ failure: ConnectionFailure)
  /// The connection is over: how it ended.
  func closed(_ outcome: CloseOutcome)
  /// TCP is closed (after ``closed(_:)``).
  func transportClosed()
  /// The transport broke (a reset, a TLS alert, a refused connection).
  func transportError(_ error: Error)
  /// The handler left the pipeline: the last call, also for a channel that never connected.
  func removed()
  /// The application asked for reading to pause (it is behind): the handler does not resume it.
  var pausesReading: Bool { get }
}

extension WebSocketSink {
  func handshakeFailed(_ error: HandshakeError) {}
  func holdsBackClose() -> Bool { false }
  func failed(_ failure: ConnectionFailure) {}
  func transportClosed() {}
  func transportError(_ error: Error) {}
  func removed() {}
  var pausesReading: Bool { false }
}

/// One WebSocket connection, server or client, on its event loop: the same code for both roles.
///
/// It feeds the sans-IO ``Connection`` what TCP delivers, writes what the Connection produces
/// (batched: written during a read burst, flushed once on `channelReadComplete`), keeps one
/// timer for the Connection's next deadline, stops reading from a peer while its socket is not
/// writable (backpressure: the Connection bounds what waits), and hands messages to a
/// ``WebSocketSink``. When the Connection says so it closes TCP, at the latest a close timeout
/// later.
final class WebSocketHandler: ChannelInboundHandler, WebSocketTransport, NIOScheduledCallbackHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  private var connection: Connection
  private let sink: any WebSocketSink
  private let tracer: ConnectionTracer?
  private let closeTimeout: Duration
  /// Bytes already read for this connection by an earlier stage (the server's request head).
  private var initialBytes: ByteBuffer?
  private var context: ChannelHandlerContext?
  /// The Connection's next deadline, as a scheduled callback (no promise or closure allocated).
  private var timer: NIOScheduledCallback?
  private var timerDeadline: NIODeadline?
  private var started = false
  private var transportClosing = false
  private var ended = false
  /// Inside `channelRead`: writes wait for `channelReadComplete` to be flushed together.
  private var reading = false
  private var wroteSinceFlush = false
  /// A flush is queued for the end of this turn of the event loop (sends from the application).
  private var flushScheduled = false
  private var readPaused = false
  /// Set while ``pump(_:)`` runs: messages sent from inside it are written by it.
  private var pumping = false
  /// How long a close held back for the application may wait (the close timeout from when it
  /// started waiting): an application that stops reading does not keep the connection.
  private var holdDeadline: NIODeadline?

  #if DEBUG
    /// Handlers alive right now (tests check that closed connections, and their zlib streams,
    /// are freed).
    static let live = NIOLockedValueBox(0)
    deinit { Self.live.withLockedValue { $0 -= 1 } }
  #endif

  init(
    connection: Connection, sink: any WebSocketSink, tracer: ConnectionTracer? = nil, initialBytes: ByteBuffer? = nil
  ) {
    #if DEBUG
      Self.live.withLockedValue { $0 += 1 }
    #endif
    self.connection = connection
    self.sink = sink
    self.tracer = tracer
    self.closeTimeout = connection.configuration.closeTimeout
    self.initialBytes = initialBytes
  }

  // MARK: channel events

  func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
    if context.channel.isActive { start(context) }
  }

  /// Breaks the handler ↔ context cycle, so a closed connection (and its zlib streams) is freed.
  func handlerRemoved(context: ChannelHandlerContext) {
    self.context = nil
    timer?.cancel()
    timer = nil
    sink.removed()
  }

  func channelActive(context: ChannelHandlerContext) {
    start(context)
    context.fireChannelActive()
  }

  /// A client sends its request; a server reads the head the router passed on.
  private func start(_ context: ChannelHandlerContext) {
    guard !started else { return }
    started = true
    connection.advance(to: now())
    if let bytes = initialBytes {
      initialBytes = nil
      connection.receive(bytes)
    }
    pump(context)
    flush(context)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    reading = true
    connection.advance(to: now())
    connection.receive(unwrapInboundIn(data))
    pump(context)
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    reading = false
    flush(context)
  }

  func channelWritabilityChanged(context: ChannelHandlerContext) {
    if context.channel.isWritable {
      pump(context)
      flush(context)
    }
    context.fireChannelWritabilityChanged()
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if event is ApplicationCaughtUp {
      pump(context)
      flush(context)
    } else {
      context.fireUserInboundEventTriggered(event)
    }
  }

  func channelInactive(context: ChannelHandlerContext) {
    timer?.cancel()
    connection.receiveEOF()
    drain(context)
    end(CloseOutcome(code: .abnormalClosure, reason: "", wasClean: false, initiator: nil))
    sink.transportClosed()
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: Error) {
    // The transport broke (a TLS alert, a reset): EOF follows when the channel closes.
    tracer?.note("transport error: \(error)")
    sink.transportError(error)
    context.close(promise: nil)
  }

  // MARK: sending, for sinks and async code

  /// Sends a message; a peer whose queue is full is closed with 1008: it is not reading, and an
  /// endpoint must not buffer for it without bound.
  func deliver(_ message: OutgoingMessage) {
    deliver { connection throws(ConnectionCommandError) in
      switch message {
      case .text(let text): try connection.send(text: text)
      case .binary(let bytes): try connection.send(binary: bytes)
      }
    }
  }

  /// Sends a message encoded once for every receiver (broadcast, chat): the same bytes, not
  /// encoded or copied again (``Connection/send(_:)``).
  func deliver(_ message: PreparedMessage) {
    deliver { connection throws(ConnectionCommandError) in try connection.send(message) }
  }

  private func deliver(_ send: (inout Connection) throws(ConnectionCommandError) -> Void) {
    guard connection.currentState() == .open else { return }
    do {
      try send(&connection)
    } catch .outboundQueueFull {
      tracer?.note("peer is not reading: closing with 1008")
      try? connection.close(code: .policyViolation, reason: "not reading fast enough")
    } catch {
      tracer?.note("cannot send: \(error)")
    }
    // From inside our own pump (echo), the pump writes it; from another connection (chat,
    // broadcast) or another task, write now.
    if !pumping, let context {
      pump(context)
      flush(context)
    }
  }

  /// Shutdown (1001, or 1012 when the server restarts) or overload (1013): close and let the
  /// peer answer.
  func goAway(code: CloseCode = .goingAway, reason: String = "server shutting down") {
    guard connection.currentState() == .open, let context else { return }
    try? connection.close(code: code, reason: reason)
    pump(context)
    flush(context)
  }

  func send(_ message: WebSocketMessage, promise: EventLoopPromise<Void>) {
    // Resolve when the bytes are written to the socket: a slow peer slows the sender down (the
    // application awaits each send, so at most one message per task waits in NIO).
    do {
      writeNow(try enqueue(message), completing: promise)
    } catch {
      promise.fail(error)
    }
  }

  func sendOnEventLoop(_ message: WebSocketMessage) throws(WebSocketError) -> EventLoopFuture<Void>? {
    let context = try enqueue(message)
    if context.channel.isWritable && connection.transportStatus().queuedBytes < Self.turnBatchBytes {
      // Written and flushed with the other sends of this turn (one write for them all).
      flushAtEndOfTurn(context)
      return nil
    }
    // The peer is not reading, or this turn has queued enough: write now, and wait until this
    // one has been written (backpressure).
    let promise = context.eventLoop.makePromise(of: Void.self)
    writeNow(context, completing: promise)
    return promise.futureResult
  }

  /// Hands an application's message to the Connection; the context to write it with.
  private func enqueue(_ message: WebSocketMessage) throws(WebSocketError) -> ChannelHandlerContext {
    guard let context, !transportClosing else { throw WebSocketError.notOpen("the connection is closed") }
    do {
      switch message {
      case .text(let text): try connection.send(text: text)
      case .binary(let bytes): try connection.send(binary: bytes)
      }
    } catch {
      throw WebSocketError.notOpen("\(error)")
    }
    return context
  }

  /// Writes and flushes what the Connection has now; `promise` completes when the last of it is
  /// written to the socket.
  private func writeNow(_ context: ChannelHandlerContext, completing promise: EventLoopPromise<Void>) {
    if let last = writeOutbound(context, keepingLast: true) {
      context.writeAndFlush(wrapOutboundOut(last), promise: promise)
    } else {
      promise.succeed()
    }
    pump(context)
    flush(context)
  }

  /// Bytes the application's sends may queue in one turn before they are written at once.
  static let turnBatchBytes = 64 << 10

  /// One flush for every send of this turn of the event loop (the application's task runs its
  /// sends one after another, then waits for the next message).
  private func flushAtEndOfTurn(_ context: ChannelHandlerContext) {
    guard !flushScheduled else { return }
    flushScheduled = true
    context.eventLoop.assumeIsolated().execute {
      self.flushScheduled = false
      guard let context = self.context else { return }
      self.pump(context)
      self.flush(context)
    }
  }

  func ping(promise: EventLoopPromise<Void>) {
    guard let context else { return promise.fail(WebSocketError.notOpen("the connection is closed")) }
    do { try connection.ping() } catch { return promise.fail(WebSocketError.notOpen("\(error)")) }
    pump(context)
    flush(context)
    promise.succeed()
  }

  func close(code: CloseCode, reason: String, promise: EventLoopPromise<Void>) {
    guard let context else { return promise.succeed() }
    // Already closing or closed: nothing to start; the outcome tells how it ends.
    try? connection.close(code: code, reason: reason)
    pump(context)
    flush(context)
    promise.succeed()
  }

  // MARK: pumping

  /// Handles what the Connection produced: events for the sink, bytes to write, the decision to
  /// close TCP, the next timer.
  private func pump(_ context: ChannelHandlerContext) {
    guard !transportClosing else { return }
    pumping = true
    defer { pumping = false }
    drain(context)
    write(context)
    let status = connection.transportStatus()
    if status.shouldCloseTransport {
      // Write what is left (the close frame), close TCP once it has gone out, and in any case
      // after the close timeout (a peer that never reads would otherwise keep the connection).
      transportClosing = true
      timer?.cancel()
      wroteSinceFlush = false
      let rest = writeOutbound(context, keepingLast: true) ?? context.channel.allocator.buffer(capacity: 0)
      let channel = context.channel
      context.writeAndFlush(wrapOutboundOut(rest)).whenComplete { _ in channel.close(promise: nil) }
      context.eventLoop.scheduleTask(in: TimeAmount(closeTimeout)) { channel.close(promise: nil) }
      return
    }
    if let deadline = status.nextDeadline {
      arm(NIODeadline.uptimeNanoseconds(UInt64(max(0, deadline.nanoseconds))), context)
    }
  }

  private func drain(_ context: ChannelHandlerContext) {
    while true {
      guard let event = connection.nextEvent() else {
        // Every event is out: take a close or violation held behind them, once the application
        // has answered the messages before it (at most a close timeout).
        guard connection.isHoldingBack else { return }
        if sink.holdsBackClose() {
          let deadline = holdDeadline ?? .now() + TimeAmount(closeTimeout)
          holdDeadline = deadline
          if NIODeadline.now() < deadline {
            arm(deadline, context)
            return
          }
        }
        connection.releaseHeldBack()
        continue
      }
      switch event {
      case .opened(let opened): sink.opened(opened, handler: self, context: context)
      case .handshakeFailed(let error): sink.handshakeFailed(error)
      case .text(let text): sink.received(.text(text), handler: self)
      case .binary(let bytes): sink.received(.binary(bytes), handler: self)
      case .failed(let failure): sink.failed(failure)
      case .closed(let outcome): end(outcome)
      case .ping, .pong, .closeReceived: break  // the Connection answers pings and closes itself
      }
    }
  }

  private func end(_ outcome: CloseOutcome) {
    guard !ended else { return }
    ended = true
    sink.closed(outcome)
  }

  private func write(_ context: ChannelHandlerContext) {
    // While the socket is not writable the bytes stay in the Connection, which enforces the
    // limit; the transport then stops reading from this peer until it catches up.
    guard context.channel.isWritable else {
      if !readPaused {
        readPaused = true
        context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
      }
      return
    }
    if writeOutbound(context, keepingLast: false) != nil { wroteSinceFlush = true }
    if readPaused && !sink.pausesReading {  // the application's own pause wins
      readPaused = false
      context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
      context.read()
    }
  }

  /// Writes what the Connection has for the transport, buffer by buffer (large payloads as the
  /// buffers they came in: a gathering write). With `keepingLast`, the last buffer is returned
  /// unwritten (the caller attaches a promise to it); otherwise the last one written, or nil when
  /// there was nothing.
  private func writeOutbound(_ context: ChannelHandlerContext, keepingLast: Bool) -> ByteBuffer? {
    var last: ByteBuffer?
    connection.takeOutbound { buffer in
      if keepingLast {
        if let previous = last { context.write(wrapOutboundOut(previous), promise: nil) }
      } else {
        context.write(wrapOutboundOut(buffer), promise: nil)
      }
      last = buffer
    }
    return last
  }

  /// Flushes what was written, unless a read burst is in progress (`channelReadComplete` will).
  private func flush(_ context: ChannelHandlerContext) {
    if wroteSinceFlush && !reading {
      wroteSinceFlush = false
      context.flush()
    }
  }

  // MARK: the timer

  /// One timer, moved only when the deadline moves earlier; when it fires the Connection decides
  /// what is due. A scheduled callback to this handler: SwiftNIO allocates nothing for it (a
  /// scheduled task would allocate a promise and closures per connection).
  private func arm(_ deadline: NIODeadline, _ context: ChannelHandlerContext) {
    if let current = timerDeadline, current <= deadline, timer != nil { return }
    timer?.cancel()
    timerDeadline = deadline
    timer = try? context.eventLoop.assumeIsolated().scheduleCallback(at: deadline, handler: self)
  }

  func handleScheduledCallback(eventLoop: some EventLoop) {
    timerFired()
  }

  private func timerFired() {
    timer = nil
    timerDeadline = nil
    guard let context else { return }
    connection.advance(to: now())
    pump(context)
    flush(context)
  }

  private func now() -> Timestamp {
    Timestamp(nanoseconds: Int64(NIODeadline.now().uptimeNanoseconds))
  }
}
