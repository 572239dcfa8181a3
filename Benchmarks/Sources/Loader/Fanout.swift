// Broadcast fan-out (issue 17): N WebSocket connections to a server in broadcast mode; one of
// them publishes, and every connection (the publisher too) receives each message.
//   latency:    one message at a time: how long until the last of the N has it
//   throughput: a burst of messages back to back: deliveries per second until all have all
//   Loader fanout --server wslab=PORT:PID --server nio=PORT:PID --connections 10000
import ArgumentParser
import BenchCommon
import Foundation
import NIOCore
import NIOPosix

/// Counts on the loader's one event loop (every handler runs there).
final class FanoutState: @unchecked Sendable {
  var delivered = 0
  /// Deliveries wanted before `done` completes, and the promise to complete.
  var target = Int.max
  var done: EventLoopPromise<UInt64>?
  var errors = 0

  func count(_ messages: Int, loop: EventLoop) {
    delivered += messages
    if delivered >= target, let done {
      self.done = nil
      done.succeed(monotonicNanoseconds())
    }
  }
}

/// One connection: a fixed opening handshake, then counts the frames that arrive (unmasked, from
/// the server), skipping their payloads.
final class FanoutHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer
  private let state: FanoutState
  private let ready: EventLoopPromise<Void>
  private var open = false
  private var head = ByteBuffer()
  private var pending = ByteBuffer()
  /// Payload bytes of the current frame still to skip.
  private var skipping = 0
  private(set) var context: ChannelHandlerContext?

  init(state: FanoutState, ready: EventLoopPromise<Void>) {
    self.state = state
    self.ready = ready
  }

  func handlerAdded(context: ChannelHandlerContext) { self.context = context }
  func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

  func channelActive(context: ChannelHandlerContext) {
    let request =
      "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: request)), promise: nil)
    context.fireChannelActive()
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    var buffer = unwrapInboundIn(data)
    if !open {
      head.writeBuffer(&buffer)
      let bytes = Array(head.readableBytesView)
      guard let end = (0..<max(0, bytes.count - 3)).first(where: { bytes[$0..<($0 + 4)] == [13, 10, 13, 10] }) else {
        return
      }
      guard bytes.starts(with: Array("HTTP/1.1 101".utf8)) else {
        ready.fail(LoaderError.badHandshake(String(decoding: bytes.prefix(while: { $0 != 13 }), as: UTF8.self)))
        return
      }
      open = true
      // Anything after the head is frames already.
      buffer = ByteBuffer(bytes: bytes[(end + 4)...])
      head = ByteBuffer()
      ready.succeed(())
    }
    pending.writeBuffer(&buffer)
    var frames = 0
    while true {
      if skipping > 0 {
        let n = min(skipping, pending.readableBytes)
        pending.moveReaderIndex(forwardBy: n)
        skipping -= n
        if skipping > 0 { break }
        frames += 1
        continue
      }
      guard pending.readableBytes >= 2, let b1 = pending.getInteger(at: pending.readerIndex + 1, as: UInt8.self)
      else { break }
      let short = Int(b1 & 0x7f)
      let headerSize = short == 126 ? 4 : short == 127 ? 10 : 2
      guard pending.readableBytes >= headerSize else { break }
      var length = short
      if short == 126 {
        length = Int(pending.getInteger(at: pending.readerIndex + 2, as: UInt16.self)!)
      } else if short == 127 {
        length = Int(pending.getInteger(at: pending.readerIndex + 2, as: UInt64.self)!)
      }
      pending.moveReaderIndex(forwardBy: headerSize)
      skipping = length
      if length == 0 { frames += 1 }
    }
    pending.discardReadBytes()
    if frames > 0 { state.count(frames, loop: context.eventLoop) }
  }

  func channelInactive(context: ChannelHandlerContext) {
    if !open { ready.fail(LoaderError.closedEarly) } else { state.errors += 1 }
  }

  func errorCaught(context: ChannelHandlerContext, error: Error) {
    if !open { ready.fail(error) }
    context.close(promise: nil)
  }
}

struct FanoutResult: Codable {
  var server: String
  var connections: Int
  var payload: Int
  /// One message at a time: nanoseconds from the publisher's write until the last connection has it.
  var timeToLastNanoseconds: [Double]
  var burstMessages: Int
  var burstSeconds: Double
  var deliveriesPerSecond: Double
  var serverMicrosPerDelivery: Double?
  var errors: Int
}

struct FanoutBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fanout", abstract: "Broadcast fan-out: one message to N connections, time to the last one and deliveries/s.")
  @Option(help: "NAME=PORT:PID, one per server (in broadcast mode).") var server: [String] = []
  @Option var connections = 10_000
  @Option(help: "Payload bytes per message (text).") var payload = 64
  @Option(help: "Messages sent one at a time (time to the last connection).") var single = 20
  @Option(help: "Messages in the back-to-back burst (deliveries per second).") var burst = 20
  @Option(help: "Loopback source addresses to spread the client side over.") var sources = 4
  @Option var out: String?
  @Option var markdown: String?

  func run() throws {
    var results: [FanoutResult] = []
    for (name, target) in try parseServers(server) {
      results.append(try measure(name: name, target: target))
    }
    if let out { try writeJSON(results, to: out) }
    func median(_ v: [Double]) -> Double { v.isEmpty ? 0 : v.sorted()[v.count / 2] }
    var md = "## Broadcast fan-out (issue 17)\n\n"
    md += "\(connections) WebSocket connections to a server in broadcast mode (WSLab: `wslab serve --mode broadcast`; "
    md += "NIOWebSocket: Benchmarks/Sources/PeerNIOEcho `--broadcast`, `writeAndFlush` of a `WebSocketFrame` to every channel, "
    md += "as its documentation shows); one connection publishes \(payload)-byte text messages and all \(connections) receive "
    md += "each (the publisher too). *Time to the last*: one message at a time, from the publisher's write until the last "
    md += "connection has read it (median and max of \(single)). *Deliveries/s*: \(burst) messages back to back, until every "
    md += "connection has every one. Server CPU per delivery over the burst.\n\n"
    md += "| server | time to the last (median) | max | deliveries/s | server µs/delivery | errors |\n|---|---|---|---|---|---|\n"
    for r in results {
      md += "| \(r.server) | \(String(format: "%.1f", median(r.timeToLastNanoseconds) / 1e6)) ms "
      md += "| \(String(format: "%.1f", (r.timeToLastNanoseconds.max() ?? 0) / 1e6)) ms "
      md += "| \(String(format: "%.0f", r.deliveriesPerSecond)) | \(r.serverMicrosPerDelivery.map { String(format: "%.2f", $0) } ?? "–") "
      md += "| \(r.errors) |\n"
    }
    if let w = results.first(where: { $0.server == "wslab" }), let n = results.first(where: { $0.server == "nio" }) {
      md += "\nWSLab ÷ NIOWebSocket: deliveries/s \(String(format: "%.2f", w.deliveriesPerSecond / n.deliveriesPerSecond))×, "
      md += "time to the last \(String(format: "%.2f", median(w.timeToLastNanoseconds) / max(1, median(n.timeToLastNanoseconds))))×"
      if let a = w.serverMicrosPerDelivery, let b = n.serverMicrosPerDelivery {
        md += ", CPU per delivery \(String(format: "%.2f", a / b))×"
      }
      md += ".\n"
    }
    if let markdown { try md.write(toFile: markdown, atomically: true, encoding: .utf8) }
    print(md)
  }

  private func measure(name: String, target: Target) throws -> FanoutResult {
    let loop = loaderGroup.next()
    let state = FanoutState()
    var channels: [Channel] = []
    var handlers: [FanoutHandler] = []
    channels.reserveCapacity(connections)
    defer {
      let closes = channels.map { $0.close() }
      for future in closes { _ = try? future.wait() }
    }
    try openConnections(
      count: connections, port: target.port, sources: sources, label: "fanout: \(name)", loop: loop, noDelay: true,
      into: &channels
    ) { ready in
      let handler = FanoutHandler(state: state, ready: ready)
      handlers.append(handler)
      return handler
    }
    usleep(300_000)
    let publisher = handlers[0]
    // A masked text frame (the key is fixed: the server unmasks whatever it is).
    let text = Array(repeating: UInt8(ascii: "x"), count: payload)
    var frame = ByteBuffer()
    frame.writeInteger(UInt8(0x81))
    if payload < 126 {
      frame.writeInteger(UInt8(0x80 | payload))
    } else {
      frame.writeInteger(UInt8(0x80 | 126))
      frame.writeInteger(UInt16(payload))
    }
    let key: [UInt8] = [0x12, 0x34, 0x56, 0x78]
    frame.writeBytes(key)
    frame.writeBytes(text.enumerated().map { $0.element ^ key[$0.offset % 4] })

    /// Sends `count` messages back to back; returns when all N × count have arrived (or times out).
    func send(_ count: Int) throws -> (started: UInt64, finished: UInt64) {
      let (started, done) = try loop.submit { () -> (UInt64, EventLoopFuture<UInt64>) in
        state.delivered = 0
        state.target = count * connections
        let promise = loop.makePromise(of: UInt64.self)
        state.done = promise
        let started = monotonicNanoseconds()
        if let context = publisher.context {
          for _ in 0..<count { context.write(NIOAny(frame), promise: nil) }
          context.flush()
        }
        return (started, promise.futureResult)
      }.wait()
      let timeout = loop.scheduleTask(in: .seconds(30)) {
        if let promise = state.done {
          state.done = nil
          promise.fail(LoaderError.timeout)
        }
      }
      defer { timeout.cancel() }
      return (started, try done.wait())
    }

    // Warm-up, then one at a time, then the burst.
    _ = try send(1)
    var times: [Double] = []
    for _ in 0..<single {
      let (a, b) = try send(1)
      times.append(Double(b - a))
    }
    let cpu0 = target.pid.flatMap(processCPUNanoseconds)
    let (a, b) = try send(burst)
    let cpu1 = target.pid.flatMap(processCPUNanoseconds)
    let seconds = Double(b - a) / 1e9
    let deliveries = Double(burst * connections)
    var micros: Double?
    if let cpu0, let cpu1 { micros = (cpu1 - cpu0) / 1000 / deliveries }
    let errors = try loop.submit { state.errors }.wait()
    return FanoutResult(
      server: name, connections: connections, payload: payload, timeToLastNanoseconds: times, burstMessages: burst,
      burstSeconds: seconds, deliveriesPerSecond: deliveries / seconds, serverMicrosPerDelivery: micros, errors: errors)
  }
}
