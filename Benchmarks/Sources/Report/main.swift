// Writes results/latest.md, latest.json and latest.svg from the loader's raw results.
//   Report --raw results/raw/runs.json --out results [--swift-version "..."]
import ArgumentParser
import BenchCommon
import Foundation

// MARK: - summaries

struct Summary: Codable {
  var workload: String
  var key: String
  var server: String
  var mode: String
  var variant: String?
  var payload: Int
  var connections: Int
  var inFlight: Int
  var skipped: String?
  var runs: Int
  var messagesPerSecond: Spread?
  var megabytesPerSecond: Spread?
  var serverMicrosPerMessage: Spread?
  var loaderBusyPercent: Spread?
  var latencyMicros: [String: Spread]?
  var errors: Int
  var vsNIOWebSocket: Double?
  /// Against SwiftNIO's raw TCP echo (PeerTCPEcho): SwiftNIO's ceiling.
  var vsRawTCP: Double?
  /// Against the C epoll TCP echo (Benchmarks/CEcho): the machine's limit.
  var vsCTCP: Double?
  var vsLongPolling: Double?
}

func summarize(_ p: Point) -> Summary {
  let ok = p.runs.filter { $0.seconds > 0 }
  var latency: [String: Spread]?
  let withLatency = ok.compactMap(\.latency)
  if !withLatency.isEmpty {
    latency = [:]
    for k in ["p50", "p90", "p99", "p99.9", "max"] {
      latency![k] = Spread(withLatency.compactMap { $0[k].map { $0 / 1000 } })
    }
  }
  return Summary(
    workload: p.workload, key: p.workloadKey, server: p.server, mode: p.mode, variant: p.variant, payload: p.payload,
    connections: p.connections, inFlight: p.inFlight, skipped: p.skipped, runs: ok.count,
    messagesPerSecond: Spread(ok.map(\.messagesPerSecond)),
    megabytesPerSecond: Spread(ok.map { $0.messagesPerSecond * Double(p.payload) / 1e6 }),
    serverMicrosPerMessage: Spread(ok.compactMap(\.serverMicrosPerMessage)),
    loaderBusyPercent: Spread(ok.map { $0.loaderCPUNanoseconds / ($0.seconds * 1e9) * 100 }),
    latencyMicros: latency, errors: p.runs.reduce(0) { $0 + $1.errors })
}

// MARK: - formatting

func fmt(_ v: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", v) }

func rate(_ v: Double) -> String {
  if v >= 10_000_000 { return fmt(v / 1e6, 1) + " M" }
  if v >= 1_000_000 { return fmt(v / 1e6, 2) + " M" }
  if v >= 10_000 { return fmt(v / 1e3, 0) + " k" }
  if v >= 1_000 { return fmt(v / 1e3, 1) + " k" }
  return fmt(v, 0)
}

func spreadText(_ s: Spread?, _ f: (Double) -> String) -> String {
  guard let s else { return "–" }
  if s.min == s.max { return f(s.median) }
  return "\(f(s.median)) (\(f(s.min))–\(f(s.max)))"
}

func ratio(_ r: Double?) -> String { r.map { fmt($0, 2) + "×" } ?? "–" }

let serverNames = [
  "wslab": "WSLab (wslab serve)", "nio": "NIOWebSocket peer", "tcp": "NIO TCP echo", "ctcp": "C epoll TCP echo",
  "wslab-async": "WSLab async/await (README echo)",
  "longpoll": "WSLab long polling", "wslab-client": "WSLab client → wslab serve",
]

func workloadTitle(_ s: Summary) -> String {
  switch s.workload {
  case "pingpong": "ping-pong \(sizeLabel(s.payload)), 1 conn, 1 in flight"
  case "deflate": "JSON \(sizeLabel(s.payload)), C=\(s.connections), W=\(s.inFlight)"
  default: "\(sizeLabel(s.payload)), C=\(s.connections), W=\(s.inFlight)"
  }
}

// MARK: - machine

func machineInfo(swiftVersion: String?) -> [String: String] {
  var info: [String: String] = [:]
  info["nproc"] = "\(ProcessInfo.processInfo.activeProcessorCount)"
  if let cpu = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
    let line = cpu.split(separator: "\n").first(where: { $0.hasPrefix("model name") })
  {
    info["cpu"] = line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
  }
  if let kernel = try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8) {
    info["kernel"] = kernel.trimmingCharacters(in: .whitespacesAndNewlines)
  }
  if let mem = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
    let line = mem.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal") }),
    let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
  {
    info["memory"] = fmt(kb / 1024 / 1024, 1) + " GiB"
  }
  if let swiftVersion, !swiftVersion.isEmpty { info["swift"] = swiftVersion }
  return info
}

// MARK: - SVG

/// Grouped horizontal bars, messages/s on a log axis; each server has its own fill pattern and
/// every bar carries its server name and value, so the chart reads without colour.
func svgChart(_ summaries: [Summary], title: String, subtitle: String) -> String {
  let order = ["wslab", "wslab-async", "nio", "tcp", "ctcp", "longpoll", "wslab-client"]
  let patterns: [String: (fill: String, label: String)] = [
    "wslab": ("#1f4e79", "WSLab"),
    "wslab-async": ("url(#dense)", "WSLab async/await"),
    "nio": ("url(#hatch)", "NIOWebSocket"),
    "tcp": ("url(#dots)", "NIO TCP"),
    "ctcp": ("url(#grid)", "C epoll TCP"),
    "longpoll": ("url(#cross)", "long polling"),
    "wslab-client": ("url(#vertical)", "WSLab client"),
  ]
  var groups: [(String, [Summary])] = []
  for s in summaries where s.skipped == nil && (s.messagesPerSecond?.median ?? 0) > 0 {
    let title = s.workload == "deflate" ? "deflate \(s.variant ?? "")" : workloadTitle(s)
    let groupTitle = s.workload == "deflate" ? "permessage-deflate off / on, \(workloadTitle(s)), WSLab client" : title
    if let i = groups.firstIndex(where: { $0.0 == groupTitle }) {
      groups[i].1.append(s)
    } else {
      groups.append((groupTitle, [s]))
    }
  }
  let barH = 16.0
  let gap = 26.0
  let left = 250.0
  let plotW = 640.0
  let top = 110.0
  let titleH = 18.0
  var height = top
  for g in groups { height += titleH + Double(g.1.count) * (barH + 3) + gap }
  height += 60
  let width = left + plotW + 200
  let values = groups.flatMap { $0.1.compactMap { $0.messagesPerSecond?.median } }
  let lo = pow(10, floor(log10(max(1, values.min() ?? 1))))
  let hi = pow(10, ceil(log10(max(10, values.max() ?? 10))))
  func x(_ v: Double) -> Double { left + plotW * (log10(max(v, lo)) - log10(lo)) / (log10(hi) - log10(lo)) }
  func esc(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;")
  }
  var o = """
    <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">
    <defs>
      <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#b35c00" stroke-width="3"/></pattern>
      <pattern id="dots" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#fff"/><circle cx="2.5" cy="2.5" r="1.4" fill="#2d6a2d"/></pattern>
      <pattern id="cross" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#fff"/><path d="M0 0L6 6M6 0L0 6" stroke="#7a1f5c" stroke-width="1.2"/></pattern>
      <pattern id="grid" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#fff"/><path d="M0 3H6M3 0V6" stroke="#000" stroke-width="1"/></pattern>
      <pattern id="dense" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="4" height="4" fill="#1f4e79"/><circle cx="2" cy="2" r="0.9" fill="#fff"/></pattern>
      <pattern id="vertical" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#fff"/><line x1="2.5" y1="0" x2="2.5" y2="5" stroke="#444" stroke-width="2"/></pattern>
    </defs>
    <rect width="100%" height="100%" fill="#fff"/>
    <text x="20" y="28" font-size="18" font-weight="bold">\(esc(title))</text>
    <text x="20" y="48" fill="#333">\(esc(subtitle))</text>

    """
  // Legend.
  var lx = left
  for name in order where summaries.contains(where: { $0.server == name && $0.skipped == nil }) {
    let p = patterns[name]!
    o += "<rect x=\"\(Int(lx))\" y=\"60\" width=\"22\" height=\"12\" fill=\"\(p.fill)\" stroke=\"#000\"/>"
    o += "<text x=\"\(Int(lx + 28))\" y=\"70\">\(esc(p.label))</text>\n"
    lx += 36 + Double(p.label.count) * 7.5
  }
  // Grid and axis (log scale).
  let axisY = height - 50
  let gridTop = top - 8
  var decade = lo
  while decade <= hi * 1.0001 {
    let gx = x(decade)
    o += "<line x1=\"\(fmt(gx, 1))\" y1=\"\(Int(gridTop))\" x2=\"\(fmt(gx, 1))\" y2=\"\(Int(axisY))\" stroke=\"#ccc\"/>"
    o += "<text x=\"\(fmt(gx, 1))\" y=\"\(Int(axisY + 16))\" text-anchor=\"middle\">\(rate(decade))</text>\n"
    decade *= 10
  }
  o += "<line x1=\"\(Int(left))\" y1=\"\(Int(axisY))\" x2=\"\(Int(left + plotW))\" y2=\"\(Int(axisY))\" stroke=\"#000\"/>"
  o += "<text x=\"\(Int(left + plotW / 2))\" y=\"\(Int(axisY + 36))\" text-anchor=\"middle\" font-weight=\"bold\">messages per second (median; log scale)</text>\n"
  o += "<text x=\"20\" y=\"\(Int(top - 14))\" fill=\"#333\">Groups: workload (payload, C connections, W messages in flight per connection); bars: servers</text>\n"
  var y = top
  for (groupTitle, members) in groups {
    o += "<text x=\"20\" y=\"\(fmt(y + 12, 1))\" font-weight=\"bold\">\(esc(groupTitle))</text>\n"
    y += titleH
    for s in members.sorted(by: { (order.firstIndex(of: $0.server) ?? 9) < (order.firstIndex(of: $1.server) ?? 9) }) {
      let v = s.messagesPerSecond?.median ?? 0
      let p = patterns[s.server] ?? ("#888", s.server)
      let w = max(1, x(v) - left)
      let label = s.workload == "deflate" ? "\(p.label), deflate \(s.variant ?? "")" : p.label
      o += "<rect x=\"\(Int(left))\" y=\"\(fmt(y, 1))\" width=\"\(fmt(w, 1))\" height=\"\(Int(barH))\" fill=\"\(p.fill)\" stroke=\"#000\" stroke-width=\"0.8\"/>"
      o += "<text x=\"\(fmt(left - 6, 1))\" y=\"\(fmt(y + barH - 4, 1))\" text-anchor=\"end\" font-size=\"11\">\(esc(label))</text>"
      o += "<text x=\"\(fmt(left + w + 5, 1))\" y=\"\(fmt(y + barH - 4, 1))\" font-size=\"11\">\(rate(v)) msg/s</text>\n"
      y += barH + 3
    }
    y += gap
  }
  o += "</svg>\n"
  return o
}

// MARK: - command

struct Report: ParsableCommand {
  @Option(help: "The loader's raw results.") var raw = "results/raw/runs.json"
  @Option(help: "Folder for latest.md, latest.json, latest.svg.") var out = "results"
  @Option(help: "`swift --version`, first line (recorded with the machine).") var swiftVersion: String?
  @Option(help: "Extra notes file appended to latest.md (profiling findings).") var notes: String?

  func run() throws {
    let rawResults = try JSONDecoder().decode(RawResults.self, from: Data(contentsOf: URL(fileURLWithPath: raw)))
    var summaries = rawResults.points.map(summarize)
    func find(_ key: String, _ server: String) -> Summary? {
      summaries.first { $0.key == key && $0.server == server && $0.skipped == nil && $0.messagesPerSecond != nil }
    }
    for i in summaries.indices where summaries[i].workload != "deflate" {
      let s = summaries[i]
      guard let mine = s.messagesPerSecond?.median, mine > 0 else { continue }
      if s.workload == "pingpong" {
        // Latency ratios: p50 against the peers' p50 (lower is better, so mine ÷ theirs).
        let p50 = s.latencyMicros?["p50"]?.median
        if let p50, let n = find(s.key, "nio")?.latencyMicros?["p50"]?.median, s.server != "nio" {
          summaries[i].vsNIOWebSocket = p50 / n
        }
        if let p50, let t = find(s.key, "tcp")?.latencyMicros?["p50"]?.median, s.server != "tcp" {
          summaries[i].vsRawTCP = p50 / t
        }
        if let p50, let t = find(s.key, "ctcp")?.latencyMicros?["p50"]?.median, s.server != "ctcp" {
          summaries[i].vsCTCP = p50 / t
        }
        if let p50, let l = find(s.key, "longpoll")?.latencyMicros?["p50"]?.median, s.server != "longpoll" {
          summaries[i].vsLongPolling = p50 / l
        }
      } else {
        if s.server != "nio", let n = find(s.key, "nio")?.messagesPerSecond?.median, n > 0 {
          summaries[i].vsNIOWebSocket = mine / n
        }
        if s.server != "tcp", let t = find(s.key, "tcp")?.messagesPerSecond?.median, t > 0 {
          summaries[i].vsRawTCP = mine / t
        }
        if s.server != "ctcp", let t = find(s.key, "ctcp")?.messagesPerSecond?.median, t > 0 {
          summaries[i].vsCTCP = mine / t
        }
        if s.server != "longpoll", let l = find(s.key, "longpoll")?.messagesPerSecond?.median, l > 0 {
          summaries[i].vsLongPolling = mine / l
        }
      }
    }
    let machine = machineInfo(swiftVersion: swiftVersion)

    // Targets (issue 6).
    struct TargetCheck: Codable {
      var name: String
      var goal: String
      var measured: String
      var met: Bool?
    }
    var targets: [TargetCheck] = []
    let k16 = "throughput 16 C=16 W=16"
    if let w = find(k16, "wslab"), let r = w.vsNIOWebSocket {
      targets.append(
        TargetCheck(
          name: "16 B echo, 16 connections × 16 in flight, vs NIOWebSocket", goal: "≥ 1.0× (aim 1.3×)",
          measured: ratio(r) + " (\(rate(w.messagesPerSecond!.median)) vs \(rate(find(k16, "nio")!.messagesPerSecond!.median)) msg/s)",
          met: r >= 1.0))
    }
    let k64 = "throughput 65536 C=16 W=16"
    if let w = find(k64, "wslab"), let r = w.vsRawTCP {
      targets.append(
        TargetCheck(
          name: "64 KiB echo, 16 × 16, vs NIO TCP echo", goal: "≥ 0.6×",
          measured: ratio(r) + " (\(fmt(w.megabytesPerSecond!.median)) vs \(fmt(find(k64, "tcp")!.megabytesPerSecond!.median)) MB/s)",
          met: r >= 0.6))
    }
    if let w = find("pingpong 16", "wslab"), let r = w.vsRawTCP {
      targets.append(
        TargetCheck(
          name: "ping-pong p50 vs NIO TCP echo", goal: "≤ 1.2×",
          measured: ratio(r) + " (\(fmt(w.latencyMicros!["p50"]!.median, 1)) vs \(fmt(find("pingpong 16", "tcp")!.latencyMicros!["p50"]!.median, 1)) µs)",
          met: r <= 1.2))
    }
    var cpuLine: [String] = []
    for name in ["wslab", "nio", "tcp", "ctcp", "longpoll"] {
      if let s = find(k16, name), let us = s.serverMicrosPerMessage?.median {
        cpuLine.append("\(serverNames[name]!) \(fmt(us, 2)) µs")
      }
    }
    if !cpuLine.isEmpty {
      targets.append(
        TargetCheck(
          name: "server CPU per message, 16 B, 16 × 16", goal: "reported for every server (NIOWebSocket ≈ 2.3 µs, C epoll ≈ 0.5 µs)",
          measured: cpuLine.joined(separator: "; "), met: nil))
    }

    // Targets (issue 17): against the machine's limit, the C epoll echo, measured in the same run.
    var limits: [TargetCheck] = []
    func us(_ s: Summary?) -> Double? { s?.serverMicrosPerMessage?.median }
    if let w = find(k64, "wslab"), let c = find(k64, "ctcp"), let r = w.vsCTCP {
      limits.append(
        TargetCheck(
          name: "64 KiB echo, 16 × 16, vs C epoll TCP", goal: "≥ 0.8×",
          measured: ratio(r) + " (\(fmt(w.megabytesPerSecond!.median)) vs \(fmt(c.megabytesPerSecond!.median)) MB/s)",
          met: r >= 0.8))
      if let a = us(w), let b = us(c), b > 0 {
        limits.append(
          TargetCheck(
            name: "server CPU per 64 KiB message vs C epoll TCP", goal: "≤ 1.5×",
            measured: ratio(a / b) + " (\(fmt(a, 2)) vs \(fmt(b, 2)) µs)", met: a / b <= 1.5))
      }
    }
    for (key, label) in [(k16, "16 B"), ("throughput 1024 C=16 W=16", "1 KiB")] {
      if let a = us(find(key, "wslab-async")), let b = us(find(key, "wslab")), b > 0 {
        limits.append(
          TargetCheck(
            name: "async/await API, server CPU per \(label) message (16 × 16) vs the event-loop path", goal: "≤ 1.5×",
            measured: ratio(a / b) + " (\(fmt(a, 2)) vs \(fmt(b, 2)) µs)", met: a / b <= 1.5))
      }
    }
    if let a = us(find(k16, "wslab")) {
      let b = us(find(k16, "ctcp"))
      let r = b.map { a / $0 }
      limits.append(
        TargetCheck(
          name: "server CPU per 16 B message (16 × 16)", goal: "≤ 0.6 µs and ≤ 2× C epoll TCP's",
          measured: "\(fmt(a, 2)) µs" + (r.map { ", \(ratio($0)) C epoll TCP's \(fmt(b!, 2)) µs" } ?? ""),
          met: a <= 0.6 && (r.map { $0 <= 2 } ?? true)))
    }

    // Markdown.
    var md = "# WSLab end-to-end benchmarks\n\n"
    md += "Loopback echo, \(rawResults.profile) profile: \(rawResults.runsPerPoint) run(s) × \(fmt(rawResults.secondsPerRun, 1)) s per point "
    md += "(medians; min–max in parentheses when there are several runs). "
    md += rawResults.pinned ? "Server pinned to core 0, loader to core 1 (taskset). " : "Not pinned (fewer than 2 cores or taskset missing). "
    md += "Started \(rawResults.started).\n\n"
    md += "Machine: \(machine["cpu"] ?? "?"), \(machine["nproc"] ?? "?") cores, \(machine["memory"] ?? "?"), Linux \(machine["kernel"] ?? "?")"
    if let s = machine["swift"] { md += ", \(s)" }
    md += ".\n\n"
    md += "Servers: **WSLab** = `wslab serve --no-deflate` (1 event loop); **NIOWebSocket** = Benchmarks/Sources/PeerNIOEcho "
    md += "(SwiftNIO's NIOWebSocket, 1 event loop); **WSLab async/await** = Benchmarks/Sources/PeerAsyncEcho (the README's "
    md += "library echo server: `for try await message in socket.messages { try await socket.send(message) }`); **NIO TCP echo** = Benchmarks/Sources/PeerTCPEcho (SwiftNIO's ceiling); "
    md += "**C epoll TCP echo** = Benchmarks/CEcho/echo.c (one thread, epoll, no library: the machine's limit); **long polling** = "
    md += "the same wslab process, `POST /poll/send` + `GET /poll/recv` on keep-alive HTTP/1.1. "
    md += "msg/s counts echoes received; MB/s is payload bytes echoed per second (one way); server µs/msg is the server process's "
    md += "CPU time (all threads) during the window ÷ messages; loader % is the loader's own core use (near 100 % means the loader, "
    md += "not the server, may be the limit).\n\n"

    if !targets.isEmpty {
      md += "## Targets (issue 6)\n\n| target | goal | measured | met |\n|---|---|---|---|\n"
      for t in targets {
        md += "| \(t.name) | \(t.goal) | \(t.measured) | \(t.met.map { $0 ? "yes" : "**no**" } ?? "–") |\n"
      }
      md += "\n"
    }
    if !limits.isEmpty {
      md += "## Targets (issue 17): the physical limit\n\n| target | goal | measured | met |\n|---|---|---|---|\n"
      for t in limits {
        md += "| \(t.name) | \(t.goal) | \(t.measured) | \(t.met.map { $0 ? "yes" : "**no**" } ?? "–") |\n"
      }
      md += "\n"
    }

    let ping = summaries.filter { $0.workload == "pingpong" }
    if !ping.isEmpty {
      md += "## Ping-pong latency (16 B, one connection, one message in flight)\n\n"
      md += "| server | p50 µs | p90 µs | p99 µs | p99.9 µs | msg/s | server µs/msg | p50 ÷ NIOWebSocket | p50 ÷ NIO TCP | p50 ÷ C TCP |\n"
      md += "|---|---|---|---|---|---|---|---|---|---|\n"
      for s in ping where s.skipped == nil {
        let l = s.latencyMicros ?? [:]
        md += "| \(serverNames[s.server] ?? s.server) | \(spreadText(l["p50"]) { fmt($0, 1) }) | \(spreadText(l["p90"]) { fmt($0, 1) }) "
        md += "| \(spreadText(l["p99"]) { fmt($0, 1) }) | \(spreadText(l["p99.9"]) { fmt($0, 1) }) "
        md += "| \(rate(s.messagesPerSecond?.median ?? 0)) | \(spreadText(s.serverMicrosPerMessage) { fmt($0, 2) }) "
        md += "| \(ratio(s.vsNIOWebSocket)) | \(ratio(s.vsRawTCP)) | \(ratio(s.vsCTCP)) |\n"
      }
      md += "\n"
    }

    let through = summaries.filter { $0.workload == "throughput" }
    if !through.isEmpty {
      md += "## Throughput (echo; C connections × W messages in flight each)\n\n"
      md += "| workload | server | msg/s | MB/s | server µs/msg | loader % | × NIOWebSocket | × NIO TCP | × C TCP | errors |\n"
      md += "|---|---|---|---|---|---|---|---|---|---|\n"
      var lastKey = ""
      for s in through {
        let title = s.key == lastKey ? "" : workloadTitle(s)
        lastKey = s.key
        if let skipped = s.skipped {
          md += "| \(title) | \(serverNames[s.server] ?? s.server) | skipped: \(skipped) | | | | | | | |\n"
          continue
        }
        md += "| \(title) | \(serverNames[s.server] ?? s.server) | \(spreadText(s.messagesPerSecond, rate)) "
        md += "| \(spreadText(s.megabytesPerSecond) { fmt($0, $0 < 10 ? 2 : 0) }) | \(spreadText(s.serverMicrosPerMessage) { fmt($0, 2) }) "
        md += "| \(fmt(s.loaderBusyPercent?.median ?? 0)) | \(ratio(s.vsNIOWebSocket)) | \(ratio(s.vsRawTCP)) | \(ratio(s.vsCTCP)) | \(s.errors) |\n"
      }
      md += "\n"
    }

    // WebSocket vs long polling.
    let pairs = summaries.filter { $0.server == "wslab" && $0.vsLongPolling != nil }
    if !pairs.isEmpty {
      md += "## WebSocket against long polling (same wslab process)\n\n"
      md += "| workload | WebSocket | long polling | WebSocket ÷ long polling | server µs/msg WS / LP |\n|---|---|---|---|---|\n"
      for s in pairs {
        let lp = find(s.key, "longpoll")!
        let wsus = s.serverMicrosPerMessage.map { fmt($0.median, 2) } ?? "–"
        let lpus = lp.serverMicrosPerMessage.map { fmt($0.median, 2) } ?? "–"
        if s.workload == "pingpong" {
          let a = s.latencyMicros?["p50"]?.median ?? 0
          let b = lp.latencyMicros?["p50"]?.median ?? 0
          md += "| \(workloadTitle(s)) (p50 latency) | \(fmt(a, 1)) µs | \(fmt(b, 1)) µs | \(b > 0 ? fmt(a / b, 2) + "× the latency" : "–") | \(wsus) / \(lpus) |\n"
        } else {
          md += "| \(workloadTitle(s)) | \(rate(s.messagesPerSecond!.median)) msg/s | \(rate(lp.messagesPerSecond!.median)) msg/s "
          md += "| \(ratio(s.vsLongPolling)) | \(wsus) / \(lpus) |\n"
        }
      }
      md += "\n"
      md += "Why: every long-polled message costs two HTTP exchanges (POST, then GET), about 250 bytes of request and response "
      md += "heads, two round trips, and header parsing, a mailbox lock and a timer on the server; a WebSocket message costs a 2–14 "
      md += "byte frame header and no round trip. That fixed cost dominates small messages. At large messages both sides mostly "
      md += "copy payload bytes, so the fixed cost is amortised and long polling comes closest (its ratio falls toward 1×); HTTP/1.1 "
      md += "also needs one connection per message in flight (here C × W sockets), which is what hurts it at many clients.\n\n"
    }

    let deflate = summaries.filter { $0.workload == "deflate" }
    if !deflate.isEmpty {
      md += "## permessage-deflate on vs off (compressible JSON chat message)\n\n"
      md += "Measured with WSLab's own client code path (`WebSocketClient`, async API, one task per connection) against "
      md += "`wslab serve` with permessage-deflate accepted: the raw loader does not compress, so this row says what a WSLab "
      md += "application pays, client and server both WSLab; compare the two rows with each other, not with the table above.\n\n"
      md += "| payload | deflate | msg/s | server µs/msg | loader % | errors |\n|---|---|---|---|---|---|\n"
      for s in deflate where s.skipped == nil {
        md += "| \(workloadTitle(s)) | \(s.variant ?? "") | \(spreadText(s.messagesPerSecond, rate)) | \(spreadText(s.serverMicrosPerMessage) { fmt($0, 2) }) "
        md += "| \(fmt(s.loaderBusyPercent?.median ?? 0)) | \(s.errors) |\n"
      }
      md += "\n"
    }
    md += "Chart: latest.svg. All numbers: latest.json. Reproduce: `make bench` (about 14 minutes once built) or `make bench-quick` (about 2½ minutes once built; the first run of either spends about 10 minutes building).\n"
    if let notes, let text = try? String(contentsOfFile: notes, encoding: .utf8) { md += "\n" + text }

    let outURL = URL(fileURLWithPath: out)
    try FileManager.default.createDirectory(at: outURL, withIntermediateDirectories: true)
    try md.write(to: outURL.appendingPathComponent("latest.md"), atomically: true, encoding: .utf8)

    struct Output: Codable {
      var started: String
      var profile: String
      var runsPerPoint: Int
      var secondsPerRun: Double
      var pinned: Bool
      var machine: [String: String]
      var targets: [TargetCheck]
      var results: [Summary]
      var raw: [Point]
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let output = Output(
      started: rawResults.started, profile: rawResults.profile, runsPerPoint: rawResults.runsPerPoint,
      secondsPerRun: rawResults.secondsPerRun, pinned: rawResults.pinned, machine: machine, targets: targets + limits,
      results: summaries, raw: rawResults.points)
    try encoder.encode(output).write(to: outURL.appendingPathComponent("latest.json"))

    let svg = svgChart(
      summaries, title: "WSLab end-to-end: WebSocket vs long polling vs peers (loopback echo)",
      subtitle: "\(machine["cpu"] ?? "?"), \(machine["nproc"] ?? "?") cores; \(rawResults.profile) profile, \(rawResults.started); higher is better")
    try svg.write(to: outURL.appendingPathComponent("latest.svg"), atomically: true, encoding: .utf8)
    print("report: \(outURL.appendingPathComponent("latest.md").path), latest.json, latest.svg")
  }
}

Report.main()
