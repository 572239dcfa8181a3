import Connection
import Deflate
import Framing
import Handshake
import NIOCore
import NIOPosix
import NIOSSL
import Trace

/// How a client connects.
public struct ClientConfiguration: Sendable {
  /// permessage-deflate offered (on by default, as browsers do).
  public var deflate: DeflateOptions = DeflateOptions()
  public var subprotocols: [String] = []
  public var origin: String?
  /// Extra request headers, sent as given.
  public var headers: [(String, String)] = []
  public var maxFrameSize: Int = 16 << 20
  public var maxMessageSize: Int = 16 << 20
  public var maxQueuedBytes: Int = 16 << 20
  public var connectTimeout: Duration = .seconds(10)
  public var closeTimeout: Duration = .seconds(5)
  /// Verify the server's certificate for wss:// (off: `--insecure`, for test certificates).
  public var verifiesCertificate = true
  public var trace: TraceSink?
  /// Connection id shown in trace lines (`[c1]`).
  public var traceID = 1
  /// A fixed seed for the key and masks: the same bytes on every run, for lessons and tests
  /// only (real clients must use unpredictable masks, RFC 6455 §10.3). Nil: system randomness.
  public var deterministicSeed: UInt64?

  public init() {}
}

/// A parsed `ws://` or `wss://` URL.
public struct WebSocketURL: Sendable, Equatable {
  public var secure: Bool
  public var host: String
  public var port: Int
  /// Path and query, at least "/".
  public var target: String

  public init(_ string: String) throws(WebSocketError) {
    let scheme: String
    let rest: Substring
    if string.hasPrefix("ws://") {
      scheme = "ws"
      rest = string.dropFirst(5)
    } else if string.hasPrefix("wss://") {
      scheme = "wss"
      rest = string.dropFirst(6)
    } else {
      throw .invalidURL("\"\(string)\": expected ws://host[:port]/path or wss://…")
    }
    secure = scheme == "wss"
    let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
    let authority = rest[..<slash]
    var path = String(rest[slash...])
    if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
    if path.contains("#") { path = String(path.prefix { $0 != "#" }) }
    target = path
    guard !authority.isEmpty, !authority.contains("@") else {
      throw .invalidURL("\"\(string)\": missing host (or user info, which WebSocket URLs do not have)")
    }
    if authority.hasPrefix("[") {  // [::1]:port
      guard let close = authority.firstIndex(of: "]") else { throw .invalidURL("\"\(string)\": unclosed [") }
      host = String(authority[authority.index(after: authority.startIndex)..<close])
      let after = authority[authority.index(after: close)...]
      port = after.hasPrefix(":") ? (Int(after.dropFirst()) ?? -1) : (secure ? 443 : 80)
    } else if let colon = authority.lastIndex(of: ":") {
      host = String(authority[..<colon])
      port = Int(authority[authority.index(after: colon)...]) ?? -1
    } else {
      host = String(authority)
      port = secure ? 443 : 80
    }
    guard (1...65535).contains(port) else { throw .invalidURL("\"\(string)\": bad port") }
  }

  /// The Host header value (port omitted when it is the scheme's default).
  public var hostHeader: String {
    let h = host.contains(":") ? "[\(host)]" : host
    return (port == (secure ? 443 : 80)) ? h : "\(h):\(port)"
  }
}

/// Opens WebSocket connections with SwiftNIO.
public enum WebSocketClient {
  /// Connects, performs the opening handshake, and returns the open socket.
  public static func connect(
    to url: String, configuration: ClientConfiguration = ClientConfiguration(),
    group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
  ) async throws -> WebSocket {
    let target = try WebSocketURL(url)
    var options = ClientHandshake.Options(
      host: target.hostHeader, path: target.target, origin: configuration.origin,
      subprotocols: configuration.subprotocols)
    for (name, value) in configuration.headers { options.extraHeaders.append(name: name, value: value) }
    var configured = Connection.Configuration(
      role: .client, maxFrameSize: configuration.maxFrameSize, maxMessageSize: configuration.maxMessageSize,
      maxQueuedBytes: configuration.maxQueuedBytes, closeTimeout: configuration.closeTimeout,
      handshakeTimeout: configuration.connectTimeout, deflate: configuration.deflate)
    // Messages go to application code on another task: a violation waits until it has answered
    // the ones it already took.
    configured.holdsViolationsForTransport = true
    let connectionConfiguration = configured
    var tlsContext: NIOSSLContext?
    if target.secure {
      var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
      if !configuration.verifiesCertificate { tlsConfiguration.certificateVerification = .none }
      tlsContext = try NIOSSLContext(configuration: tlsConfiguration)
    }
    let tls = tlsContext
    let requestOptions = options
    let trace = configuration.trace
    let traceID = configuration.traceID
    let seed = configuration.deterministicSeed
    let opened = group.any().makePromise(of: WebSocket.self)
    do {
      _ = try await ClientBootstrap(group: group)
        .channelOption(.socketOption(.tcp_nodelay), value: 1)
        .connectTimeout(TimeAmount(configuration.connectTimeout))
        .channelInitializer { channel in
          channel.eventLoop.makeCompletedFuture {
            if let tls {
              // SNI carries host names, not addresses (RFC 6066 §3).
              let isAddress =
                target.host.contains(":")
                || target.host.split(separator: ".").count == 4
                  && target.host.split(separator: ".").allSatisfy { UInt8($0) != nil }
              let hostname = isAddress ? nil : target.host
              try channel.pipeline.syncOperations.addHandler(
                try NIOSSLClientHandler(context: tls, serverHostname: hostname))
            }
            let random: any RandomNumberGenerator =
              seed.map { SeededRandom(seed: $0) } ?? SystemRandomNumberGenerator()
            let connection = Connection(
              client: requestOptions, configuration: connectionConfiguration, random: random,
              now: Timestamp(nanoseconds: Int64(NIODeadline.now().uptimeNanoseconds)),
              observer: trace?.observer(connection: traceID))
            let handler = ClientConnectionHandler(connection: connection, eventLoop: channel.eventLoop)
            handler.opened.cascade(to: opened)
            try channel.pipeline.syncOperations.addHandler(handler)
          }
        }
        .connect(host: target.host, port: target.port).get()
    } catch {
      opened.fail(error)
      let text = "\(error)"
      let why =
        text.contains("refused")
        ? "connection refused (is a server listening there?)"
        : text.contains("timed out") || text.contains("Timeout") ? "timed out" : text
      throw WebSocketError.connectionFailed("cannot connect to \(target.host):\(target.port): \(why)")
    }
    return try await opened.futureResult.get()
  }
}

/// The client side of one connection, on its event loop: drives a client ``Connection``.
final class ClientConnectionHandler: ChannelInboundHandler, WebSocketTransport {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  private var connection: Connection
  private let openPromise: EventLoopPromise<WebSocket>
  private let outcomePromise: EventLoopPromise<CloseOutcome>
  private var continuation: AsyncThrowingStream<WebSocketMessage, Error>.Continuation?
  private var flow: FlowControl?
  private var context: ChannelHandlerContext?
  private var timer: Scheduled<Void>?
  private var pendingClose: EventLoopPromise<Void>?
  private var finished = false

  /// Completes with the open socket, or fails with the handshake error.
  var opened: EventLoopFuture<WebSocket> { openPromise.futureResult }

  private let closeTimeout: Duration

  init(connection: Connection, eventLoop: EventLoop) {
    self.connection = connection
    self.closeTimeout = connection.configuration.closeTimeout
    self.openPromise = eventLoop.makePromise()
    self.outcomePromise = eventLoop.makePromise()
  }

  func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
    if context.channel.isActive { start(context) }
  }

  /// Breaks the handler ↔ context cycle so a closed connection is freed.
  func handlerRemoved(context: ChannelHandlerContext) {
    self.context = nil
    timer?.cancel()
    holdTimer?.cancel()
    timer = nil
  }

  func channelActive(context: ChannelHandlerContext) {
    start(context)
    context.fireChannelActive()
  }

  private var started = false
  private func start(_ context: ChannelHandlerContext) {
    guard !started else { return }
    started = true
    connection.advance(to: now())
    pump(context)  // writes the request
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    connection.advance(to: now())
    connection.receive(unwrapInboundIn(data))
    pump(context)
  }

  func channelInactive(context: ChannelHandlerContext) {
    timer?.cancel()
    connection.receiveEOF()
    drain(context)
    end(CloseOutcome(code: .abnormalClosure, reason: "", wasClean: false, initiator: nil))
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: Error) {
    openPromise.fail(WebSocketError.connectionFailed("\(error)"))
    continuation?.finish(throwing: WebSocketError.connectionFailed("\(error)"))
    context.close(promise: nil)
  }

  // MARK: transport for async code

  func send(_ message: WebSocketMessage, promise: EventLoopPromise<Void>) {
    guard let context else { return promise.fail(WebSocketError.notOpen("not connected")) }
    do {
      switch message {
      case .text(let text): try connection.send(text: text)
      case .binary(let bytes): try connection.send(binary: bytes)
      }
    } catch {
      return promise.fail(WebSocketError.notOpen("\(error)"))
    }
    if let out = connection.takeOutbound() {
      context.writeAndFlush(wrapOutboundOut(out), promise: promise)
    } else {
      promise.succeed()
    }
    pump(context)
  }

  func ping(promise: EventLoopPromise<Void>) {
    guard let context else { return promise.fail(WebSocketError.notOpen("not connected")) }
    do { try connection.ping() } catch { return promise.fail(WebSocketError.notOpen("\(error)")) }
    pump(context)
    promise.succeed()
  }

  func close(code: CloseCode, reason: String, promise: EventLoopPromise<Void>) {
    guard let context else { return promise.succeed() }
    do {
      try connection.close(code: code, reason: reason)
    } catch {
      // Already closing or closed: nothing to start; the outcome tells how it ends.
    }
    pump(context)
    promise.succeed()
  }

  // MARK: pumping

  private func pump(_ context: ChannelHandlerContext) {
    drain(context)
    if let out = connection.takeOutbound() {
      context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }
    if connection.shouldCloseTransport {
      // Close once the last bytes are out, and in any case after the close timeout.
      timer?.cancel()
      let channel = context.channel
      context.writeAndFlush(wrapOutboundOut(ByteBuffer())).whenComplete { _ in channel.close(promise: nil) }
      context.eventLoop.scheduleTask(in: TimeAmount(closeTimeout)) { channel.close(promise: nil) }
      return
    }
    timer?.cancel()
    if let deadline = connection.nextDeadline {
      let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
      timer = context.eventLoop.scheduleTask(
        deadline: .uptimeNanoseconds(UInt64(max(0, deadline.nanoseconds)))
      ) {
        bound.value.timerFired()
      }
    }
  }

  private func timerFired() {
    guard let context else { return }
    connection.advance(to: now())
    pump(context)
  }

  /// While the application answers the messages that came before a held-back close or violation
  /// (bounded by the close timeout: an application that stops reading does not keep it open).
  private var holdTimer: Scheduled<Void>?
  private var holdExpired = false

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if event is ApplicationCaughtUp {
      pump(context)
    } else {
      context.fireUserInboundEventTriggered(event)
    }
  }

  private func drain(_ context: ChannelHandlerContext) {
    while true {
      if connection.isHoldingBack, !holdExpired, continuation != nil, let flow,
        flow.holdUntilCaughtUp()
      {
        if holdTimer == nil {
          let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
          holdTimer = context.eventLoop.scheduleTask(in: TimeAmount(closeTimeout)) {
            bound.value.holdExpired = true
            bound.value.timerFired()
          }
        }
        return
      }
      guard let event = connection.nextEvent() else {
        // Every event is out (and answered): take a close or violation held behind them.
        guard connection.isHoldingBack else { return }
        connection.releaseHeldBack()
        continue
      }
      switch event {
      case .opened(let opened):
        let (stream, continuation) = AsyncThrowingStream<WebSocketMessage, Error>.makeStream()
        self.continuation = continuation
        let flow = FlowControl(channel: context.channel)
        self.flow = flow
        let socket = WebSocket(
          opened: opened, messages: WebSocketMessages(stream: stream, flow: flow),
          transport: NIOLoopBound(self as any WebSocketTransport, eventLoop: context.eventLoop),
          outcome: outcomePromise.futureResult)
        openPromise.succeed(socket)
      case .handshakeFailed(let error):
        openPromise.fail(WebSocketError.handshakeFailed("\(error)"))
      case .text(let text):
        // Counted before the application can see it (and count it as consumed).
        flow?.produced()
        continuation?.yield(.text(text))
      case .binary(let bytes):
        // Counted before the application can see it (and count it as consumed).
        flow?.produced()
        continuation?.yield(.binary(bytes))
      case .failed(let failure):
        continuation?.finish(throwing: failure)
        continuation = nil
      case .closed(let outcome):
        end(outcome)
      case .ping, .pong, .closeReceived:
        break
      }
    }
  }

  private func end(_ outcome: CloseOutcome) {
    guard !finished else { return }
    finished = true
    holdTimer?.cancel()
    holdTimer = nil
    openPromise.fail(WebSocketError.connectionFailed("closed before the handshake completed (\(outcome))"))
    continuation?.finish()
    continuation = nil
    outcomePromise.succeed(outcome)
  }

  private func now() -> Timestamp {
    Timestamp(nanoseconds: Int64(NIODeadline.now().uptimeNanoseconds))
  }
}
