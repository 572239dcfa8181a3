/// Display width and wrapping for terminal text.
///
/// Terminals give East Asian wide and fullwidth characters (Chinese, Japanese, Korean, most
/// emoji) two columns and combining marks none, so `String.count` misaligns columns as soon as a
/// message contains such text. These helpers count columns the way a terminal draws them
/// (Unicode Standard Annex #11, East Asian Width: W and F take two columns).
extension Trace {
  /// Columns a terminal uses to draw `s` (no escape sequences expected).
  public static func displayWidth(_ s: some StringProtocol) -> Int {
    var width = 0
    for scalar in s.unicodeScalars { width += columns(scalar) }
    return width
  }

  /// Columns of one scalar: 0 for combining marks and zero-width characters, 2 for East Asian wide
  /// and fullwidth characters, 1 otherwise.
  public static func columns(_ scalar: Unicode.Scalar) -> Int {
    let v = scalar.value
    if v < 0x300 { return 1 }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: break
    }
    if v == 0x200B { return 0 }
    return isWide(v) ? 2 : 1
  }

  static func isWide(_ v: UInt32) -> Bool {
    switch v {
    case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3,
      0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F, 0x2693, 0x26A1, 0x26AA...0x26AB,
      0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA, 0x26F2...0x26F3, 0x26F5, 0x26FA,
      0x26FD, 0x2705, 0x270A...0x270B, 0x2728, 0x274C, 0x274E, 0x2753...0x2755, 0x2757,
      0x2795...0x2797, 0x27B0, 0x27BF, 0x2B1B...0x2B1C, 0x2B50, 0x2B55,
      0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
      0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
      0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1B000...0x1B2FF,
      0x1F004, 0x1F0CF, 0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F251, 0x1F300...0x1F320,
      0x1F32D...0x1F335, 0x1F337...0x1F37C, 0x1F37E...0x1F393, 0x1F3A0...0x1F3CA,
      0x1F3CF...0x1F3D3, 0x1F3E0...0x1F3F0, 0x1F3F4, 0x1F3F8...0x1F43E, 0x1F440,
      0x1F442...0x1F4FC, 0x1F4FF...0x1F53D, 0x1F54B...0x1F54E, 0x1F550...0x1F567, 0x1F57A,
      0x1F595...0x1F596, 0x1F5A4, 0x1F5FB...0x1F64F, 0x1F680...0x1F6C5, 0x1F6CC,
      0x1F6D0...0x1F6D2, 0x1F6D5...0x1F6D7, 0x1F6EB...0x1F6EC, 0x1F6F4...0x1F6FC,
      0x1F7E0...0x1F7EB, 0x1F90C...0x1F93A, 0x1F93C...0x1F945, 0x1F947...0x1F9FF,
      0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
      return true
    default:
      return false
    }
  }

  /// `s` followed by spaces up to `width` columns (unchanged when already that wide).
  public static func pad(_ s: String, to width: Int) -> String {
    let w = displayWidth(s)
    return w >= width ? s : s + String(repeating: " ", count: width - w)
  }

  /// `s` cut to at most `width` columns, ending in `…` when something was cut.
  public static func clip(_ s: String, to width: Int) -> String {
    guard displayWidth(s) > width else { return s }
    guard width > 0 else { return "" }
    var out = ""
    var used = 0
    for character in s {
      let w = displayWidth(String(character))
      if used + w > width - 1 { break }
      out.append(character)
      used += w
    }
    return out + "…"
  }

  /// Word-wraps `text` so that no line is wider than `width` columns: the first line starts with
  /// `first`, the others with `rest`. Spaces separate words; Chinese (and other wide) characters
  /// may break anywhere between them, except before closing punctuation (，。、）and so on) or
  /// after opening punctuation (（「), as Chinese typesetting requires; a word wider than a whole
  /// line is split where it must be. Returns the lines without line breaks.
  public static func wrap(_ text: String, width: Int, first: String = "", rest: String = "") -> [String] {
    var lines: [String] = []
    var line = first
    var lineWidth = displayWidth(first)
    var lineHasWord = false
    let restWidth = displayWidth(rest)
    for (word, spaced) in breakableUnits(text) {
      var word = word
      var wordWidth = displayWidth(word)
      let gap = spaced ? 1 : 0
      if lineHasWord && lineWidth + gap + wordWidth > width {
        lines.append(line)
        line = rest
        lineWidth = restWidth
        lineHasWord = false
      }
      // A word longer than a whole line: fill lines with pieces of it.
      while lineWidth + (lineHasWord ? gap : 0) + wordWidth > width && wordWidth > 1 {
        let room = width - lineWidth - (lineHasWord ? gap : 0)
        if room < 1 {
          lines.append(line)
          line = rest
          lineWidth = restWidth
          lineHasWord = false
          if restWidth >= width { break }
          continue
        }
        var piece = ""
        var pieceWidth = 0
        var index = word.startIndex
        while index < word.endIndex {
          let w = displayWidth(String(word[index]))
          if pieceWidth + w > room { break }
          piece.append(word[index])
          pieceWidth += w
          index = word.index(after: index)
        }
        if piece.isEmpty { break }
        line += (lineHasWord && spaced ? " " : "") + piece
        lines.append(line)
        line = rest
        lineWidth = restWidth
        lineHasWord = false
        word = String(word[index...])
        wordWidth = displayWidth(word)
      }
      if word.isEmpty { continue }
      line += (lineHasWord && spaced ? " " : "") + word
      lineWidth += (lineHasWord ? gap : 0) + wordWidth
      lineHasWord = true
    }
    lines.append(line)
    return lines
  }

  /// Punctuation a line may not start with (it closes what precedes it).
  static let closing: Set<Character> = Set("，。、；：？！）」』》〉】”’…—,.;:?!)]}%")
  /// Punctuation a line may not end with (it opens what follows).
  static let opening: Set<Character> = Set("（「『《〈【“‘([{")

  /// The text cut where a line may break: at spaces (`spaced`: a space separates the unit from
  /// the one before), and between wide characters or a wide character and its neighbour.
  static func breakableUnits(_ text: String) -> [(String, spaced: Bool)] {
    var units: [(String, spaced: Bool)] = []
    for word in text.split(separator: " ", omittingEmptySubsequences: true) {
      var current = ""
      var previous: Character?
      var spaced = true
      for character in word {
        if let p = previous, !current.isEmpty {
          let wide = isWide(character) || isWide(p)
          if wide && !closing.contains(character) && !opening.contains(p) {
            units.append((current, spaced))
            current = ""
            spaced = false
          }
        }
        current.append(character)
        previous = character
      }
      if !current.isEmpty { units.append((current, spaced)) }
    }
    return units
  }

  static func isWide(_ character: Character) -> Bool {
    character.unicodeScalars.first.map { isWide($0.value) } ?? false
  }
}
