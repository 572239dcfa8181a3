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

/// `wslab decode`: bytes through a receiving Connection, annotated (the logic is
/// `WireDecoder.decode`, in the Connection layer, tested directly).
struct Decode: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Decode bytes as the receiving endpoint would, e.g. wslab decode 81 85 37 fa 21 3d 7f 9f 4d 51 58",
    discussion: """
      The bytes go through the real codec: a receiving Connection, opened, decodes every frame \
      (any number, back to back), assembles the messages, answers pings and closes as it would \
      on the wire, and fails on the first rule broken. Each frame is annotated field by field. \
      Exit status: 0 when every byte was a valid frame, 1 when the bytes break a rule (the \
      close code and RFC section are printed) or end inside a frame, 2 for bad arguments.
      """)

  @Option(help: "Who sent the bytes: client (frames must be masked) or server. Default: the first frame's MASK bit.")
  var from: Role?
  @Flag(help: "permessage-deflate was negotiated: RSV1 marks a compressed message (RFC 7692).") var deflate = false
  @Flag(help: "With --deflate: the sender kept its compression context (context takeover) between messages.")
  var contextTakeover = false
  @Flag(help: "Feed the bytes one at a time and show what the decoder knows after each (Enter advances on a terminal).")
  var step = false
  @Option(help: "The output's language: en or zh-CN (default: the locale, as the lessons choose).") var lang: String?
  @Argument(help: "Hex bytes (spaces, colons and 0x prefixes optional).") var hex: [String]

  func run() throws {
    let bytes: [UInt8]
    do {
      bytes = try WireDecoder.bytes(fromHex: hex.joined(separator: " "))
    } catch {
      fail("expected hex bytes (an even number of hex digits): \(error)")
    }
    let style: TraceRenderer.Style = isatty(STDOUT_FILENO) == 1 && getenv("NO_COLOR") == nil ? .ansi : .plain
    let language = traceLanguage(lang)
    let report = WireDecoder.decode(
      bytes, from: from, deflate: deflate, contextTakeover: contextTakeover, style: style, language: language)
    if step {
      stepThrough(bytes, style: style, language: language)
      print(report.text.split(separator: "\n").last.map(String.init) ?? "", terminator: "\n")
      let status: Int32 = if case .valid = report.verdict { 0 } else { 1 }
      if status != 0 { Foundation.exit(status) }
      return
    }
    print(report.text, terminator: "")
    let status: Int32 = if case .valid = report.verdict { 0 } else { 1 }
    if status != 0 { Foundation.exit(status) }
  }
}

extension Decode {
  /// `--step`: one line per byte, read from the decoder's own state; the frames it completes and
  /// what the receiver reports, as they happen. On a terminal each step waits for Enter.
  func stepThrough(_ bytes: [UInt8], style: TraceRenderer.Style, language: TraceLanguage) {
    let (sender, steps) = FrameStepper.steps(bytes, from: from, deflate: deflate, contextTakeover: contextTakeover)
    let interactive = isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
    let width = ProcessInfo.processInfo.environment["COLUMNS"].flatMap { Int($0) } ?? 80
    var renderer = TraceRenderer(style: style, linePrefix: "      ")
    renderer.width = max(60, width)
    renderer.labels = language.labels
    print(
      language.text(
        "feeding \(bytes.count) bytes one at a time to the \(sender.peer.rawValue) (sent by the \(sender.rawValue)):"))
    let byteWord = language.text("byte")
    for step in steps {
      var lead = "\(byteWord) \(step.index)"
      lead += String(repeating: " ", count: max(1, 9 - Trace.displayWidth(lead))) + Trace.hex(step.byte) + "  "
      let indent = String(repeating: " ", count: Trace.displayWidth(lead))
      for line in Trace.wrap(language.text(step.summary), width: max(60, width), first: lead, rest: indent) {
        print(line)
      }
      for event in step.events { print(renderer.render(language.event(event)), terminator: "") }
      if interactive && step.index < steps.count - 1 {
        print(language.text("  [Enter: next byte]"), terminator: "")
        fflush(nil)
        _ = readLine()
      }
    }
    if steps.count < bytes.count {
      print(
        language.text("the last \(bytes.count - steps.count) byte(s) are not read: the connection failed (§7.1.7)"))
    }
  }
}

extension Role: ExpressibleByArgument {}
