import ArgumentParser
import Connection
import Deflate
import Dispatch
import Foundation
import Framing
import LessonSupport
import Logging
import NIOCore
import Server
import Trace

@main
struct WSLab: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "wslab",
    abstract: "WebSocket, byte by byte: a server, a client, and a tracer that shows every byte.",
    subcommands: [Serve.self, Connect.self, Decode.self, Break.self, Check.self])
}

// MARK: - helpers

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("wslab: \(message)\n".utf8))
  Foundation.exit(2)
}

/// The language of a trace and of wslab's own lines around it (`--lang`, else the locale).
func traceLanguage(_ tag: String?) -> TraceLanguage {
  guard let language = Language.chosen(tag: tag) else {
    fail("--lang needs one of \(Language.allCases.map(\.rawValue).joined(separator: ", ")), as in --lang zh-CN")
  }
  return TraceTranslation(language)?.language ?? .english
}

/// A trace to standard output, or to `path`, in the language of `tag`.
func traceSink(path: String?, tag: String?) throws -> TraceSink {
  let language = traceLanguage(tag)
  if let path { return try TraceSink(path: path, language: language) }
  return TraceSink(language: language)
}

/// Waits for SIGINT or SIGTERM and returns which came.
@discardableResult
func waitForSignal() async -> Int32 {
  signal(SIGINT, SIG_IGN)
  signal(SIGTERM, SIG_IGN)
  let (stream, continuation) = AsyncStream<Int32>.makeStream()
  let sources = [SIGINT, SIGTERM].map { sig in
    let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
    source.setEventHandler { continuation.yield(sig) }
    source.resume()
    return source
  }
  var received = SIGINT
  for await sig in stream {
    received = sig
    break
  }
  sources.forEach { $0.cancel() }
  return received
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

/// Lines from standard input, read with read(2) and not `readLine()`: `readLine()` holds stdin's
/// stdio lock while it blocks, and `fflush(nil)` (after every printed line) waits for that lock.
func standardInputLines(_ line: (String) -> Void) {
  var pending: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 4096)
  while true {
    let n = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
    if n < 0 && errno == EINTR { continue }
    if n <= 0 { break }
    pending += chunk[..<n]
    while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
      var bytes = pending[..<newline]
      if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
      line(String(decoding: bytes, as: UTF8.self))
      pending.removeSubrange(...newline)
    }
  }
  if !pending.isEmpty { line(String(decoding: pending, as: UTF8.self)) }
}
