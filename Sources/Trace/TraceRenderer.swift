/// Renders trace events as an annotated dissection: offset, hex bytes, bits, field, value, meaning.
///
/// Two styles share one layout: ``Style/plain`` for golden files, CI logs and anything that is
/// not a terminal, and ``Style/ansi`` which adds colour (never information: the plain text says
/// everything). The renderer never fails, whatever the bytes.
public struct TraceRenderer: Sendable {
  public enum Style: Sendable, Equatable {
    case plain
    case ansi
  }

  public var style: Style
  /// Hex bytes shown per line.
  public var bytesPerLine: Int
  /// Lines of hex shown for one long field (a payload) before the rest is summarised.
  public var maxLinesPerField: Int
  /// Text put before every line (a connection id in a live trace, spaces in a lesson).
  public var linePrefix: String

  public init(
    style: Style = .plain, bytesPerLine: Int = 8, maxLinesPerField: Int = 4,
    linePrefix: String = ""
  ) {
    self.style = style
    self.bytesPerLine = max(1, bytesPerLine)
    self.maxLinesPerField = max(1, maxLinesPerField)
    self.linePrefix = linePrefix
  }

  /// Renders any event; lines end with `\n`.
  public func render(_ event: TraceEvent) -> String {
    switch event {
    case .bytes(let record):
      return render(record)
    case .transition(let from, let to, let reason):
      return linePrefix + paint("state: \(from) → \(to)", .magenta)
        + (reason.isEmpty ? "" : " (\(Trace.sanitized(reason)))") + "\n"
    case .note(let text):
      return linePrefix + paint("note: ", .dim) + Trace.sanitized(text) + "\n"
    }
  }

  public func render(_ events: [TraceEvent]) -> String {
    events.map(render).joined()
  }

  /// Renders one record with its headline.
  public func render(_ record: TraceRecord) -> String {
    var out = linePrefix + paint("▶ ", .bold)
    if record.direction != .unspecified {
      out += paint(record.direction.rawValue, .cyan) + "  "
    }
    out += paint(Trace.sanitized(record.title), .bold) + "\n"
    switch record.layout {
    case .hex: out += renderHex(record)
    case .text: out += renderText(record)
    }
    return out
  }

  // MARK: hex layout

  private func renderHex(_ record: TraceRecord) -> String {
    let bytes = record.bytes
    let offsetWidth = max(6, String(max(0, bytes.count - 1)).count + 2)
    let hexWidth = bytesPerLine * 3 - 1
    let hasBits = record.fields.contains { $0.bits != nil }
    let bitsWidth = hasBits ? 8 : 0
    let nameWidth = record.fields.map { $0.name.count }.max() ?? 0
    let valueWidth = min(28, record.fields.map { $0.value.count }.max() ?? 0)

    var out = ""
    func pad(_ s: String, _ width: Int) -> String {
      s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
    func line(offset: String, hex: String, bits: String, rest: String, color: Color?) {
      var l = linePrefix + "  " + pad(offset, offsetWidth)
      let paddedHex = pad(hex, hexWidth)
      l += color.map { paint(paddedHex, $0) } ?? paddedHex
      if hasBits { l += "  " + pad(bits, bitsWidth) }
      if !rest.isEmpty { l += "  " + rest }
      while l.last == " " { l.removeLast() }
      out += l + "\n"
    }

    var covered = 0
    var lastBitByte = -1
    for (index, field) in record.fields.enumerated() {
      let lower = max(0, min(field.range.lowerBound, bytes.count))
      let upper = max(lower, min(field.range.upperBound, bytes.count))
      // Bytes no field describes (should not happen, but never hide them).
      if lower > covered {
        emitUncovered(covered..<lower)
      }
      let color = palette[index % palette.count]
      var rest =
        paint(pad(Trace.sanitized(field.name), nameWidth), .bold) + "  "
        + pad(clip(Trace.sanitized(field.value), valueWidth), valueWidth)
      rest += "  " + Trace.sanitized(field.meaning)
      if let section = field.section { rest += "  " + paint(Self.compact(section), .dim) }

      if let mask = field.bits, lower < bytes.count {
        let byte = bytes[lower]
        let first = lastBitByte != lower
        lastBitByte = lower
        line(
          offset: first ? String(lower) : "", hex: first ? Trace.hex(byte) : "",
          bits: Trace.bitPattern(byte, mask: mask), rest: rest, color: first ? color : nil)
        covered = max(covered, lower + 1)
        continue
      }
      let slice = Array(bytes[lower..<upper])
      let chunks = stride(from: 0, to: max(slice.count, 1), by: bytesPerLine).map {
        Array(slice[$0..<min($0 + bytesPerLine, slice.count)])
      }
      for (n, chunk) in chunks.prefix(maxLinesPerField).enumerated() {
        let isLastShown = n == min(chunks.count, maxLinesPerField) - 1
        let hidden = slice.count - (n + 1) * bytesPerLine
        var hex = chunk.hexString
        if isLastShown && hidden > 0 { hex = "" }
        if isLastShown && hidden > 0 {
          line(
            offset: String(lower + n * bytesPerLine), hex: "… \(hidden + chunk.count) more bytes", bits: "",
            rest: n == 0 ? rest : "", color: nil)
        } else {
          line(
            offset: n == 0 ? String(lower) : String(lower + n * bytesPerLine), hex: hex, bits: "",
            rest: n == 0 ? rest : "", color: color)
        }
      }
      covered = max(covered, upper)
    }
    if covered < bytes.count {
      emitUncovered(covered..<bytes.count)
    }
    return out

    func emitUncovered(_ r: Range<Int>) {
      let slice = Array(bytes[r])
      for start in stride(from: 0, to: slice.count, by: bytesPerLine) {
        let chunk = Array(slice[start..<min(start + bytesPerLine, slice.count)])
        line(
          offset: String(r.lowerBound + start), hex: chunk.hexString, bits: "",
          rest: start == 0 ? paint("(not annotated)", .dim) : "", color: nil)
      }
    }
  }

  // MARK: text layout (HTTP heads)

  private func renderText(_ record: TraceRecord) -> String {
    let bytes = record.bytes
    let offsetWidth = max(6, String(max(0, bytes.count - 1)).count + 2)
    var out = ""
    let indent = String(repeating: " ", count: offsetWidth)
    var covered = 0
    func visible(_ r: Range<Int>) -> String {
      let lower = max(0, min(r.lowerBound, bytes.count))
      let upper = max(lower, min(r.upperBound, bytes.count))
      return Trace.visibleText(bytes[lower..<upper])
    }
    func pad(_ s: String, _ width: Int) -> String {
      s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
    for (index, field) in record.fields.enumerated() {
      if field.range.lowerBound > covered {
        out +=
          linePrefix + "  " + pad(String(covered), offsetWidth) + visible(covered..<field.range.lowerBound)
          + "\n"
      }
      let color = palette[index % palette.count]
      out +=
        linePrefix + "  " + pad(String(field.range.lowerBound), offsetWidth)
        + paint(visible(field.range), color) + "\n"
      // The line itself shows the name and value; the note says what they mean.
      var note = "└ " + Trace.sanitized(field.meaning)
      if let section = field.section { note += "  " + paint(Self.compact(section), .dim) }
      out += linePrefix + "  " + indent + note + "\n"
      covered = max(covered, field.range.upperBound)
    }
    if covered < bytes.count {
      out += linePrefix + "  " + pad(String(covered), offsetWidth) + visible(covered..<bytes.count) + "\n"
    }
    return out
  }

  /// `RFC 6455 §5.2` is shown as `§5.2`: RFC 6455 is the default; other RFCs keep their name.
  public static func compact(_ section: String) -> String {
    section.hasPrefix("RFC 6455 ") ? String(section.dropFirst("RFC 6455 ".count)) : section
  }

  // MARK: colour

  enum Color: String {
    case bold = "1"
    case dim = "2"
    case red = "31"
    case green = "32"
    case yellow = "33"
    case blue = "34"
    case magenta = "35"
    case cyan = "36"
  }

  private var palette: [Color] { [.yellow, .green, .cyan, .blue, .magenta] }

  func paint(_ s: String, _ color: Color) -> String {
    guard style == .ansi, !s.isEmpty else { return s }
    return "\u{1b}[\(color.rawValue)m" + s + "\u{1b}[0m"
  }

  private func clip(_ s: String, _ width: Int) -> String {
    s.count <= width ? s : String(s.prefix(max(0, width - 1))) + "…"
  }
}
