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
  /// The widest a line may be, in terminal columns (``Trace/displayWidth(_:)``), or `nil` for no
  /// limit. When a field's row would be wider, its meaning and RFC section go on lines of their
  /// own under it (`└ meaning  §5.2`), wrapped to fit.
  public var width: Int?
  /// The words around the records (`note:`, `client → server`), English unless set.
  public var labels: Labels = .english

  public init(
    style: Style = .plain, bytesPerLine: Int = 8, maxLinesPerField: Int = 4,
    linePrefix: String = "", width: Int? = nil
  ) {
    self.style = style
    self.bytesPerLine = max(1, bytesPerLine)
    self.maxLinesPerField = max(1, maxLinesPerField)
    self.linePrefix = linePrefix
    self.width = width.map { max(40, $0) }
  }

  /// Renders any event; lines end with `\n`.
  public func render(_ event: TraceEvent) -> String {
    switch event {
    case .bytes(let record):
      return render(record)
    case .transition(let from, let to, let reason):
      let head = labels.state + "\(from) → \(to)"
      guard !reason.isEmpty else { return linePrefix + paint(head, .magenta) + "\n" }
      let plain = wrapped(head + " (" + Trace.sanitized(reason) + ")", first: linePrefix, rest: linePrefix + "  ")
      return paintPrefix(plain, linePrefix.count, head.count, .magenta)
    case .note(let text):
      let indent = String(repeating: " ", count: Trace.displayWidth(labels.note))
      let plain = wrapped(labels.note + Trace.sanitized(text), first: linePrefix, rest: linePrefix + indent)
      return paintPrefix(plain, linePrefix.count, labels.note.count, .dim)
    }
  }

  public func render(_ events: [TraceEvent]) -> String {
    events.map(render).joined()
  }

  /// Renders one record with its headline.
  public func render(_ record: TraceRecord) -> String {
    var out = linePrefix + paint("▶ ", .bold)
    var headWidth = Trace.displayWidth(linePrefix) + 2
    if record.direction != .unspecified {
      let direction = labels.direction(record.direction)
      out += paint(direction, .cyan) + "  "
      headWidth += Trace.displayWidth(direction) + 2
    }
    let title = Trace.sanitized(record.title)
    if let width, headWidth + Trace.displayWidth(title) > width {
      let lines = Trace.wrap(title, width: width - headWidth)
      out += paint(lines[0], .bold) + "\n"
      for line in lines.dropFirst() {
        out +=
          linePrefix + String(repeating: " ", count: headWidth - Trace.displayWidth(linePrefix))
          + paint(line, .bold) + "\n"
      }
    } else {
      out += paint(title, .bold) + "\n"
    }
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
    let hasBits = record.fields.contains { $0.bits != nil }
    let bitsWidth = hasBits ? 8 : 0
    let nameWidth = record.fields.map { Trace.displayWidth(Trace.sanitized($0.name)) }.max() ?? 0
    // In a narrow terminal, fewer bytes per line leave room for the field's name and value.
    var perLine = bytesPerLine
    func left(_ perLine: Int) -> Int {
      Trace.displayWidth(linePrefix) + 2 + offsetWidth + perLine * 3 - 1 + (hasBits ? 2 + bitsWidth : 0)
    }
    if let width, perLine > 4, left(perLine) + 2 + nameWidth + 2 + 12 > width { perLine = 4 }
    let hexWidth = perLine * 3 - 1
    let leftWidth = left(perLine)
    var valueWidth = min(28, record.fields.map { Trace.displayWidth(Trace.sanitized($0.value)) }.max() ?? 0)
    // With a width limit: when any field's row would be too wide, every meaning of this record
    // goes under its field (one layout per record keeps the columns steady).
    var stacked = false
    if let width {
      stacked = record.fields.contains { field in
        leftWidth + 2 + nameWidth + 2 + valueWidth + 2 + Trace.displayWidth(explanation(field)) > width
      }
      if stacked { valueWidth = max(4, min(valueWidth, width - leftWidth - 2 - nameWidth - 2)) }
    }
    let noteIndent = linePrefix + "  " + String(repeating: " ", count: offsetWidth) + "  "

    var out = ""
    func pad(_ s: String, _ width: Int) -> String { Trace.pad(s, to: width) }
    func line(offset: String, hex: String, bits: String, rest: String, color: Color?) {
      var l = linePrefix + "  " + pad(offset, offsetWidth)
      let paddedHex = pad(hex, hexWidth)
      l += color.map { paint(paddedHex, $0) } ?? paddedHex
      if hasBits { l += "  " + pad(bits, bitsWidth) }
      if !rest.isEmpty { l += "  " + rest }
      while l.last == " " { l.removeLast() }
      out += l + "\n"
    }
    func rowText(_ field: TraceField) -> String {
      var rest =
        paint(pad(Trace.sanitized(field.name), nameWidth), .bold) + "  "
        + pad(Trace.clip(Trace.sanitized(field.value), to: valueWidth), valueWidth)
      guard !stacked else { return rest }
      rest += "  " + Trace.sanitized(field.meaning)
      if let section = field.section { rest += "  " + paint(Self.compact(section), .dim) }
      return rest
    }
    func emitExplanation(_ field: TraceField) {
      guard stacked, let width else { return }
      out += explanationLines(field, width: width, first: noteIndent + "└ ", rest: noteIndent + "  ")
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
      let rest = rowText(field)

      if let mask = field.bits, lower < bytes.count {
        let byte = bytes[lower]
        let first = lastBitByte != lower
        lastBitByte = lower
        line(
          offset: first ? String(lower) : "", hex: first ? Trace.hex(byte) : "",
          bits: Trace.bitPattern(byte, mask: mask), rest: rest, color: first ? color : nil)
        emitExplanation(field)
        covered = max(covered, lower + 1)
        continue
      }
      let slice = Array(bytes[lower..<upper])
      let chunks = stride(from: 0, to: max(slice.count, 1), by: perLine).map {
        Array(slice[$0..<min($0 + perLine, slice.count)])
      }
      for (n, chunk) in chunks.prefix(maxLinesPerField).enumerated() {
        let isLastShown = n == min(chunks.count, maxLinesPerField) - 1
        let hidden = slice.count - (n + 1) * perLine
        var hex = chunk.hexString
        if isLastShown && hidden > 0 { hex = "" }
        if isLastShown && hidden > 0 {
          line(
            offset: String(lower + n * perLine), hex: "… \(hidden + chunk.count) more bytes", bits: "",
            rest: n == 0 ? rest : "", color: nil)
        } else {
          line(
            offset: n == 0 ? String(lower) : String(lower + n * perLine), hex: hex, bits: "",
            rest: n == 0 ? rest : "", color: color)
        }
      }
      emitExplanation(field)
      covered = max(covered, upper)
    }
    if covered < bytes.count {
      emitUncovered(covered..<bytes.count)
    }
    return out

    func emitUncovered(_ r: Range<Int>) {
      let slice = Array(bytes[r])
      for start in stride(from: 0, to: slice.count, by: perLine) {
        let chunk = Array(slice[start..<min(start + perLine, slice.count)])
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
    /// One line of the head, cut into as many lines as the width needs (the offset only on the
    /// first; a line of the head always ends with its visible `\r\n`, so the cuts are plain).
    func emit(offset: Int, _ text: String, color: Color?) {
      let first = linePrefix + "  " + Trace.pad(String(offset), to: offsetWidth)
      var pieces = [text]
      if let width {
        let room = max(8, width - Trace.displayWidth(first))
        pieces = Self.cut(text, columns: room)
      }
      for (i, piece) in pieces.enumerated() {
        out += (i == 0 ? first : linePrefix + "  " + indent) + (color.map { paint(piece, $0) } ?? piece) + "\n"
      }
    }
    for (index, field) in record.fields.enumerated() {
      if field.range.lowerBound > covered {
        emit(offset: covered, visible(covered..<field.range.lowerBound), color: nil)
      }
      let color = palette[index % palette.count]
      emit(offset: field.range.lowerBound, visible(field.range), color: color)
      // The line itself shows the name and value; the note says what they mean.
      let lead = linePrefix + "  " + indent
      if let width {
        out += explanationLines(field, width: width, first: lead + "└ ", rest: lead + "  ")
      } else {
        var note = "└ " + Trace.sanitized(field.meaning)
        if let section = field.section { note += "  " + paint(Self.compact(section), .dim) }
        out += lead + note + "\n"
      }
      covered = max(covered, field.range.upperBound)
    }
    if covered < bytes.count {
      emit(offset: covered, visible(covered..<bytes.count), color: nil)
    }
    return out
  }

  /// `text` cut into pieces of at most `columns` columns each, every character kept (spaces
  /// too: these are bytes on the wire). A cut goes after a space in the second half of a piece
  /// when there is one, else where the piece is full.
  static func cut(_ text: String, columns: Int) -> [String] {
    var pieces: [String] = []
    var piece: [Character] = []
    var used = 0
    for character in text {
      let w = Trace.displayWidth(String(character))
      if used + w > columns && !piece.isEmpty {
        var keep: [Character] = []
        if let space = piece.lastIndex(of: " "), space >= piece.count / 2, space < piece.count - 1 {
          keep = Array(piece[(space + 1)...])
          piece.removeSubrange((space + 1)...)
        }
        pieces.append(String(piece))
        piece = keep
        used = Trace.displayWidth(String(keep))
      }
      piece.append(character)
      used += w
    }
    pieces.append(String(piece))
    return pieces
  }

  /// A field's meaning wrapped under it, its section (dimmed) after two spaces on the last line,
  /// or on a line of its own when it does not fit there.
  private func explanationLines(_ field: TraceField, width: Int, first: String, rest: String) -> String {
    var lines = Trace.wrap(Trace.sanitized(field.meaning), width: width, first: first, rest: rest)
    var out = lines.map { $0 + "\n" }
    if let section = field.section.map(Self.compact) {
      let last = lines.removeLast()
      if Trace.displayWidth(last) + 2 + Trace.displayWidth(section) <= width {
        out[out.count - 1] = last + "  " + paint(section, .dim) + "\n"
      } else {
        out.append(rest + paint(section, .dim) + "\n")
      }
    }
    return out.joined()
  }

  /// A field's meaning followed by its section, as plain text.
  private func explanation(_ field: TraceField) -> String {
    var text = Trace.sanitized(field.meaning)
    if let section = field.section { text += "  " + Self.compact(section) }
    return text
  }

  /// `text` wrapped to the width (when there is one), as lines ending in `\n`.
  private func wrapped(_ text: String, first: String, rest: String) -> String {
    guard let width else { return first + text + "\n" }
    return Trace.wrap(text, width: width, first: first, rest: rest).map { $0 + "\n" }.joined()
  }

  /// Paints the `count` characters after the first `skip` characters of already wrapped text.
  private func paintPrefix(_ text: String, _ skip: Int, _ count: Int, _ color: Color) -> String {
    guard style == .ansi,
      let start = text.index(text.startIndex, offsetBy: skip, limitedBy: text.endIndex),
      let end = text.index(start, offsetBy: count, limitedBy: text.endIndex)
    else { return text }
    return String(text[..<start]) + paint(String(text[start..<end]), color) + String(text[end...])
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
}
