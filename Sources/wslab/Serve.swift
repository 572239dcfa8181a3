import ArgumentParser
import Connection
import Deflate
import Dispatch
import Foundation
import Framing
import Logging
import NIOCore
import Server
import Trace

/// `wslab serve`: the server (echo, chat or broadcast), the page at /, long polling.
struct Serve: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a WebSocket server (echo, chat or broadcast), the browser page at /, and long polling.")

  @Option(help: "Address to listen on.") var host = "127.0.0.1"
  @Option(help: "Port (0: any free port).") var port = 9001
  @Option(help: "echo | chat (rooms by path) | broadcast.") var mode: ServerMode = .echo
  @Flag(help: "Do not accept permessage-deflate.") var noDeflate = false
  @Option(
    help:
      "zlib level for permessage-deflate: 1 (fastest) to 9 (smallest); WSLab's default 6 is zlib's (`make bench` compares)."
  )
  var deflateLevel = 6
  @Option(help: "PEM certificate chain: serve wss:// and https://.") var tlsCert: String?
  @Option(help: "PEM private key for --tls-cert.") var tlsKey: String?
  @Flag(help: "Print every connection's bytes, annotated, as they go.") var trace = false
  @Option(help: "Write the trace to this file instead of the terminal.") var traceFile: String?
  @Option(help: "The trace's language: en or zh-CN (default: the locale, as the lessons choose).") var lang: String?
  @Option(help: "Write every connection's bytes as a pcapng capture for Wireshark (TLS records for wss://).")
  var pcap: String?
  @Option(help: "Write the TLS session keys (NSS key log format), so Wireshark can decrypt a wss:// capture.")
  var keylog: String?
  @Option(help: "Allow this Origin (repeat for several); others get 403. Default: any.") var allowOrigin: [String] = []
  @Option(
    help:
      "Require this token in the handshake: Authorization: Bearer TOKEN, or the cookie wslab_token=TOKEN (401 otherwise)."
  ) var authToken: String?
  @Option(help: "Offer this subprotocol (repeat; server preference order).") var subprotocol: [String] = []
  @Option(help: "Maximum simultaneous connections (503 beyond).") var maxConnections = 10_000
  @Option(help: "Maximum frame size in bytes (1009 beyond).") var maxFrameSize = 16 << 20
  @Option(help: "Maximum message size in bytes, over all fragments (1009 beyond).") var maxMessageSize = 16 << 20
  @Option(help: "Bytes queued for a client that does not read before it is closed (1008).") var maxQueuedBytes =
    4 << 20
  @Option(help: "Seconds for a client to complete its request head (slowloris guard).") var handshakeTimeout = 10.0
  @Option(help: "Seconds of silence before closing with 1001 (0: never).") var idleTimeout = 120.0
  @Option(help: "Seconds of silence before a keepalive ping (0: never).") var keepalive = 30.0
  @Option(help: "Seconds a long-poll request waits for a message.") var pollTimeout = 25.0
  @Option(help: "Seconds clients get to answer the 1001 close on shutdown.") var shutdownGrace = 3.0
  @Option(help: "Event loop threads.") var threads = 1
  @Flag(help: "Trace every connection live for browsers: the page at / shows its own frames, /trace every connection.")
  var liveTrace = false
  @Option(help: "Serve the lessons' web pages from this folder at /lessons/ (`make site` writes site/).")
  var lessons = "site"
  @Option(
    help: ArgumentHelp(
      "Share chat rooms and broadcast with other wslab serve processes through PostgreSQL.",
      valueName: "postgres://USER[:PASSWORD]@HOST:PORT/DATABASE"))
  var cluster: String?
  @Option(help: "This node's name in the cluster (default: HOST:PORT).") var node: String?
  @Option(help: "Seconds the cluster keeps messages for nodes that reconnect.") var clusterRetention = 300.0
  @Option(help: "The cluster's table (created when missing).") var clusterTable = "wslab_messages"

  func run() async throws {
    var config = ServerConfiguration()
    config.host = host
    config.port = port
    config.mode = mode
    guard (1...9).contains(deflateLevel) else {
      throw ValidationError("--deflate-level must be 1 (fastest) to 9 (smallest), not \(deflateLevel)")
    }
    config.deflate = noDeflate ? .disabled : DeflateOptions(compressionLevel: deflateLevel)
    config.tlsCertificatePath = tlsCert
    config.tlsPrivateKeyPath = tlsKey
    config.allowedOrigins = allowOrigin
    config.authorizer = authToken.map(ServerConfiguration.tokenAuthorizer)
    config.subprotocols = subprotocol
    config.maxConnections = maxConnections
    config.maxFrameSize = maxFrameSize
    config.maxMessageSize = maxMessageSize
    config.maxQueuedBytes = maxQueuedBytes
    config.handshakeTimeout = .seconds(handshakeTimeout)
    config.idleTimeout = idleTimeout > 0 ? .seconds(idleTimeout) : nil
    config.keepaliveInterval = keepalive > 0 ? .seconds(keepalive) : nil
    config.pollTimeout = .seconds(pollTimeout)
    config.shutdownGracePeriod = .seconds(shutdownGrace)
    config.threads = threads
    config.lessonsDirectory = lessons
    config.liveTrace = liveTrace
    if let cluster {
      if mode == .echo { fail("--cluster shares chat rooms and broadcast: add --mode chat or --mode broadcast") }
      do {
        var c = try ClusterConfiguration(
          url: cluster, node: node ?? "\(host):\(port == 0 ? "pid\(getpid())" : "\(port)")",
          environmentPassword: ProcessInfo.processInfo.environment["PGPASSWORD"])
        c.retention = .seconds(clusterRetention)
        c.table = clusterTable
        config.cluster = c
      } catch {
        fail("\(error)")
      }
    } else if node != nil {
      fail("--node names a cluster node: it goes with --cluster")
    }
    if (tlsCert == nil) != (tlsKey == nil) { fail("--tls-cert and --tls-key go together") }
    for path in [tlsCert, tlsKey].compactMap({ $0 }) where !FileManager.default.isReadableFile(atPath: path) {
      fail("cannot read \(path)")
    }
    do {
      if traceFile != nil || trace {
        config.trace = try traceSink(path: traceFile, tag: lang)
      }
      config.capture = try pcap.map { try CaptureFile(path: $0) }
      config.keyLog = try keylog.map { try KeyLogFile(path: $0) }
    } catch {
      fail("\(error)")
    }
    LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
    let server = WebSocketServer(configuration: config)
    let address: SocketAddress
    do {
      address = try await server.start()
    } catch {
      fail("\(error)")
    }
    let scheme = config.usesTLS ? "wss" : "ws"
    let shownHost = host.contains(":") ? "[\(host)]" : host
    print(
      "wslab: listening on \(scheme)://\(shownHost):\(address.port ?? port)/ (mode \(mode.rawValue), "
        + "permessage-deflate \(noDeflate ? "off" : "on"))")
    if liveTrace {
      let web = config.usesTLS ? "https" : "http"
      print("wslab: live trace at \(web)://\(shownHost):\(address.port ?? port)/trace (and on the page at /)")
    }
    if let pages = server.lessonPages {
      let web = config.usesTLS ? "https" : "http"
      print(
        pages.problem.map { "wslab: no lessons at /lessons/: \($0)" }
          ?? "wslab: the lessons are at \(web)://\(shownHost):\(address.port ?? port)/lessons/ (\(pages.count) files)")
    }
    if let cluster = config.cluster {
      print("wslab: node \(cluster.node) in the cluster at \(cluster.redactedURL) (table \(cluster.table))")
    }
    fflush(nil)
    let code = WebSocketServer.shutdownCode(onSignal: await waitForSignal() == SIGTERM ? .terminate : .interrupt)
    print("wslab: shutting down (closing connections with \(code.rawValue) \(code.name))")
    fflush(nil)
    try? await server.shutdown(code: code)
  }
}

extension ServerMode: ExpressibleByArgument {}
