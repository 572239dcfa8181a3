// Lesson 07 — when one server is not enough.
//
// Three real WSLab servers share a chat room through a real PostgreSQL server, which the lesson
// starts itself (scripts/postgres.sh: a throwaway cluster on a free loopback port) unless
// WSLAB_POSTGRES_URL names one. Everything shown is what the three servers traced; ports are
// replaced by letters of the same length and reconnect delays (random jitter) by N, so the text
// is the same on every run.

import Foundation
import Framing
import LessonSupport
import NIOCore
import Server
import Trace

var lesson = Lesson(number: 7, title: "when one server is not enough", chinese: chinese)

// MARK: - PostgreSQL for the lesson

/// The lesson's PostgreSQL: WSLAB_POSTGRES_URL, or a throwaway server started with
/// scripts/postgres.sh (found above the lesson's executable or in the current folder).
struct LessonPostgres {
  let url: String
  let folder: String?
  let script: String?

  static func start() -> LessonPostgres {
    if let url = ProcessInfo.processInfo.environment["WSLAB_POSTGRES_URL"], !url.isEmpty {
      return LessonPostgres(url: url, folder: nil, script: nil)
    }
    guard let script = findScript() else {
      fail("lesson 7 needs PostgreSQL: run it from the WSLab folder (make lesson N=7), or set WSLAB_POSTGRES_URL")
    }
    let folder = NSTemporaryDirectory() + "wslab-lesson07-\(getpid())"
    let (status, output) = run(["bash", script, "start", folder])
    guard status == 0, let url = output.split(separator: "\n").last.map(String.init), url.hasPrefix("postgres://")
    else {
      fail("lesson 7 could not start PostgreSQL with \(script):\n\(output)")
    }
    return LessonPostgres(url: url, folder: folder, script: script)
  }

  static func findScript() -> String? {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<6 {
      let candidate = dir.appendingPathComponent("scripts/postgres.sh").path
      if FileManager.default.fileExists(atPath: candidate) { return candidate }
      dir = dir.deletingLastPathComponent()
    }
    let here = FileManager.default.currentDirectoryPath + "/scripts/postgres.sh"
    return FileManager.default.fileExists(atPath: here) ? here : nil
  }

  /// Runs a command and waits for it (posix_spawn and waitpid: Foundation's Process waits on
  /// the main run loop, which this async program never runs). The output goes through a file,
  /// not a pipe: the PostgreSQL server that `postgres.sh start` leaves running would inherit a
  /// pipe and hold it open.
  static func run(_ arguments: [String]) -> (Int32, String) {
    let outputPath = NSTemporaryDirectory() + "wslab-lesson07-output-\(getpid())"
    defer { unlink(outputPath) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let argv = (["/usr/bin/env"] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, "/usr/bin/env", &actions, nil, argv, environ)
    guard spawned == 0 else { return (127, "\(arguments[0]): \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    let exited = status & 0x7f == 0
    return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), text)
  }

  static func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("lesson 7: " + message + "\n").utf8))
    exit(1)
  }

  /// Runs SQL with psql (Debian's postgresql-client comes with the server).
  @discardableResult
  func psql(_ sql: String) -> String {
    let (status, output) = Self.run(["psql", url, "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql])
    if status != 0 { Self.fail("psql: \(output)") }
    return output.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  func stop() {
    if let folder, let script { _ = Self.run(["bash", script, "stop", folder]) }
  }
}

let postgres = LessonPostgres.start()
let table = "lesson07_messages"
// A fresh table: message ids start at 1 on every run.
postgres.psql("DROP TABLE IF EXISTS \(table)")

// MARK: - Showing what the nodes traced

/// What changes from run to run besides the ports (TraceMask): the database's port and the
/// random part of a reconnect delay.
func maskLesson7(_ s: String) -> String {
  s.replacingOccurrences(
    of: #"postgres://wslab:\*\*\*@127\.0\.0\.1:\d+/wslab"#, with: "postgres://wslab:***@127.0.0.1:DBPORT/wslab",
    options: .regularExpression
  ).replacingOccurrences(
    of: #"reconnecting in [0-9.]+ m?s"#, with: "reconnecting in N s", options: .regularExpression)
}

/// One node of the lesson: a WSLab server in chat mode with `--cluster`, traced in memory.
final class Node {
  let name: String
  let sink = TraceSink.memory()
  let server: WebSocketServer
  var port = 0

  init(_ name: String, capture: CaptureFile?) throws {
    self.name = name
    var config = ServerConfiguration()
    config.port = 0
    config.mode = .chat
    config.deflate = .disabled
    config.keepaliveInterval = nil
    config.idleTimeout = nil
    config.shutdownGracePeriod = .seconds(2)
    config.trace = sink
    config.capture = capture
    var cluster = try ClusterConfiguration(url: postgres.url, node: name)
    cluster.table = table
    // Long enough that the messages sent while a node is away are surely read back by its
    // catch-up (section 5), not by a notification.
    cluster.reconnectDelay = 1.5
    config.cluster = cluster
    server = WebSocketServer(configuration: config)
  }

  func start() async throws { port = try await server.start().port! }

  /// Waits (bounded) until the trace holds `marker` `count` times.
  func wait(for marker: String, count: Int = 1) async {
    let deadline = Date().addingTimeInterval(15)
    while sink.contents.components(separatedBy: marker).count - 1 < count && Date() < deadline {
      try? await Task.sleep(for: .milliseconds(10))
    }
  }
}

@MainActor func show(_ node: Node, ports: [Int]) {
  _ = node.sink.drain()
  let mask = TraceMask(ports: ports, rewrite: maskLesson7)
  for (source, event) in node.sink.drainEvents() {
    let tag = source.map { $0 == node.name ? $0 : "\(node.name) \($0)" } ?? node.name
    lesson.show(mask.event(event), source: tag)
  }
  lesson.line()
}

func clientConfiguration(seed: UInt64) -> ClientConfiguration {
  var config = ClientConfiguration()
  config.deflate = .disabled
  config.deterministicSeed = seed
  return config
}

@MainActor func next(_ socket: WebSocket) async throws -> WebSocketMessage? {
  for try await message in socket.messages { return message }
  return nil
}

lesson.banner("Three servers, one chat room, PostgreSQL in between: LISTEN/NOTIFY, catch-up, draining.")

// MARK: - 1
lesson.heading("Three servers, one database")
lesson.say(
  """
  One WSLab server holds its chat rooms in memory: a message reaches the members connected to \
  that process. When one process is not enough (more connections than a machine holds, or a \
  server that must restart without a pause), several servers must share the rooms. Each \
  WebSocket stays on the server it opened (it is one TCP connection), so what crosses between \
  servers is the message, not the connection.

  WSLab shares rooms through PostgreSQL, as ActionCable and Socket.IO's PostgreSQL adapter do: \
  every message becomes a row with a sequence id, announced with NOTIFY; every server LISTENs \
  and hands each message to its own members. The lesson has started PostgreSQL and now starts \
  three servers, as `wslab serve --mode chat --cluster postgres://… --node n1` (n2, n3) would. \
  The first creates the table:
  """)
let captureFile = lesson.pcapPath.map { path in
  do { return try CaptureFile(path: path) } catch { fatalError("\(error)") }
}
let nodes = try ["n1", "n2", "n3"].map { try Node($0, capture: captureFile) }
for node in nodes { try await node.start() }
let ports = nodes.map(\.port)
for node in nodes { show(node, ports: ports) }
lesson.markKeyBytes("The message leaving n3 for Carol: a frame, after a row and a NOTIFY.")
let createTable = try ClusterConfiguration(url: postgres.url, node: "n1")
var lessonTable = createTable
lessonTable.table = table
lesson.say(
  """
  The table, as the first node created it (ClusterConfiguration.createTableStatements; `key` \
  makes a retried write harmless, `created` lets old rows be pruned):
  """)
for statement in lessonTable.createTableStatements {
  let lines = (statement + ";").split(separator: "\n")
  for line in lines { lesson.line("  " + line) }
}
lesson.line()

// MARK: - 2
lesson.heading("A message crosses to the other servers")
lesson.say(
  """
  Alice joins /lobby on n1, Bob on n2, Carol on n3, each a WebSocket to a different server. \
  Alice sends "hi, all". Follow it: her frame arrives at n1; n1 writes the row and notifies in \
  one statement; PostgreSQL hands the notification to every listening session, n1's own \
  included; each node sends the message on to its members in the room (on n1 nobody: chat \
  mode does not echo a message to its sender).
  """)
let alice = try await WebSocketClient.connect(
  to: "ws://127.0.0.1:\(ports[0])/lobby", configuration: clientConfiguration(seed: 1))
let bob = try await WebSocketClient.connect(
  to: "ws://127.0.0.1:\(ports[1])/lobby", configuration: clientConfiguration(seed: 2))
let carol = try await WebSocketClient.connect(
  to: "ws://127.0.0.1:\(ports[2])/lobby", configuration: clientConfiguration(seed: 3))
for node in nodes { await node.wait(for: "app ← opened") }
for node in nodes { _ = node.sink.drain(); _ = node.sink.drainEvents() }
try await alice.send(text: "hi, all")
_ = try await next(bob)
_ = try await next(carol)
await nodes[0].wait(for: "→ 0 member(s) here")
await nodes[1].wait(for: "frame: text")
await nodes[2].wait(for: "frame: text")
for node in nodes { show(node, ports: ports) }

let payload = "1 n1 1 text /lobby 7\nhi, all"
let fields = payload.split(separator: "\n")[0].split(separator: " ")
lesson.say("The notification's payload, field by field (WSLab's format; PostgreSQL only carries the text):")
lesson.table(
  ["field", "value", "meaning"],
  [
    ["id", String(fields[0]), "the row's id: one sequence for the whole cluster"],
    ["node", String(fields[1]), "who published (a node skips its sender)"],
    ["conn", String(fields[2]), "the sender's connection on that node"],
    ["kind", String(fields[3]), "text, or binary (then base64)"],
    ["room", String(fields[4]), "the request path: the chat room"],
    ["length", String(fields[5]), "bytes of the message"],
    ["after \\n", "hi, all", "the message, when it fits (under 7,000 bytes)"],
  ])
let notifyBytes = 1 + 4 + 4 + "wslab".utf8.count + 1 + payload.utf8.count + 1
lesson.say(
  """
  What the hop costs, in messages: one statement from n1 (INSERT and pg_notify together, one \
  round trip), and one NotificationResponse from PostgreSQL to each of the three listening \
  sessions: 'A', a 4-byte length, the sender's process id, the channel "wslab" and the \
  payload, each string ending in a zero byte: \(notifyBytes) bytes here for a 7-byte message. \
  In time, the hop adds a database round trip and a commit to every message, even between two \
  members of the same node: WSLab chooses one order for everyone over the shortcut. \
  `make bench` measures it (its cluster row): deliveries per second with one, two and three \
  nodes, and the latency the hop adds against one server without a database.
  """)

// MARK: - 3
lesson.heading("One order for every member")
lesson.say(
  """
  Ids come from one sequence, but two nodes writing at once could commit out of id order, and \
  NOTIFY delivers in commit order. So each write first takes a transaction-scoped advisory \
  lock (pg_advisory_xact_lock): writes commit one after another, ids commit in increasing \
  order, and every node sees the notifications (which PostgreSQL delivers in commit order, \
  the same order to every listener) in id order. Now all three send at once, and the lesson \
  compares what each member received with the table's id order (which node wins the race \
  changes from run to run; the agreement does not):
  """)
async let sentByAlice: Void = alice.send(text: "from Alice")
async let sentByBob: Void = bob.send(text: "from Bob")
async let sentByCarol: Void = carol.send(text: "from Carol")
_ = try await (sentByAlice, sentByBob, sentByCarol)
var received: [[String]] = []
for socket in [alice, bob, carol] {
  var texts: [String] = []
  for _ in 0..<2 {
    if case .text(let text) = try await next(socket) { texts.append(text) }
  }
  received.append(texts)
}
for node in nodes { await node.wait(for: "NOTIFY id 4") }
let tableOrder = postgres.psql(
  "SELECT string_agg(convert_from(data, 'UTF8'), '|' ORDER BY id) FROM \(table) WHERE id > 1"
).split(separator: "|").map(String.init)
let names = ["Alice", "Bob", "Carol"]
lesson.table(
  ["member", "received", "compared with the table's order"],
  names.indices.map { i in
    let expected = tableOrder.filter { $0 != "from \(names[i])" }
    return [
      "\(names[i]) on n\(i + 1)", "\(received[i].count) messages", received[i] == expected ? "the same" : "DIFFERENT",
    ]
  })
for node in nodes { _ = node.sink.drain(); _ = node.sink.drainEvents() }

// MARK: - 4
lesson.heading("A large message rides in the table")
lesson.say(
  """
  A NOTIFY payload must stay under 8,000 bytes (PostgreSQL's limit). Alice sends 100 KiB: the \
  notification carries only the fields, without the newline and the data, and every node reads \
  the row (one more query per node):
  """)
try await alice.send(text: String(repeating: "x", count: 100 * 1024))
_ = try await next(bob)
_ = try await next(carol)
await nodes[0].wait(for: "read from the row")
await nodes[2].wait(for: "frame: text")
show(nodes[0], ports: ports)
lesson.say("And on n3 (n2 looks the same):")
show(nodes[2], ports: ports)
_ = nodes[1].sink.drain()
_ = nodes[1].sink.drainEvents()

// MARK: - 5
lesson.heading("What LISTEN/NOTIFY does not promise")
lesson.say(
  """
  A notification goes to the sessions listening when it is committed. A session that is away \
  (a network blip, a database restart, a failover) misses it, and PostgreSQL keeps no copy: \
  LISTEN/NOTIFY is a doorbell, not a mailbox. The table is the mailbox. Here the database ends \
  n3's listening session (pg_terminate_backend, as an administrator or a failover would), and \
  Alice sends two messages while n3 is away:
  """)
postgres.psql(
  "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'wslab n3 listen'")
await nodes[2].wait(for: "listening session lost")
try await alice.send(text: "are you there?")
try await alice.send(text: "n3 was away")
for _ in 0..<2 {
  _ = try await next(bob)
  _ = try await next(carol)
}
await nodes[2].wait(for: "missed message(s) delivered")
await nodes[2].wait(for: "frame: text", count: 2)
show(nodes[2], ports: ports)
lesson.say(
  """
  On reconnecting, n3 LISTENs first and then reads every row after the last id it delivered \
  (5): the two it missed (6 and 7), in order, before anything new. Listening before reading \
  closes the gap between the two: a message committed in between is in the read and also \
  notified, and the notification, with an id already delivered, is skipped. Carol missed \
  nothing. The rows stay for `--cluster-retention` seconds (300 by default); a node away for \
  longer cannot catch up.
  """)
for node in nodes { _ = node.sink.drain(); _ = node.sink.drainEvents() }

// MARK: - 6
lesson.heading("Draining a server: 1012, and reconnecting with backoff")
lesson.say(
  """
  With rooms shared, no client needs to stay on one server: the load balancer may send a \
  client to any node (no sticky sessions), and a node may leave. To restart n2 without losing \
  Bob, n2 closes his WebSocket with 1012 (Service Restart, from the IANA registry that RFC 6455 \
  §11.7 created), which `wslab serve` does on SIGTERM (on Ctrl-C, SIGINT, it says 1001, going \
  away): the client should come back.
  """)
try await nodes[1].server.shutdown(code: .serviceRestart)
let bobClosed = try await bob.closed
await nodes[1].wait(for: "TCP connection closed")
show(nodes[1], ports: ports)
lesson.line("Bob's client reports: \(bobClosed)")
lesson.line()
var random = SeededRandom(seed: 7)
var backoff = ReconnectBackoff(initial: 0.1, maximum: 10)
var rows: [[String]] = []
for attempt in 1...7 {
  let ceiling = backoff.ceiling
  let delay = backoff.next(using: &random)
  rows.append([
    "\(attempt)", String(format: "%.1f s", ceiling / 2), String(format: "%.1f s", ceiling),
    String(format: "%.2f s", delay),
  ])
}
lesson.say(
  """
  Every client of n2 got the same close at the same instant. If all came back at once, the \
  surviving servers would take a wave of handshakes; if each waited the same fixed time, the \
  wave would only move. `wslab connect --reconnect` (and ReconnectBackoff in the library) \
  waits between half and all of a ceiling that doubles from 0.1 s up to 10 s, at random \
  (seeded here):
  """)
lesson.table(["attempt", "at least", "at most", "this time"], rows)

try await alice.close()
try await carol.close()
for node in [nodes[0], nodes[2]] { try await node.server.shutdown() }
postgres.stop()

lesson.box(
  "Common misconceptions",
  [
    "WebSocket servers need sticky sessions. Not once the rooms are shared: each WebSocket stays on the server it opened anyway, and a reconnecting client may land on any server. Sticky sessions matter for protocols that spread one session over many requests (long polling, Socket.IO's polling transport).",
    "LISTEN/NOTIFY is a message queue. It delivers only to sessions listening at commit time and keeps nothing; a queue (here the table, read after reconnecting) is what makes delivery survive a lost session.",
    "A NOTIFY can carry any message. Its payload must be under 8,000 bytes and valid text: large or binary messages go in a table, with the notification pointing to them.",
    "1001 and 1012 mean the same. 1001 (going away) says the endpoint is leaving; 1012 (service restart) says come back. A client may reconnect after either, but only 1012 asks it to.",
  ])

lesson.exercises([
  Exercise(
    """
    Start PostgreSQL (scripts/postgres.sh start /tmp/pg prints a URL), then two servers: \
    `wslab serve --mode chat --port 9001 --cluster URL --node a --trace` and the same with \
    --port 9002 --node b. Connect `wslab connect ws://127.0.0.1:9001/r` and \
    `wslab connect ws://127.0.0.1:9002/r` and type. Which node's trace shows the INSERT? How \
    many bytes is the NOTIFY payload for "hi" from node a's connection 1 to /r, as row 1?
    """,
    answer: """
      Only the node your typing client is connected to: it writes the row and notifies \
      ("c1 → PostgreSQL: INSERT INTO wslab_messages (id from the sequence) and NOTIFY wslab, …"). \
      Both nodes then \
      show the notification arriving ("PostgreSQL → NOTIFY id N from a c1 … → M member(s) \
      here"): 0 members on the sender's node (it does not echo to the sender), 1 on the other, \
      which sends the frame on. \
      For "hi" from node a's connection 1 to /r as row 1 the payload is \
      \(checkedAnswer("7.1")) bytes: "1 a 1 text /r 2", a newline, and "hi".
      """,
    check: "wslab serve --mode chat --cluster URL --trace"),
  Exercise(
    """
    A message of 5,200 bytes of binary: does it ride in the notification? And 5,300? \
    (Base64 turns 3 bytes into 4; the head of fields is about 25 bytes; WSLab's limit is 7,000.)
    """,
    answer: """
      5,200 bytes become 6,936 characters of base64: with the fields they stay under 7,000, so \
      the notification carries them. 5,300 bytes become 7,068: too long, so the notification \
      carries only the fields and every node reads the row. (Text rides as it is, so text up to \
      about 6,950 bytes fits.)
      """),
  Exercise(
    """
    Stop one of your two servers with `kill -TERM PID` while `wslab connect --reconnect \
    ws://127.0.0.1:9002/r` is connected to it, then start it again. What does the client print, \
    and with which close code does it start?
    """,
    answer: """
      "closed: 1012 service restart \\"server restarting\\"", then "reconnecting in … ms \
      (attempt 1)", a "connection refused" line per attempt while the server is down (each \
      wait longer, with jitter), and "connected to ws://127.0.0.1:9002/r" once it is back; \
      messages typed meanwhile are sent then. \
      The code is \(checkedAnswer("7.3")): the server was told to restart (SIGTERM), not to go away.
      """,
    check: "wslab connect --reconnect ws://127.0.0.1:9002/r"),
])
lesson.finish(next: nil)
