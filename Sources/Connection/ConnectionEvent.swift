import Framing
import Handshake
import NIOCore
import Trace

/// What happened on a connection, in order. Drain with ``Connection/nextEvent()``.
public enum ConnectionEvent: Sendable, Equatable {
  /// The opening handshake completed: the connection is OPEN.
  case opened(OpenedConnection)
  /// The opening handshake failed (server: the request was rejected with an HTTP status;
  /// client: the response was not acceptable). The connection is CLOSED.
  case handshakeFailed(HandshakeError)
  case text(String)
  case binary(ByteBuffer)
  /// A ping arrived (the pong is sent automatically).
  case ping(ByteBuffer)
  /// A pong arrived: the answer to a ping, or an unsolicited heartbeat (allowed, §5.5.3).
  case pong(ByteBuffer)
  /// The peer sent a close frame (and, unless we had already sent one, we answered it).
  case closeReceived(ClosePayload)
  /// We failed the connection (RFC 6455 §7.1.7): the reason, and the close code we sent.
  case failed(ConnectionFailure)
  /// The WebSocket connection is closed; no more events follow.
  case closed(CloseOutcome)
}

extension ConnectionEvent {
  /// A text or binary message (not a control event).
  public var isMessage: Bool {
    switch self {
    case .text, .binary: true
    default: false
    }
  }

  /// One line for traces and logs: `text "Hello"`, `closed: 1000 normal closure, clean`.
  public var summary: String {
    switch self {
    case .opened(let o):
      "opened \(o.path), subprotocol \(o.subprotocol ?? "none")"
        + (o.extensions.isEmpty ? "" : ", extensions \(o.extensions.joined(separator: ", "))")
    case .handshakeFailed(let e): "handshake failed: \(e)"
    case .text(let s): "text \(Trace.quoted(Array(s.utf8)))"
    case .binary(let b): "binary, \(b.readableBytes) bytes"
    case .ping(let p): "ping \(Trace.quoted(p.readableBytesView))"
    case .pong(let p): "pong \(Trace.quoted(p.readableBytesView))"
    case .closeReceived(let c): "close received: \(c)"
    case .failed(let f): "failed: \(f.closeCode.rawValue) \(f.closeCode.name)"
    case .closed(let o): "closed: \(o)"
    }
  }
}

/// The result of the opening handshake.
public struct OpenedConnection: Sendable, Equatable {
  /// The request path and query (server: what the client asked for; client: what it asked for).
  public var path: String
  public var subprotocol: String?
  /// The negotiated `Sec-WebSocket-Extensions` elements, as sent in the response.
  public var extensions: [String]

  public init(path: String, subprotocol: String? = nil, extensions: [String] = []) {
    self.path = path
    self.subprotocol = subprotocol
    self.extensions = extensions
  }
}

/// Why a connection ended, as the application sees it.
public struct CloseOutcome: Sendable, Equatable, CustomStringConvertible {
  /// The peer's close code; 1005 if its close frame had none, 1006 if the connection ended
  /// without a closing handshake (§7.1.5, §7.1.6). These two are never sent on the wire.
  public var code: CloseCode
  public var reason: String
  /// True when both close frames were exchanged (§7.1.4 "cleanly").
  public var wasClean: Bool
  /// Who sent the first close frame (nil when nobody did).
  public var initiator: Role?

  public init(code: CloseCode, reason: String, wasClean: Bool, initiator: Role?) {
    self.code = code
    self.reason = reason
    self.wasClean = wasClean
    self.initiator = initiator
  }

  public var description: String {
    "\(code)" + (reason.isEmpty ? "" : " \"\(reason)\"") + (wasClean ? ", clean" : ", not clean")
      + (initiator.map { ", closed by the \($0.rawValue)" } ?? "")
  }
}

/// Why this endpoint failed the connection.
public enum ConnectionFailure: Error, Sendable, Equatable, CustomStringConvertible {
  /// The peer broke the protocol.
  case protocolViolation(ProtocolError)
  /// Nothing arrived for the idle timeout, keepalive pings included.
  case idleTimeout(Duration)
  /// The opening handshake did not complete in time.
  case handshakeTimeout(Duration)
  /// Automatic replies (pongs) would exceed the outbound queue limit: the peer is not reading.
  case outboundQueueOverflow(queued: Int, limit: Int)
  /// This endpoint could not go on (an extension failed on outgoing data): 1011.
  case internalError(String)

  /// The close code sent for this failure (1006, none on the wire, for a handshake timeout). A
  /// closing handshake that times out is not a failure: the connection is reported closed with
  /// 1006, not clean.
  public var closeCode: CloseCode {
    switch self {
    case .protocolViolation(let error): error.closeCode
    case .idleTimeout: .goingAway
    case .handshakeTimeout: .abnormalClosure
    case .outboundQueueOverflow: .policyViolation
    case .internalError: .internalError
    }
  }

  public var description: String {
    switch self {
    case .protocolViolation(let error): "\(error)"
    case .idleTimeout(let d): "1001 going away: nothing received for \(d)"
    case .handshakeTimeout(let d): "opening handshake not completed within \(d)"
    case .outboundQueueOverflow(let queued, let limit):
      "1008 policy violation: \(queued) bytes queued for a peer that is not reading (limit \(limit))"
    case .internalError(let why): "1011 internal error: \(why)"
    }
  }
}

/// Why a command was refused. The connection itself is unaffected.
public enum ConnectionCommandError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Data and pings can only be sent while OPEN; nothing can be sent after our close frame
  /// (RFC 6455 §5.5.1).
  case notOpen(Connection.State)
  /// Sending this would exceed the outbound queue limit; drain and retry (backpressure).
  case outboundQueueFull(queued: Int, adding: Int, limit: Int)
  /// A control frame payload over 125 bytes (§5.5).
  case controlPayloadTooLong(Int)
  /// A close code that must not be sent (§7.4.1: 1005, 1006, 1015, reserved ranges).
  case invalidCloseCode(CloseCode)
  /// A new message while a fragmented one is being sent, or a continuation with none started
  /// (§5.4).
  case fragmentationOrder(String)
  /// An extension refused the frame.
  case extensionFailed(ProtocolError)

  public var description: String {
    switch self {
    case .notOpen(let state): "cannot send: the connection is \(state.rawValue)"
    case .outboundQueueFull(let queued, let adding, let limit):
      "outbound queue full: \(queued) bytes queued + \(adding) > limit \(limit)"
    case .controlPayloadTooLong(let n): "control frame payload of \(n) bytes; at most 125 (RFC 6455 §5.5)"
    case .invalidCloseCode(let code): "close code \(code) must not be sent (RFC 6455 §7.4)"
    case .fragmentationOrder(let why): why + " (RFC 6455 §5.4)"
    case .extensionFailed(let error): "extension refused the frame: \(error)"
    }
  }
}
