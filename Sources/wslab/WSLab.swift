import ArgumentParser
import Connection
import Deflate
import Dispatch
import Foundation
import Framing
import Logging
import NIOCore
import Server
import Trace

@main
struct WSLab: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "wslab",
    abstract: "WebSocket, byte by byte: a server, a client, and a tracer that shows every byte.",
    subcommands: [Serve.self, Connect.self, Decode.self, Break.self])
}

// MARK: - helpers

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("wslab: \(message)\n".utf8))
  Foundation.exit(2)
}

/// Waits for SIGINT or SIGTERM.
func waitForSignal() async {
  signal(SIGINT, SIG_IGN)
  signal(SIGTERM, SIG_IGN)
  let (stream, continuation) = AsyncStream<Int32>.makeStream()
  let sources = [SIGINT, SIGTERM].map { sig in
    let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
    source.setEventHandler { continuation.yield(sig) }
    source.resume()
    return source
  }
  for await _ in stream { break }
  sources.forEach { $0.cancel() }
}

struct TimeoutError: Error, CustomStringConvertible {
  var description: String { "no reply in time" }
}

func withTimeout<T: Sendable>(_ seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
  try await withThrowingTaskGroup(of: T.self) { group in
    group.addTask { try await body() }
    group.addTask {
      try await Task.sleep(for: .seconds(seconds))
      throw TimeoutError()
    }
    let result = try await group.next()!
    group.cancelAll()
    return result
  }
}
