// WSLab's end-to-end load generator. See Benchmarks/README.md.
//   Loader run --mode ws --port P [--pid PID] --payload 16 --connections 16 --in-flight 16 --seconds 2
//   Loader suite --profile quick|full --wslab PORT:PID --nio PORT:PID --tcp PORT:PID --ctcp PORT:PID \
//                --wslab-deflate PORT:PID --out results/raw/runs.json
//   Loader cluster --single PORT:PID --nodes PORT:PID,… --postgres PID   (Cluster.swift)
//   Loader idle --server wslab=PORT:PID --server nio=PORT:PID --connections 15000   (Idle.swift)
//   Loader fanout --server wslab=PORT:PID --server nio=PORT:PID --connections 10000 (Fanout.swift)
//   Loader deflate --server wslab=PORT:PID --server gorilla=PORT:PID --server websockets=PORT:PID (DeflatePeers.swift)
import ArgumentParser
import BenchCommon
import Foundation

struct Loader: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Load generator for WSLab's end-to-end benchmarks (loopback only).",
    subcommands: [RunOne.self, Suite.self, ClusterBench.self, IdleBench.self, FanoutBench.self, DeflatePeersBench.self], defaultSubcommand: Suite.self)
}

extension LoadMode: ExpressibleByArgument {}

struct RunOne: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "run", abstract: "Measure one point and print it.")
  @Option var mode: LoadMode = .ws
  @Option var port: Int
  @Option(help: "Server process id: its CPU time is sampled.") var pid: Int32?
  @Option var payload = 16
  @Option var connections = 16
  @Option var inFlight = 16
  @Option var seconds = 2.0
  @Option var warmup = 0.5
  @Flag(help: "Ping-pong latency (forces 1 connection, 1 in flight).") var latency = false

  func run() throws {
    let spec = RunSpec(
      mode: mode, target: Target(port: port, pid: pid), payload: payload, connections: latency ? 1 : connections,
      inFlight: latency ? 1 : inFlight, seconds: seconds, warmup: warmup, latency: latency)
    let r = try measure(spec)
    var line = String(
      format: "%@ %@ C=%d W=%d: %.0f msg/s, %.1f MB/s, loader CPU %.0f%%", mode.rawValue, sizeLabel(payload),
      spec.connections, spec.inFlight, r.messagesPerSecond, r.messagesPerSecond * Double(payload) / 1e6,
      r.loaderCPUNanoseconds / r.seconds / 1e7)
    if let us = r.serverMicrosPerMessage { line += String(format: ", server %.2f µs/msg", us) }
    if let l = r.latency {
      line += String(format: ", p50 %.1f µs p99 %.1f µs", l["p50"]! / 1000, l["p99"]! / 1000)
    }
    if r.errors > 0 { line += ", \(r.errors) errors" }
    print(line)
  }
}

func parseTarget(_ s: String?) -> Target? {
  guard let s else { return nil }
  let parts = s.split(separator: ":")
  guard let port = parts.first.flatMap({ Int($0) }) else { return nil }
  return Target(port: port, pid: parts.count > 1 ? Int32(parts[1]) : nil)
}

/// `--server NAME=PORT:PID` options, in order.
func parseServers(_ specs: [String]) throws -> [(name: String, target: Target)] {
  try specs.map { spec in
    let parts = spec.split(separator: "=", maxSplits: 1)
    guard parts.count == 2, let target = parseTarget(String(parts[1])) else {
      throw ValidationError("--server NAME=PORT:PID, got \(spec)")
    }
    return (String(parts[0]), target)
  }
}

/// Pretty, key-sorted JSON in a file (results for the report).
func writeJSON(_ value: some Encodable, to path: String) throws {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
  try encoder.encode(value).write(to: URL(fileURLWithPath: path))
}

struct Suite: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Run every workload against every server.")
  @Option(help: "quick (about a minute) or full (about 10 minutes).") var profile = "quick"
  @Option(help: "wslab serve --no-deflate: PORT:PID") var wslab: String?
  @Option(help: "PeerNIOEcho: PORT:PID") var nio: String?
  @Option(help: "PeerTCPEcho (SwiftNIO's ceiling): PORT:PID") var tcp: String?
  @Option(help: "Benchmarks/CEcho (C on epoll, the machine's limit): PORT:PID") var ctcp: String?
  @Option(help: "PeerAsyncEcho (the README's async/await echo server): PORT:PID") var wslabAsync: String?
  @Option(help: "wslab serve with permessage-deflate (deflate rows): PORT:PID") var wslabDeflate: String?
  @Option(help: "Runs per point (default: 1 quick, 3 full).") var runs: Int?
  @Option(help: "Seconds per run (default: 1 quick, 2 full).") var seconds: Double?
  @Flag(help: "Say that server and loader are pinned to different cores (recorded in the results).") var pinned = false
  @Option(help: "Where the raw results go.") var out = "results/raw/runs.json"
  @Option(help: "Only these payload sizes, comma-separated (default: the profile's).") var payloads: String?
  @Option(help: "Only these connection counts, comma-separated (default: the profile's).") var connections: String?

  func run() throws {
    let full = profile == "full"
    let runsPerPoint = runs ?? (full ? 3 : 1)
    let secondsPerRun = seconds ?? (full ? 2.0 : 1.0)
    let warmup = full ? 0.5 : 0.3
    let servers: [(name: String, mode: LoadMode, target: Target?)] = [
      ("wslab", .ws, parseTarget(wslab)), ("wslab-async", .ws, parseTarget(wslabAsync)), ("nio", .ws, parseTarget(nio)), ("tcp", .tcp, parseTarget(tcp)),
      ("ctcp", .tcp, parseTarget(ctcp)), ("longpoll", .longpoll, parseTarget(wslab)),
    ]
    let payloads = self.payloads.map { $0.split(separator: ",").compactMap { Int($0) } }
      ?? (full ? [16, 1024, 65536, 1 << 20] : [16, 1024, 65536])
    let connectionCounts = self.connections.map { $0.split(separator: ",").compactMap { Int($0) } }
      ?? (full ? [1, 16, 256, 1000] : [16])
    let inFlight = 16
    let maxInFlightBytes = 256 << 20

    var points: [Point] = []
    for server in servers {
      points.append(Point(workload: "pingpong", server: server.name, mode: server.mode.rawValue, payload: 16, connections: 1, inFlight: 1))
    }
    for payload in payloads {
      for c in connectionCounts {
        for server in servers {
          var point = Point(
            workload: "throughput", server: server.name, mode: server.mode.rawValue, payload: payload, connections: c,
            inFlight: inFlight)
          if c * inFlight * payload > maxInFlightBytes {
            point.skipped = "\(c)×\(inFlight)×\(sizeLabel(payload)) in flight is over 256 MiB"
          } else if server.mode == .longpoll, c * inFlight > 5000 {
            point.skipped = "long polling needs one connection per message in flight: \(c * inFlight) sockets"
          }
          points.append(point)
        }
      }
    }
    let json = chatJSON(bytes: 1024)
    for variant in ["off", "on"] {
      points.append(
        Point(
          workload: "deflate", server: "wslab-client", mode: "wslab-client", payload: json.utf8.count, connections: 16,
          inFlight: 16, variant: variant))
    }

    let measured = points.filter { $0.skipped == nil }.count
    let started = Date()
    var done = 0
    let tty = isatty(2) != 0
    func progress(_ text: String) {
      if tty {
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
      } else {
        FileHandle.standardError.write(Data((text + "\n").utf8))
      }
    }
    for i in points.indices where points[i].skipped == nil {
      done += 1
      let p = points[i]
      let target: Target?
      if p.workload == "deflate" {
        target = parseTarget(wslabDeflate)
      } else {
        target = servers.first { $0.name == p.server }?.target
      }
      guard let target else {
        points[i].skipped = "server not given to the loader"
        continue
      }
      let label =
        p.workload == "pingpong"
        ? "pingpong \(p.mode) \(p.server) \(sizeLabel(p.payload))"
        : p.workload == "deflate"
          ? "deflate \(p.variant!) wslab-client \(sizeLabel(p.payload)) JSON C=\(p.connections) W=\(p.inFlight)"
          : "\(p.mode) \(p.server) \(sizeLabel(p.payload)) C=\(p.connections) W=\(p.inFlight)"
      for run in 1...runsPerPoint {
        let elapsed = Int(Date().timeIntervalSince(started))
        progress("[\(done)/\(measured)] \(label) run \(run)/\(runsPerPoint)  (\(elapsed) s)")
        do {
          let result: RunResult
          if p.workload == "deflate" {
            result = try measureWithWSLabClient(
              port: target.port, pid: target.pid, deflate: p.variant == "on", payload: json,
              connections: p.connections, inFlight: p.inFlight, seconds: secondsPerRun, warmup: warmup)
          } else {
            let latency = p.workload == "pingpong"
            result = try measure(
              RunSpec(
                mode: LoadMode(rawValue: p.mode)!, target: target, payload: p.payload, connections: p.connections,
                inFlight: p.inFlight, seconds: secondsPerRun, warmup: warmup, latency: latency))
          }
          points[i].runs.append(result)
        } catch {
          progress("[\(done)/\(measured)] \(label): failed: \(error)")
          if !tty { } else { FileHandle.standardError.write(Data("\n".utf8)) }
          points[i].runs.append(
            RunResult(messages: 0, seconds: 0, serverCPUNanoseconds: nil, loaderCPUNanoseconds: 0, errors: 1))
        }
      }
    }
    if tty { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    FileHandle.standardError.write(
      Data("loader: \(measured) points in \(Int(Date().timeIntervalSince(started))) s\n".utf8))

    let formatter = ISO8601DateFormatter()
    let raw = RawResults(
      started: formatter.string(from: started), profile: profile, runsPerPoint: runsPerPoint,
      secondsPerRun: secondsPerRun, pinned: pinned, points: points)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let url = URL(fileURLWithPath: out)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try encoder.encode(raw).write(to: url)
  }
}

Loader.main()
