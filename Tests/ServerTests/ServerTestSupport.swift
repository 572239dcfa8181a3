import Deflate
import Foundation
import Framing
import Handshake
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Trace
import XCTest

@testable import Server

/// Multiplies every bounded wait in these tests: `WSLAB_TEST_TIME_SCALE=10` under the sanitizers
/// (scripts/sanitize.sh), which slow everything down several times.
let testTimeScale: Double = Double(ProcessInfo.processInfo.environment["WSLAB_TEST_TIME_SCALE"] ?? "") ?? 1

/// Starts a server on 127.0.0.1 with a free port; stops it when the test ends.
func startServer(
  _ configure: (inout ServerConfiguration) -> Void = { _ in }, application: (@Sendable (WebSocket) async -> Void)? = nil
) async throws -> (WebSocketServer, Int) {
  var config = ServerConfiguration()
  config.port = 0
  config.shutdownGracePeriod = .milliseconds(500)
  config.closeTimeout = .seconds(5 * testTimeScale)
  configure(&config)
  let server =
    application.map { WebSocketServer(configuration: config, application: $0) }
    ?? WebSocketServer(configuration: config)
  let address = try await server.start()
  return (server, address.port!)
}

/// A raw TCP client for the tests that must send what no well-behaved client sends.
final class RawClient: @unchecked Sendable {
  let channel: Channel
  private let received = NIOLockedValueBox<[UInt8]>([])
  private let closed = NIOLockedValueBox(false)

  final class Collector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let received: NIOLockedValueBox<[UInt8]>
    let closed: NIOLockedValueBox<Bool>
    init(received: NIOLockedValueBox<[UInt8]>, closed: NIOLockedValueBox<Bool>) {
      self.received = received
      self.closed = closed
    }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      let buffer = unwrapInboundIn(data)
      received.withLockedValue { $0 += buffer.readableBytesView }
    }
    func channelInactive(context: ChannelHandlerContext) { closed.withLockedValue { $0 = true } }
  }

  init(port: Int, autoRead: Bool = true) async throws {
    // The collector is in place before the connection exists: nothing the server sends first
    // (a 503, a close) can be missed.
    let collector = Collector(received: received, closed: closed)
    channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .channelOption(.autoRead, value: autoRead)
      .channelOption(.socketOption(.so_rcvbuf), value: 4096)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
      }
      .connect(host: "127.0.0.1", port: port).get()
  }

  func send(_ bytes: [UInt8]) async throws {
    try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
  }

  func send(_ text: String) async throws { try await send(Array(text.utf8)) }

  var bytes: [UInt8] { received.withLockedValue { $0 } }
  var text: String { String(decoding: bytes, as: UTF8.self) }
  var isClosed: Bool { closed.withLockedValue { $0 } }

  /// Waits (bounded) until `condition` holds.
  func wait(_ seconds: Double = 5, until condition: (RawClient) -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds * testTimeScale)
    while Date() < deadline {
      if condition(self) { return true }
      try? await Task.sleep(for: .milliseconds(10))
    }
    return condition(self)
  }

  func close() async { try? await channel.close() }
}

/// A WebSocket upgrade request head.
func upgradeRequest(path: String = "/", port: Int, extra: String = "") -> String {
  "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\(extra)\r\n"
}

/// A raw client that has sent the upgrade request and received the whole response head, and the
/// number of bytes that head took (frames start there).
func upgradedRawClient(port: Int, path: String = "/") async throws -> (RawClient, Int) {
  let raw = try await RawClient(port: port)
  try await raw.send(upgradeRequest(path: path, port: port))
  let upgraded = await raw.wait { $0.text.contains("\r\n\r\n") }
  XCTAssertTrue(upgraded, "no response head to the upgrade request")
  return (raw, raw.bytes.count)
}

/// Collects `n` messages (bounded in time).
func collect(_ socket: WebSocket, _ n: Int, seconds: Double = 5) async throws -> [WebSocketMessage] {
  try await withThrowingTaskGroup(of: [WebSocketMessage].self) { group in
    group.addTask {
      var out: [WebSocketMessage] = []
      for try await m in socket.messages {
        out.append(m)
        if out.count == n { break }
      }
      return out
    }
    group.addTask {
      try await Task.sleep(for: .seconds(seconds * testTimeScale))
      return []
    }
    let first = try await group.next()!
    group.cancelAll()
    return first
  }
}

func makeTestCertificate() throws -> (cert: String, key: String) {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wslab-tls-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  let cert = dir.appendingPathComponent("cert.pem").path
  let key = dir.appendingPathComponent("key.pem").path
  let p = Process()
  p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  p.arguments = [
    "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-subj", "/CN=127.0.0.1",
    "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1",
  ]
  p.standardOutput = FileHandle.nullDevice
  p.standardError = FileHandle.nullDevice
  try p.run()
  p.waitUntilExit()
  guard p.terminationStatus == 0 else { throw NSError(domain: "openssl failed (is it installed?)", code: 1) }
  return (cert, key)
}

/// A raw TCP server on 127.0.0.1 for the client tests that need a peer no real server would be:
/// when the first request head has arrived, it writes whatever `respond` returns for it (in one
/// write) and then records every byte the client sends.
final class ScriptedServer: @unchecked Sendable {
  private let channel: Channel
  private let state = NIOLockedValueBox<(head: [UInt8], answered: Bool, received: [UInt8])>(([], false, []))
  let port: Int

  final class Handler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let state: NIOLockedValueBox<(head: [UInt8], answered: Bool, received: [UInt8])>
    let respond: @Sendable (String) -> [UInt8]
    init(
      state: NIOLockedValueBox<(head: [UInt8], answered: Bool, received: [UInt8])>,
      respond: @escaping @Sendable (String) -> [UInt8]
    ) {
      self.state = state
      self.respond = respond
    }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      let bytes = Array(unwrapInboundIn(data).readableBytesView)
      let reply = state.withLockedValue { s -> [UInt8]? in
        if s.answered {
          s.received += bytes
          return nil
        }
        s.head += bytes
        guard let end = s.head.firstRange(of: [13, 10, 13, 10]) else { return nil }
        s.answered = true
        s.received = Array(s.head[end.upperBound...])
        return respond(String(decoding: s.head[..<end.upperBound], as: UTF8.self))
      }
      if let reply { context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: reply)), promise: nil) }
    }
  }

  init(respond: @escaping @Sendable (String) -> [UInt8]) async throws {
    let state = self.state
    channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(Handler(state: state, respond: respond))
        }
      }
      .bind(host: "127.0.0.1", port: 0).get()
    port = channel.localAddress!.port!
  }

  /// What the client sent after its request head.
  var received: [UInt8] { state.withLockedValue { $0.received } }

  /// Waits (bounded) until `condition` holds for the bytes received after the head.
  func wait(_ seconds: Double = 5, until condition: ([UInt8]) -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds * testTimeScale)
    while Date() < deadline {
      if condition(received) { return true }
      try? await Task.sleep(for: .milliseconds(10))
    }
    return condition(received)
  }

  func stop() async { try? await channel.close() }
}

/// Decodes the frames in `bytes` as sent by `role` (masked when a client sent them).
func decodeFrames(_ bytes: [UInt8], sentBy role: Role) -> [Frame] {
  var decoder = FrameDecoder(configuration: .init(role: role.peer, allowedRSV: 0x70))
  decoder.append(contentsOf: bytes)
  var out: [Frame] = []
  while let frame = try? decoder.next() { out.append(frame) }
  return out
}
