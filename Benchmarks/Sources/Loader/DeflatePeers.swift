// permessage-deflate against other servers (issue 17): a realistic JSON chat stream echoed with
// compression on, with and without context takeover (RFC 7692 §7.1.1), through WSLab's client.
// Reported per server: messages/s, server CPU per message, and the compression ratio on the
// server's side of the wire (application bytes echoed ÷ bytes the server sent on its TCP
// connections, the kernel's count through `ss -ti`).
//   Loader deflate --server wslab=PORT:PID --server gorilla=PORT:PID --server websockets=PORT:PID
import ArgumentParser
import BenchCommon
import Deflate
import Foundation

/// A chat stream: `count` different messages (about 120-400 bytes each) as a chat application
/// sends them: the same keys every time, a few users and rooms, sentences from a small vocabulary,
/// increasing ids and timestamps. Deterministic.
func chatStream(count: Int) -> [String] {
  let users = ["alice", "bob", "carol", "dave", "erin", "frank", "grace"]
  let rooms = ["general", "random", "websocket-workshop"]
  let words = [
    "the", "frame", "is", "masked", "by", "client", "server", "answers", "with", "a", "close", "code", "handshake",
    "accept", "key", "deflate", "window", "context", "takeover", "message", "ping", "pong", "latency", "today",
    "lesson", "bytes", "header", "payload", "works", "great", "why", "does", "it", "fail", "here", "thanks",
  ]
  var random = SeededRandomForBench(seed: 17)
  var out: [String] = []
  for i in 0..<count {
    let length = 4 + Int(random.next() % 28)
    var text: [String] = []
    for _ in 0..<length { text.append(words[Int(random.next() % UInt64(words.count))]) }
    let user = users[Int(random.next() % UInt64(users.count))]
    let room = rooms[Int(random.next() % UInt64(rooms.count))]
    let reactions = Int(random.next() % 4)
    out.append(
      "{\"type\":\"message\",\"id\":\(100_000 + i),\"room\":\"\(room)\",\"user\":{\"name\":\"\(user)\",\"status\":\"online\"},"
        + "\"text\":\"\(text.joined(separator: " "))\",\"ts\":\"2026-12-07T14:\(10 + i % 50):\(10 + i % 49)Z\","
        + "\"reactions\":\(reactions),\"edited\":false}")
  }
  return out
}

/// xorshift64*: the stream must not depend on the platform's random source.
struct SeededRandomForBench {
  var state: UInt64
  init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
  mutating func next() -> UInt64 {
    state ^= state >> 12
    state ^= state << 25
    state ^= state >> 27
    return state &* 0x2545_F491_4F6C_DD1D
  }
}

struct DeflateResult: Codable {
  var server: String
  var variant: String
  var messagesPerSecond: Double
  var serverMicrosPerMessage: Double?
  /// Application bytes echoed ÷ bytes the server sent on the wire (frame headers included).
  var compressionRatio: Double?
  var negotiated: Int
  var connections: Int
  var errors: Int
}

struct DeflatePeersBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "deflate",
    abstract: "permessage-deflate on a JSON chat stream, with and without context takeover, against other servers.")
  @Option(help: "NAME=PORT:PID, one per echo server with permessage-deflate.") var server: [String] = []
  @Option var connections = 16
  @Option var inFlight = 16
  @Option var seconds = 2.0
  @Option var warmup = 0.5
  @Option var markdown: String?
  @Option var out: String?

  func run() throws {
    let stream = chatStream(count: 512)
    let average = stream.reduce(0) { $0 + $1.utf8.count } / stream.count
    var results: [DeflateResult] = []
    for (name, target) in try parseServers(server) {
      let variants: [(String, DeflateOptions)] = [
        ("context takeover", DeflateOptions(minimumSizeToCompress: 0)),
        (
          "no context takeover",
          DeflateOptions(serverNoContextTakeover: true, clientNoContextTakeover: true, minimumSizeToCompress: 0)
        ),
        ("off", .disabled),
      ]
      for (variant, options) in variants {
        FileHandle.standardError.write(Data("deflate: \(name) \(variant)\n".utf8))
        let r = try measureWithWSLabClient(
          port: target.port, pid: target.pid, deflate: options, payloads: stream, connections: connections,
          inFlight: inFlight, seconds: seconds, warmup: warmup)
        results.append(
          DeflateResult(
            server: name, variant: variant, messagesPerSecond: r.result.messagesPerSecond,
            serverMicrosPerMessage: r.result.serverMicrosPerMessage,
            compressionRatio: r.serverWrittenBytes.flatMap { $0 > 0 ? r.payloadBytes / $0 : nil },
            negotiated: r.negotiated, connections: connections, errors: r.result.errors))
      }
    }
    if let out { try writeJSON(results, to: out) }
    var md = "## permessage-deflate against other servers (issue 17)\n\n"
    md += "A JSON chat stream (512 different messages, \(average) bytes on average: the same keys, a few users and rooms, "
    md += "sentences from a small vocabulary) echoed by each server with permessage-deflate, \(connections) connections × "
    md += "\(inFlight) in flight, through WSLab's client (offering context takeover, or `server_no_context_takeover; "
    md += "client_no_context_takeover`, or no compression). *Ratio*: application bytes echoed ÷ bytes the server sent "
    md += "on its TCP connections (frame headers included; the kernel's count, `ss -ti`). gorilla/websocket implements permessage-deflate without "
    md += "context takeover only: it answers either offer with no takeover. Python websockets runs one asyncio process.\n\n"
    md += "| server | deflate | msg/s | server µs/msg | ratio | negotiated | errors |\n|---|---|---|---|---|---|---|\n"
    for r in results {
      md += "| \(r.server) | \(r.variant) | \(String(format: "%.0f", r.messagesPerSecond)) "
      md += "| \(r.serverMicrosPerMessage.map { String(format: "%.2f", $0) } ?? "–") "
      md += "| \(r.compressionRatio.map { String(format: "%.2f×", $0) } ?? "–") | \(r.negotiated)/\(r.connections) | \(r.errors) |\n"
    }
    if let markdown { try md.write(toFile: markdown, atomically: true, encoding: .utf8) }
    print(md)
  }
}
