// The cluster row of `make bench` (issue 16): chat messages published on node 1 and delivered to
// subscribers on one, two and three `wslab serve --cluster` nodes through PostgreSQL, against one
// `wslab serve --mode chat` with no database.
//   Loader cluster --single PORT:PID --nodes PORT:PID,PORT:PID,PORT:PID --postgres PID \
//                  --out results/raw/cluster.json --markdown results/raw/cluster.md
import ArgumentParser
import Dispatch
import Foundation
import Histogram
import NIOConcurrencyHelpers
import Server

struct ClusterBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cluster",
    abstract: "Deliveries per second and the database hop's latency for one, two and three cluster nodes.")
  @Option(help: "wslab serve --mode chat without --cluster: PORT:PID") var single: String
  @Option(help: "wslab serve --mode chat --cluster …, comma-separated PORT:PID") var nodes: String
  @Option(help: "The PostgreSQL server's postmaster PID (its CPU and its children's is reported).") var postgres: Int32?
  @Option(help: "Seconds per measured run.") var seconds = 2.0
  @Option(help: "Subscribers per node.") var subscribers = 4
  @Option(help: "Publishing connections (all on the first node).") var publishers = 4
  @Option(help: "Messages in flight over all publishers (throughput runs).") var window = 64
  @Option(help: "Bytes per message.") var payload = 64
  @Option var out = "results/raw/cluster.json"
  @Option var markdown = "results/raw/cluster.md"

  func run() throws {
    guard let singleTarget = parseTarget(single) else { throw ValidationError("--single PORT:PID") }
    let nodeTargets = nodes.split(separator: ",").compactMap { parseTarget(String($0)) }
    guard !nodeTargets.isEmpty else { throw ValidationError("--nodes PORT:PID,…") }
    var setups: [(String, [Target])] = [("one node, no database", [singleTarget])]
    for n in 1...nodeTargets.count {
      setups.append(("cluster, \(n) node\(n == 1 ? "" : "s")", Array(nodeTargets.prefix(n))))
    }
    var rows: [ClusterRow] = []
    for (index, (name, targets)) in setups.enumerated() {
      let room = "/bench\(index)"
      FileHandle.standardError.write(Data("loader: cluster: \(name): throughput\n".utf8))
      let load = try runCluster(
        targets: targets, room: room + "t", window: window, publishers: publishers, seconds: seconds)
      FileHandle.standardError.write(Data("loader: cluster: \(name): latency (one message in flight)\n".utf8))
      let latency = try runCluster(
        targets: targets, room: room + "l", window: 1, publishers: 1, seconds: max(1, seconds / 2))
      rows.append(
        ClusterRow(
          setup: name, nodes: targets.count, subscribersPerNode: subscribers, published: load.published,
          deliveries: load.deliveries, seconds: load.seconds, wslabCPUNanoseconds: load.wslabCPU,
          postgresCPUNanoseconds: index == 0 ? nil : load.postgresCPU, latencyP50: latency.p50,
          latencyP99: latency.p99, errors: load.errors + latency.errors))
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try FileManager.default.createDirectory(
      at: URL(fileURLWithPath: out).deletingLastPathComponent(), withIntermediateDirectories: true)
    try encoder.encode(rows).write(to: URL(fileURLWithPath: out))
    try markdownTable(rows).write(toFile: markdown, atomically: true, encoding: .utf8)
    print(markdownTable(rows))
  }

  func markdownTable(_ rows: [ClusterRow]) -> String {
    let base = rows.first
    var text = """
      ### Cluster: chat through PostgreSQL (LISTEN/NOTIFY)

      \(publishers) publishers on node 1, \(subscribers) subscribers per node, \(payload) B messages, \
      \(window) in flight (throughput); latency with one message in flight, publish on node 1 → \
      subscriber on the last node. Server CPU is all wslab nodes together; PostgreSQL CPU is the \
      postmaster and its backends.

      | setup | deliveries/s | published/s | p50 | p99 | hop adds (p50) | wslab CPU per delivery | PostgreSQL CPU per message | errors |
      |---|---:|---:|---:|---:|---:|---:|---:|---:|

      """
    for row in rows {
      let adds =
        row.setup == base?.setup ? "—" : String(format: "+%.0f µs", ((row.latencyP50 - (base?.latencyP50 ?? 0)) / 1000))
      text += String(
        format: "| %@ | %.0f | %.0f | %.0f µs | %.0f µs | %@ | %@ | %@ | %d |\n", row.setup,
        Double(row.deliveries) / row.seconds, Double(row.published) / row.seconds, row.latencyP50 / 1000,
        row.latencyP99 / 1000, adds,
        row.wslabCPUNanoseconds.map { String(format: "%.1f µs", $0 / Double(max(1, row.deliveries)) / 1000) } ?? "—",
        row.postgresCPUNanoseconds.map { String(format: "%.0f µs", $0 / Double(max(1, row.published)) / 1000) }
          ?? "—", row.errors)
    }
    return text
  }

  struct Outcome {
    var published = 0
    var deliveries = 0
    var seconds = 0.0
    var wslabCPU: Double?
    var postgresCPU: Double?
    var p50 = 0.0
    var p99 = 0.0
    var errors = 0
  }

  /// Subscribers on every node, publishers on the first; the first subscriber of the last node
  /// hands each publisher its next turn (a closed loop with `window` messages in flight).
  func runCluster(targets: [Target], room: String, window: Int, publishers: Int, seconds: Double) throws -> Outcome {
    let state = BenchState(publishers: publishers)
    let config = ClientConfiguration()
    let ready = DispatchSemaphore(value: 0)
    let finished = DispatchSemaphore(value: 0)
    var tasks = 0
    for (n, target) in targets.enumerated() {
      for s in 0..<subscribers {
        let observer = n == targets.count - 1 && s == 0
        tasks += 1
        Task {
          defer { finished.signal() }
          do {
            let socket = try await WebSocketClient.connect(
              to: "ws://127.0.0.1:\(target.port)\(room)", configuration: config, group: loaderGroup)
            ready.signal()
            for try await message in socket.messages {
              state.delivered()
              if observer, case .text(let text) = message { state.observed(text) }
              if state.isStopped { break }
            }
            _ = try? await socket.close()
          } catch {
            state.failed()
            ready.signal()
          }
        }
      }
    }
    for _ in 0..<tasks { ready.wait() }
    let perPublisher = max(1, window / publishers)
    let body = String(repeating: ".", count: max(0, payload - 32))
    for p in 0..<publishers {
      tasks += 1
      let turns = state.turns[p].stream
      Task {
        defer { finished.signal() }
        do {
          let socket = try await WebSocketClient.connect(
            to: "ws://127.0.0.1:\(targets[0].port)\(room)", configuration: config, group: loaderGroup)
          var sequence = 0
          func send() async throws {
            sequence += 1
            state.published()
            try await socket.send(text: "p\(p) \(sequence) \(monotonicNanoseconds()) \(body)")
          }
          for _ in 0..<perPublisher { try await send() }
          for await _ in turns {
            if state.isStopped { break }
            try await send()
          }
          _ = try? await socket.close()
        } catch {
          state.failed()
        }
      }
    }
    usleep(500_000)
    let before = state.snapshot()
    let wslab0 = targets.compactMap { $0.pid.flatMap(processCPUNanoseconds) }.reduce(0, +)
    let pg0 = postgres.map(postgresCPUNanoseconds)
    state.recordLatency(true)
    let t0 = monotonicNanoseconds()
    usleep(UInt32(seconds * 1_000_000))
    let t1 = monotonicNanoseconds()
    state.recordLatency(false)
    let after = state.snapshot()
    let wslab1 = targets.compactMap { $0.pid.flatMap(processCPUNanoseconds) }.reduce(0, +)
    let pg1 = postgres.map(postgresCPUNanoseconds)
    state.stop()
    for _ in 0..<tasks { _ = finished.wait(timeout: .now() + 5) }
    var outcome = Outcome()
    outcome.published = after.published - before.published
    outcome.deliveries = after.delivered - before.delivered
    outcome.seconds = Double(t1 - t0) / 1e9
    outcome.wslabCPU = targets.allSatisfy { $0.pid != nil } ? wslab1 - wslab0 : nil
    if let pg0, let pg1 { outcome.postgresCPU = pg1 - pg0 }
    let histogram = state.histogramCopy()
    outcome.p50 = Double(histogram.valueAtPercentile(50))
    outcome.p99 = Double(histogram.valueAtPercentile(99))
    outcome.errors = after.errors
    return outcome
  }
}

struct ClusterRow: Codable {
  var setup: String
  var nodes: Int
  var subscribersPerNode: Int
  var published: Int
  var deliveries: Int
  var seconds: Double
  var wslabCPUNanoseconds: Double?
  var postgresCPUNanoseconds: Double?
  var latencyP50: Double
  var latencyP99: Double
  var errors: Int
}

/// The counters every task of a cluster run shares.
final class BenchState: @unchecked Sendable {
  private let lock = NIOLock()
  private var publishedCount = 0
  private var deliveredCount = 0
  private var errorCount = 0
  private var stopped = false
  private var recording = false
  private var histogram = Histogram<UInt64>(
    highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
  let turns: [(stream: AsyncStream<Void>, continuation: AsyncStream<Void>.Continuation)]

  init(publishers: Int) {
    turns = (0..<publishers).map { _ in AsyncStream<Void>.makeStream() }
  }

  func published() { lock.withLock { publishedCount += 1 } }
  func delivered() { lock.withLock { deliveredCount += 1 } }
  func failed() { lock.withLock { errorCount += 1 } }
  var isStopped: Bool { lock.withLock { stopped } }
  func recordLatency(_ on: Bool) { lock.withLock { recording = on } }

  func stop() {
    lock.withLock { stopped = true }
    for turn in turns { turn.continuation.finish() }
  }

  /// "p<publisher> <sequence> <sent ns> …": the latency, and the publisher's next turn.
  func observed(_ text: String) {
    let fields = text.split(separator: " ", maxSplits: 3)
    guard fields.count >= 3, let p = Int(fields[0].dropFirst()), let sent = UInt64(fields[2]), p < turns.count else {
      return
    }
    let now = monotonicNanoseconds()
    lock.withLock {
      if recording { _ = histogram.record(now &- sent) }
    }
    turns[p].continuation.yield()
  }

  func snapshot() -> (published: Int, delivered: Int, errors: Int) {
    lock.withLock { (publishedCount, deliveredCount, errorCount) }
  }

  func histogramCopy() -> Histogram<UInt64> { lock.withLock { histogram } }
}

/// CPU of the postmaster and every process it started (the backends), nanoseconds.
func postgresCPUNanoseconds(_ postmaster: Int32) -> Double {
  var total = processCPUNanoseconds(pid: postmaster) ?? 0
  let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
  for entry in entries {
    guard let pid = Int32(entry),
      let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { continue }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    // After "(comm)": state, ppid, …
    guard fields.count > 1, Int32(fields[1]) == postmaster else { continue }
    total += processCPUNanoseconds(pid: pid) ?? 0
  }
  return total
}
