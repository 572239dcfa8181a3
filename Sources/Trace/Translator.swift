/// Translates the English text of a walkthrough (a lesson's prose, tables and boxes, and the
/// meanings, notes and titles the codec writes into its trace records) with a catalog of templates.
///
/// A catalog maps English to the other language. A key may hold placeholders, each matching any
/// non-empty text: `"payload length: {} bytes (0–125 fit in 7 bits)"` matches the meaning the
/// frame annotator writes for every small frame. `{}` matches a value, kept as it is (translated
/// only when the catalog happens to know it); `{t}` matches text that must be translated itself
/// (and counts as missing when it cannot be). The translation puts the matched texts back in
/// order with `{}`, or in any order with `{1}`, `{2}`, …. Keys without placeholders are looked up
/// first, exactly. A key that starts with `@` translates only what a placeholder matched (such as
/// `@text {}` for the kind of frame inside a record title), never a whole string, so that a short
/// key cannot half-translate a sentence it was not written for.
///
/// The translator remembers what it could not translate (``missing``) and which entries it never
/// used (``unused``), so that a test can fail on a string missing from either language. Text with
/// no word in it (bytes in hex, numbers, arrows) needs no translation and is passed through.
///
/// No I/O; one translator per run, used from one thread.
public final class Translator {
  private struct Pattern {
    var key: String
    /// An `@` key: only for what a placeholder matched.
    var inner: Bool
    var literals: [String]
    /// For each placeholder: true for `{t}` (must be translated).
    var translated: [Bool]
    var translation: String
  }

  private var exact: [String: String] = [:]
  /// `@` keys without placeholders: the text without the `@`, to the catalog key and translation.
  private var innerExact: [String: (key: String, translation: String)] = [:]
  private var patterns: [Pattern] = []
  /// Text the catalog had no entry for, in the order it was first seen.
  public private(set) var missing: [String] = []
  private var missingSet: Set<String> = []
  private var usedKeys: Set<String> = []
  /// Values with words in them that `{}` placeholders kept as they were (quoted text aside), in
  /// the order first seen: data such as a header value or a name, or an entry the catalog lacks.
  public private(set) var keptValues: [String] = []
  private var keptSet: Set<String> = []

  public init(catalog: [String: String]) {
    for (catalogKey, translation) in catalog {
      let inner = catalogKey.hasPrefix("@")
      let key = inner ? String(catalogKey.dropFirst()) : catalogKey
      if inner && !key.contains("{") {
        innerExact[key] = (catalogKey, translation)
        continue
      }
      if key.contains("{}") || key.contains("{t}") {
        var literals: [String] = []
        var translated: [Bool] = []
        var current = ""
        var rest = Substring(key)
        while !rest.isEmpty {
          if rest.hasPrefix("{}") || rest.hasPrefix("{t}") {
            literals.append(current)
            current = ""
            translated.append(rest.hasPrefix("{t}"))
            rest = rest.dropFirst(rest.hasPrefix("{t}") ? 3 : 2)
          } else {
            current.append(rest.removeFirst())
          }
        }
        literals.append(current)
        patterns.append(
          Pattern(key: catalogKey, inner: inner, literals: literals, translated: translated, translation: translation))
      } else {
        exact[key] = translation
      }
    }
    // Most specific first: more literal text wins over less.
    patterns.sort {
      ($0.literals.reduce(0) { $0 + $1.count }, $0.key) > ($1.literals.reduce(0) { $0 + $1.count }, $1.key)
    }
  }

  /// The translation of `text`, or `text` itself (remembered in ``missing`` when it has words).
  public func translate(_ text: String) -> String {
    guard let resolution = resolve(text, inner: false) else { return untranslated(text) }
    usedKeys.formUnion(resolution.keys)
    for s in resolution.missing { _ = untranslated(s) }
    for s in resolution.kept where !keptSet.contains(s) {
      keptSet.insert(s)
      keptValues.append(s)
    }
    return resolution.text
  }

  /// `text` as it is, remembered in ``missing`` when it has words.
  private func untranslated(_ text: String) -> String {
    if Self.needsTranslation(text), !missingSet.contains(text) {
      missingSet.insert(text)
      missing.append(text)
    }
    return text
  }

  /// The translation of `text` when the catalog has one; nil otherwise (nothing is remembered
  /// but the entries used).
  public func lookup(_ text: String) -> String? {
    guard let resolution = resolve(text, inner: false) else { return nil }
    usedKeys.formUnion(resolution.keys)
    return resolution.text
  }

  /// A translation and what it took: the entries used, the `{t}` captures nothing translated,
  /// and the `{}` captures with words in them that were kept as they are.
  private struct Resolution {
    var text = ""
    var keys: [String] = []
    var missing: [String] = []
    var kept: [String] = []
    /// How much English the translation leaves behind, in characters: what must be translated
    /// first, then what was kept ((0, 0): nothing).
    var leftover: (missing: Int, kept: Int) {
      (missing.reduce(0) { $0 + $1.count }, kept.reduce(0) { $0 + $1.count })
    }
  }

  /// How the catalog translates `text`, without remembering anything. Exact keys first, then the
  /// patterns, most specific first; a match that leaves English words behind in a capture gives
  /// way to a later one that leaves less (`masked; {}` over `{} normal closure` for "masked;
  /// normal closure"); among matches that leave the same, the first wins.
  private func resolve(_ text: String, inner: Bool) -> Resolution? {
    if let translated = exact[text] { return Resolution(text: translated, keys: [text]) }
    if inner, let entry = innerExact[text] { return Resolution(text: entry.translation, keys: [entry.key]) }
    var fallback: Resolution?  // the match leaving the least English so far
    // Whole-string keys first; `@` keys only inside a placeholder.
    for pass in inner ? [false, true] : [false] {
      for pattern in patterns where pattern.inner == pass {
        guard let captures = Self.match(text, pattern.literals),
          zip(captures, pattern.translated).allSatisfy({ $1 || Self.isValue($0) })
        else { continue }
        var resolution = Resolution(keys: [pattern.key])
        var filled: [String] = []
        for (capture, mustTranslate) in zip(captures, pattern.translated) {
          if let inside = resolve(capture, inner: true) {
            resolution.keys += inside.keys
            resolution.missing += inside.missing
            resolution.kept += inside.kept
            filled.append(inside.text)
          } else {
            if mustTranslate {
              if Self.needsTranslation(capture) { resolution.missing.append(capture) }
            } else if Self.needsTranslation(capture) && !Self.isQuoted(capture) {
              resolution.kept.append(capture)
            }
            filled.append(capture)
          }
        }
        resolution.text = Self.fill(pattern.translation, with: filled)
        if resolution.leftover == (0, 0) { return resolution }
        if fallback.map({ resolution.leftover < $0.leftover }) ?? true { fallback = resolution }
      }
    }
    return fallback
  }

  /// Catalog keys no text used, sorted.
  public var unused: [String] {
    (Array(exact.keys) + innerExact.values.map(\.key) + patterns.map(\.key)).filter { !usedKeys.contains($0) }.sorted()
  }

  /// True when `text` holds a word: a run of ASCII letters that is not a hex byte (two letters
  /// with one of g-z, or three letters or more). Hex bytes, numbers, offsets and arrows pass
  /// through untranslated.
  public static func needsTranslation(_ text: String) -> Bool {
    var run = 0
    var beyondHex = false
    for byte in text.utf8 + [0x20] {
      let lower = byte | 0x20
      if lower >= 0x61 && lower <= 0x7a {
        run += 1
        if lower > 0x66 { beyondHex = true }
        continue
      }
      if run >= 3 || (run == 2 && beyondHex) { return true }
      run = 0
      beyondHex = false
    }
    return false
  }

  /// Text in quotes (`"hi, room"`, `'<id> n1'`, a truncated `"xxxx"…`): data, never translated.
  static func isQuoted(_ capture: String) -> Bool {
    guard let first = capture.first, first == "\"" || first == "'" else { return false }
    return capture.dropFirst().contains(first)
  }

  /// What a `{}` may match: a value (a number, a quoted string, a header value with its
  /// parameters, a short phrase), not a sentence. This keeps a short pattern such as
  /// `{} instead of {}` from matching prose.
  static func isValue(_ capture: String) -> Bool {
    // Quoted text (a close reason, a header value) is data: its punctuation does not count.
    var unquoted = ""
    var quoted = false
    for c in capture {
      if c == "\"" { quoted.toggle() } else if !quoted { unquoted.append(c) }
    }
    guard unquoted.count <= 80, !unquoted.contains(". "), !unquoted.contains("? ") else { return false }
    // `; ` ends a clause in prose, but separates parameters in a header value
    // (`permessage-deflate; client_max_window_bits`): a parameter runs to a comma without a space.
    return unquoted.split(separator: "; ", omittingEmptySubsequences: false).dropFirst().allSatisfy { part in
      !(part.prefix { $0 != "," }.contains(" "))
    }
  }

  /// The texts the placeholders matched (leftmost, shortest), or nil.
  static func match(_ text: String, _ literals: [String]) -> [String]? {
    guard let first = literals.first, let last = literals.last, text.hasPrefix(first), text.hasSuffix(last),
      text.count >= first.count + last.count + literals.count - 1
    else { return nil }
    var rest = Substring(text.dropFirst(first.count).dropLast(last.count))
    var captures: [String] = []
    for literal in literals.dropFirst().dropLast() {
      // The capture before this literal holds at least one character.
      guard !rest.isEmpty, let range = rest.dropFirst().range(of: literal) else { return nil }
      captures.append(String(rest[..<range.lowerBound]))
      rest = rest[range.upperBound...]
    }
    guard !rest.isEmpty else { return nil }
    captures.append(String(rest))
    return captures
  }

  /// `translation` with `{}` replaced by the captures in order, and `{1}`…`{9}` by number.
  static func fill(_ translation: String, with captures: [String]) -> String {
    var out = ""
    var next = 0
    var i = translation.startIndex
    while i < translation.endIndex {
      let c = translation[i]
      if c == "{" {
        let after = translation.index(after: i)
        if after < translation.endIndex, translation[after] == "}" {
          out += next < captures.count ? captures[next] : ""
          next += 1
          i = translation.index(after: after)
          continue
        }
        if after < translation.endIndex, let digit = translation[after].wholeNumberValue,
          translation.index(after: after) < translation.endIndex,
          translation[translation.index(after: after)] == "}"
        {
          out += digit >= 1 && digit <= captures.count ? captures[digit - 1] : ""
          i = translation.index(after: translation.index(after: after))
          continue
        }
      }
      out.append(c)
      i = translation.index(after: i)
    }
    return out
  }
}

extension Substring {
  /// The first range of `needle`, or nil (no Foundation in this layer).
  fileprivate func range(of needle: String) -> Range<Index>? {
    guard !needle.isEmpty else { return startIndex..<startIndex }
    var i = startIndex
    while i < endIndex {
      if self[i...].hasPrefix(needle) { return i..<index(i, offsetBy: needle.count) }
      i = index(after: i)
    }
    return nil
  }
}

/// The words the renderers themselves write around a walkthrough (headings of parts, the
/// prefixes of trace lines), in one language. `{1}`, `{2}` are filled as in ``Translator``.
public struct Labels: Sendable, Equatable {
  /// The BCP 47 tag (`en`, `zh-CN`), for `<html lang>`.
  public var language = "en"
  public var note = "note: "
  public var state = "state: "
  public var clientToServer = "client → server"
  public var serverToClient = "server → client"
  public var banner = "WSLab lesson {1}: {2}"
  public var exercises = "Exercises"
  public var answersAt = "Answers: in {1}, and folded under each exercise in the HTML edition (make site)."
  public var end = "End of lesson {1}."
  public var next = " Next: {1}"
  public var lessonsIndex = "WSLab lessons"
  public var lessonLink = "Lesson {1}"
  /// Between "Lesson 1" and its title.
  public var titleSeparator = ": "
  public var annotateAll = "annotate all"
  public var answer = "Answer"
  public var yourAnswer = "Your answer:"
  public var check = "Check:"
  public var indexHeading = "WebSocket, byte by byte"
  public var indexIntro =
    "The lessons on RFC 6455 and RFC 7692. Every byte on these pages was produced and annotated by WSLab's own codec while the lesson ran; click or hover a byte group to see what it means and which rule of the RFC it follows."
  public var handoutLink = "The printable handout"
  public var handoutLinkRest =
    ": one page per lesson, its key bytes, what to remember, and the exercises with their checks."
  public var handoutHeading = "WebSocket, byte by byte: the handout"
  public var handoutIntro =
    "One page per lesson. Print it from the browser (every lesson starts a new page), and check your answers with `wslab check`."
  public var keyBytes = "Key bytes"
  public var remember = "Remember"
  public var checkYourself = "Check yourself"
  /// A lesson not translated yet, linked in its original language.
  public var untranslated = "{1} (in English)"

  public init() {}

  public static let english = Labels()

  /// Simplified Chinese.
  public static let simplifiedChinese: Labels = {
    var l = Labels()
    l.language = "zh-CN"
    l.note = "注："
    l.state = "状态："
    l.clientToServer = "客户端 → 服务器"
    l.serverToClient = "服务器 → 客户端"
    l.banner = "WSLab 第 {1} 课：{2}"
    l.exercises = "练习"
    l.answersAt = "答案：见 {1}；HTML 版（make site）中每道练习下可展开。"
    l.end = "第 {1} 课结束。"
    l.next = "下一课：{1}"
    l.lessonsIndex = "WSLab 课程"
    l.lessonLink = "第 {1} 课"
    l.titleSeparator = "："
    l.annotateAll = "展开全部注释"
    l.answer = "答案"
    l.yourAnswer = "检验你的答案："
    l.check = "验证："
    l.indexHeading = "WebSocket，逐字节讲解"
    l.indexIntro =
      "关于 RFC 6455 和 RFC 7692 的课程。这些页面上的每个字节，都是课程运行时由 WSLab 自己的编解码器生成并注释的；点击或悬停在一组字节上，即可看到它的含义，以及它遵循 RFC 的哪条规则。"
    l.handoutLink = "可打印的讲义"
    l.handoutLinkRest = "：每课一页，包括关键字节、要点，以及练习和对应的检验命令。"
    l.handoutHeading = "WebSocket，逐字节讲解：讲义"
    l.handoutIntro = "每课一页。用浏览器打印（每课从新的一页开始），并用 `wslab check` 检验你的答案。"
    l.keyBytes = "关键字节"
    l.remember = "要点"
    l.checkYourself = "自我检验"
    l.untranslated = "{1}（英文）"
    return l
  }()

  /// `template` with `{1}`, `{2}`… filled.
  public static func format(_ template: String, _ values: String...) -> String {
    Translator.fill(template, with: values)
  }

  /// The label for a direction.
  public func direction(_ direction: TraceDirection) -> String {
    switch direction {
    case .clientToServer: clientToServer
    case .serverToClient: serverToClient
    case .unspecified: ""
    }
  }
}

extension String {
  /// The string without `suffix` at its end, if it ends with it.
  public func trimmingSuffix(_ suffix: String) -> String {
    hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
  }
}

/// How a tool speaks when it writes a trace: the renderer's words, what rewrites the codec's
/// English events, and its own lines (`result: valid: …`). Identity in English.
public struct TraceLanguage: Sendable {
  public var labels: Labels
  public var event: @Sendable (TraceEvent) -> TraceEvent
  public var text: @Sendable (String) -> String

  public init(
    labels: Labels, event: @escaping @Sendable (TraceEvent) -> TraceEvent,
    text: @escaping @Sendable (String) -> String
  ) {
    self.labels = labels
    self.event = event
    self.text = text
  }

  public static let english = TraceLanguage(labels: .english, event: { $0 }, text: { $0 })
}
