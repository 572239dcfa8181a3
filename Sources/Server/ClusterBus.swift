import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO
import Trace

/// Shares a server's rooms with other servers through PostgreSQL (`--cluster`).
///
/// Publishing: messages queue in an outbox; one task writes them in batches, each batch one
/// statement that takes a transaction-scoped advisory lock, inserts the rows and calls
/// `pg_notify` for each, in id order. The lock makes ids commit in increasing order across all
/// nodes, so notifications (delivered in commit order, the same order to every listener) arrive
/// in id order. Rows carry a key unique per node and message, so a batch retried after a lost
/// session is not written twice.
///
/// Delivering: one session `LISTEN`s; each notification is delivered to this node's members in
/// order (the data read from the table when it was too long to ride along). When the session
/// drops, the node reconnects, `LISTEN`s again and reads every row after the last id it
/// delivered before it delivers anything new: LISTEN/NOTIFY alone loses what was sent while a
/// session was away; the table does not. WSLab chooses to route a node's own messages through
/// the database too: every member on every node then sees a room's messages in one order.
final class ClusterBus: Sendable {
  let configuration: ClusterConfiguration
  private let logger: Logger
  private let trace: TraceSink?
  private let group: any EventLoopGroup
  /// Hands a message to this node's members: calls its third argument with their number before it
  /// sends anything (so that the trace says where a message goes before its frames appear).
  typealias Deliverer = @Sendable (ClusterNotification, OutgoingMessage, (Int) -> Void) -> Void
  /// In a struct: a closure stored directly in the generic box is reabstracted on every
  /// `withLockedValue { $0 }` (its inout write-back wraps it in two more thunks), so each call
  /// would get slower than the last. Profiling the cluster bench found it.
  private struct DelivererSlot { var deliver: Deliverer? }
  private let deliverer = NIOLockedValueBox(DelivererSlot())
  private let outbox = NIOLockedValueBox(Outbox())
  private let wakeup = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
  private let tasks = NIOLockedValueBox<[Task<Void, Never>]>([])
  private let connectionIDs = NIOLockedValueBox(0)
  /// Part of every row's key: a node that restarts starts its message count again.
  private let bootID = String(UInt64.random(in: 0...UInt64.max), radix: 36)
  private let counters = NIOLockedValueBox(Counters())

  struct Pending {
    var key: String
    var room: String
    var connection: Int64
    var isBinary: Bool
    var data: ByteBuffer
    var head: String
    var inline: String?
  }

  struct Outbox {
    var queue: [Pending] = []
    var start = 0
    var bytes = 0
    var sequence = 0
    var stopping = false
  }

  /// What the node did, for tests and the benchmark.
  struct Counters: Sendable {
    var published = 0
    var delivered = 0
    var caughtUp = 0
    var reconnects = 0
  }

  init(configuration: ClusterConfiguration, group: any EventLoopGroup, trace: TraceSink?, logger: Logger) {
    self.configuration = configuration
    self.group = group
    self.trace = trace
    var quiet = logger
    quiet.logLevel = .warning
    self.logger = quiet
  }

  /// Who gets the messages: set once, by the server, before ``start()``.
  func setDeliverer(_ deliver: @escaping Deliverer) {
    deliverer.withLockedValue { $0.deliver = deliver }
  }

  var counts: Counters { counters.withLockedValue { $0 } }

  private var node: String { configuration.node }

  // MARK: Starting and stopping

  /// Connects, creates the table when it is missing, starts listening. Throws a
  /// ``ClusterError`` a user can act on.
  func start() async throws {
    try Self.checkName(configuration.table, what: "table")
    try Self.checkName(configuration.channel, what: "channel")
    let publisher = try await connect("publish")
    do {
      try await ensureTable(on: publisher)
      try await publisher.query("SET synchronous_commit = off", logger: logger)
    } catch {
      Self.abandon(publisher)
      throw error
    }
    let ready = NIOLockedValueBox<CheckedContinuation<Void, any Error>?>(nil)
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
      ready.withLockedValue { $0 = continuation }
      let listener = Task {
        await self.runListener { result in
          ready.withLockedValue { waiting in
            waiting?.resume(with: result)
            waiting = nil
          }
        }
      }
      tasks.withLockedValue { $0.append(listener) }
    }
    let publishing = Task { await self.runPublisher(publisher) }
    let pruning = Task { await self.runPruner() }
    tasks.withLockedValue { $0 += [publishing, pruning] }
    note(
      "joined the cluster at \(configuration.redactedURL): LISTEN \(configuration.channel), table \(configuration.table)"
    )
  }

  /// Writes what is still queued (for up to `grace`), then stops listening and closes.
  func stop(grace: Duration) async {
    outbox.withLockedValue { $0.stopping = true }
    wakeup.continuation.finish()
    let deadline = ContinuousClock.now + grace
    while outbox.withLockedValue({ $0.queue.count > $0.start }) && ContinuousClock.now < deadline {
      try? await Task.sleep(for: .milliseconds(10))
    }
    let running = tasks.withLockedValue { t in
      defer { t = [] }
      return t
    }
    for task in running { task.cancel() }
    for task in running { await task.value }
  }

  // MARK: Publishing

  /// Queues a message from connection `connection` in `room`. False when the outbox is full
  /// (the database is too slow or away): the caller closes the sender with 1013.
  func publish(_ message: OutgoingMessage, room: String, connection: Int) -> Bool {
    let data: ByteBuffer
    let isBinary: Bool
    switch message {
    case .text(let text):
      data = ByteBuffer(string: text)
      isBinary = false
    case .binary(let bytes):
      data = bytes
      isBinary = true
    }
    let head = ClusterNotification.head(
      node: node, connection: Int64(connection), isBinary: isBinary, room: room, length: data.readableBytes)
    let inline = ClusterNotification.inlineText(
      data, isBinary: isBinary, headLength: head.utf8.count, limit: configuration.inlineLimit)
    let limit = configuration.maxBacklogBytes
    let accepted = outbox.withLockedValue { o -> Bool in
      guard !o.stopping, o.bytes == 0 || o.bytes + data.readableBytes <= limit else { return false }
      o.sequence += 1
      o.queue.append(
        Pending(
          key: "\(node)/\(bootID)/\(o.sequence)", room: room, connection: Int64(connection), isBinary: isBinary,
          data: data, head: head, inline: inline))
      o.bytes += data.readableBytes
      return true
    }
    if accepted { wakeup.continuation.yield() }
    return accepted
  }

  private func runPublisher(_ first: PostgresConnection) async {
    var connection: PostgresConnection? = first
    var backoff = ReconnectBackoff(initial: configuration.reconnectDelay, maximum: configuration.reconnectMaximum)
    var signals = wakeup.stream.makeAsyncIterator()
    while true {
      let batch = outbox.withLockedValue { o -> [Pending] in
        var batch: [Pending] = []
        var bytes = 0
        var i = o.start
        while i < o.queue.count, batch.count < 256, bytes < 4 << 20 {
          batch.append(o.queue[i])
          bytes += o.queue[i].data.readableBytes
          i += 1
        }
        return batch
      }
      if batch.isEmpty {
        if await signals.next() == nil, outbox.withLockedValue({ $0.queue.count == $0.start }) { break }
        continue
      }
      do {
        if connection == nil {
          let fresh = try await connect("publish")
          try await fresh.query("SET synchronous_commit = off", logger: logger)
          connection = fresh
          counters.withLockedValue { $0.reconnects += 1 }
          note("publishing session back")
        }
        let session = connection!
        try await bounded(session) { try await self.insert(batch, on: $0) }
        outbox.withLockedValue { o in
          o.start += batch.count
          o.bytes -= batch.reduce(0) { $0 + $1.data.readableBytes }
          if o.start > 1024, o.start * 2 > o.queue.count {
            o.queue.removeFirst(o.start)
            o.start = 0
          }
        }
        backoff.reset()
      } catch {
        if Task.isCancelled { break }
        Self.abandon(connection)
        connection = nil
        let delay = backoff.next()
        note(
          "publishing session lost (\(Self.describe(error))): \(batch.count) message(s) wait; "
            + "retrying in \(Self.seconds(delay))")
        try? await Task.sleep(for: .seconds(delay))
        if Task.isCancelled { break }
      }
    }
    Self.abandon(connection)
  }

  private func insert(_ batch: [Pending], on connection: PostgresConnection) async throws {
    let keys = batch.map(\.key)
    let rooms = batch.map(\.room)
    let connections = batch.map(\.connection)
    let binaries = batch.map(\.isBinary)
    let datas = batch.map(\.data)
    let heads = batch.map(\.head)
    let inlines = batch.map { $0.inline ?? "" }
    let hasInline = batch.map { $0.inline != nil }
    let table = configuration.table
    let query: PostgresQuery = """
      WITH advisory AS (SELECT pg_advisory_xact_lock(\(Self.lockKey))),
      batch AS (
        SELECT * FROM unnest(\(keys)::text[], \(rooms)::text[], \(connections)::int8[], \(binaries)::bool[],
                             \(datas)::bytea[], \(heads)::text[], \(inlines)::text[], \(hasInline)::bool[])
          WITH ORDINALITY AS b(key, room, conn, is_binary, data, head, inline, has_inline, ord)
      ),
      ins AS (
        INSERT INTO \(unescaped: table) (key, room, node, conn, is_binary, data)
        SELECT b.key, b.room, \(node), b.conn, b.is_binary, b.data FROM advisory, batch b ORDER BY b.ord
        ON CONFLICT (key) DO NOTHING
        RETURNING id, key
      )
      SELECT ins.id, ins.key,
             pg_notify(\(configuration.channel),
                       ins.id::text || ' ' || b.head || CASE WHEN b.has_inline THEN E'\\n' || b.inline ELSE '' END)::text
        FROM ins JOIN batch b ON b.key = ins.key ORDER BY ins.id
      """
    // Traced before the statement runs: the notification may come back before its answer. The
    // id comes from the sequence inside the statement (the arriving NOTIFY shows it).
    if trace != nil {
      for message in batch {
        let payload = "<id> \(message.head)" + (message.inline.map { "\n" + $0 } ?? "")
        note(
          "c\(message.connection) → PostgreSQL: INSERT INTO \(table) (id from the sequence) and "
            + "NOTIFY \(configuration.channel), '\(Self.shown(payload))'"
            + (message.inline == nil ? " (the \(message.data.readableBytes) bytes stay in the row)" : ""))
      }
    }
    let rows = try await connection.query(query, logger: logger)
    var written = 0
    for try await _ in rows.decode((Int64, String, String).self) { written += 1 }
    counters.withLockedValue { $0.published += written }
  }

  // MARK: Delivering

  private func runListener(ready: @escaping @Sendable (Result<Void, any Error>) -> Void) async {
    var backoff = ReconnectBackoff(initial: configuration.reconnectDelay, maximum: configuration.reconnectMaximum)
    var last: Int64? = nil
    var lostAt: ContinuousClock.Instant? = nil
    while !Task.isCancelled {
      var connection: PostgresConnection? = nil
      do {
        let session = try await connect("listen")
        connection = session
        try await session.listen(on: configuration.channel) { notifications in
          if let since = last {
            let away = lostAt.map { ContinuousClock.now - $0 }
            if let away, away > configuration.retention {
              logger.warning(
                "the listening session was away longer than the retention: messages older than it are gone")
            }
            lostAt = nil
            var cursor = since
            defer { last = cursor }
            try await catchUp(&cursor, on: session)
            counters.withLockedValue { $0.reconnects += 1 }
          } else {
            last = try await newestID(on: session)
            ready(.success(()))
          }
          backoff.reset()
          for try await notification in notifications {
            guard let parsed = ClusterNotification(payload: notification.payload) else {
              logger.warning("ignored a notification that is not WSLab's: \(notification.payload.prefix(80))")
              continue
            }
            guard parsed.id > last! else { continue }
            try await deliver(parsed, on: session)
            last = parsed.id
          }
        }
        if !Task.isCancelled { note("listening session ended") }
      } catch {
        if last == nil {
          ready(.failure(error))
          Self.abandon(connection)
          return
        }
        if Task.isCancelled { break }
        lostAt = lostAt ?? ContinuousClock.now
        let delay = backoff.next()
        note("listening session lost (\(Self.describe(error))): reconnecting in \(Self.seconds(delay))")
        Self.abandon(connection)
        try? await Task.sleep(for: .seconds(delay))
        continue
      }
      Self.abandon(connection)
    }
  }

  private func deliver(_ notification: ClusterNotification, on session: PostgresConnection) async throws {
    var data = notification.inline
    var fromTable = false
    if data == nil {
      let query: PostgresQuery = "SELECT data FROM \(unescaped: configuration.table) WHERE id = \(notification.id)"
      data = try await bounded(session) { [logger] session in
        var found: ByteBuffer? = nil
        for try await (bytes) in try await session.query(query, logger: logger).decode(ByteBuffer.self) {
          found = bytes
        }
        return found
      }
      fromTable = true
    }
    guard let data else {
      logger.warning("message \(notification.id) is no longer in \(configuration.table) (pruned)")
      return
    }
    deliverer.withLockedValue { $0.deliver }?(notification, notification.message(data)) { members in
      counters.withLockedValue { $0.delivered += members }
      if trace != nil {
        note(
          "PostgreSQL → NOTIFY id \(notification.id) from \(notification.node) c\(notification.connection) "
            + "(room \(notification.room), \(notification.length) bytes\(fromTable ? ", read from the row" : "")) "
            + "→ \(members) member(s) here")
      }
    }
  }

  /// After a lost session: every row after `last` (the last delivered), in order, before anything
  /// new. Read in pages of at most 500 rows and about 4 MiB (a long absence never loads everything
  /// at once), each page bounded like any statement; `last` moves with every row delivered, so a
  /// session lost during the catch-up goes on from there on the next one.
  private func catchUp(_ last: inout Int64, on session: PostgresConnection) async throws {
    let table = configuration.table
    let from = last
    let (count, newest) = try await bounded(session) { [logger] session in
      var summary = (0, from)
      let rows = try await session.query(
        "SELECT count(*), coalesce(max(id), \(from)) FROM \(unescaped: table) WHERE id > \(from)", logger: logger)
      for try await (count, maxID) in rows.decode((Int64, Int64).self) { summary = (Int(count), maxID) }
      return summary
    }
    note(
      "listening again: LISTEN \(configuration.channel), then read the rows after id \(from): "
        + "\(count) missed message(s)" + (count > 0 ? " (up to id \(newest)), delivered before anything new" : ""))
    while last < newest {
      let cursor = last
      let page = try await bounded(session) { [logger] session in
        var page: [ClusterNotification] = []
        let rows = try await session.query(
          """
          SELECT id, node, conn, is_binary, room, data FROM (
            SELECT *, sum(octet_length(data)) OVER (ORDER BY id) - octet_length(data) AS before
              FROM \(unescaped: table) WHERE id > \(cursor) AND id <= \(newest) ORDER BY id LIMIT 500) AS page
            WHERE before < 4194304 ORDER BY id
          """, logger: logger)
        for try await (rowID, node, connection, isBinary, room, data) in rows.decode(
          (Int64, String, Int64, Bool, String, ByteBuffer).self)
        {
          page.append(
            ClusterNotification(
              id: rowID, node: node, connection: connection, isBinary: isBinary, room: room, data: data,
              length: data.readableBytes))
        }
        return page
      }
      if page.isEmpty { break }
      for notification in page {
        deliverer.withLockedValue { $0.deliver }?(notification, notification.message(notification.inline!)) { members in
          counters.withLockedValue {
            $0.delivered += members
            $0.caughtUp += 1
          }
        }
        last = notification.id
      }
    }
    last = max(last, newest)
  }

  private func newestID(on session: PostgresConnection) async throws -> Int64 {
    let rows = try await session.query(
      "SELECT coalesce(max(id), 0) FROM \(unescaped: configuration.table)", logger: logger)
    var newest: Int64 = 0
    for try await (id) in rows.decode(Int64.self) { newest = id }
    return newest
  }

  // MARK: Pruning

  private func runPruner() async {
    let retention = configuration.retention
    let interval = max(Duration.seconds(1), retention / 4)
    let seconds = Double(retention.components.seconds) + Double(retention.components.attoseconds) / 1e18
    while !Task.isCancelled {
      try? await Task.sleep(for: interval)
      if Task.isCancelled { break }
      do {
        let session = try await connect("prune")
        let query: PostgresQuery =
          "DELETE FROM \(unescaped: configuration.table) WHERE created < now() - make_interval(secs => \(seconds))"
        try await session.query(query, logger: logger)
        Self.abandon(session)
      } catch {
        logger.warning("pruning \(configuration.table) failed: \(Self.describe(error))")
      }
    }
  }

  // MARK: Sessions

  private static let lockKey: Int64 = 6455_7692

  private func connect(_ role: String) async throws -> PostgresConnection {
    var config = PostgresConnection.Configuration(
      host: configuration.host, port: configuration.port, username: configuration.user,
      password: configuration.password, database: configuration.database, tls: .disable)
    let timeout = configuration.connectTimeout.components
    config.options.connectTimeout = .nanoseconds(timeout.seconds * 1_000_000_000 + timeout.attoseconds / 1_000_000_000)
    config.options.additionalStartupParameters = [("application_name", "wslab \(node) \(role)")]
    let id = connectionIDs.withLockedValue { n in
      n += 1
      return n
    }
    do {
      return try await PostgresConnection.connect(on: group.any(), configuration: config, id: id, logger: logger)
    } catch let error as PSQLError where error.code == .server {
      throw ClusterError.rejected(configuration.redactedURL, Self.describe(error))
    } catch {
      throw ClusterError.unreachable(configuration.redactedURL, Self.describe(error))
    }
  }

  private func ensureTable(on session: PostgresConnection) async throws {
    // Nodes that start together would race to create it: one at a time.
    try await session.query("SELECT pg_advisory_lock(\(Self.lockKey + 1))", logger: logger)
    let outcome: Result<Void, any Error>
    do {
      try await createTableIfMissing(on: session)
      outcome = .success(())
    } catch {
      outcome = .failure(error)
    }
    try await session.query("SELECT pg_advisory_unlock(\(Self.lockKey + 1))", logger: logger)
    try outcome.get()
  }

  private func createTableIfMissing(on session: PostgresConnection) async throws {
    let table = configuration.table
    let rows = try await session.query("SELECT to_regclass(\(table))::text", logger: logger)
    var found: String? = nil
    for try await (name) in rows.decode(String?.self) { found = name }
    guard found == nil else { return }
    do {
      for statement in configuration.createTableStatements {
        try await session.query(PostgresQuery(unsafeSQL: statement), logger: logger)
      }
      note("created the table \(table)")
    } catch {
      throw ClusterError.missingTable(table, Self.describe(error), configuration.createTableSQL)
    }
  }

  private static func checkName(_ name: String, what: String) throws {
    let utf8 = Array(name.utf8)
    guard let first = utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first), utf8.count <= 63,
      utf8.allSatisfy({
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
          || $0 == UInt8(ascii: "_")
      })
    else { throw ClusterError.badName(what, name) }
  }

  /// Runs one statement's work on `session`, but stops waiting for it when the session has been
  /// closed for a moment or after ``ClusterConfiguration/statementTimeout``: PostgresNIO can leave
  /// a statement waiting forever when the server ends the session at the wrong moment (seen with
  /// `pg_terminate_backend` during a batch). The caller then abandons the session and retries on
  /// a new one (the publisher's inserts are idempotent, the listener re-reads from its last id).
  private func bounded<T: Sendable>(
    _ session: PostgresConnection, _ work: @escaping @Sendable (PostgresConnection) async throws -> T
  ) async throws -> T {
    if session.isClosed { throw ClusterError.sessionClosed }
    let waiting = NIOLockedValueBox<CheckedContinuation<T, any Error>?>(nil)
    let task = NIOLockedValueBox<Task<Void, Never>?>(nil)
    let watchdog = NIOLockedValueBox<RepeatedTask?>(nil)
    let limit = configuration.statementTimeout
    let (seconds, attoseconds) = limit.components
    let ticks = max(1, (seconds * 1_000 + attoseconds / 1_000_000_000_000_000) / 250)
    let finish: @Sendable (Result<T, any Error>) -> Void = { result in
      let continuation = waiting.withLockedValue { continuation in
        defer { continuation = nil }
        return continuation
      }
      guard let continuation else { return }
      continuation.resume(with: result)
      watchdog.withLockedValue { $0 }?.cancel()
      if case .failure = result { task.withLockedValue { $0 }?.cancel() }
    }
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        waiting.withLockedValue { $0 = continuation }
        // A watchdog every 250 ms: the session closed two ticks ago (its own error had time to
        // arrive), or the limit passed.
        let tick = NIOLockedValueBox((count: Int64(0), closedAt: Int64?.none))
        let repeated = session.eventLoop.scheduleRepeatedTask(
          initialDelay: .milliseconds(250), delay: .milliseconds(250)
        ) { _ in
          let (count, closedAt) = tick.withLockedValue { t in
            t.count += 1
            if session.isClosed, t.closedAt == nil { t.closedAt = t.count }
            return (t.count, t.closedAt)
          }
          if let closedAt, count - closedAt >= 2 {
            finish(.failure(ClusterError.sessionClosed))
          } else if count >= ticks {
            finish(.failure(ClusterError.statementTimedOut(limit)))
          }
        }
        watchdog.withLockedValue { $0 = repeated }
        task.withLockedValue {
          $0 = Task {
            let result: Result<T, any Error>
            do { result = .success(try await work(session)) } catch { result = .failure(error) }
            finish(result)
          }
        }
      }
    } onCancel: {
      finish(.failure(CancellationError()))
    }
  }

  /// Closes a session without waiting (closing one the server already dropped can take long).
  private static func abandon(_ connection: PostgresConnection?) {
    guard let connection else { return }
    let closing: EventLoopFuture<Void> = connection.close()
    // Held until closed: PostgresNIO asserts that a connection is closed before it goes away.
    closing.whenComplete { _ in withExtendedLifetime(connection) {} }
  }

  // MARK: Words

  private func note(_ text: String) {
    trace?.record(.note(text), source: node)
  }

  /// An error in a few words: PostgreSQL's own message, or the network's.
  static func describe(_ error: any Error) -> String {
    if let cluster = error as? ClusterError {
      switch cluster {
      case .unreachable(_, let why), .rejected(_, let why): return why
      default: return "\(cluster)"
      }
    }
    if let psql = error as? PSQLError {
      if let message = psql.serverInfo?[.message] {
        let state = psql.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
        return message + state
      }
      if let underlying = psql.underlying { return describe(underlying) }
      switch psql.code {
      case .serverClosedConnection, .uncleanShutdown: return "the server closed the session"
      case .clientClosedConnection: return "the session was closed"
      default: return "\(psql.code)"
      }
    }
    let text = "\(error)"
    for known in ["Connection refused", "Connection reset by peer", "No route to host", "timed out", "connectTimeout"]
    where text.contains(known) {
      return known == "connectTimeout" ? "timed out" : known.lowercased()
    }
    return text
  }

  static func shown(_ payload: String) -> String {
    var text = payload.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\\n")
    if text.count > 72 { text = String(text.prefix(71)) + "…" }
    return text
  }

  static func seconds(_ value: Double) -> String {
    value < 1 ? "\(Int((value * 1000).rounded())) ms" : "\(Double(Int(value * 10)) / 10) s"
  }
}
