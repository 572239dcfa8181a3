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
  private var timer: Scheduled<Void>?
  private let tracer: ConnectionTracer?

  init(id: Int, server: ServerContext) {
    self.id = id
    self.server = server
    self.tracer = server.configuration.trace?.observer(connection: id)
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
    if !routed {
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
    var connectionConfiguration = configuration.connectionConfiguration()
    // With the async API messages go to application code on another task: a violation waits until
    // it has answered the ones it already took.
    connectionConfiguration.holdsViolationsForTransport = server.application != nil
    let connection = Connection(
      server: policy, configuration: connectionConfiguration,
      now: Timestamp(nanoseconds: Int64(NIODeadline.now().uptimeNanoseconds)), observer: tracer)
    let (path, _) = split(request.head.target)
    let handler = WebSocketHandler(
      connection: connection, sink: ServerSink(server: server, id: id, room: path, tracer: tracer), tracer: tracer,
      initialBytes: ByteBuffer(bytes: request.headBytes + request.leftover))
    try context.pipeline.syncOperations.addHandler(handler, position: .after(self))
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
