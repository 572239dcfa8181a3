/// Draws a two-party conversation as a text sequence diagram: one lane per endpoint, an arrow per
/// message, notes on either side. Used by lessons and by live tracing to show who sent what.
///
/// ```
///   client                                                  server
///     │ ── text "Hello" (11 bytes) ──────────────────────────▶ │
///     │ ◀────────────────────────── text "Hello" (7 bytes) ── │
/// ```
public struct SequenceDiagram: Sendable {
  public var leftName: String
  public var rightName: String
  /// Total width of a line, lanes included.
  public var width: Int
  public var indent: String

  public init(leftName: String = "client", rightName: String = "server", width: Int = 80, indent: String = "  ") {
    self.leftName = leftName
    self.rightName = rightName
    self.width = max(40, width)
    self.indent = indent
  }

  private var inner: Int { width - indent.count - 4 }

  /// The header naming both lanes.
  public var header: String {
    let gap = max(1, width - indent.count - Trace.displayWidth(leftName) - Trace.displayWidth(rightName))
    return indent + leftName + String(repeating: " ", count: gap) + rightName
  }

  /// An arrow across the lanes carrying `label`.
  public func arrow(_ direction: TraceDirection, _ label: String) -> String {
    let room = inner - 7
    let text = Trace.clip(label, to: room)
    let dashes = max(2, inner - 5 - Trace.displayWidth(text))
    let body: String
    switch direction {
    case .serverToClient:
      body = "◀" + String(repeating: "─", count: dashes) + " " + text + " ──"
    default:
      body = "── " + text + " " + String(repeating: "─", count: dashes) + "▶"
    }
    return indent + "│ " + body + " │"
  }

  /// A note on the side of one lane (`.clientToServer` means the left endpoint's side), wrapped
  /// at word boundaries onto as many lines as it needs.
  public func note(_ side: TraceDirection, _ text: String) -> String {
    let room = inner - 2
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: false) {
      let candidate = line.isEmpty ? String(word) : line + " " + word
      if Trace.displayWidth(candidate) > room && !line.isEmpty {
        lines.append(line)
        line = "  " + word
      } else {
        line = candidate
      }
    }
    lines.append(line)
    return lines.map { t in
      let t = Trace.clip(t, to: room)
      let w = Trace.displayWidth(t)
      if side == .serverToClient {
        return indent + "│" + String(repeating: " ", count: max(1, inner + 1 - w)) + t + " │"
      }
      return indent + "│ " + t + String(repeating: " ", count: max(1, inner + 1 - w)) + "│"
    }.joined(separator: "\n")
  }

  /// An empty stretch of both lanes.
  public var lanes: String {
    indent + "│" + String(repeating: " ", count: inner + 2) + "│"
  }
}
