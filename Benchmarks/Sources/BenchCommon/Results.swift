// The loader's raw results and the report's input: one `Point` per measured workload × server.

/// One measured run (a few seconds) of a point.
public struct RunResult: Codable, Sendable {
  /// Echoes completed inside the measured window.
  public var messages: Int
  /// Length of the measured window, seconds.
  public var seconds: Double
  /// Server process CPU time (user + system, all threads) spent in the window, nanoseconds.
  public var serverCPUNanoseconds: Double?
  /// Loader process CPU time spent in the window, nanoseconds (tells whether the loader was the
  /// bottleneck: near `seconds` × 1e9 means its core was busy all the time).
  public var loaderCPUNanoseconds: Double
  /// Latency percentiles in nanoseconds (ping-pong points only): p50, p90, p99, p99.9, max.
  public var latency: [String: Double]?
  /// Connections that failed, were closed by the server, or got an unexpected HTTP status during the
  /// run (from connecting to stopping, warm-up included).
  public var errors: Int

  public init(
    messages: Int, seconds: Double, serverCPUNanoseconds: Double?, loaderCPUNanoseconds: Double,
    latency: [String: Double]? = nil, errors: Int
  ) {
    self.messages = messages
    self.seconds = seconds
    self.serverCPUNanoseconds = serverCPUNanoseconds
    self.loaderCPUNanoseconds = loaderCPUNanoseconds
    self.latency = latency
    self.errors = errors
  }

  public var messagesPerSecond: Double { seconds > 0 ? Double(messages) / seconds : 0 }
  public var serverMicrosPerMessage: Double? {
    guard let cpu = serverCPUNanoseconds, messages > 0 else { return nil }
    return cpu / Double(messages) / 1000
  }
}

/// A workload against one server.
public struct Point: Codable, Sendable {
  /// `pingpong`, `throughput` or `deflate`.
  public var workload: String
  /// `wslab`, `nio` (the NIOWebSocket peer), `tcp` (raw TCP echo), `longpoll` (wslab's HTTP
  /// long polling), `wslab-client` (the deflate rows: WSLab's own client code path).
  public var server: String
  /// How the loader talked to it: `ws`, `tcp`, `longpoll`, `wslab-client`.
  public var mode: String
  public var payload: Int
  public var connections: Int
  /// Messages in flight per connection.
  public var inFlight: Int
  /// For the deflate rows: `on` or `off`.
  public var variant: String?
  /// Why the point was not measured, when it was not.
  public var skipped: String?
  public var runs: [RunResult]

  public init(
    workload: String, server: String, mode: String, payload: Int, connections: Int, inFlight: Int,
    variant: String? = nil, skipped: String? = nil, runs: [RunResult] = []
  ) {
    self.workload = workload
    self.server = server
    self.mode = mode
    self.payload = payload
    self.connections = connections
    self.inFlight = inFlight
    self.variant = variant
    self.skipped = skipped
    self.runs = runs
  }

  /// A key that is the same for every server measured on the same workload.
  public var workloadKey: String {
    switch workload {
    case "pingpong": "pingpong \(payload)"
    case "deflate": "deflate \(payload) C=\(connections) W=\(inFlight)"
    default: "throughput \(payload) C=\(connections) W=\(inFlight)"
    }
  }
}

/// Everything one run of the suite produced.
public struct RawResults: Codable, Sendable {
  public var started: String
  public var profile: String
  public var runsPerPoint: Int
  public var secondsPerRun: Double
  public var pinned: Bool
  public var points: [Point]

  public init(started: String, profile: String, runsPerPoint: Int, secondsPerRun: Double, pinned: Bool, points: [Point]) {
    self.started = started
    self.profile = profile
    self.runsPerPoint = runsPerPoint
    self.secondsPerRun = secondsPerRun
    self.pinned = pinned
    self.points = points
  }
}

/// Median, minimum and maximum of a few numbers.
public struct Spread: Codable, Sendable {
  public var median: Double
  public var min: Double
  public var max: Double

  public init?(_ values: [Double]) {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let n = sorted.count
    median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    min = sorted[0]
    max = sorted[n - 1]
  }
}

/// Human-readable sizes: 16 B, 1 KiB, 64 KiB, 1 MiB.
public func sizeLabel(_ bytes: Int) -> String {
  if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
  if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
  return "\(bytes) B"
}
