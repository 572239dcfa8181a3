import Connection
import Deflate
import Handshake
import NIOCore

/// What the server does with messages.
public enum ServerMode: String, Sendable, CaseIterable {
  /// Every text message back as text, binary as binary (what conformance suites expect).
  case echo
  /// Rooms by path: every message goes to everyone else in the same room.
  case chat
  /// Every message goes to every connected client, the sender included.
  case broadcast
}

/// Everything `wslab serve` and `WebSocketServer` can be told. Defaults are safe for a public
/// port: every limit is on.
public struct ServerConfiguration: Sendable {
  public var host: String = "127.0.0.1"
  public var port: Int = 9001
  public var mode: ServerMode = .echo
  /// permessage-deflate, accepted when a client offers it.
  public var deflate: DeflateOptions = DeflateOptions()
  /// PEM files for wss:// and https://.
  public var tlsCertificatePath: String?
  public var tlsPrivateKeyPath: String?
  /// Subprotocols, in server preference order.
  public var subprotocols: [String] = []
  /// Origins allowed to connect (exact match); empty: any. Others get 403.
  public var allowedOrigins: [String] = []
  /// Checks a WebSocket request's credentials before the 101: nil lets it in, a reason answers
  /// `401 Unauthorized` (RFC 6455 §10.5). nil: no credentials needed. See ``tokenAuthorizer(_:)``.
  public var authorizer: (@Sendable (HTTPRequestHead) -> String?)?
  /// Connections beyond this get `503 Service Unavailable`.
  public var maxConnections: Int = 10_000
  public var maxFrameSize: Int = 16 << 20
  /// Per message, over all fragments; any number of fragments below it.
  public var maxMessageSize: Int = 16 << 20
  /// Bytes held for a client that does not read; beyond, the client is closed (1008).
  public var maxQueuedBytes: Int = 4 << 20
  /// Time for the whole opening handshake (or a plain HTTP request head): slowloris guard.
  public var handshakeTimeout: Duration = .seconds(10)
  /// Close with 1001 when a client has sent nothing for this long.
  public var idleTimeout: Duration? = .seconds(120)
  /// Ping a client that has sent nothing for this long.
  public var keepaliveInterval: Duration? = .seconds(30)
  public var closeTimeout: Duration = .seconds(5)
  /// How long a long-polling `GET /poll/recv` waits for a message before answering 204.
  public var pollTimeout: Duration = .seconds(25)
  /// On shutdown, how long clients get to answer the 1001 close before TCP is cut.
  public var shutdownGracePeriod: Duration = .seconds(3)
  /// Event loop threads (1: the whole server on one core).
  public var threads: Int = 1
  /// Where live traces go (nil: no tracing, and no cost).
  public var trace: TraceSink?
  /// `--pcap`: every connection's bytes (TLS records for wss://) as a pcapng capture.
  public var capture: CaptureFile?
  /// `--keylog`: the TLS session keys in the NSS key log format, for Wireshark.
  public var keyLog: KeyLogFile?
  /// Live tracing for browsers: the page at `/` shows its own connection's frames, `/trace` every
  /// connection (both over WebSocket at `/trace/ws`). Off by default: it traces every connection.
  public var liveTrace = false
  /// A folder with the lessons' HTML edition (`make site` writes `site/`), served at `/lessons/`;
  /// read once when the server is created. nil: `/lessons/` is not served.
  public var lessonsDirectory: String?
  /// Share chat rooms and broadcast with other servers through PostgreSQL (modes chat and
  /// broadcast only). nil: this server is alone.
  public var cluster: ClusterConfiguration?

  public init() {}

  /// True when TLS is configured (wss:// and https://).
  public var usesTLS: Bool { tlsCertificatePath != nil }

  /// The Connection configuration for one client.
  func connectionConfiguration() -> Connection.Configuration {
    Connection.Configuration(
      role: .server, maxFrameSize: maxFrameSize, maxMessageSize: maxMessageSize, maxQueuedBytes: maxQueuedBytes,
      keepaliveInterval: keepaliveInterval, idleTimeout: idleTimeout, closeTimeout: closeTimeout,
      handshakeTimeout: handshakeTimeout, deflate: deflate)
  }
}

extension ServerConfiguration {
  /// The name of the cookie ``tokenAuthorizer(_:)`` reads.
  public static let tokenCookie = "wslab_token"

  /// `wslab serve --auth-token TOKEN`: a request gets in with `Authorization: Bearer TOKEN` (what
  /// a program sends) or the cookie `wslab_token=TOKEN` (what a browser sends: its WebSocket API
  /// cannot set headers, but it sends the cookies of the server's site). The comparison takes the
  /// same time wherever the first difference is.
  public static func tokenAuthorizer(_ token: String) -> @Sendable (HTTPRequestHead) -> String? {
    let expected = Array(token.utf8)
    @Sendable func matches(_ candidate: Substring) -> Bool {
      let bytes = Array(candidate.utf8)
      var difference = UInt8(bytes.count == expected.count ? 0 : 1)
      for i in 0..<expected.count { difference |= expected[i] ^ (i < bytes.count ? bytes[i] : 0) }
      return difference == 0
    }
    return { request in
      var offered = false
      for value in request.headers.values("Authorization") {
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { continue }
        offered = true
        if matches(parts[1].drop { $0 == " " }) { return nil }
      }
      for value in request.headers.values("Cookie") {
        for pair in value.split(separator: ";") {
          let trimmed = pair.drop { $0 == " " }
          guard trimmed.hasPrefix(tokenCookie + "=") else { continue }
          offered = true
          if matches(trimmed.dropFirst(tokenCookie.count + 1)) { return nil }
        }
      }
      return offered
        ? "the token does not match"
        : "send Authorization: Bearer TOKEN or the cookie \(tokenCookie)=TOKEN"
    }
  }
}
