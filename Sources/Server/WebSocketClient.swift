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
  /// A PEM file of certificates to trust for wss:// instead of the system's (`--cacert`): a
  /// private test certificate, verified properly (host name included) rather than not at all.
  public var trustedCertificatesPath: String?
  public var trace: TraceSink?
  /// `--pcap`: the connection's bytes (TLS records for wss://) as a pcapng capture.
  public var capture: CaptureFile?
  /// `--keylog`: the TLS session keys in the NSS key log format, for Wireshark.
  public var keyLog: KeyLogFile?
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
      if let path = configuration.trustedCertificatesPath { tlsConfiguration.trustRoots = .file(path) }
      // BoringSSL's defaults, and Ed25519 (RFC 8446 §4.2.3), which it signs with but does not
      // accept unless asked to: lesson 8's deterministic test certificate uses it.
      tlsConfiguration.verifySignatureAlgorithms = [
        .ecdsaSecp256R1Sha256, .rsaPssRsaeSha256, .rsaPkcs1Sha256, .ecdsaSecp384R1Sha384, .rsaPssRsaeSha384,
        .rsaPkcs1Sha384, .rsaPssRsaeSha512, .rsaPkcs1Sha512, .ed25519,
      ]
      if let keyLog = configuration.keyLog { tlsConfiguration.keyLogCallback = { keyLog.write($0) } }
      tlsContext = try NIOSSLContext(configuration: tlsConfiguration)
    }
    let tls = tlsContext
    let requestOptions = options
    let trace = configuration.trace
    let capture = configuration.capture
    let traceID = configuration.traceID
    let seed = configuration.deterministicSeed
    let opened = group.any().makePromise(of: WebSocket.self)
    do {
      _ = try await ClientBootstrap(group: group)
        .channelOption(.socketOption(.tcp_nodelay), value: 1)
        .connectTimeout(TimeAmount(configuration.connectTimeout))
        .channelInitializer { channel in
          channel.eventLoop.makeCompletedFuture {
            if let capture {
              try channel.pipeline.syncOperations.addHandler(CaptureHandler(file: capture, isServer: false))
            }
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
            let sink = ClientSink(opened: opened, eventLoop: channel.eventLoop)
            try channel.pipeline.syncOperations.addHandler(WebSocketHandler(connection: connection, sink: sink))
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
