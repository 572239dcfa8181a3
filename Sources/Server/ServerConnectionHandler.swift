import Connection
import Framing
import Handshake
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Trace

/// One TCP connection to the server, on its event loop.
///
/// It reads the first request head itself to route it: an Upgrade request becomes a WebSocket,
/// driven by a sans-IO ``Connection`` fed with the bytes as they arrive (the hot path: no task
/// hop, no copy; writes are batched and flushed once per read burst); `GET /` serves the browser
/// page; `/poll/*` is the long-polling baseline; anything else gets 404.
final class ServerConnectionHandler: ChannelInboundHandler, WebSocketTransport {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  private enum Phase {
    /// Reading a request head (the first one, or the next on a keep-alive HTTP connection).
    case routing(HTTPRequestParser)
    /// Reading the body of a `POST /poll/send`.
    case body(HTTPRequestHead, ByteBuffer, remaining: Int)
    /// A `GET /poll/recv` waiting for a message.
    case polling(client: String, keepAlive: Bool)
    case websocket
    case closed
  }

  let id: Int
  let server: ServerContext
  private var phase: Phase
  private var connection: Connection?
  private var context: ChannelHandlerContext?
  private var timer: Scheduled<Void>?
  private var timerDeadline: NIODeadline?
  private var room = "/"
  private var tracer: ConnectionTracer?
  private var wroteSinceFlush = false
  private var readPaused = false
  /// Set while ``pump(context:)`` runs: messages sent from inside it are written by it.
  private var pumping = false
  /// For an async application: where received messages go, and how the connection ended.
  private var continuation: AsyncThrowingStream<WebSocketMessage, Error>.Continuation?
  private var flow: FlowControl?
  private var outcome: EventLoopPromise<CloseOutcome>?

  /// Handlers alive right now (tests check that closed connections are freed).
  static let live = NIOLockedValueBox(0)

  deinit {
    Self.live.withLockedValue { $0 -= 1 }
  }

  init(id: Int, server: ServerContext) {
    Self.live.withLockedValue { $0 += 1 }
    self.id = id
    self.server = server
    self.phase = .routing(HTTPRequestParser(maxHeadBytes: 8192))
    self.tracer = server.configuration.trace?.observer(connection: id)
  }

  private var configuration: ServerConfiguration { server.configuration }

  // MARK: channel events

  func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
  }

  /// Breaks the handler ↔ context cycle, so a closed connection (and its zlib streams) is freed.
  func handlerRemoved(context: ChannelHandlerContext) {
    self.context = nil
    timer?.cancel()
    timer = nil
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if event is ApplicationCaughtUp, case .websocket = phase {
      pump(context: context)
      flushIfNeeded(context: context)
    } else {
      context.fireUserInboundEventTriggered(event)
    }
  }

  func channelActive(context: ChannelHandlerContext) {
    tracer?.note("TCP connection from \(context.remoteAddress.map { "\($0)" } ?? "?")")
    // The whole first request head must arrive in time (slowloris).
    arm(deadline: .now() + TimeAmount(configuration.handshakeTimeout))
    context.fireChannelActive()
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let buffer = unwrapInboundIn(data)
    switch phase {
    case .websocket:
      connection?.advance(to: now())
      connection?.receive(buffer)
      pump(context: context)
    case .routing(var parser):
      phase = .closed
      do {
        guard let completed = try parser.feed(buffer.readableBytesView) else {
          phase = .routing(parser)
          return
        }
        route(completed, context: context)
      } catch {
        tracer?.note("bad HTTP request: \(error)")
        respond(HandshakeRejection(error).responseBytes, keepAlive: false, context: context)
      }
    case .body(let head, var body, let remaining):
      var buffer = buffer
      let take = min(remaining, buffer.readableBytes)
      var slice = buffer.readSlice(length: take)!
      body.writeBuffer(&slice)
      if remaining - take == 0 {
        finishPost(head, body: body, context: context)
      } else {
        phase = .body(head, body, remaining: remaining - take)
      }
    case .polling, .closed:
      break  // a client that sends while waiting, or after we decided to close: ignored
    }
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    if wroteSinceFlush {
      wroteSinceFlush = false
      context.flush()
    }
  }

  func channelWritabilityChanged(context: ChannelHandlerContext) {
    if context.channel.isWritable, case .websocket = phase {
      pump(context: context)
      flushIfNeeded(context: context)
    }
    context.fireChannelWritabilityChanged()
  }

  func channelInactive(context: ChannelHandlerContext) {
    timer?.cancel()
    if case .polling(let client, _) = phase { server.mailboxes.cancelWait(for: client) }
    if case .websocket = phase {
      connection?.receiveEOF()
      drainEvents(context: context)
    }
    continuation?.finish()
    outcome?.succeed(CloseOutcome(code: .abnormalClosure, reason: "", wasClean: false, initiator: nil))
    phase = .closed
    server.release(id)
    tracer?.note("TCP connection closed")
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: Error) {
    tracer?.note("transport error: \(error)")
    server.logger.debug("connection error", metadata: ["connection": "\(id)", "error": "\(error)"])
    context.close(promise: nil)
  }

  // MARK: routing

  private func route(_ request: HTTPRequestParser.Completed, context: ChannelHandlerContext) {
    let head = request.head
    let isUpgrade = head.headers.contains(token: "websocket", in: "Upgrade")
    let (path, query) = split(head.target)
    if isUpgrade {
      startWebSocket(request, path: path, context: context)  // the Connection traces the head
      return
    }
    tracer?.record(
      .bytes(HandshakeTrace.record(forHead: request.headBytes, direction: .clientToServer, purpose: .http)))
    let keepAlive = head.version >= .http1_1 && !head.headers.contains(token: "close", in: "Connection")
    switch (head.method, path) {
    case ("GET", "/"), ("GET", "/index.html"):
      respond(
        status: "200 OK", contentType: "text/html; charset=utf-8", body: BrowserPage.html, keepAlive: keepAlive,
        context: context)
    case ("POST", "/poll/send"):
      guard let length = head.headers.first("Content-Length").flatMap({ Int($0) }), length >= 0 else {
        respond(
          status: "411 Length Required", body: "POST /poll/send needs a Content-Length\n", keepAlive: false,
          context: context)
        return
      }
      guard length <= configuration.maxMessageSize else {
        respond(
          status: "413 Content Too Large", body: "message over \(configuration.maxMessageSize) bytes\n",
          keepAlive: false, context: context)
        return
      }
      var body = ByteBuffer(bytes: request.leftover.prefix(length))
      body.reserveCapacity(length)
      if body.readableBytes == length {
        finishPost(head, body: body, context: context)
      } else {
        phase = .body(head, body, remaining: length - body.readableBytes)
      }
    case ("GET", "/poll/recv"):
      guard let client = query["client"], !client.isEmpty else {
        respond(
          status: "400 Bad Request", body: "GET /poll/recv needs ?client=ID\n", keepAlive: keepAlive,
          context: context)
        return
      }
      room = query["room"] ?? "/"
      let waiter = NIOLoopBound(self, eventLoop: context.eventLoop)
      switch server.mailboxes.receive(for: client, room: room, waiter: waiter, limit: configuration.maxConnections) {
      case .some(.some(let message)):
        respondPoll(message, keepAlive: keepAlive, context: context)
      case .some(.none):
        respond(
          status: "503 Service Unavailable", body: "too many long-polling clients\n", keepAlive: false,
          context: context)
      case .none:
        phase = .polling(client: client, keepAlive: keepAlive)
        rearm(deadline: .now() + TimeAmount(configuration.pollTimeout))
      }
    default:
      respond(
        status: "404 Not Found",
        body: "WSLab serves a WebSocket (Upgrade) at any path, the browser page at /, and long polling at "
          + "/poll/send and /poll/recv\n", keepAlive: keepAlive, context: context)
    }
  }

  private func finishPost(_ head: HTTPRequestHead, body: ByteBuffer, context: ChannelHandlerContext) {
    let (_, query) = split(head.target)
    let keepAlive = head.version >= .http1_1 && !head.headers.contains(token: "close", in: "Connection")
    guard let client = query["client"], !client.isEmpty else {
      respond(
        status: "400 Bad Request", body: "POST /poll/send needs ?client=ID\n", keepAlive: keepAlive,
        context: context)
      return
    }
    let room = query["room"] ?? "/"
    switch server.mailboxes.post(body, from: client, room: room, mode: configuration.mode, limits: configuration) {
    case .ok:
      respond(status: "204 No Content", body: "", keepAlive: keepAlive, context: context)
    case .full:
      respond(
        status: "503 Service Unavailable", body: "mailbox full: collect messages first\n", keepAlive: keepAlive,
        context: context)
    case .tooManyClients, .unknownClient:
      respond(
        status: "503 Service Unavailable", body: "too many long-polling clients\n", keepAlive: false,
        context: context)
    }
  }

  /// A message for a waiting `GET /poll/recv`. If the request is no longer waiting (its timer
  /// fired first, or the client left), the message goes back to the front of the mailbox.
  func answerPoll(with message: ByteBuffer, for client: String) {
    guard let context, case .polling(let waiting, let keepAlive) = phase, waiting == client else {
      server.mailboxes.requeue(message, for: client)
      return
    }
    respondPoll(message, keepAlive: keepAlive, context: context)
    context.flush()
  }

  private func respondPoll(_ message: ByteBuffer, keepAlive: Bool, context: ChannelHandlerContext) {
    var out = context.channel.allocator.buffer(capacity: message.readableBytes + 128)
    out.writeString("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n")
    out.writeString("Content-Length: \(message.readableBytes)\r\nCache-Control: no-store\r\n")
    out.writeString(keepAlive ? "\r\n" : "Connection: close\r\n\r\n")
    var body = message
    out.writeBuffer(&body)
    send(out, keepAlive: keepAlive, context: context)
  }

  private func respond(
    status: String, contentType: String = "text/plain; charset=utf-8", body: String, keepAlive: Bool,
    context: ChannelHandlerContext
  ) {
    var out = context.channel.allocator.buffer(capacity: body.utf8.count + 160)
    out.writeString("HTTP/1.1 \(status)\r\n")
    if !body.isEmpty || !status.hasPrefix("204") {
      out.writeString("Content-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\n")
    }
    out.writeString("Cache-Control: no-store\r\n")
    out.writeString(keepAlive ? "\r\n" : "Connection: close\r\n\r\n")
    out.writeString(body)
    send(out, keepAlive: keepAlive, context: context)
  }

  private func respond(_ bytes: [UInt8], keepAlive: Bool, context: ChannelHandlerContext) {
    send(context.channel.allocator.buffer(bytes: bytes), keepAlive: keepAlive, context: context)
  }

  private func send(_ response: ByteBuffer, keepAlive: Bool, context: ChannelHandlerContext) {
    if tracer != nil, let head = response.getBytes(at: response.readerIndex, length: response.readableBytes) {
      tracer?.record(.bytes(HandshakeTrace.record(forHead: head, direction: .serverToClient, purpose: .http)))
    }
    if keepAlive {
      context.writeAndFlush(wrapOutboundOut(response), promise: nil)
      phase = .routing(HTTPRequestParser(maxHeadBytes: 8192))
      rearm(deadline: .now() + TimeAmount(configuration.idleTimeout ?? configuration.handshakeTimeout))
    } else {
      phase = .closed
      let channel = context.channel
      context.writeAndFlush(wrapOutboundOut(response)).whenComplete { _ in channel.close(promise: nil) }
    }
  }

  // MARK: WebSocket

  private func startWebSocket(_ request: HTTPRequestParser.Completed, path: String, context: ChannelHandlerContext) {
    var policy = ServerHandshakePolicy(subprotocols: configuration.subprotocols)
    if !configuration.allowedOrigins.isEmpty {
      let allowed = Set(configuration.allowedOrigins)
      policy.originPolicy = { origin in origin.map { allowed.contains($0) } ?? false }
    }
    var connectionConfiguration = configuration.connectionConfiguration()
    // With the async API messages go to application code on another task: a violation waits until
    // it has answered the ones it already took.
    connectionConfiguration.holdsViolationsForTransport = server.application != nil
    var connection = Connection(
      server: policy, configuration: connectionConfiguration, now: now(), observer: tracer)
    room = path
    phase = .websocket
    // The Connection reads the request itself (it already passed the head once: cheap), then
    // whatever followed it in the same read.
    connection.receive(request.headBytes + request.leftover)
    self.connection = connection
    pump(context: context)
    flushIfNeeded(context: context)
  }

  /// Handles what the Connection produced: events for the application, bytes to write, the
  /// decision to close TCP, the next timer.
  private func pump(context: ChannelHandlerContext) {
    pumping = true
    defer { pumping = false }
    drainEvents(context: context)
    writeOutbound(context: context)
    guard let (shouldClose, nextDeadline) = inPlace({ ($0.shouldCloseTransport, $0.nextDeadline) }) else { return }
    // Close TCP when the Connection says so: write what is left (the close frame), close when it
    // has gone out, and in any case after the close timeout (a client that never reads would
    // otherwise keep the connection forever).
    if shouldClose {
      phase = .closed
      timer?.cancel()
      wroteSinceFlush = false
      var rest = self.connection?.takeOutbound() ?? ByteBuffer()
      if rest.readableBytes == 0 { rest = context.channel.allocator.buffer(capacity: 0) }
      let channel = context.channel
      context.writeAndFlush(wrapOutboundOut(rest)).whenComplete { _ in channel.close(promise: nil) }
      context.eventLoop.scheduleTask(in: TimeAmount(configuration.closeTimeout)) { channel.close(promise: nil) }
      return
    }
    if let deadline = nextDeadline {
      arm(deadline: NIODeadline.uptimeNanoseconds(UInt64(max(0, deadline.nanoseconds))))
    }
  }

  /// Reads the Connection where it is stored. `connection?.property` on this class's stored
  /// optional copies the whole struct first (decoder, assembler, queues) on every call; an
  /// in-place access does not.
  @inline(__always)
  private func inPlace<T>(_ body: (inout Connection) -> T) -> T? {
    connection?.accessInPlace(body)
  }

  /// With the async API, a close or violation held back behind messages waits until the
  /// application has taken and answered them (see `Connection.isHoldingBack`), at
  /// most the close timeout: an application that stops reading does not keep the connection.
  private var holdDeadline: NIODeadline?

  private func drainEvents(context: ChannelHandlerContext) {
    while true {
      if continuation != nil, inPlace({ $0.isHoldingBack }) == true, let flow {
        let deadline = holdDeadline ?? .now() + TimeAmount(configuration.closeTimeout)
        holdDeadline = deadline
        if NIODeadline.now() < deadline && flow.holdUntilCaughtUp() {
          arm(deadline: deadline)
          return
        }
      }
      guard let event = connection?.nextEvent() else {
        // Every event is out (and answered): take a close or violation held behind them.
        guard inPlace({ $0.isHoldingBack }) == true else { return }
        connection?.releaseHeldBack()
        continue
      }
      switch event {
      case .opened(let opened):
        // Chat rooms are request paths; every open WebSocket is a member (shutdown reaches all).
        let accepting = server.join(
          ServerContext.Member(id: id, room: room, handler: NIOLoopBound(self, eventLoop: context.eventLoop)))
        if !accepting {
          // Opened while the server shuts down: it missed the 1001 round; send it now.
          let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
          context.eventLoop.execute { bound.value.goAway() }
        }
        if let application = server.application {
          let (stream, continuation) = AsyncThrowingStream<WebSocketMessage, Error>.makeStream()
          self.continuation = continuation
          let flow = FlowControl(channel: context.channel)
          self.flow = flow
          let outcome = context.eventLoop.makePromise(of: CloseOutcome.self)
          self.outcome = outcome
          let socket = WebSocket(
            opened: opened, messages: WebSocketMessages(stream: stream, flow: flow),
            transport: NIOLoopBound(self as any WebSocketTransport, eventLoop: context.eventLoop),
            outcome: outcome.futureResult)
          Task { await application(socket) }
        }
      case .text(let text):
        if let continuation {
          // Counted before the application can see it (and count it as consumed).
          flow?.produced()
          continuation.yield(.text(text))
        } else {
          dispatch(.text(text))
        }
      case .binary(let bytes):
        if let continuation {
          // Counted before the application can see it (and count it as consumed).
          flow?.produced()
          continuation.yield(.binary(bytes))
        } else {
          dispatch(.binary(bytes))
        }
      case .failed(let failure):
        continuation?.finish(throwing: failure)
        continuation = nil
      case .closed(let closed):
        continuation?.finish()
        continuation = nil
        outcome?.succeed(closed)
        outcome = nil
      case .handshakeFailed, .ping, .pong, .closeReceived:
        break  // the Connection answers pings and closes by itself; the tracer saw it all
      }
    }
  }

  private func dispatch(_ message: OutgoingMessage) {
    switch configuration.mode {
    case .echo: deliver(message)
    case .chat, .broadcast: server.publish(message, from: id, room: room, mode: configuration.mode)
    }
  }

  /// Sends a message to this client; a client whose queue is full is closed (1008): it is not
  /// reading, and a server must not buffer for it without bound.
  func deliver(_ message: OutgoingMessage) {
    guard case .websocket = phase, inPlace({ $0.state }) == .open else { return }
    do {
      switch message {
      case .text(let text): try connection?.send(text: text)
      case .binary(let bytes): try connection?.send(binary: bytes)
      }
    } catch .outboundQueueFull {
      tracer?.note("client is not reading: closing with 1008")
      try? connection?.close(code: .policyViolation, reason: "not reading fast enough")
    } catch {
      tracer?.note("cannot send: \(error)")
    }
    // From inside our own pump (echo), the pump writes it; from another connection (chat,
    // broadcast) or another task, write and flush now.
    if !pumping, let context {
      pump(context: context)
      flushIfNeeded(context: context)
    }
  }

  // MARK: transport for an async application

  func send(_ message: WebSocketMessage, promise: EventLoopPromise<Void>) {
    guard let context, case .websocket = phase else {
      return promise.fail(WebSocketError.notOpen("the connection is closed"))
    }
    do {
      switch message {
      case .text(let text): try connection?.send(text: text)
      case .binary(let bytes): try connection?.send(binary: bytes)
      }
    } catch {
      return promise.fail(WebSocketError.notOpen("\(error)"))
    }
    // Resolve when the bytes are written to the socket: a slow client slows the sender down
    // (the application awaits each send, so at most one message per task waits in NIO).
    if let out = connection?.takeOutbound() {
      context.writeAndFlush(wrapOutboundOut(out), promise: promise)
    } else {
      promise.succeed()
    }
    pump(context: context)
    flushIfNeeded(context: context)
  }

  func ping(promise: EventLoopPromise<Void>) {
    guard let context else { return promise.fail(WebSocketError.notOpen("the connection is closed")) }
    do { try connection?.ping() } catch { return promise.fail(WebSocketError.notOpen("\(error)")) }
    pump(context: context)
    flushIfNeeded(context: context)
    promise.succeed()
  }

  func close(code: CloseCode, reason: String, promise: EventLoopPromise<Void>) {
    guard let context else { return promise.succeed() }
    try? connection?.close(code: code, reason: reason)
    pump(context: context)
    flushIfNeeded(context: context)
    promise.succeed()
  }

  /// Shutdown: close with 1001 and let the client answer.
  func goAway() {
    guard case .websocket = phase, inPlace({ $0.state }) == .open, let context else { return }
    try? connection?.close(code: .goingAway, reason: "server shutting down")
    pump(context: context)
    flushIfNeeded(context: context)
  }

  private func writeOutbound(context: ChannelHandlerContext) {
    // While the socket is not writable the bytes stay in the Connection, which enforces the
    // limit; the transport then stops reading from this client until it catches up.
    guard context.channel.isWritable else {
      if !readPaused {
        readPaused = true
        context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
      }
      return
    }
    if let out = connection?.takeOutbound() {
      context.write(wrapOutboundOut(out), promise: nil)
      wroteSinceFlush = true
    }
    if readPaused && !(flow?.isPaused ?? false) {  // the application's own pause wins
      readPaused = false
      context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
      context.read()
    }
  }

  private func flushIfNeeded(context: ChannelHandlerContext) {
    if wroteSinceFlush {
      wroteSinceFlush = false
      context.flush()
    }
  }

  // MARK: timers

  /// One timer per connection, moved only when the deadline moves earlier; when it fires the
  /// Connection (or the HTTP phase) decides what is due.
  private func arm(deadline: NIODeadline) {
    if let current = timerDeadline, current <= deadline, timer != nil { return }
    timer?.cancel()
    timerDeadline = deadline
    guard let context else { return }
    let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
    timer = context.eventLoop.scheduleTask(deadline: deadline) { loopBound.value.timerFired() }
  }

  /// For the HTTP phases: the new deadline replaces the old one, later or earlier.
  private func rearm(deadline: NIODeadline) {
    timer?.cancel()
    timer = nil
    timerDeadline = nil
    arm(deadline: deadline)
  }

  private func timerFired() {
    timer = nil
    timerDeadline = nil
    guard let context else { return }
    switch phase {
    case .routing, .body:
      tracer?.note("request not complete within \(configuration.handshakeTimeout): closing")
      phase = .closed
      context.close(promise: nil)
    case .polling(let client, let keepAlive):
      server.mailboxes.cancelWait(for: client)
      respond(status: "204 No Content", body: "", keepAlive: keepAlive, context: context)
    case .websocket:
      connection?.advance(to: now())
      pump(context: context)
      flushIfNeeded(context: context)
    case .closed:
      break
    }
  }

  private func now() -> Timestamp {
    Timestamp(nanoseconds: Int64(NIODeadline.now().uptimeNanoseconds))
  }

  /// `/path?a=b&c=d` → ("/path", ["a": "b", "c": "d"]). Values are used as given (no
  /// percent-decoding: ids and room names are plain tokens).
  private func split(_ target: String) -> (String, [String: String]) {
    let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
    var query: [String: String] = [:]
    if parts.count == 2 {
      for pair in parts[1].split(separator: "&") {
        let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        query[String(kv[0])] = kv.count == 2 ? String(kv[1]) : ""
      }
    }
    return (String(parts.first ?? "/"), query)
  }
}

extension Connection {
  /// Optional chaining on a mutating method accesses the stored value in place, where a getter
  /// called through the optional would copy it.
  @inline(__always)
  fileprivate mutating func accessInPlace<T>(_ body: (inout Connection) -> T) -> T { body(&self) }
}
