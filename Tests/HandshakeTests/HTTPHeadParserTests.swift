import Handshake
import XCTest

final class HTTPHeadParserTests: XCTestCase {
  private func parseRequest(_ bytes: [UInt8], max: Int = 8192) throws(HandshakeError)
    -> HTTPRequestParser.Completed?
  {
    var parser = HTTPRequestParser(maxHeadBytes: max)
    return try parser.feed(bytes)
  }

  private func requestError(_ s: String, file: StaticString = #filePath, line: UInt = #line)
    -> HandshakeError?
  {
    do {
      let r = try parseRequest(Array(s.utf8))
      XCTFail("expected an error, got \(String(describing: r))", file: file, line: line)
      return nil
    } catch {
      XCTAssertEqual(error.detectedBy, .server, file: file, line: line)
      return error
    }
  }

  func testEveryFixtureInEveryChunkingKeepsLeftover() throws {
    var heads = try Fixture.allCases.map { try $0.bytes() }
    heads += [Array(firefoxRequest.utf8), Array(safariRequest.utf8)]
    for head in heads {
      let input = head + maskedHelloFrame
      var whole = HTTPRequestParser()
      let expected = try XCTUnwrap(try whole.feed(input))
      XCTAssertEqual(expected.headBytes, head)
      XCTAssertEqual(expected.leftover, maskedHelloFrame)
      XCTAssertEqual(expected.head.method, "GET")
      XCTAssertEqual(expected.head.version, .http1_1)
      // Two chunks at every split point.
      for split in 0...input.count {
        var parser = HTTPRequestParser()
        let first = try parser.feed(input[..<split])
        if split >= head.count {
          XCTAssertEqual(first?.head, expected.head, "split \(split)")
          XCTAssertEqual(first?.leftover, Array(input[head.count..<split]), "split \(split)")
          // The rest of the input is the caller's: it never went through the parser.
        } else {
          XCTAssertNil(first, "split \(split)")
          let second = try XCTUnwrap(try parser.feed(input[split...]), "split \(split)")
          XCTAssertEqual(second, expected, "split \(split)")
        }
      }
      // One byte at a time: the head completes exactly at its last byte, with no leftover, and
      // the frame bytes are the caller's to pass on.
      var parser = HTTPRequestParser()
      for (i, byte) in head.enumerated() {
        let r = try parser.feed([byte])
        if i == head.count - 1 {
          XCTAssertEqual(r?.head, expected.head)
          XCTAssertEqual(r?.leftover, [])
        } else {
          XCTAssertNil(r, "byte \(i)")
        }
      }
    }
  }

  func testHeadersKeepOrderSpellingAndTrimValues() throws {
    let r = try XCTUnwrap(
      try parseRequest(Array("GET /a?b=c HTTP/1.1\r\nHoSt:example.com \r\nX-Y:\t a b \t\r\nEmpty:\r\n\r\n".utf8)))
    XCTAssertEqual(r.head.target, "/a?b=c")
    XCTAssertEqual(
      r.head.headers.fields,
      [
        .init(name: "HoSt", value: "example.com"), .init(name: "X-Y", value: "a b"),
        .init(name: "Empty", value: ""),
      ])
  }

  func testBareLFLineEndsAreAccepted() throws {
    // Decision: RFC 9112 §2.2 lets a recipient accept LF alone; we do, mixed with CR LF too.
    let input = Array("GET / HTTP/1.1\nHost: a\r\nUpgrade: websocket\n\n".utf8) + [0x81]
    let r = try XCTUnwrap(try parseRequest(input))
    XCTAssertEqual(r.head.headers.first("Host"), "a")
    XCTAssertEqual(r.head.headers.first("Upgrade"), "websocket")
    XCTAssertEqual(r.leftover, [0x81])
    // Split between the two LFs.
    var parser = HTTPRequestParser()
    XCTAssertNil(try parser.feed(input[..<(input.count - 2)]))
    XCTAssertEqual(try parser.feed(input[(input.count - 2)...])?.leftover, [0x81])
  }

  func testLeadingEmptyLinesAreSkipped() throws {
    let r = try XCTUnwrap(try parseRequest(Array("\r\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)))
    XCTAssertEqual(r.headBytes, Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
  }

  func testParserIsReadyForAnotherHeadAfterOne() throws {
    var parser = HTTPRequestParser()
    let one = Array("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
    let two = Array("GET /2 HTTP/1.1\r\nHost: b\r\n\r\n".utf8)
    let first = try XCTUnwrap(try parser.feed(one + two))
    XCTAssertEqual(first.head.target, "/1")
    XCTAssertEqual(first.leftover, two)
    XCTAssertEqual(try parser.feed(first.leftover)?.head.target, "/2")
  }

  func testSyntaxErrors() {
    XCTAssertEqual(
      requestError("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n")?.kind,
      .obsoleteLineFolding(line: " folded"))
    XCTAssertEqual(
      requestError("GET / HTTP/1.1\r\nHost: a\r\n\tfolded\r\n\r\n")?.kind,
      .obsoleteLineFolding(line: "\tfolded"))
    XCTAssertEqual(
      requestError("GET / HTTP/1.1\r\nHost a\r\n\r\n")?.kind, .missingColon(line: "Host a"))
    XCTAssertEqual(
      requestError("GET / HTTP/1.1\r\nHost : a\r\n\r\n")?.kind, .whitespaceBeforeColon(name: "Host"))
    XCTAssertEqual(
      requestError("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n")?.kind,
      .whitespaceBeforeColon(name: "Host"))
    XCTAssertEqual(
      requestError("GET / HTTP/1.1\r\nHo(st: a\r\n\r\n")?.kind,
      .invalidHeaderName(name: "Ho(st", position: 2))
    XCTAssertEqual(
      requestError("GET / HTTP/1.1\r\nX Y: a\r\n\r\n")?.kind,
      .invalidHeaderName(name: "X Y", position: 1))
    XCTAssertEqual(
      requestError("GET / HTTP/1.1\r\n: a\r\n\r\n")?.kind, .invalidHeaderName(name: "", position: 0))
    XCTAssertEqual(
      requestError("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n")?.kind,
      .invalidHeaderValue(name: "X", byte: 0))
    XCTAssertEqual(
      requestError("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n")?.kind,
      .invalidHeaderValue(name: "X", byte: 0x0d))
    XCTAssertEqual(
      requestError("GET / HTTP/1.1\r\nX: a\u{1}\r\n\r\n")?.kind,
      .invalidHeaderValue(name: "X", byte: 1))
    for bad in [
      "GET / HTTP/2", "GET / http/1.1", "GET / HTTP/1.1 ", "GET  / HTTP/1.1", "GET /", "GET",
      "GET / HTTP/1.10", "GET / HTTP/x.1", "G(T / HTTP/1.1", " GET / HTTP/1.1",
      "GET /a\u{7f} HTTP/1.1", "GET / HTTP/1.1\r",
    ] {
      let error = requestError(bad + "\r\nHost: a\r\n\r\n")
      guard case .malformedRequestLine = error?.kind else {
        XCTFail("\(bad): \(String(describing: error))")
        continue
      }
      XCTAssertEqual(error?.httpStatus, 400, bad)
      XCTAssertEqual(error?.section, "RFC 9112 §3", bad)
    }
  }

  func testErrorsFailFastAndStick() {
    var parser = HTTPRequestParser()
    // The bad request line fails before the head is complete.
    XCTAssertThrowsError(try parser.feed(Array("BAD LINE\r\n".utf8))) { error in
      XCTAssertEqual((error as? HandshakeError)?.httpStatus, 400)
    }
    XCTAssertThrowsError(try parser.feed(Array("Host: a\r\n\r\n".utf8)))
  }

  func testCapIsEnforcedWithoutBufferingBeyondIt() throws {
    let limit = 64
    let head = Array("GET / HTTP/1.1\r\nHost: a\r\n".utf8)
    // Exactly at the cap: fine.
    let padding = limit - head.count - 2 - "X: \r\n".utf8.count
    let exact = head + Array("X: \(String(repeating: "a", count: padding))\r\n\r\n".utf8)
    XCTAssertEqual(exact.count, limit)
    var ok = HTTPRequestParser(maxHeadBytes: limit)
    XCTAssertNotNil(try ok.feed(exact + [1, 2, 3]))
    // One more byte: error, whether fed whole or one byte at a time, and never buffered past cap.
    let over = head + Array("X: \(String(repeating: "a", count: padding + 1))\r\n\r\n".utf8)
    var whole = HTTPRequestParser(maxHeadBytes: limit)
    XCTAssertThrowsError(try whole.feed(over)) { error in
      XCTAssertEqual(error as? HandshakeError, HandshakeError(.headTooLarge(limit: limit), detectedBy: .server))
      XCTAssertEqual((error as? HandshakeError)?.httpStatus, 431)
    }
    XCTAssertLessThanOrEqual(whole.bufferedByteCount, limit)
    var bytewise = HTTPRequestParser(maxHeadBytes: limit)
    var failedAt: Int?
    for (i, b) in over.enumerated() {
      do {
        _ = try bytewise.feed([b])
      } catch {
        failedAt = i
        break
      }
      XCTAssertLessThanOrEqual(bytewise.bufferedByteCount, limit)
    }
    XCTAssertEqual(failedAt, limit, "fails on the first byte past the cap")
    // A peer that never sends LF is cut off at the cap too.
    var endless = HTTPRequestParser(maxHeadBytes: limit)
    XCTAssertThrowsError(try endless.feed([UInt8](repeating: 0x41, count: 10_000)))
    XCTAssertEqual(endless.bufferedByteCount, limit)
  }

  func testResponseHeads() throws {
    var parser = HTTPResponseParser()
    let r = try XCTUnwrap(
      try parser.feed(
        Array("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n".utf8) + [0x81, 0x00]))
    XCTAssertEqual(r.head.status, 101)
    XCTAssertEqual(r.head.reason, "Switching Protocols")
    XCTAssertEqual(r.head.version, .http1_1)
    XCTAssertEqual(r.leftover, [0x81, 0x00])
    var noReason = HTTPResponseParser()
    XCTAssertEqual(try noReason.feed(Array("HTTP/1.1 101\r\n\r\n".utf8))?.head.reason, "")
    for bad in ["HTTP/1.1 1O1 OK", "HTTP/1.1", "HTTP/1.1 101OK", "HTP/1.1 101 OK", "HTTP/1.1 10"] {
      var p = HTTPResponseParser()
      XCTAssertThrowsError(try p.feed(Array((bad + "\r\n\r\n").utf8)), bad) { error in
        let e = error as? HandshakeError
        guard case .malformedStatusLine = e?.kind else { return XCTFail("\(bad): \(error)") }
        XCTAssertEqual(e?.detectedBy, .client)
        XCTAssertNil(e?.httpStatus, "client-side errors have no status")
      }
    }
    var folded = HTTPResponseParser()
    XCTAssertThrowsError(try folded.feed(Array("HTTP/1.1 101 OK\r\nA: b\r\n c\r\n\r\n".utf8))) {
      XCTAssertEqual(($0 as? HandshakeError)?.kind, .obsoleteLineFolding(line: " c"))
      XCTAssertEqual(($0 as? HandshakeError)?.detectedBy, .client)
    }
  }
}
