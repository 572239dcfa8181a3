/// Scale-out (`wslab serve --cluster postgres://…`): how a node reaches PostgreSQL and shares its
/// rooms with the other nodes.
///
/// Every message is written to ``table`` with a sequence id and announced with `NOTIFY` on
/// ``channel``; every node `LISTEN`s and delivers each message to its own members, in id order.
public struct ClusterConfiguration: Sendable {
  public var host: String
  public var port: Int
  public var user: String
  public var password: String?
  public var database: String
  /// This node's name in the table, in notifications and in the trace (no spaces).
  public var node: String
  /// The table of messages (created when missing).
  public var table = "wslab_messages"
  /// The LISTEN/NOTIFY channel.
  public var channel = "wslab"
  /// Rows older than this are deleted: a node that was disconnected for longer cannot catch up
  /// on what it missed.
  public var retention: Duration = .seconds(300)
  /// A message whose notification would be longer than this rides in the table only; the
  /// notification carries its id (PostgreSQL's limit is 8000 bytes).
  public var inlineLimit = ClusterConfiguration.defaultInlineLimit
  public static let defaultInlineLimit = 7_000
  /// Messages waiting to be written to the database (while it is slow or unreachable), in bytes;
  /// beyond, a client that sends is closed with 1013 (Try Again Later).
  public var maxBacklogBytes = 64 << 20
  /// The first wait before reconnecting a lost session, in seconds (then doubling, with jitter,
  /// up to ``reconnectMaximum``).
  public var reconnectDelay = 0.1
  public var reconnectMaximum = 10.0
  /// How long one attempt to connect may take.
  public var connectTimeout: Duration = .seconds(5)
  /// How long one statement (a batch of inserts, a row read, a page of catch-up) may take before
  /// its session is given up and the work retried on a new one.
  public var statementTimeout: Duration = .seconds(10)

  /// Parses `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (also `postgresql://`). Without a
  /// password in the URL, `PGPASSWORD` from the environment is used, when set.
  public init(url: String, node: String, environmentPassword: String? = nil) throws(ClusterError) {
    let schemes = ["postgres://", "postgresql://"]
    guard let scheme = schemes.first(where: { url.hasPrefix($0) }) else {
      throw .badURL(url, "it must start with postgres:// (postgres://USER@HOST:PORT/DATABASE)")
    }
    var rest = Substring(url.dropFirst(scheme.count))
    if let query = rest.firstIndex(of: "?") { rest = rest[..<query] }
    guard let at = rest.lastIndex(of: "@") else {
      throw .badURL(url, "no user: write postgres://USER@HOST:PORT/DATABASE")
    }
    let credentials = rest[..<at]
    let location = rest[rest.index(after: at)...]
    if let colon = credentials.firstIndex(of: ":") {
      user = Self.percentDecoded(credentials[..<colon])
      password = Self.percentDecoded(credentials[credentials.index(after: colon)...])
    } else {
      user = Self.percentDecoded(credentials)
      password = environmentPassword
    }
    guard !user.isEmpty else { throw .badURL(url, "the user name is empty") }
    guard let slash = location.firstIndex(of: "/") else {
      throw .badURL(url, "no database: write postgres://USER@HOST:PORT/DATABASE")
    }
    database = Self.percentDecoded(location[location.index(after: slash)...])
    guard !database.isEmpty else { throw .badURL(url, "the database name is empty") }
    let hostPort = location[..<slash]
    if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
      host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
      let after = hostPort[hostPort.index(after: close)...]
      port = try Self.port(after.hasPrefix(":") ? after.dropFirst() : nil, url)
    } else if let colon = hostPort.lastIndex(of: ":") {
      host = String(hostPort[..<colon])
      port = try Self.port(hostPort[hostPort.index(after: colon)...], url)
    } else {
      host = String(hostPort)
      port = 5432
    }
    guard !host.isEmpty else { throw .badURL(url, "the host is empty") }
    guard !node.isEmpty, !node.contains(where: { $0 == " " || $0 == "\n" || $0 == "\t" }) else {
      throw .badNodeName(node)
    }
    self.node = node
  }

  /// The URL without its password, for messages.
  public var redactedURL: String {
    let shownHost = host.contains(":") ? "[\(host)]" : host
    return "postgres://\(user)\(password == nil ? "" : ":***")@\(shownHost):\(port)/\(database)"
  }

  private static func port(_ text: Substring?, _ url: String) throws(ClusterError) -> Int {
    guard let text else { return 5432 }
    guard let port = Int(text), (1...65535).contains(port) else {
      throw .badURL(url, "the port \"\(text)\" is not a number from 1 to 65535")
    }
    return port
  }

  private static func percentDecoded(_ text: Substring) -> String {
    var bytes: [UInt8] = []
    var utf8 = Array(text.utf8)[...]
    while let byte = utf8.popFirst() {
      if byte == UInt8(ascii: "%"), utf8.count >= 2,
        let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
      {
        bytes.append(value)
        utf8 = utf8.dropFirst(2)
      } else {
        bytes.append(byte)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The statements that create the table (run when it is missing).
  public var createTableStatements: [String] {
    [
      """
      CREATE TABLE IF NOT EXISTS \(table) (
        id bigserial PRIMARY KEY,
        key text NOT NULL UNIQUE,
        room text NOT NULL,
        node text NOT NULL,
        conn bigint NOT NULL,
        is_binary boolean NOT NULL,
        data bytea NOT NULL,
        created timestamptz NOT NULL DEFAULT now()
      )
      """,
      "CREATE INDEX IF NOT EXISTS \(table)_created ON \(table) (created)",
    ]
  }

  /// The same, for a database owner to run by hand, with the grants this node's user needs.
  public var createTableSQL: String {
    (createTableStatements + [
      "GRANT SELECT, INSERT, DELETE ON \(table) TO \"\(user)\"",
      "GRANT USAGE ON SEQUENCE \(table)_id_seq TO \"\(user)\"",
    ]).map { $0 + ";" }.joined(separator: "\n")
  }
}

/// What goes wrong with a cluster, in words a user can act on.
public enum ClusterError: Error, CustomStringConvertible, Equatable {
  case badURL(String, String)
  case badNodeName(String)
  case badName(String, String)
  case unreachable(String, String)
  case rejected(String, String)
  case missingTable(String, String, String)
  case sessionClosed
  case statementTimedOut(Duration)
  case failed(String)

  public var description: String {
    switch self {
    case .badURL(let url, let why): "--cluster \(url): \(why)"
    case .badNodeName(let name): "--node \"\(name)\": a node name must be non-empty and have no spaces"
    case .badName(let what, let name):
      "\(what) \"\(name)\": use lower-case letters, digits and _ (a PostgreSQL identifier), starting with a letter"
    case .unreachable(let url, let why):
      "cannot reach PostgreSQL at \(url): \(why) (is the server running, and listening on TCP at that address?)"
    case .rejected(let url, let why): "PostgreSQL at \(url) refused the session: \(why)"
    case .missingTable(let table, let why, let sql):
      "the table \(table) is missing and could not be created (\(why)); ask the database owner to run:\n\(sql)"
    case .sessionClosed: "the database session closed during a statement"
    case .statementTimedOut(let limit): "a statement took longer than \(limit)"
    case .failed(let why): "cluster: \(why)"
    }
  }
}

/// Exponential backoff with jitter for reconnecting (the cluster's database sessions and
/// `wslab connect --reconnect`): attempt n waits between half and all of
/// min(maximum, initial × 2ⁿ), so that clients a restarting server dropped together do not all
/// come back at the same instant.
public struct ReconnectBackoff: Sendable {
  public var initial: Double
  public var maximum: Double
  public private(set) var attempt = 0

  public init(initial: Double = 0.1, maximum: Double = 10) {
    self.initial = initial
    self.maximum = maximum
  }

  /// The ceiling of the next delay (seconds), before jitter.
  public var ceiling: Double { min(maximum, initial * Double(1 << min(attempt, 30))) }

  /// The next delay in seconds, and counts the attempt.
  public mutating func next<R: RandomNumberGenerator>(using random: inout R) -> Double {
    let top = ceiling
    attempt += 1
    return top / 2 + Double.random(in: 0...(top / 2), using: &random)
  }

  public mutating func next() -> Double {
    var random = SystemRandomNumberGenerator()
    return next(using: &random)
  }

  /// A success: the next failure starts from the initial delay again.
  public mutating func reset() { attempt = 0 }
}
