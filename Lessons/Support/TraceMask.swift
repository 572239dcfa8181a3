import Foundation
import Trace

/// Replaces what changes from run to run in a live trace, so that a lesson that runs real servers
/// prints the same text on every run: the servers' port numbers (in the bytes and the
/// annotations alike) become `P`s and a client's port `C`s, letters of the same length, so every
/// byte offset and length still adds up. `rewrite` replaces whatever else a lesson needs (a
/// database URL, a random delay) before client ports are masked.
public struct TraceMask {
  public var ports: [Int]
  public var rewrite: (String) -> String

  public init(ports: [Int], rewrite: @escaping (String) -> String = { $0 }) {
    self.ports = ports
    self.rewrite = rewrite
  }

  public func text(_ s: String) -> String {
    var out = s
    for port in ports {
      let digits = String(port)
      out = out.replacingOccurrences(of: ":" + digits, with: ":" + String(repeating: "P", count: digits.count))
    }
    out = rewrite(out)
    // "[IPv4]127.0.0.1/127.0.0.1:54321": a client's port.
    while let r = out.range(of: #"127\.0\.0\.1:\d{2,5}"#, options: .regularExpression) {
      let clientDigits = out[r].count - "127.0.0.1:".count
      out.replaceSubrange(r, with: "127.0.0.1:" + String(repeating: "C", count: clientDigits))
    }
    return out
  }

  public func bytes(_ b: [UInt8]) -> [UInt8] {
    var out = b
    for port in ports {
      let needle = Array(":\(port)".utf8)
      var i = 0
      while i + needle.count <= out.count {
        if Array(out[i..<(i + needle.count)]) == needle {
          for k in 1..<needle.count { out[i + k] = UInt8(ascii: "P") }
          i += needle.count
        } else {
          i += 1
        }
      }
    }
    return out
  }

  public func event(_ e: TraceEvent) -> TraceEvent {
    switch e {
    case .bytes(var record):
      record.title = text(record.title)
      record.bytes = bytes(record.bytes)
      record.fields = record.fields.map { field in
        var f = field
        f.value = text(f.value)
        f.meaning = text(f.meaning)
        return f
      }
      return .bytes(record)
    case .transition(let from, let to, let reason):
      return .transition(from: text(from), to: text(to), reason: text(reason))
    case .note(let note):
      return .note(text(note))
    }
  }
}
