import Foundation
import XCTest

#if canImport(Glibc)
  import Glibc
#endif

/// `wslab serve --trace` and `wslab connect --trace` in Chinese: a real server and client on
/// 127.0.0.1, with the codec's annotations translated by the lessons' shared catalog.
final class TraceLanguageTests: XCTestCase {
  /// A port nothing listens on now (the kernel's choice for a socket bound to port 0).
  func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
      }
    }
    guard bound else { throw XCTSkip("cannot bind a socket on 127.0.0.1") }
    return Int(UInt16(bigEndian: address.sin_port))
  }

  /// Starts wslab with the locale unset (English) unless `environment` sets it; output and errors
  /// go to the pipe.
  func wslab(_ arguments: [String], environment: [String: String] = [:]) throws -> (Process, Pipe) {
    let process = Process()
    process.executableURL = try LessonGoldenTests.binDirectory().appendingPathComponent("wslab")
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    for name in ["LC_ALL", "LC_MESSAGES", "LANG"] { env[name] = nil }
    env.merge(environment) { $1 }
    process.environment = env
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    try process.run()
    // Bounded: nothing here runs longer than 20 s, also when a test fails.
    DispatchQueue.global().asyncAfter(deadline: .now() + 20) { [process] in
      if process.isRunning { process.terminate() }
    }
    return (process, out)
  }

  /// Serves echo on a free port with `--trace` and `serverArguments`, sends "hi, room" from a
  /// client traced with `clientArguments`, and returns both traces.
  func exchange(server serverArguments: [String], client clientArguments: [String], environment: [String: String] = [:])
    throws -> (server: String, client: String)
  {
    let port = try freePort()
    let (server, serverOut) = try wslab(
      ["serve", "--port", "\(port)", "--mode", "echo", "--trace", "--no-deflate"] + serverArguments,
      environment: environment)
    defer {
      if server.isRunning { server.terminate() }
    }
    // The client retries until the server listens (at most 5 s).
    var client = ""
    for _ in 0..<50 {
      let (process, out) = try wslab(
        ["connect", "ws://127.0.0.1:\(port)/lobby", "--no-deflate", "--send", "hi, room", "--trace"] + clientArguments,
        environment: environment)
      let data = out.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      if process.terminationStatus == 0 {
        client = String(decoding: data, as: UTF8.self)
        break
      }
      usleep(100_000)
    }
    XCTAssertFalse(client.isEmpty, "the client never connected")
    kill(server.processIdentifier, SIGINT)
    let output = serverOut.fileHandleForReading.readDataToEndOfFile()
    server.waitUntilExit()
    return (String(decoding: output, as: UTF8.self), client)
  }

  func testLangChoosesTheTraceLanguage() throws {
    let (server, client) = try exchange(server: ["--lang", "zh-CN"], client: ["--lang", "zh-CN"])
    // The server's view: the masked frame in, each field annotated in Chinese, RFC sections and
    // field names as they are.
    XCTAssertTrue(server.contains("[c1] ▶ 客户端 → 服务器  帧：文本 \"hi, room\"（已加掩码，14 字节）"), server)
    XCTAssertTrue(server.contains("负载的第 i 个字节与掩码键的第 i mod 4 个字节做异或  §5.3"), server)
    XCTAssertTrue(server.contains("[c1] 注：应用 ← 文本 \"hi, room\""), server)
    XCTAssertTrue(server.contains("masking key"), server)
    XCTAssertFalse(server.contains("client → server"), server)
    // The client's view: the same frame going out, and the closing handshake.
    XCTAssertTrue(client.contains("▶ 客户端 → 服务器  帧：文本 \"hi, room\"（已加掩码，14 字节）"), client)
    XCTAssertTrue(client.contains("服务器 → 客户端  帧：关闭"), client)
    XCTAssertFalse(client.contains("frame: text"), client)
  }

  /// Without --lang the locale decides, as for the lessons; --lang en wins over it.
  func testTheLocaleChoosesWhenLangIsNotGiven() throws {
    let (server, client) = try exchange(server: [], client: ["--lang", "en"], environment: ["LANG": "zh_CN.UTF-8"])
    XCTAssertTrue(server.contains("帧：文本 \"hi, room\""), server)
    XCTAssertTrue(client.contains("▶ client → server  frame: text \"hi, room\" (masked, 14 bytes)"), client)
    let (bad, _) = try wslab(["serve", "--port", "0", "--trace", "--lang", "fr"])
    bad.waitUntilExit()
    XCTAssertEqual(bad.terminationStatus, 2)
  }
}
