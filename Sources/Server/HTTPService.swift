import Handshake
import NIOCore
import NIOHTTP1
import Trace

/// Plain HTTP on SwiftNIO's HTTP/1.1 stack (NIOHTTP1: its parser, response encoder, pipelining
/// and error handling, chunked bodies included): the browser page at `/` and the long-polling
/// baseline the benchmarks compare WebSocket with, `POST /poll/send?client=ID` and
/// `GET /poll/recv?client=ID`. The ``HTTPRouter`` installs it for a connection whose first request
/// is not an Upgrade.
final class HTTPService: ChannelInboundHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  private enum State {
    /// Waiting for the next request head (keep-alive).
    case idle
    /// Reading the body of a `POST /poll/send`.
    case body(NIOHTTP1.HTTPRequestHead, ByteBuffer)
    /// Reading (and dropping) the rest of a request already answered, or refused.
    case discarding(keepAlive: Bool)
    /// A `GET /poll/recv` waiting for a message, its `.end` taken or still to come.
    case polling(client: String, keepAlive: Bool)
    case closed
  }

  private let id: Int
  private let server: ServerContext
  private let tracer: ConnectionTracer?
  private var state = State.idle
  private var context: ChannelHandlerContext?
  private var timer: Scheduled<Void>?

  init(id: Int, server: ServerContext, tracer: ConnectionTracer?) {
    self.id = id
    self.server = server
    self.tracer = tracer
  }

  private var configuration: ServerConfiguration { server.configuration }

  func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
    // The first head is already here (the router read it); a request body must follow in time.
    rearm(in: configuration.handshakeTimeout)
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    self.context = nil
    timer?.cancel()
    timer = nil
  }

  func channelInactive(context: ChannelHandlerContext) {
    timer?.cancel()
    if case .polling(let client, _) = state { server.mailboxes.cancelWait(for: client) }
    state = .closed
    server.release(id)
    tracer?.note("TCP connection closed")
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: Error) {
    tracer?.note("transport error: \(error)")
    context.close(promise: nil)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let head):
      timer?.cancel()
      timer = nil
      if tracer != nil { trace(head) }
      route(head, context: context)
    case .body(var chunk):
      switch state {
      case .body(let head, var body):
        guard body.readableBytes + chunk.readableBytes <= configuration.maxMessageSize else {
          tooLarge(keepAlive: false, context: context)
          return
        }
        state = .idle  // `body` is the only reference while it grows
        body.writeBuffer(&chunk)
        state = .body(head, body)
      default:
        break
      }
    case .end:
      switch state {
      case .body(let head, let body):
        state = .idle
        finishPost(head, body: body, context: context)
      case .discarding(let keepAlive):
        state = .idle
        if keepAlive { rearm(in: configuration.idleTimeout ?? configuration.handshakeTimeout) }
      default:
        break
      }
    }
  }

  // MARK: routing

  private func route(_ head: NIOHTTP1.HTTPRequestHead, context: ChannelHandlerContext) {
    let (path, query) = split(head.uri)
    let keepAlive = head.isKeepAlive
    if head.headers[canonicalForm: "Upgrade"].contains(where: { $0.lowercased() == "websocket" }) {
      // The router hands a connection to the WebSocket side only on its first request.
      return respond(
        .badRequest, body: "a WebSocket upgrade must be the first request on its connection\n", keepAlive: false,
        context: context)
    }
    switch (head.method, path) {
    case (.GET, "/"), (.GET, "/index.html"):
      respond(
        .ok, contentType: "text/html; charset=utf-8", body: BrowserPage.html, keepAlive: keepAlive, context: context)
    case (.GET, "/trace"):
      guard server.liveTrace != nil else {
        return respond(
          .notFound, body: "live tracing is off: start the server with wslab serve --live-trace\n",
          keepAlive: keepAlive, context: context)
      }
      respond(
        .ok, contentType: "text/html; charset=utf-8", body: TraceViewerPage.html, keepAlive: keepAlive,
        context: context)
    case (.GET, let p) where server.site != nil && (p == "/lessons" || p.hasPrefix("/lessons/")):
      switch server.site?.answer(p) ?? .notFound("") {
      case .file(let type, let bytes):
        var headers = NIOHTTP1.HTTPHeaders()
        headers.add(name: "Content-Type", value: type)
        headers.add(name: "Content-Length", value: String(bytes.count))
        headers.add(name: "Cache-Control", value: "no-cache")
        send(
          NIOHTTP1.HTTPResponseHead(version: .http1_1, status: .ok, headers: headers),
          body: context.channel.allocator.buffer(bytes: bytes), keepAlive: keepAlive)
      case .redirect(let location):
        var headers = NIOHTTP1.HTTPHeaders()
        headers.add(name: "Location", value: location)
        headers.add(name: "Content-Length", value: "0")
        send(
          NIOHTTP1.HTTPResponseHead(version: .http1_1, status: .movedPermanently, headers: headers),
          body: context.channel.allocator.buffer(capacity: 0), keepAlive: keepAlive)
      case .notFound(let why):
        respond(.notFound, body: why, keepAlive: keepAlive, context: context)
      }
    case (.POST, "/poll/send"):
      if let length = head.headers.first(name: "Content-Length").flatMap({ Int($0) }),
        length > configuration.maxMessageSize
      {
        return tooLarge(keepAlive: false, context: context)
      }
      state = .body(head, context.channel.allocator.buffer(capacity: 0))
      rearm(in: configuration.handshakeTimeout)  // the body must arrive in time, too
    case (.GET, "/poll/recv"):
      guard let client = query["client"], !client.isEmpty else {
        return respond(
          .badRequest, body: "GET /poll/recv needs ?client=ID\n", keepAlive: keepAlive, context: context)
      }
      let room = query["room"] ?? "/"
      let waiter = NIOLoopBound(self, eventLoop: context.eventLoop)
      switch server.mailboxes.receive(for: client, room: room, waiter: waiter, limit: configuration.maxConnections) {
      case .some(.some(let message)):
        respondPoll(message, keepAlive: keepAlive, context: context)
      case .some(.none):
        respond(
          .serviceUnavailable, body: "too many long-polling clients\n", keepAlive: false, context: context)
      case .none:
        state = .polling(client: client, keepAlive: keepAlive)
        rearm(in: configuration.pollTimeout)
      }
    default:
      respond(
        .notFound,
        body: "WSLab serves a WebSocket (Upgrade) at any path, the browser page at /, long polling at "
          + "/poll/send and /poll/recv\(server.site != nil ? ", and the lessons at /lessons/" : "")\n",
        keepAlive: keepAlive, context: context)
    }
  }

  private func finishPost(_ head: NIOHTTP1.HTTPRequestHead, body: ByteBuffer, context: ChannelHandlerContext) {
    let (_, query) = split(head.uri)
    let keepAlive = head.isKeepAlive
    guard let client = query["client"], !client.isEmpty else {
      return respond(
        .badRequest, body: "POST /poll/send needs ?client=ID\n", keepAlive: keepAlive, context: context)
    }
    let room = query["room"] ?? "/"
    switch server.mailboxes.post(body, from: client, room: room, mode: configuration.mode, limits: configuration) {
    case .ok:
      respond(.noContent, body: "", keepAlive: keepAlive, context: context)
    case .full:
      respond(
        .serviceUnavailable, body: "mailbox full: collect messages first\n", keepAlive: keepAlive, context: context)
    case .tooManyClients, .unknownClient:
      respond(.serviceUnavailable, body: "too many long-polling clients\n", keepAlive: false, context: context)
    }
  }

  private func tooLarge(keepAlive: Bool, context: ChannelHandlerContext) {
    respond(
      .custom(code: 413, reasonPhrase: "Content Too Large"),
      body: "message over \(configuration.maxMessageSize) bytes\n", keepAlive: keepAlive, context: context)
  }

  /// A message for a waiting `GET /poll/recv`. If the request is no longer waiting (its timer
  /// fired first, or the client left), the message goes back to the front of the mailbox.
  func answerPoll(with message: ByteBuffer, for client: String) {
    guard let context, case .polling(let waiting, let keepAlive) = state, waiting == client else {
      server.mailboxes.requeue(message, for: client)
      return
    }
    respondPoll(message, keepAlive: keepAlive, context: context)
  }

  // MARK: responses

  private func respondPoll(_ message: ByteBuffer, keepAlive: Bool, context: ChannelHandlerContext) {
    var headers = NIOHTTP1.HTTPHeaders()
    headers.add(name: "Content-Type", value: "application/octet-stream")
    headers.add(name: "Content-Length", value: String(message.readableBytes))
    headers.add(name: "Cache-Control", value: "no-store")
    send(
      NIOHTTP1.HTTPResponseHead(version: .http1_1, status: .ok, headers: headers), body: message, keepAlive: keepAlive)
  }

  private func respond(
    _ status: HTTPResponseStatus, contentType: String = "text/plain; charset=utf-8", body: String, keepAlive: Bool,
    context: ChannelHandlerContext
  ) {
    var headers = NIOHTTP1.HTTPHeaders()
    if !body.isEmpty || status != .noContent {
      headers.add(name: "Content-Type", value: contentType)
      headers.add(name: "Content-Length", value: String(body.utf8.count))
    }
    headers.add(name: "Cache-Control", value: "no-store")
    send(
      NIOHTTP1.HTTPResponseHead(version: .http1_1, status: status, headers: headers),
      body: context.channel.allocator.buffer(string: body), keepAlive: keepAlive)
  }

  /// Writes a whole response; then waits for the next request (keep-alive) or closes.
  private func send(_ head: NIOHTTP1.HTTPResponseHead, body: ByteBuffer, keepAlive: Bool) {
    guard let context else { return }
    var head = head
    if !keepAlive { head.headers.add(name: "Connection", value: "close") }
    if tracer != nil { trace(head) }
    context.write(wrapOutboundOut(.head(head)), promise: nil)
    if body.readableBytes > 0 { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
    let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
    timer?.cancel()
    timer = nil
    if keepAlive {
      // The request's `.end` may still be on its way (a refused body): drop what is left of it.
      if case .body = state { state = .discarding(keepAlive: true) } else { state = .idle }
      rearm(in: configuration.idleTimeout ?? configuration.handshakeTimeout)
    } else {
      state = .closed
      let channel = context.channel
      written.whenComplete { _ in channel.close(promise: nil) }
    }
  }

  // MARK: tracing

  /// The request head as HTTP/1.1 puts it on the wire (NIOHTTP1 hands over the parsed head).
  private func trace(_ head: NIOHTTP1.HTTPRequestHead) {
    var text = "\(head.method.rawValue) \(head.uri) HTTP/\(head.version.major).\(head.version.minor)\r\n"
    for (name, value) in head.headers { text += "\(name): \(value)\r\n" }
    text += "\r\n"
    tracer?.record(.bytes(HandshakeTrace.record(forHead: Array(text.utf8), direction: .clientToServer, purpose: .http)))
  }

  /// The response head as NIOHTTP1's encoder writes it.
  private func trace(_ head: NIOHTTP1.HTTPResponseHead) {
    var text = "HTTP/1.1 \(head.status.code) \(head.status.reasonPhrase)\r\n"
    for (name, value) in head.headers { text += "\(name): \(value)\r\n" }
    text += "\r\n"
    tracer?.record(.bytes(HandshakeTrace.record(forHead: Array(text.utf8), direction: .serverToClient, purpose: .http)))
  }

  // MARK: timers

  /// One timer for the HTTP states: a request (or its body) that does not arrive in time
  /// (slowloris), a long poll with nothing to say (204), an idle keep-alive connection.
  private func rearm(in duration: Duration) {
    timer?.cancel()
    timer = nil
    guard let context else { return }
    let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
    timer = context.eventLoop.scheduleTask(in: TimeAmount(duration)) { bound.value.timerFired() }
  }

  private func timerFired() {
    timer = nil
    guard let context else { return }
    switch state {
    case .idle, .body, .discarding:
      tracer?.note("request not complete within \(configuration.handshakeTimeout): closing")
      state = .closed
      context.close(promise: nil)
    case .polling(let client, let keepAlive):
      server.mailboxes.cancelWait(for: client)
      respond(.noContent, body: "", keepAlive: keepAlive, context: context)
    case .closed:
      break
    }
  }
}

/// `/path?a=b&c=d` → ("/path", ["a": "b", "c": "d"]). Values are used as given (no
/// percent-decoding: ids and room names are plain tokens).
func split(_ target: String) -> (String, [String: String]) {
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
