import Foundation
import XCTest

/// `wslab decode` runs the bytes through a real receiving Connection: these check its verdicts
/// (exit status and result line) and one full annotation byte for byte.
final class DecodeCommandTests: XCTestCase {
  func decode(_ arguments: [String], command: String = "decode") throws -> (output: String, status: Int32) {
    let process = Process()
    process.executableURL = try LessonGoldenTests.binDirectory().appendingPathComponent("wslab")
    process.arguments = [command] + arguments
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    // English unless a test asks (--lang): the locale would choose otherwise.
    for name in ["LC_ALL", "LC_MESSAGES", "LANG"] { env[name] = nil }
    process.environment = env
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (String(decoding: data, as: UTF8.self), process.terminationStatus)
  }

  func lastLine(_ s: String) -> String {
    String(s.split(separator: "\n").last ?? "")
  }

  /// RFC 6455 §5.7, masked "Hello": the whole output, byte for byte.
  func testMaskedHelloIsAnnotatedAndDelivered() throws {
    let (output, status) = try decode(["81", "85", "37", "fa", "21", "3d", "7f", "9f", "4d", "51", "58"])
    XCTAssertEqual(status, 0)
    XCTAssertEqual(
      output,
      """
      decoding 11 bytes as the server receives them (sent by the client)
      ▶ client → server  frame: text "Hello" (masked, 11 bytes)
        0     81                       1.......  FIN          1            final fragment: this frame ends the message  §5.2
                                       .000....  RSV1-3       000          reserved bits, 0 unless an extension defines them  §5.2
                                       ....0001  opcode       0x1          text frame: the message is UTF-8 text  §5.2
        1     85                       1.......  MASK         1            payload is masked, as every client frame must be; the key follows the length  §5.1
                                       .0000101  length       5            payload length: 5 bytes (0–125 fit in 7 bits)  §5.2
        2     37 fa 21 3d                        masking key  37 fa 21 3d  payload byte i is XORed with key byte i mod 4  §5.3
        6     7f 9f 4d 51 58                     payload      "Hello"      masked payload, unmasked: "Hello"
      note: app ← text "Hello"
      result: valid: 1 frame(s), 1 data message(s)

      """)
  }

  /// `--lang zh-CN`: the same bytes and fields, the annotations and wslab's own lines in Chinese.
  func testMaskedHelloInChinese() throws {
    let (output, status) = try decode([
      "--lang", "zh-CN", "81", "85", "37", "fa", "21", "3d", "7f", "9f", "4d", "51", "58",
    ])
    XCTAssertEqual(status, 0)
    XCTAssertEqual(
      output,
      """
      把这 11 个字节当作服务器收到的字节来解码（由客户端发送）
      ▶ 客户端 → 服务器  帧：文本 "Hello"（已加掩码，11 字节）
        0     81                       1.......  FIN          1            最后一个分片：这个帧结束整条消息  §5.2
                                       .000....  RSV1-3       000          保留位，除非扩展定义了它们，否则为 0  §5.2
                                       ....0001  opcode       0x1          文本帧：消息是 UTF-8 文本  §5.2
        1     85                       1.......  MASK         1            负载已加掩码，客户端的每个帧都必须如此；掩码键紧跟在长度之后  §5.1
                                       .0000101  length       5            负载长度：5 字节（0–125 用 7 位就能表示）  §5.2
        2     37 fa 21 3d                        masking key  37 fa 21 3d  负载的第 i 个字节与掩码键的第 i mod 4 个字节做异或  §5.3
        6     7f 9f 4d 51 58                     payload      "Hello"      已加掩码的负载，去掉掩码后："Hello"
      注：应用 ← 文本 "Hello"
      结果：合法：1 个帧，1 条数据消息

      """)
    // A broken frame: the rule and the close code in Chinese, the exit status unchanged.
    let (unmasked, failed) = try decode(["--lang", "zh-CN", "--from", "client", "81", "01", "41"])
    XCTAssertEqual(failed, 1)
    XCTAssertEqual(
      lastLine(unmasked),
      "结果：不合法：1002 协议错误：客户端发来的帧没有加掩码（MASK = 0）；客户端的每个帧都必须加掩码（RFC 6455 §5.1）；"
        + "服务器以关闭码 1002 令连接失败")
    // Byte by byte: what the decoder knows after each byte, and the unmasking.
    let (steps, _) = try decode([
      "--lang", "zh-CN", "--step", "81", "85", "37", "fa", "21", "3d", "7f", "9f", "4d", "51", "58",
    ])
    XCTAssertTrue(steps.hasPrefix("把 11 个字节逐个交给服务器（由客户端发送）：\n"), steps)
    XCTAssertTrue(steps.contains("\n字节 1   85  已有 MASK=1，长度 5；还需要掩码键的 4 个字节\n"), steps)
    XCTAssertTrue(steps.contains("\n字节 6   7f  7f XOR 37 = 48 \"H\"；负载：已收到 1/5 字节；"), steps)
    // --lang en is English; a language WSLab does not speak is refused (exit status 2).
    let (english, _) = try decode(["--lang", "en", "81", "01", "41"])
    XCTAssertEqual(lastLine(english), "result: valid: 1 frame(s), 1 data message(s)")
    let (_, refused) = try decode(["--lang", "fr", "81", "01", "41"])
    XCTAssertEqual(refused, 2)
  }

  /// Several frames back to back, a ping between fragments (§5.4), hex written in other ways.
  func testFragmentsWithAPingInBetween() throws {
    let (output, status) = try decode(["0x01,0x03,0x48,0x65,0x6c", "89:05:48:65:6c:6c:6f", "8002 6c6f"])
    XCTAssertEqual(status, 0)
    XCTAssertTrue(output.contains("note: app ← ping \"Hello\""), output)
    XCTAssertTrue(output.contains("note: app ← text \"Hello\""), output)
    XCTAssertEqual(lastLine(output), "result: valid: 3 frame(s), 1 data message(s)")
  }

  func testViolationsExitOneWithTheirCloseCode() throws {
    let cases: [([String], String)] = [
      (["81", "7e", "00", "05"], "close 1002"),  // non-minimal length, §5.2
      (["--from", "client", "81", "05", "48", "65", "6c", "6c", "6f"], "close 1002"),  // unmasked, §5.1
      (["81", "02", "c3", "28"], "close 1007"),  // invalid UTF-8, §8.1
      (["c1", "07", "f2", "48", "cd", "c9", "c9", "07", "00"], "close 1002"),  // RSV1 without deflate
      (["88", "01", "03"], "close 1002"),  // 1-byte close payload, §5.5.1
    ]
    for (arguments, expected) in cases {
      let (output, status) = try decode(arguments)
      XCTAssertEqual(status, 1, "\(arguments)")
      XCTAssertTrue(lastLine(output).hasPrefix("result: invalid: "), output)
      XCTAssertTrue(lastLine(output).hasSuffix(expected), "\(arguments): \(lastLine(output))")
    }
  }

  /// RFC 7692 §7.2.3.1 with the extension negotiated: the real inflater gives "Hello".
  func testCompressedHelloWithDeflate() throws {
    let (output, status) = try decode(["--deflate", "c1", "07", "f2", "48", "cd", "c9", "c9", "07", "00"])
    XCTAssertEqual(status, 0)
    XCTAssertTrue(output.contains("note: app ← text \"Hello\""), output)
  }

  func testIncompleteAndMalformedInput() throws {
    let (incomplete, status) = try decode(["81", "05", "48", "65"])
    XCTAssertEqual(status, 1)
    XCTAssertTrue(incomplete.contains("(2 of 5 bytes present)"), incomplete)
    XCTAssertEqual(
      lastLine(incomplete), "result: incomplete: the last 4 byte(s) start a frame that has not fully arrived")
    let (bad, badStatus) = try decode(["8"])
    XCTAssertEqual(badStatus, 2)
    XCTAssertTrue(bad.contains("expected hex bytes"), bad)
  }

  /// `wslab break`: the header bits of the masked "Hello" by default, every bit with --all, a
  /// handshake line by line with --handshake; a frame that is not valid is refused with status 2.
  func testBreakCommand() throws {
    let hello = ["81", "85", "37", "fa", "21", "3d", "7f", "9f", "4d", "51", "58"]
    let (output, status) = try decode(hello, command: "break")
    XCTAssertEqual(status, 0, output)
    XCTAssertTrue(output.contains("1    0 40  RSV1"), output)
    XCTAssertEqual(lastLine(output), "13 of 48 flips break a rule; the others are accepted or wait for bytes.")
    let (all, _) = try decode(["--all"] + hello, command: "break")
    XCTAssertTrue(lastLine(all).hasSuffix("of 88 flips break a rule; the others are accepted or wait for bytes."), all)
    let (some, _) = try decode(["--bits", "8,13-14"] + hello, command: "break")
    XCTAssertEqual(lastLine(some), "2 of 3 flips break a rule; the others are accepted or wait for bytes.")

    let (invalid, invalidStatus) = try decode(["81", "05", "48"], command: "break")
    XCTAssertEqual(invalidStatus, 2)
    XCTAssertTrue(invalid.contains("the frame must be valid to break it"), invalid)
    let (outside, outsideStatus) = try decode(["--bits", "99"] + hello, command: "break")
    XCTAssertEqual(outsideStatus, 2)
    XCTAssertTrue(outside.contains("bit 99 is outside the 11 bytes given"), outside)
    let (badBits, badBitsStatus) = try decode(["--bits", "3-1"] + hello, command: "break")
    XCTAssertEqual(badBitsStatus, 2)
    XCTAssertTrue(badBits.contains("--bits takes numbers and ranges"), badBits)

    let (handshake, handshakeStatus) = try decode(
      ["--handshake", "--allow-origin", "http://example.com"], command: "break")
    XCTAssertEqual(handshakeStatus, 0, handshake)
    XCTAssertTrue(handshake.contains("Sec-WebSocket-Version: 8           426"), handshake)
    XCTAssertTrue(handshake.contains("Origin: http://evil.example        403"), handshake)
    XCTAssertTrue(handshake.contains("remove Sec-WebSocket-Protocol      101     still accepted"), handshake)
  }

  /// `wslab decode --step`: a line per byte, from the decoder's state, then the usual result.
  func testStepByStep() throws {
    let (output, status) = try decode(["--step", "81", "85", "37", "fa", "21", "3d", "7f", "9f", "4d", "51", "58"])
    XCTAssertEqual(status, 0, output)
    XCTAssertTrue(output.hasPrefix("feeding 11 bytes one at a time to the server (sent by the client):\n"), output)
    XCTAssertTrue(output.contains("byte 1   85  have MASK=1, length 5; need 4 more bytes of the masking key\n"), output)
    XCTAssertTrue(output.contains("byte 6   7f  7f XOR 37 = 48 \"H\"; payload: 1 of 5 bytes in;"), output)
    XCTAssertTrue(output.contains("note: app ← text \"Hello\""), output)
    XCTAssertEqual(lastLine(output), "result: valid: 1 frame(s), 1 data message(s)")
    let (failed, failedStatus) = try decode(["--step", "--from", "server", "83", "05", "48"])
    XCTAssertEqual(failedStatus, 1)
    XCTAssertTrue(failed.contains("the last 2 byte(s) are not read: the connection failed (§7.1.7)"), failed)
  }

  /// `wslab serve --deflate-level` takes zlib's levels 1-9 and refuses anything else before it
  /// listens, naming the range.
  func testServeRefusesADeflateLevelOutsideOneToNine() throws {
    for level in ["0", "10"] {
      let (output, status) = try decode(["--port", "0", "--deflate-level", level], command: "serve")
      XCTAssertNotEqual(status, 0)
      XCTAssertTrue(output.contains("--deflate-level must be 1 (fastest) to 9 (smallest), not \(level)"), output)
    }
  }

  /// `wslab check`: exit 0 and the answer when right, 1 and a hint when wrong, 2 for an exercise
  /// that does not exist; without an answer it prints the exercise, without arguments all of them.
  func testCheckCommand() throws {
    var (output, status) = try decode(["8.3", "55", "71", "02", "58", "3d"], command: "check")
    XCTAssertEqual(status, 0, output)
    XCTAssertEqual(output, "right: 55 71 02 58 3d\n")
    (output, status) = try decode(["8.3", "47 45 54 20 2f"], command: "check")
    XCTAssertEqual(status, 1, output)
    XCTAssertEqual(output, "wrong. Hint: that is the text unmasked: XOR each byte with key byte (i mod 4)\n")
    (output, status) = try decode(["2.2", "1002"], command: "check")
    XCTAssertEqual(status, 1, output)
    XCTAssertTrue(output.hasPrefix("wrong. Hint: the frame is still well-formed"), output)
    (output, status) = try decode(["9.1", "x"], command: "check")
    XCTAssertEqual(status, 2, output)
    XCTAssertTrue(output.hasPrefix("wslab: no exercise 9.1; the exercises are 1.1 1.2"), output)
    (output, status) = try decode(["1.1"], command: "check")
    XCTAssertEqual(status, 0, output)
    XCTAssertTrue(output.contains("answer with: wslab check 1.1 BASE64"), output)
    (output, status) = try decode(["1.1", "--reveal"], command: "check")
    XCTAssertEqual(output, "iWOPylNrDCImKDdHVPSYv5MgDMc=\n")
    (output, status) = try decode([], command: "check")
    XCTAssertEqual(status, 0, output)
    XCTAssertTrue(output.hasPrefix("Lesson 1\n  1.1  "), output)
    XCTAssertTrue(output.contains("Lesson 8\n"), output)
  }
}
