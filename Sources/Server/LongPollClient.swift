import Handshake
import NIOCore
import NIOPosix
import Trace

/// A long-polling client over one keep-alive HTTP/1.1 connection: `send` posts a message,
/// `receive` waits for one. Every request and response head can be traced, to compare their
/// size with a WebSocket frame's 2 to 14 bytes.
public final class LongPollClient: Sendable {
  private let channel: Channel
  private let inbound: AsyncStream<ByteBuffer>
  private let iterator: IteratorBox
  public let host: String
  public let port: Int
  public let client: String
  public let room: String
  private let trace: TraceSink?

  final class IteratorBox: @unchecked Sendable {
    var iterator: AsyncStream<ByteBuffer>.AsyncIterator
    var buffered: [UInt8] = []
    init(_ i: AsyncStream<ByteBuffer>.AsyncIterator) { iterator = i }
  }

  /// Connects to `http://host:port` as client `client` (any token) in `room`.
  public static func connect(
    host: String, port: Int, client: String, room: String = "/", trace: TraceSink? = nil,
    group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
  ) async throws -> LongPollClient {
    let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
    let channel = try await ClientBootstrap(group: group)
      .channelOption(.socketOption(.tcp_nodelay), value: 1)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(Collector(continuation: continuation))
        }
      }
      .connect(host: host, port: port).get()
    return LongPollClient(
      channel: channel, inbound: stream, host: host, port: port, client: client, room: room, trace: trace)
  }

  private init(
    channel: Channel, inbound: AsyncStream<ByteBuffer>, host: String, port: Int, client: String, room: String,
    trace: TraceSink?
  ) {
    self.channel = channel
    self.inbound = inbound
    self.iterator = IteratorBox(inbound.makeAsyncIterator())
    self.host = host
    self.port = port
    self.client = client
    self.room = room
    self.trace = trace
  }

  /// Bytes on the wire for the last exchange: request and response, heads and bodies.
  public struct Exchange: Sendable {
    public var status: Int
    public var body: [UInt8]
    public var requestBytes: Int
    public var responseBytes: Int
  }

  /// `POST /poll/send`: returns when the server has taken the message (204).
  @discardableResult
  public func send(_ message: [UInt8]) async throws -> Exchange {
    var request = Array(
      "POST /poll/send?client=\(client)&room=\(room) HTTP/1.1\r\nHost: \(host):\(port)\r\n".utf8)
    request += Array("Content-Type: application/octet-stream\r\nContent-Length: \(message.count)\r\n\r\n".utf8)
    return try await exchange(request + message)
  }

  /// `GET /poll/recv`: waits for the next message (status 200) or the server's timeout (204).
  public func receive() async throws -> Exchange {
    try await exchange(
      Array("GET /poll/recv?client=\(client)&room=\(room) HTTP/1.1\r\nHost: \(host):\(port)\r\n\r\n".utf8))
  }

  public func close() async {
    try? await channel.close()
  }

  private func exchange(_ request: [UInt8]) async throws -> Exchange {
    if let trace {
      trace.record(.bytes(HandshakeTrace.record(forHead: request, direction: .clientToServer, purpose: .http)))
    }
    try await channel.writeAndFlush(ByteBuffer(bytes: request))
    var parser = HTTPResponseParser()
    var pending = iterator.buffered
    iterator.buffered = []
    var completed: HTTPResponseParser.Completed?
    completed = try parser.feed(pending)
    while completed == nil {
      guard let chunk = await iterator.iterator.next() else {
        throw WebSocketError.connectionFailed("the server closed the connection")
      }
      completed = try parser.feed(chunk.readableBytesView)
    }
    guard let response = completed else { throw WebSocketError.connectionFailed("no response") }
    let length = response.head.headers.first("Content-Length").flatMap { Int($0) } ?? 0
    pending = response.leftover
    while pending.count < length {
      guard let chunk = await iterator.iterator.next() else {
        throw WebSocketError.connectionFailed("the server closed the connection in a body")
      }
      pending += chunk.readableBytesView
    }
    let body = Array(pending.prefix(length))
    iterator.buffered = Array(pending.dropFirst(length))
    if let trace {
      trace.record(
        .bytes(HandshakeTrace.record(forHead: response.headBytes + body, direction: .serverToClient, purpose: .http)))
    }
    return Exchange(
      status: response.head.status, body: body, requestBytes: request.count,
      responseBytes: response.headBytes.count + body.count)
  }

  final class Collector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let continuation: AsyncStream<ByteBuffer>.Continuation
    init(continuation: AsyncStream<ByteBuffer>.Continuation) { self.continuation = continuation }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      continuation.yield(unwrapInboundIn(data))
    }
    func channelInactive(context: ChannelHandlerContext) {
      continuation.finish()
    }
  }
}
