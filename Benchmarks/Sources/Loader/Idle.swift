// Memory per idle WebSocket connection (issue 17): opens N connections to a server, completes the
// opening handshake on each, lets them sit, and reads the server's resident memory before and
// after. The client side is spread over several loopback source addresses (127.0.0.2, .3, …),
// so no (source, destination) pair runs out of ephemeral ports.
//   Loader idle --server wslab=PORT:PID --server nio=PORT:PID --connections 15000 --markdown idle.md
import ArgumentParser
import BenchCommon
import Foundation
import NIOCore
import NIOPosix

/// Sends a fixed opening handshake and waits for `101`; then does nothing.
final class IdleHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer
  private let ready: EventLoopPromise<Void>
  private var head = ""
  private var done = false

  init(ready: EventLoopPromise<Void>) { self.ready = ready }

  func channelActive(context: ChannelHandlerContext) {
    let request =
      "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: request)), promise: nil)
    context.fireChannelActive()
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard !done else { return }
    head += String(buffer: unwrapInboundIn(data))
    guard head.contains("\r\n\r\n") else { return }
    done = true
    if head.hasPrefix("HTTP/1.1 101") {
      ready.succeed(())
    } else {
      ready.fail(LoaderError.badHandshake(String(head.prefix(while: { $0 != "\r" }))))
    }
  }

  func channelInactive(context: ChannelHandlerContext) {
    if !done { ready.fail(LoaderError.closedEarly) }
  }

  func errorCaught(context: ChannelHandlerContext, error: Error) {
    if !done { ready.fail(error) }
    context.close(promise: nil)
  }
}

/// Resident memory of a process in bytes (VmRSS).
func residentBytes(pid: Int32) -> Double? {
  guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
    let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
    let kb = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
  else { return nil }
  return kb * 1024
}

struct IdleResult: Codable {
  var server: String
  var connections: Int
  var residentBefore: Double
  var residentAfter: Double
  var bytesPerConnection: Double
  var secondsToConnect: Double
}

struct IdleBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "idle", abstract: "Memory per idle WebSocket connection: N open connections, server RSS before and after.")
  @Option(help: "NAME=PORT:PID, one per server (fresh processes: RSS is read before and after).") var server: [String] = []
  @Option var connections = 15_000
  @Option(help: "Loopback source addresses to spread the client side over (127.0.0.2 onwards).") var sources = 4
  @Option(help: "Seconds to let the connections sit before reading RSS.") var settle = 1.0
  @Option var out: String?
  @Option var markdown: String?

  func run() throws {
    var results: [IdleResult] = []
    for (name, target) in try parseServers(server) {
      guard let pid = target.pid else { throw ValidationError("--server \(name)=PORT:PID: the PID is needed (RSS)") }
      results.append(try measure(name: name, target: target, pid: pid))
    }
    if let out { try writeJSON(results, to: out) }
    var md = "## Memory per idle connection (issue 17)\n\n"
    md += "Each server a fresh process; \(connections) WebSocket connections opened (handshake done, then nothing), "
    md += "the client side spread over \(sources) loopback source addresses; the server's resident memory (VmRSS) read "
    md += "before and \(settle) s after the last one opened. Kernel socket buffers are not in RSS.\n\n"
    md += "| server | connections | RSS before | RSS after | per connection | connect time |\n|---|---|---|---|---|---|\n"
    for r in results {
      md += "| \(r.server) | \(r.connections) | \(String(format: "%.1f", r.residentBefore / 1_048_576)) MiB "
      md += "| \(String(format: "%.1f", r.residentAfter / 1_048_576)) MiB | \(String(format: "%.2f", r.bytesPerConnection / 1024)) KiB "
      md += "| \(String(format: "%.1f", r.secondsToConnect)) s |\n"
    }
    if let w = results.first(where: { $0.server == "wslab" }), let n = results.first(where: { $0.server == "nio" }) {
      md += "\nWSLab ÷ NIOWebSocket: \(String(format: "%.2f", w.bytesPerConnection / n.bytesPerConnection))× "
      md += "(goal: below NIOWebSocket's, and 4 KiB or less: \(w.bytesPerConnection < n.bytesPerConnection && w.bytesPerConnection <= 4096 ? "met" : "**not met**")).\n"
    }
    if let markdown { try md.write(toFile: markdown, atomically: true, encoding: .utf8) }
    print(md)
  }

  private func measure(name: String, target: Target, pid: Int32) throws -> IdleResult {
    let loop = loaderGroup.next()
    usleep(300_000)
    guard let before = residentBytes(pid: pid) else { throw LoaderError.noProcess(pid) }
    var channels: [Channel] = []
    channels.reserveCapacity(connections)
    defer {
      let closes = channels.map { $0.close() }
      for future in closes { _ = try? future.wait() }
    }
    let started = monotonicNanoseconds()
    try openConnections(
      count: connections, port: target.port, sources: sources, label: "idle: \(name)", loop: loop, into: &channels
    ) { IdleHandler(ready: $0) }
    let connectSeconds = Double(monotonicNanoseconds() - started) / 1e9
    usleep(UInt32(settle * 1_000_000))
    guard let after = residentBytes(pid: pid) else { throw LoaderError.noProcess(pid) }
    return IdleResult(
      server: name, connections: connections, residentBefore: before, residentAfter: after,
      bytesPerConnection: (after - before) / Double(connections), secondsToConnect: connectSeconds)
  }
}

/// Opens `count` connections to 127.0.0.1:`port` in batches of 250, the client side spread over
/// `sources` loopback source addresses (127.0.0.2 onwards), each batch opened (the handler
/// completes its promise) before the next; appends them to `channels` as they open, so that the
/// caller closes them whatever happens. Progress on stderr about once a second.
func openConnections(
  count: Int, port: Int, sources: Int, label: String, loop: EventLoop, noDelay: Bool = false,
  into channels: inout [Channel], makeHandler: (EventLoopPromise<Void>) -> ChannelHandler
) throws {
  var index = 0
  var lastReport = monotonicNanoseconds()
  while index < count {
    let batch = min(250, count - index)
    var pending: [(EventLoopFuture<Channel>, EventLoopFuture<Void>)] = []
    for i in index..<(index + batch) {
      let ready = loop.makePromise(of: Void.self)
      let handler = makeHandler(ready)
      let source = try SocketAddress(ipAddress: "127.0.0.\(2 + i % max(1, sources))", port: 0)
      let connect = ClientBootstrap(group: loop)
        .connectTimeout(.seconds(10))
        .channelOption(.socketOption(.tcp_nodelay), value: noDelay ? 1 : 0)
        .bind(to: source)
        .channelInitializer { channel in
          channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
        }
        .connect(host: "127.0.0.1", port: port)
      connect.whenFailure { ready.fail($0) }
      let timeout = loop.scheduleTask(in: .seconds(10)) { ready.fail(LoaderError.timeout) }
      ready.futureResult.whenComplete { _ in timeout.cancel() }
      pending.append((connect, ready.futureResult))
    }
    for (connect, ready) in pending {
      channels.append(try connect.wait())
      try ready.wait()
    }
    index += batch
    let now = monotonicNanoseconds()
    if now - lastReport > 1_000_000_000 || index == count {
      lastReport = now
      FileHandle.standardError.write(Data("\(label): \(index)/\(count) open\n".utf8))
    }
  }
}
