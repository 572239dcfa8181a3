import BenchCommon
import Connection
import Deflate
import Foundation
import NIOCore
import NIOPosix
import Server

struct Target {
  var port: Int
  var pid: Int32?
}

struct RunSpec {
  var mode: LoadMode
  var target: Target
  var payload: Int
  var connections: Int
  var inFlight: Int
  var seconds: Double
  var warmup: Double
  var latency: Bool
}

/// The loader's one event loop: the loader runs on one core, like the servers.
let loaderGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)

private func sleepSeconds(_ s: Double) { usleep(UInt32(max(0, s) * 1_000_000)) }

/// Connects, starts the traffic, waits `warmup`, measures for `seconds`, stops and closes.
func measure(_ spec: RunSpec) throws -> RunResult {
  let loop = loaderGroup.next()
  let state = RunState()
  let source = PayloadSource(count: spec.payload)
  // Long polling cannot have two requests in flight on one HTTP/1.1 connection: W connections.
  let sockets = spec.mode == .longpoll ? spec.connections * spec.inFlight : spec.connections
  let perSocket = spec.mode == .longpoll ? 1 : spec.inFlight
  var handlers: [LoadHandler] = []
  var channels: [Channel] = []
  handlers.reserveCapacity(sockets)
  defer {
    try? loop.submit { state.running = false }.wait()
    let closes = channels.map { $0.close() }
    for future in closes { _ = try? future.wait() }
  }
  // Connect in batches so the listen backlog never overflows.
  var index = 0
  while index < sockets {
    let batch = min(200, sockets - index)
    var pending: [(EventLoopFuture<Channel>, EventLoopPromise<Void>)] = []
    for i in index..<(index + batch) {
      let ready = loop.makePromise(of: Void.self)
      let handler = LoadHandler(
        mode: spec.mode, state: state, source: source, inFlight: perSocket, clientID: "bench\(i)",
        port: spec.target.port, ready: ready)
      handlers.append(handler)
      let connect = ClientBootstrap(group: loop)
        .connectTimeout(.seconds(5))
        .channelOption(.socketOption(.tcp_nodelay), value: 1)
        .channelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 4096, maximum: 256 << 10))
        .channelInitializer { channel in
          channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
        }
        .connect(host: "127.0.0.1", port: spec.target.port)
      connect.whenFailure { ready.fail($0) }
      // A handshake that does not finish in time fails the run.
      let timeout = loop.scheduleTask(in: .seconds(10)) { ready.fail(LoaderError.timeout) }
      ready.futureResult.whenComplete { _ in timeout.cancel() }
      pending.append((connect, ready))
    }
    for (connect, ready) in pending {
      channels.append(try connect.wait())
      try ready.futureResult.wait()
    }
    index += batch
  }

  try loop.submit {
    state.running = true
    for handler in handlers { handler.start() }
  }.wait()
  sleepSeconds(spec.warmup)
  let (m0, e0) = try loop.submit { () -> (Int, Int) in
    state.histogram.reset()
    state.recording = spec.latency
    return (state.messages, state.errors)
  }.wait()
  let cpu0 = spec.target.pid.flatMap(processCPUNanoseconds)
  let self0 = selfCPUNanoseconds()
  let t0 = monotonicNanoseconds()
  sleepSeconds(spec.seconds)
  let (m1, e1, histogram, badStatus) = try loop.submit { () -> (Int, Int, Histogram<UInt64>, Int?) in
    state.recording = false
    return (state.messages, state.errors, state.histogram, state.firstBadStatus)
  }.wait()
  _ = e0
  if let badStatus {
    FileHandle.standardError.write(Data("\nloader: the server answered HTTP \(badStatus) (\(e1) errors in this run)\n".utf8))
  }
  let cpu1 = spec.target.pid.flatMap(processCPUNanoseconds)
  let self1 = selfCPUNanoseconds()
  let t1 = monotonicNanoseconds()
  var latency: [String: Double]?
  if spec.latency, histogram.totalCount > 0 {
    latency = [
      "p50": Double(histogram.valueAtPercentile(50)), "p90": Double(histogram.valueAtPercentile(90)),
      "p99": Double(histogram.valueAtPercentile(99)), "p99.9": Double(histogram.valueAtPercentile(99.9)),
      "max": Double(histogram.max),
    ]
  }
  var serverCPU: Double?
  if let cpu0, let cpu1 { serverCPU = cpu1 - cpu0 }
  return RunResult(
    messages: m1 - m0, seconds: Double(t1 - t0) / 1e9, serverCPUNanoseconds: serverCPU,
    loaderCPUNanoseconds: self1 - self0, latency: latency, errors: e1)
}

import Histogram

// MARK: - deflate rows: WSLab's own client code path

final class Counter: @unchecked Sendable {
  private let lock = NSLock()
  private var value = 0
  private var stopped = false
  func add(_ n: Int = 1) { lock.lock(); value += n; lock.unlock() }
  var count: Int { lock.lock(); defer { lock.unlock() }; return value }
  var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }
  func stop() { lock.lock(); stopped = true; lock.unlock() }
}

/// A chat message in JSON (about 1 KiB): repetitive keys and words, so it compresses well, as
/// real chat traffic does.
func chatJSON(bytes: Int) -> String {
  let words = ["hello", "world", "websocket", "frame", "deflate", "message", "server", "client", "room", "lesson"]
  var items: [String] = []
  var i = 0
  var text = ""
  while true {
    let item =
      "{\"id\":\(1000 + i),\"user\":\"user\(i % 7)\",\"room\":\"general\",\"text\":\"\(words[i % 10]) \(words[(i * 3) % 10]) \(words[(i * 7) % 10])\",\"ts\":\(1_700_000_000 + i)}"
    let candidate = "{\"type\":\"history\",\"messages\":[" + (items + [item]).joined(separator: ",") + "]}"
    if candidate.utf8.count > bytes { break }
    items.append(item)
    text = candidate
    i += 1
  }
  return text
}

/// Throughput with WSLab's WebSocketClient (async API), permessage-deflate offered or not.
func measureWithWSLabClient(
  port: Int, pid: Int32?, deflate: Bool, payload: String, connections: Int, inFlight: Int, seconds: Double,
  warmup: Double
) throws -> RunResult {
  try measureWithWSLabClient(
    port: port, pid: pid, deflate: deflate ? DeflateOptions() : .disabled, payloads: [payload],
    connections: connections, inFlight: inFlight, seconds: seconds, warmup: warmup
  ).result
}

/// The same, sending `payloads` in turn (each connection from its own place in the list); also
/// returns the bytes the server sent on the wire during the window (``serverSentBytes(port:)``).
func measureWithWSLabClient(
  port: Int, pid: Int32?, deflate: DeflateOptions, payloads: [String], connections: Int, inFlight: Int,
  seconds: Double, warmup: Double
) throws -> (result: RunResult, payloadBytes: Double, serverWrittenBytes: Double?, negotiated: Int) {
  let counter = Counter()
  let failures = Counter()
  let bytesEchoed = Counter()
  var configuration = ClientConfiguration()
  configuration.deflate = deflate
  let deflate = deflate.isEnabled
  let config = configuration
  let opened = DispatchSemaphore(value: 0)
  let finished = DispatchSemaphore(value: 0)
  let negotiated = Counter()
  for c in 0..<connections {
    Task {
      defer { finished.signal() }
      var next = (c * 37) % payloads.count
      func payload() -> String {
        defer { next = (next + 1) % payloads.count }
        return payloads[next]
      }
      let socket: WebSocket
      do {
        socket = try await WebSocketClient.connect(
          to: "ws://127.0.0.1:\(port)/", configuration: config, group: loaderGroup)
      } catch {
        failures.add()
        opened.signal()
        return
      }
      if !socket.opened.extensions.isEmpty { negotiated.add() }
      opened.signal()
      do {
        for _ in 0..<inFlight { try await socket.send(text: payload()) }
        for try await message in socket.messages {
          counter.add()
          if case .text(let text) = message { bytesEchoed.add(text.utf8.count) }
          if counter.isStopped { break }
          try await socket.send(text: payload())
        }
      } catch {
        if !counter.isStopped { failures.add() }
      }
      _ = try? await socket.close()
    }
  }
  for _ in 0..<connections { opened.wait() }
  if deflate, negotiated.count != connections {
    FileHandle.standardError.write(Data("loader: permessage-deflate was not negotiated on every connection\n".utf8))
  }
  sleepSeconds(warmup)
  let m0 = counter.count
  let b0 = bytesEchoed.count
  let w0 = serverSentBytes(port: port)
  let cpu0 = pid.flatMap(processCPUNanoseconds)
  let self0 = selfCPUNanoseconds()
  let t0 = monotonicNanoseconds()
  sleepSeconds(seconds)
  let m1 = counter.count
  let b1 = bytesEchoed.count
  let w1 = serverSentBytes(port: port)
  let cpu1 = pid.flatMap(processCPUNanoseconds)
  let self1 = selfCPUNanoseconds()
  let t1 = monotonicNanoseconds()
  counter.stop()
  for _ in 0..<connections { _ = finished.wait(timeout: .now() + 10) }
  var serverCPU: Double?
  if let cpu0, let cpu1 { serverCPU = cpu1 - cpu0 }
  var written: Double?
  if let w0, let w1 { written = w1 - w0 }
  let result = RunResult(
    messages: m1 - m0, seconds: Double(t1 - t0) / 1e9, serverCPUNanoseconds: serverCPU,
    loaderCPUNanoseconds: self1 - self0, errors: failures.count)
  return (result, Double(b1 - b0), written, negotiated.count)
}

/// Bytes the server has sent on its established TCP connections from `port` (the kernel's
/// tcpi_bytes_sent, summed over them by `ss -ti`): what went on the wire, whatever the server
/// is written in. Nil without `ss` (iproute2).
func serverSentBytes(port: Int) -> Double? {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["ss", "-tinH", "state", "established", "( sport = :\(port) )"]
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = FileHandle.nullDevice
  guard (try? process.run()) != nil else { return nil }
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else { return nil }
  var total = 0.0
  var found = false
  for field in String(decoding: data, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
  where field.hasPrefix("bytes_sent:") {
    total += Double(field.dropFirst("bytes_sent:".count)) ?? 0
    found = true
  }
  return found ? total : nil
}
