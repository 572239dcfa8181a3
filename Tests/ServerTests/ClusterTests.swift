import NIOCore
import NIOPosix
import XCTest

@testable import Server

/// The cluster's pieces that need no database: URLs, notifications, backoff, and the errors a
/// node gives when PostgreSQL is not there. The cluster itself, with PostgreSQL and three nodes,
/// is tested by scripts/cluster-test.sh.
final class ClusterConfigurationTests: XCTestCase {
  func testURLs() throws {
    let full = try ClusterConfiguration(url: "postgres://ann:s%40cret@db.example:6543/chat", node: "n1")
    XCTAssertEqual(full.user, "ann")
    XCTAssertEqual(full.password, "s@cret")
    XCTAssertEqual(full.host, "db.example")
    XCTAssertEqual(full.port, 6543)
    XCTAssertEqual(full.database, "chat")
    XCTAssertEqual(full.redactedURL, "postgres://ann:***@db.example:6543/chat")

    let plain = try ClusterConfiguration(url: "postgresql://bob@127.0.0.1/wslab?sslmode=disable", node: "a:1")
    XCTAssertEqual(plain.port, 5432)
    XCTAssertNil(plain.password)
    XCTAssertEqual(plain.database, "wslab")
    let fromEnvironment = try ClusterConfiguration(
      url: "postgres://bob@[::1]:5000/x", node: "n", environmentPassword: "pw")
    XCTAssertEqual(fromEnvironment.host, "::1")
    XCTAssertEqual(fromEnvironment.port, 5000)
    XCTAssertEqual(fromEnvironment.password, "pw")
    XCTAssertEqual(fromEnvironment.redactedURL, "postgres://bob:***@[::1]:5000/x")
  }

  func testBadURLsSayWhy() {
    let cases: [(String, String)] = [
      ("mysql://a@b/c", "it must start with postgres:// (postgres://USER@HOST:PORT/DATABASE)"),
      ("postgres://localhost/db", "no user: write postgres://USER@HOST:PORT/DATABASE"),
      ("postgres://a@localhost", "no database: write postgres://USER@HOST:PORT/DATABASE"),
      ("postgres://a@localhost:99999/db", "the port \"99999\" is not a number from 1 to 65535"),
      ("postgres://a@:5432/db", "the host is empty"),
      ("postgres://@h/db", "the user name is empty"),
    ]
    for (url, why) in cases {
      XCTAssertThrowsError(try ClusterConfiguration(url: url, node: "n1"), url) { error in
        XCTAssertEqual("\(error)", "--cluster \(url): \(why)")
      }
    }
    XCTAssertThrowsError(try ClusterConfiguration(url: "postgres://a@h/d", node: "two words")) { error in
      XCTAssertEqual(error as? ClusterError, .badNodeName("two words"))
    }
  }
}

final class ClusterNotificationTests: XCTestCase {
  func testSmallTextRidesInTheNotification() throws {
    let head = ClusterNotification.head(node: "n1", connection: 3, isBinary: false, room: "/lobby", length: 5)
    XCTAssertEqual(head, "n1 3 text /lobby 5")
    let inline = ClusterNotification.inlineText(
      ByteBuffer(string: "hello"), isBinary: false, headLength: head.utf8.count, limit: 7000)
    XCTAssertEqual(inline, "hello")
    let parsed = try XCTUnwrap(ClusterNotification(payload: "42 " + head + "\n" + inline!))
    XCTAssertEqual(parsed.id, 42)
    XCTAssertEqual(parsed.node, "n1")
    XCTAssertEqual(parsed.connection, 3)
    XCTAssertFalse(parsed.isBinary)
    XCTAssertEqual(parsed.room, "/lobby")
    XCTAssertEqual(parsed.inline, ByteBuffer(string: "hello"))
    guard case .text(let text) = parsed.message(parsed.inline!) else { return XCTFail("not text") }
    XCTAssertEqual(text, "hello")
  }

  func testBinaryIsBase64AndEmptyIsFine() throws {
    let bytes = ByteBuffer(bytes: [0, 1, 2, 0xFF])
    let head = ClusterNotification.head(node: "n2", connection: 7, isBinary: true, room: "/", length: 4)
    let inline = try XCTUnwrap(
      ClusterNotification.inlineText(bytes, isBinary: true, headLength: head.utf8.count, limit: 7000))
    XCTAssertEqual(inline, "AAEC/w==")
    XCTAssertEqual(ClusterNotification(payload: "9 \(head)\n\(inline)")?.inline, bytes)
    let empty = try XCTUnwrap(ClusterNotification(payload: "10 n2 7 text / 0\n"))
    XCTAssertEqual(empty.inline, ByteBuffer())
  }

  func testLargeOrNULTextStaysInTheRow() throws {
    let large = ByteBuffer(repeating: UInt8(ascii: "x"), count: 7000)
    XCTAssertNil(ClusterNotification.inlineText(large, isBinary: false, headLength: 20, limit: 7000))
    // Base64 makes binary a third longer: 5,300 bytes (7,068 in base64) no longer fit in 7,000.
    let binary = ByteBuffer(repeating: 1, count: 5300)
    XCTAssertNil(ClusterNotification.inlineText(binary, isBinary: true, headLength: 20, limit: 7000))
    XCTAssertNil(
      ClusterNotification.inlineText(ByteBuffer(bytes: [0x61, 0]), isBinary: false, headLength: 20, limit: 7000))
    let reference = try XCTUnwrap(ClusterNotification(payload: "43 n1 3 text /lobby 102400"))
    XCTAssertNil(reference.inline)
    XCTAssertEqual(reference.length, 102_400)
  }

  func testForeignPayloadsAreRejected() {
    for payload in [
      "", "hello", "1 n1 3 text /lobby", "x n1 3 text /r 1\na", "1 n1 3 json /r 1\na", "1 n1 3 text /r 2\na",
      "1 n1 3 binary /r 1\n!!!!", "1 n1 3 text /r -1",
    ] {
      XCTAssertNil(ClusterNotification(payload: payload), payload)
    }
  }

  func testTraceShowsTheNewline() {
    XCTAssertEqual(ClusterBus.shown("1 n1 1 text /r 2\nhi"), "1 n1 1 text /r 2\\nhi")
    XCTAssertEqual(ClusterBus.shown(String(repeating: "a", count: 100)).count, 72)
  }
}

final class ReconnectBackoffTests: XCTestCase {
  func testDelaysDoubleUpToTheMaximumWithJitter() {
    var random = SplitMix(seed: 1)
    var backoff = ReconnectBackoff(initial: 0.1, maximum: 2)
    var ceilings: [Double] = []
    for _ in 0..<8 {
      let ceiling = backoff.ceiling
      ceilings.append(ceiling)
      let delay = backoff.next(using: &random)
      XCTAssertGreaterThanOrEqual(delay, ceiling / 2)
      XCTAssertLessThanOrEqual(delay, ceiling)
    }
    XCTAssertEqual(ceilings, [0.1, 0.2, 0.4, 0.8, 1.6, 2, 2, 2])
    backoff.reset()
    XCTAssertEqual(backoff.ceiling, 0.1)
  }

  func testJitterSpreadsClientsOut() {
    var random = SplitMix(seed: 7)
    let delays = (0..<100).map { _ in
      var b = ReconnectBackoff(initial: 1, maximum: 10)
      return b.next(using: &random)
    }
    XCTAssertGreaterThan(Set(delays.map { Int($0 * 100) }).count, 30)
  }
}

/// A seeded generator, so that the jitter tests are repeatable.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

final class ClusterStartTests: XCTestCase {
  /// No PostgreSQL on the port: the server does not start, and says where it looked.
  func testUnreachableDatabaseIsAClearError() async throws {
    // A port nobody listens on: bind one, note it, close it.
    let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .bind(host: "127.0.0.1", port: 0).get()
    let port = probe.localAddress!.port!
    try await probe.close()
    var config = ServerConfiguration()
    config.port = 0
    config.mode = .chat
    config.cluster = try ClusterConfiguration(url: "postgres://wslab@127.0.0.1:\(port)/wslab", node: "n1")
    let server = WebSocketServer(configuration: config)
    do {
      _ = try await server.start()
      XCTFail("started without a database")
    } catch {
      XCTAssertEqual(
        "\(error)",
        "cannot reach PostgreSQL at postgres://wslab@127.0.0.1:\(port)/wslab: connection refused "
          + "(is the server running, and listening on TCP at that address?)")
    }
    try? await server.shutdown()
  }

  func testEchoModeHasNoCluster() async throws {
    var config = ServerConfiguration()
    config.port = 0
    config.cluster = try ClusterConfiguration(url: "postgres://wslab@127.0.0.1:1/wslab", node: "n1")
    let server = WebSocketServer(configuration: config)
    do {
      _ = try await server.start()
      XCTFail("echo mode started with a cluster")
    } catch {
      XCTAssertEqual(
        "\(error)", "cluster: --cluster shares chat rooms and broadcast: use --mode chat or --mode broadcast")
    }
    try? await server.shutdown()
  }
}
