import Framing
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// A WebSocket server on SwiftNIO: ws:// and wss://, echo / chat / broadcast, the browser page,
/// and the long-polling baseline, with every limit of ``ServerConfiguration``.
///
/// ```swift
/// let server = WebSocketServer(configuration: config)
/// let address = try await server.start()
/// ...
/// try await server.shutdown()     // 1001 to every client, then close
/// ```
public final class WebSocketServer: Sendable {
  public let configuration: ServerConfiguration
  private let context: ServerContext
  private let group: MultiThreadedEventLoopGroup
  private let channel = NIOLockedValueBoxChannel()

  /// A server whose behaviour is ``ServerConfiguration/mode`` (echo, chat, broadcast), run
  /// entirely on the event loop.
  public init(configuration: ServerConfiguration, logger: Logger = Logger(label: "wslab.server")) {
    self.configuration = configuration
    self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
    self.context = ServerContext(configuration: configuration, logger: logger, group: group, application: nil)
  }

  /// A server whose behaviour is your code: `application` runs once per open WebSocket, on a
  /// task of its own, and talks to it with async/await (``WebSocket``).
  ///
  /// ```swift
  /// let server = WebSocketServer(configuration: config) { socket in
  ///   for try? await message in socket.messages { try? await socket.send(message) }
  /// }
  /// ```
  public init(
    configuration: ServerConfiguration, logger: Logger = Logger(label: "wslab.server"),
    application: @escaping @Sendable (WebSocket) async -> Void
  ) {
    self.configuration = configuration
    self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
    self.context = ServerContext(
      configuration: configuration, logger: logger, group: group, application: application)
  }

  /// Binds and starts accepting. Returns the bound address (useful with port 0).
  /// With ``ServerConfiguration/lessonsDirectory``: how many lesson files `/lessons/` serves, and
  /// why it serves none (the folder is missing or has no index.html). nil when not configured.
  public var lessonPages: (count: Int, problem: String?)? {
    context.site.map { ($0.count, $0.problem) }
  }

  /// How much each read asks for: SwiftNIO's adaptive sizes (up to 64 KiB under load), but
  /// starting at 256 bytes instead of 2 KiB. SwiftNIO keeps the buffer of each connection's last
  /// read for the next one, so the first size is memory every idle connection holds; a larger
  /// opening handshake takes a second read, and the size grows at once under load.
  static let receiveSizes = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 256, maximum: 64 << 10)

  public func start() async throws -> SocketAddress {
    let tls = try makeTLSContext()
    let context = self.context
    if let cluster = context.cluster {
      guard configuration.mode != .echo else {
        throw ClusterError.failed("--cluster shares chat rooms and broadcast: use --mode chat or --mode broadcast")
      }
      try await cluster.start()
    }
    let bootstrap = ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 1024)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
      .childChannelOption(.maxMessagesPerRead, value: 16)
      .childChannelOption(.recvAllocator, value: Self.receiveSizes)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          let sync = channel.pipeline.syncOperations
          if let capture = context.configuration.capture {
            try sync.addHandler(CaptureHandler(file: capture, isServer: true))
          }
          if let tls {
            try sync.addHandler(NIOSSLServerHandler(context: tls))
          }
          guard let id = context.admit() else {
            try sync.addHandler(RefuseHandler(reason: "server full or shutting down"))
            return
          }
          try sync.addHandler(HTTPRouter(id: id, server: context))
        }
      }
    let server: Channel
    do {
      server = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
    } catch let error as IOError where error.errnoCode == EADDRINUSE {
      throw ServerError.portInUse(host: configuration.host, port: configuration.port)
    } catch {
      throw ServerError.cannotBind(host: configuration.host, port: configuration.port, reason: "\(error)")
    }
    channel.set(server)
    guard let address = server.localAddress else {
      throw ServerError.cannotBind(host: configuration.host, port: configuration.port, reason: "no local address")
    }
    return address
  }

  /// Connections open right now.
  public var openConnections: Int { context.openConnections }

  /// Graceful shutdown: stop accepting, close every WebSocket with `code` (1001 going away, or
  /// 1012 service restart: clients should reconnect) and wait up to the grace period for the
  /// closing handshakes, then close what is left and stop the event loops. A cluster node writes
  /// what it still has queued and leaves the cluster.
  /// The signals `wslab serve` stops on.
  public enum StopSignal: Sendable { case interrupt, terminate }

  /// The close code for a shutdown on `signal`. SIGTERM (a supervisor restarting or draining this
  /// node): 1012, service restart, come back; SIGINT (Ctrl-C in a terminal): 1001, going away.
  /// WSLab chooses; RFC 6455 leaves shutdown codes open.
  public static func shutdownCode(onSignal signal: StopSignal) -> CloseCode {
    signal == .terminate ? .serviceRestart : .goingAway
  }

  public func shutdown(code: CloseCode = .goingAway) async throws {
    context.beginShutdown(code: code)
    if let server = channel.get() {
      try? await server.close()
    }
    let deadline = ContinuousClock.now + configuration.shutdownGracePeriod
    while context.openConnections > 0 && ContinuousClock.now < deadline {
      try await Task.sleep(for: .milliseconds(20))
    }
    await context.cluster?.stop(grace: configuration.shutdownGracePeriod)
    try await group.shutdownGracefully()
  }

  private func makeTLSContext() throws -> NIOSSLContext? {
    guard let certPath = configuration.tlsCertificatePath else { return nil }
    guard let keyPath = configuration.tlsPrivateKeyPath else { throw ServerError.tls("--tls-cert needs --tls-key") }
    do {
      let chain = try NIOSSLCertificate.fromPEMFile(certPath).map { NIOSSLCertificateSource.certificate($0) }
      let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
      var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
      tls.applicationProtocols = ["http/1.1"]
      if let keyLog = configuration.keyLog { tls.keyLogCallback = { keyLog.write($0) } }
      return try NIOSSLContext(configuration: tls)
    } catch {
      throw ServerError.tls("cannot load \(certPath) / \(keyPath): \(error)")
    }
  }
}

/// Errors a user can act on.
public enum ServerError: Error, CustomStringConvertible {
  case portInUse(host: String, port: Int)
  case cannotBind(host: String, port: Int, reason: String)
  case tls(String)

  public var description: String {
    switch self {
    case .portInUse(let host, let port):
      "port \(port) on \(host) is already in use (another wslab serve?); pick another with --port, or --port 0 for any free port"
    case .cannotBind(let host, let port, let reason): "cannot listen on \(host):\(port): \(reason)"
    case .tls(let why): "TLS: \(why)"
    }
  }
}

/// Answers `503 Service Unavailable` and closes: the server is full or shutting down.
final class RefuseHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer
  let reason: String
  init(reason: String) { self.reason = reason }

  func channelActive(context: ChannelHandlerContext) {
    let body = reason + "\n"
    var out = context.channel.allocator.buffer(capacity: 160)
    out.writeString(
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
        + "Content-Length: \(body.utf8.count)\r\nRetry-After: 5\r\nConnection: close\r\n\r\n" + body)
    let channel = context.channel
    context.writeAndFlush(wrapOutboundOut(out)).whenComplete { _ in channel.close(promise: nil) }
  }
}

/// The listening channel, set once `start` has bound it.
final class NIOLockedValueBoxChannel: Sendable {
  private let box = NIOLockedValueBox<Channel?>(nil)
  func set(_ channel: Channel) { box.withLockedValue { $0 = channel } }
  func get() -> Channel? { box.withLockedValue { $0 } }
}
