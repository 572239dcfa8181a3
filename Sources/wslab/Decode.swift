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
  @Argument(help: "Hex bytes (spaces, colons and 0x prefixes optional).") var hex: [String]

  func run() throws {
    let bytes: [UInt8]
    do {
      bytes = try WireDecoder.bytes(fromHex: hex.joined(separator: " "))
    } catch {
      fail("expected hex bytes (an even number of hex digits): \(error)")
    }
    let style: TraceRenderer.Style = isatty(STDOUT_FILENO) == 1 && getenv("NO_COLOR") == nil ? .ansi : .plain
    let report = WireDecoder.decode(bytes, from: from, deflate: deflate, contextTakeover: contextTakeover, style: style)
    print(report.text, terminator: "")
    let status: Int32 = if case .valid = report.verdict { 0 } else { 1 }
    if status != 0 { Foundation.exit(status) }
  }
}

extension Role: ExpressibleByArgument {}
