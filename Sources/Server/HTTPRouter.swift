import Connection
import Handshake
import NIOCore
import NIOHTTP1
import Trace

/// The first stage of every server connection, on its event loop: reads the first request head
/// and routes the connection, then takes itself out of the pipeline.
///
/// - An Upgrade request: a ``WebSocketHandler`` takes its place, with a server ``Connection``
///   that reads the head again through the Handshake layer (which checks every rule of RFC 6455
///   §4.2.1 and traces exactly the bytes that arrived).
/// - Anything else: SwiftNIO's HTTP/1.1 stack and the ``HTTPService`` (the page, long polling)
///   take its place, and get the bytes read so far.
///
/// The head must arrive within the handshake timeout (slowloris); a head that is not HTTP/1.1
/// gets 400 with the reason.
final class HTTPRouter: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  let id: Int
  let server: ServerContext
  private var parser = HTTPRequestParser(maxHeadBytes: 8192)
  private var routed = false
  /// The request was answered with an HTTP error here: the router stays, and releases the
  /// connection when it closes.
  private var refused = false
  private var timer: Scheduled<Void>?
  private let tracer: ConnectionTracer?

  init(id: Int, server: ServerContext) {
    self.id = id
    self.server = server
    self.tracer = server.tracer(for: id)
  }

  private var configuration: ServerConfiguration { server.configuration }

  func handlerRemoved(context: ChannelHandlerContext) {
    timer?.cancel()
    timer = nil
  }

  func channelActive(context: ChannelHandlerContext) {
    tracer?.note("TCP connection from \(context.remoteAddress.map { "\($0)" } ?? "?")")
    // The whole first request head must arrive in time (slowloris).
    let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
    timer = context.eventLoop.scheduleTask(in: TimeAmount(configuration.handshakeTimeout)) {
      let (router, context) = bound.value
      router.tracer?.note("request not complete within \(router.configuration.handshakeTimeout): closing")
      context.close(promise: nil)
    }
    context.fireChannelActive()
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard !routed else { return context.fireChannelRead(data) }
    let buffer = unwrapInboundIn(data)
    do {
      guard let request = try parser.feed(buffer.readableBytesView) else { return }
      routed = true
      timer?.cancel()
      if request.head.headers.contains(token: "websocket", in: "Upgrade") {
        try upgrade(request, context: context)
      } else {
        try serveHTTP(request, context: context)
      }
      guard !refused else { return }
      let channel = context.channel
      context.pipeline.syncOperations.removeHandler(context: context).whenFailure { _ in channel.close(promise: nil) }
    } catch let error as HandshakeError {
      routed = true
      tracer?.note("bad HTTP request: \(error)")
      let channel = context.channel
      context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: HandshakeRejection(error).responseBytes)))
        .whenComplete { _ in channel.close(promise: nil) }
    } catch {
      tracer?.note("cannot route the connection: \(error)")
      context.close(promise: nil)
    }
  }

  func channelInactive(context: ChannelHandlerContext) {
    // Closed before a whole head arrived (once routed, the next stage releases the connection).
    if !routed || refused {
      server.release(id)
      tracer?.note("TCP connection closed")
    }
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: Error) {
    tracer?.note("transport error: \(error)")
    context.close(promise: nil)
  }

  /// A ``WebSocketHandler`` for a server ``Connection`` that reads the request itself (it already
  /// passed the head once: cheap), then whatever followed it.
  private func upgrade(_ request: HTTPRequestParser.Completed, context: ChannelHandlerContext) throws {
    var policy = ServerHandshakePolicy(subprotocols: configuration.subprotocols)
    if !configuration.allowedOrigins.isEmpty {
      let allowed = Set(configuration.allowedOrigins)
      policy.originPolicy = { origin in origin.map { allowed.contains($0) } ?? false }
    }
    policy.authorizer = configuration.authorizer
    var connectionConfiguration = configuration.connectionConfiguration()
    // With the async API messages go to application code on another task: a violation waits until
    // it has answered the ones it already took.
    connectionConfiguration.holdsViolationsForTransport = server.application != nil
    let (path, query) = split(request.head.target)
    // A trace viewer (`/trace/ws`, live tracing on): never traced live itself.
    var tracer = self.tracer
    var sink: any WebSocketSink = ServerSink(server: server, id: id, room: path, tracer: tracer)
    if path == "/trace/ws" {
      guard let hub = server.liveTrace else {
        return refuse(
          "404 Not Found", "live tracing is off: start the server with wslab serve --live-trace\n", context: context)
      }
      tracer = self.tracer?.withoutHub
      sink = TraceViewerSink(server: server, hub: hub, id: id, follow: query["follow"])
    } else if let token = query["trace"], let hub = server.liveTrace {
      hub.tag(connection: id, token: token)
    }
    let connection = Connection(
      server: policy, configuration: connectionConfiguration,
      now: Timestamp(nanoseconds: Int64(NIODeadline.now().uptimeNanoseconds)), observer: tracer)
    let handler = WebSocketHandler(
      connection: connection, sink: sink, tracer: tracer,
      initialBytes: ByteBuffer(bytes: request.headBytes + request.leftover))
    try context.pipeline.syncOperations.addHandler(handler, position: .after(self))
  }

  /// Answers a WebSocket request with a plain HTTP error and closes (the connection is released
  /// when it closes, as the router still owns it).
  private func refuse(_ status: String, _ body: String, context: ChannelHandlerContext) {
    refused = true
    tracer?.note("refusing the WebSocket request: \(status)")
    let text =
      "HTTP/1.1 \(status)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n"
      + "Connection: close\r\n\r\n" + body
    let channel = context.channel
    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text))).whenComplete { _ in channel.close(promise: nil) }
  }

  /// SwiftNIO's HTTP server stack and the ``HTTPService`` after this handler, then the bytes read
  /// so far through them.
  private func serveHTTP(_ request: HTTPRequestParser.Completed, context: ChannelHandlerContext) throws {
    let service = HTTPService(id: id, server: server, tracer: tracer)
    try context.pipeline.syncOperations.addHandler(service, position: .after(self))
    try context.pipeline.syncOperations.configureHTTPServerPipeline(position: .after(self))
    context.fireChannelRead(NIOAny(ByteBuffer(bytes: request.headBytes + request.leftover)))
  }
}
