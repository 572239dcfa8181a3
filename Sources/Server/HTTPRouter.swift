import Connection
import Framing
import Handshake
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Trace

/// The first stage of every server connection, on its event loop: reads the request head and
/// routes it. An Upgrade request replaces this handler with a ``WebSocketHandler`` (which reads
/// the head again through the Handshake layer, and traces it); `GET /` gets the browser page;
/// `/poll/*` is the long-polling baseline; anything else gets 404.
///
/// The plain-HTTP side is written by hand on WSLab's own request parser (no chunked bodies),
/// not on NIOHTTP1, because the first head must be kept byte for byte: an Upgrade goes to the
/// Connection, which traces exactly what arrived.
final class HTTPRouter: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  private enum Phase {
    /// Reading a request head (the first one, or the next on a keep-alive HTTP connection).
    case routing(HTTPRequestParser)
    /// Reading the body of a `POST /poll/send`.
    case body(HTTPRequestHead, ByteBuffer, remaining: Int)
    /// A `GET /poll/recv` waiting for a message.
    case polling(client: String, keepAlive: Bool)
    /// Handed over to a WebSocketHandler, or closing.
    case closed
  }

  let id: Int
  let server: ServerContext
  private var phase: Phase
  private var context: ChannelHandlerContext?
  private var timer: Scheduled<Void>?
  private var room = "/"
  private var tracer: ConnectionTracer?

  init(id: Int, server: ServerContext) {
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

  func channelActive(context: ChannelHandlerContext) {
    tracer?.note("TCP connection from \(context.remoteAddress.map { "\($0)" } ?? "?")")
    // The whole first request head must arrive in time (slowloris).
    rearm(deadline: .now() + TimeAmount(configuration.handshakeTimeout))
    context.fireChannelActive()
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let buffer = unwrapInboundIn(data)
    switch phase {
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

  func channelInactive(context: ChannelHandlerContext) {
    timer?.cancel()
    if case .polling(let client, _) = phase { server.mailboxes.cancelWait(for: client) }
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
      upgrade(request, path: path, context: context)  // the Connection traces the head
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

  /// Replaces this handler with a ``WebSocketHandler`` for a server ``Connection`` that reads the
  /// request itself (it already passed the head once: cheap), then whatever followed it.
  private func upgrade(_ request: HTTPRequestParser.Completed, path: String, context: ChannelHandlerContext) {
    var policy = ServerHandshakePolicy(subprotocols: configuration.subprotocols)
    if !configuration.allowedOrigins.isEmpty {
      let allowed = Set(configuration.allowedOrigins)
      policy.originPolicy = { origin in origin.map { allowed.contains($0) } ?? false }
    }
    var connectionConfiguration = configuration.connectionConfiguration()
    // With the async API messages go to application code on another task: a violation waits until
    // it has answered the ones it already took.
    connectionConfiguration.holdsViolationsForTransport = server.application != nil
    let connection = Connection(server: policy, configuration: connectionConfiguration, now: now(), observer: tracer)
    let handler = WebSocketHandler(
      connection: connection, sink: ServerSink(server: server, id: id, room: path, tracer: tracer), tracer: tracer,
      initialBytes: ByteBuffer(bytes: request.headBytes + request.leftover))
    phase = .closed
    timer?.cancel()
    timer = nil
    do {
      try context.pipeline.syncOperations.addHandler(handler, position: .after(self))
    } catch {
      tracer?.note("cannot start the WebSocket: \(error)")
      return context.close(promise: nil)
    }
    let channel = context.channel
    context.pipeline.syncOperations.removeHandler(context: context).whenFailure { _ in channel.close(promise: nil) }
  }

  // MARK: timers

  /// The HTTP phases' deadline: a head that does not arrive in time (slowloris), a long poll with
  /// nothing to say, an idle keep-alive connection.
  private func rearm(deadline: NIODeadline) {
    timer?.cancel()
    timer = nil
    guard let context else { return }
    let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
    timer = context.eventLoop.scheduleTask(deadline: deadline) { loopBound.value.timerFired() }
  }

  private func timerFired() {
    timer = nil
    guard let context else { return }
    switch phase {
    case .routing, .body:
      tracer?.note("request not complete within \(configuration.handshakeTimeout): closing")
      phase = .closed
      context.close(promise: nil)
    case .polling(let client, let keepAlive):
      server.mailboxes.cancelWait(for: client)
      respond(status: "204 No Content", body: "", keepAlive: keepAlive, context: context)
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
