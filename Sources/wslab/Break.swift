import ArgumentParser
import Connection
import Foundation
import Framing
import Handshake
import Trace

/// `wslab break`: each bit of a valid frame flipped in turn, every variant through the real
/// receiving Connection, as a table (the logic is `FrameBreaker`, in the Connection layer).
struct Break: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Flip each bit of a valid frame and show which rule fails, e.g. wslab break 81 85 37 fa 21 3d 7f 9f 4d 51 58",
    discussion: """
      Bits are numbered as RFC 6455 §5.2 draws the header: bit 0 is the most significant bit of \
      byte 0 (FIN), bit 8 the most significant bit of byte 1 (MASK). Each variant goes through a \
      real receiving Connection; the table shows the field the bit belongs to, the byte before \
      and after, what the receiver does, the close code and the rule's section. Default: the \
      header's bits (all bits with --all). Exit status 0, or 2 when the frame is not valid to \
      begin with or an argument is wrong.
      """)

  @Option(help: "Who sent the frame: client (masked) or server. Default: the MASK bit decides.") var from: Role?
  @Flag(help: "permessage-deflate was negotiated (RSV1 marks a compressed message).") var deflate = false
  @Flag(help: "With --deflate: context takeover between messages.") var contextTakeover = false
  @Option(help: "Bits to flip, as a list and ranges: 0-15, or 1,9,12-15.") var bits: String?
  @Flag(help: "Flip every bit of the frame, payload included.") var all = false
  @Flag(
    help:
      "Break a handshake instead: remove or alter each line of a valid request (FILE, - for stdin, or the RFC 6455 §1.3 example)."
  )
  var handshake = false
  @Option(help: "With --handshake: the server allows only this Origin (repeat for several).") var allowOrigin:
    [String] =
      []
  @Argument(help: "Hex bytes of a valid frame; with --handshake, a file holding a request head (optional).")
  var hex: [String] = []

  func run() throws {
    if handshake { return try breakHandshake() }
    guard !hex.isEmpty else { fail("give the hex bytes of a valid frame, as in wslab break 81 05 48 65 6c 6c 6f") }
    let bytes: [UInt8]
    do {
      bytes = try WireDecoder.bytes(fromHex: hex.joined(separator: " "))
    } catch {
      fail("expected hex bytes (an even number of hex digits): \(error)")
    }
    var chosen: [Int]? = nil
    if let bits {
      guard let parsed = Self.parse(bits: bits) else {
        fail("--bits takes numbers and ranges, as in 0-15 or 1,9,12-15: '\(bits)'")
      }
      chosen = parsed
    } else if !all, let header = FrameHeaderFields(reading: bytes) {
      chosen = Array(0..<(min(header.size ?? bytes.count, bytes.count) * 8))
    }
    let result: (sender: Role, variants: [FrameBreaker.Variant])
    do {
      result = try FrameBreaker.variants(
        of: bytes, bits: chosen, from: from, deflate: deflate, contextTakeover: contextTakeover)
    } catch {
      fail("\(error)")
    }
    print(
      "breaking \(bytes.count) bytes sent by the \(result.sender.rawValue), one bit at a time, "
        + "as the \(result.sender.peer.rawValue) receives them:")
    let table = FrameBreaker.rows(result.variants)
    let width = ProcessInfo.processInfo.environment["COLUMNS"].flatMap { Int($0) } ?? 100
    print(DocumentTextRenderer(width: width).render(.table(header: table.header, rows: table.rows)), terminator: "")
    let failing = result.variants.filter { if case .invalid = $0.outcome { true } else { false } }.count
    print("\(failing) of \(result.variants.count) flips break a rule; the others are accepted or wait for bytes.")
  }

  func breakHandshake() throws {
    var request: [UInt8]
    if let path = hex.first {
      let data =
        path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: path)
      guard let data else { fail("cannot read \(path)") }
      request = Array(data)
      // A head typed or saved with bare LF line ends: HTTP wants CR LF.
      if !request.contains(0x0d) {
        request = Array(String(decoding: request, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n").utf8)
      }
    } else {
      let options = ClientHandshake.Options(
        host: "server.example.com", path: "/chat", origin: "http://example.com", subprotocols: ["chat", "superchat"])
      request = ClientHandshake(options: options, keyBytes: Array("the sample nonce".utf8)).requestBytes()
    }
    let origins = allowOrigin
    var policy = ServerHandshakePolicy()
    if !origins.isEmpty {
      let allowed: @Sendable (String?) -> Bool = { origin in origins.contains(origin ?? "") }
      policy.originPolicy = allowed
    }
    var server = ServerHandshake(policy: policy)
    guard case .accept? = server.feed(request) else {
      fail(
        "the request must be a valid, complete opening handshake to break it (is the head complete, with an empty line at the end?)"
      )
    }
    let variants = HandshakeBreaker.variants(of: request, policy: policy)
    print("breaking the opening handshake one line at a time, as the server checks it:")
    let table = HandshakeBreaker.rows(variants)
    let width = ProcessInfo.processInfo.environment["COLUMNS"].flatMap { Int($0) } ?? 100
    print(DocumentTextRenderer(width: width).render(.table(header: table.header, rows: table.rows)), terminator: "")
  }

  /// `0-15` or `1,9,12-15`.
  static func parse(bits: String) -> [Int]? {
    var out: [Int] = []
    for part in bits.split(separator: ",") {
      let ends = part.split(separator: "-", omittingEmptySubsequences: false).map {
        Int($0.trimmingCharacters(in: .whitespaces))
      }
      switch ends.count {
      case 1: guard let n = ends[0] else { return nil }; out.append(n)
      case 2:
        guard let a = ends[0], let b = ends[1], a <= b else { return nil }
        out += Array(a...b)
      default: return nil
      }
    }
    return out.isEmpty ? nil : out
  }
}
