import Trace

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The language a lesson speaks: English, or Simplified Chinese (`--lang zh-CN`, or a locale
/// whose LC_ALL, LC_MESSAGES or LANG starts with `zh`, as POSIX orders them).
public enum Language: String, Sendable, CaseIterable {
  case english = "en"
  case simplifiedChinese = "zh-CN"

  /// `--lang` first, then the locale; English when neither says otherwise.
  static func chosen(arguments: [String], environment: (String) -> String?) -> Language {
    if let i = arguments.firstIndex(of: "--lang") {
      guard i + 1 < arguments.count, let language = Language(tag: arguments[i + 1]) else {
        Lesson.fail(
          "--lang needs one of \(Language.allCases.map(\.rawValue).joined(separator: ", ")), as in --lang zh-CN")
      }
      return language
    }
    for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
      guard let value = environment(name), !value.isEmpty else { continue }
      return value.lowercased().hasPrefix("zh") ? .simplifiedChinese : .english
    }
    return .english
  }

  /// `en`, `zh-CN`, and the spellings locales use (`zh_CN.UTF-8`, `zh`).
  public init?(tag: String) {
    let t = String(tag.lowercased().map { $0 == "_" ? "-" : $0 })
    if t == "en" || t.hasPrefix("en-") || t == "c" || t == "posix" {
      self = .english
    } else if t == "zh" || t.hasPrefix("zh-cn") || t.hasPrefix("zh-hans") || t.hasPrefix("zh-sg") {
      self = .simplifiedChinese
    } else {
      return nil
    }
  }

  /// The language of a command's output: `tag` (`--lang`) when given, else the locale (LC_ALL,
  /// LC_MESSAGES, LANG, as the lessons choose); nil when `tag` names no language WSLab speaks.
  public static func chosen(tag: String?) -> Language? {
    if let tag { return Language(tag: tag) }
    return chosen(arguments: [], environment: Lesson.environment)
  }

  public var labels: Labels { self == .english ? .english : .simplifiedChinese }

  /// The README a lesson's exercises are answered in.
  func readme(slug: String) -> String {
    self == .english ? "Lessons/\(slug)/README.md" : "Lessons/\(slug)/README.zh-CN.md"
  }
}

/// Translates everything a lesson emits when it speaks Chinese: its own strings (the lesson's
/// catalog) and what the codec wrote (the shared catalog: field meanings, notes, titles).
struct LessonTranslation {
  let translator: Translator
  let lessonKeys: Set<String>

  init(lesson: [String: String], shared: [String: String]) {
    translator = Translator(catalog: shared.merging(lesson) { _, own in own })
    lessonKeys = Set(lesson.keys)
  }

  func text(_ s: String) -> String {
    // Leading spaces (indented lines) stay; the rest is translated.
    let indent = s.prefix { $0 == " " }
    let body = String(s.dropFirst(indent.count))
    // A bare section reference (`§4.2.1 item 1`) needs no catalog entry.
    let converted = Self.sections(body)
    if !Translator.needsTranslation(converted) { return String(indent) + converted }
    return String(indent) + Self.sections(translator.translate(body))
  }

  /// RFC references inside translated text: `§4.2.1 item 6` → `§4.2.1 第 6 项`, `client step 4`
  /// → `客户端第 4 步` (section numbers stay as they are).
  static func sections(_ s: String) -> String {
    var out = s
    for (english, before, after) in [(" item ", " 第 ", " 项"), ("client step ", "客户端第 ", " 步")] {
      var result = ""
      var rest = Substring(out)
      while let r = rest.firstRange(of: english) {
        var digits = rest[r.upperBound...].prefix { $0.isNumber || $0 == "." }
        while digits.last == "." { digits = digits.dropLast() }
        guard !digits.isEmpty else {
          result += rest[..<r.upperBound]
          rest = rest[r.upperBound...]
          continue
        }
        result += rest[..<r.lowerBound] + before + digits + after
        rest = rest[r.upperBound...].dropFirst(digits.count)
      }
      out = result + rest
    }
    return out
  }

  func prose(_ s: String) -> String {
    s.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
      let line = String(line)
      if line.isEmpty || line.hasPrefix("  ") { return line.isEmpty ? line : text(line) }
      if let marker = DocumentTextRenderer.listMarker(Substring(line)) {
        return marker + " " + Self.sections(translator.translate(String(line.dropFirst(marker.count + 1))))
      }
      return Self.sections(translator.translate(line))
    }.joined(separator: "\n")
  }

  func record(_ r: TraceRecord) -> TraceRecord {
    var record = r
    record.title = text(r.title)
    record.fields = r.fields.map { field in
      var f = field
      f.meaning = text(field.meaning)
      return f
    }
    return record
  }

  func event(_ e: TraceEvent) -> TraceEvent {
    switch e {
    case .bytes(let r): .bytes(record(r))
    case .note(let note): .note(text(note))
    case .transition(let from, let to, let reason): .transition(from: from, to: to, reason: text(reason))
    }
  }

  func block(_ block: DocumentBlock) -> DocumentBlock {
    switch block {
    case .banner(let number, let title, let subtitle):
      return .banner(number: number, title: text(title), subtitle: text(subtitle))
    case .heading(let number, let title): return .heading(number: number, title: text(title))
    case .prose(let s): return .prose(prose(s))
    case .line(let s): return .line(text(s))
    case .trace(let e, let source): return .trace(event(e), source: source)
    case .table(let header, let rows, let bitColumn):
      return .table(header: header.map(text), rows: rows.map { $0.map(text) }, bitColumn: bitColumn)
    case .box(let title, let items): return .box(title: text(title), items: items.map(text))
    case .diagram(let step):
      switch step {
      case .lanes(let left, let right): return .diagram(.lanes(left: text(left), right: text(right)))
      case .arrow(let direction, let label): return .diagram(.arrow(direction, text(label)))
      case .record(let r): return .diagram(.record(record(r)))
      case .note(let side, let s): return .diagram(.note(side, text(s)))
      case .gap: return block
      }
    case .exercises(let exercises, let answers):
      return .exercises(
        exercises.map { e in
          var e = e
          e.question = prose(e.question)
          e.answer = prose(e.answer)
          return e
        }, answers: answers)
    case .end(let number, let next): return .end(number: number, next: next.map(text))
    }
  }

  /// What the catalogs lack, as the report `--strings-report FILE` writes: the English strings
  /// with no translation, the lesson's own entries no string used, and the values with words in
  /// them that `{}` placeholders kept in English.
  var report: String {
    let unused = translator.unused.filter { lessonKeys.contains($0) }
    var out = "# missing: \(translator.missing.count)\n"
    for s in translator.missing { out += "missing: " + s + "\n" }
    out += "# unused: \(unused.count)\n"
    for s in unused { out += "unused: " + s + "\n" }
    // What placeholders kept in English: data (header values, paths, names), or an entry to add.
    let kept = translator.keptValues.map(Self.sections).filter(Translator.needsTranslation)
    out += "# values kept as they are: \(kept.count)\n"
    for s in kept { out += "value: " + s + "\n" }
    return out
  }
}
