import Trace

/// The lessons in order, for the HTML edition's index page and its previous/next links. The file
/// names are the lesson folders' names (`Lessons/02-framing` → `02-framing.html`).
public enum LessonNavigation {
  public struct Entry: Sendable {
    public let number: Int
    public let slug: String
    public let title: String
    public let summary: String
    public var file: String { slug + ".html" }
  }

  public static let lessons: [Entry] = [
    Entry(
      number: 1, slug: "01-handshake", title: "the opening handshake",
      summary: "How an HTTP/1.1 connection becomes a WebSocket: the key, the accept value, the 101."),
    Entry(
      number: 2, slug: "02-framing", title: "frames",
      summary: "FIN, RSV, opcode, MASK, length: every bit of a frame, masking, and the rules that fail."),
    Entry(
      number: 3, slug: "03-connection", title: "a conversation",
      summary: "Two real state machines talking: messages, fragments, ping and pong, and the closing handshake."),
    Entry(
      number: 4, slug: "04-deflate", title: "compression (permessage-deflate)",
      summary: "Negotiating RFC 7692, the DEFLATE bits of \"Hello\", context takeover, and bombs."),
    Entry(
      number: 5, slug: "05-server", title: "on the wire",
      summary: "A real server and real clients on loopback: the traced bytes, and long polling beside them."),
    Entry(
      number: 6, slug: "06-vs-long-polling", title: "WebSocket against long polling",
      summary: "The same echo over a WebSocket and over HTTP long polling, measured on this machine."),
    Entry(
      number: 7, slug: "07-scale-out", title: "when one server is not enough",
      summary: "Three servers share a chat room through PostgreSQL: LISTEN/NOTIFY, catch-up, 1012 and backoff."),
    Entry(
      number: 8, slug: "08-security", title: "security",
      summary: "What the wire sees of wss://, Origin and hijacking, why clients mask, limits, and authentication."),
  ]

  /// The lessons with a Simplified Chinese edition (a catalog and a README.zh-CN.md; a test
  /// checks this list against the folders). The Chinese site (`site/zh-CN/`) has their pages;
  /// its index links the others' English pages.
  public static let translated: Set<Int> = [1, 2, 3, 4, 5, 6, 7, 8]

  /// Index, neighbours and the other language's page of lesson `number`. In Chinese, neighbours
  /// not translated yet are the English pages.
  public static func links(for number: Int, language: Language = .english) -> HTMLRenderer.Navigation {
    let previous = lessons.last { $0.number < number }
    let next = lessons.first { $0.number > number }
    let labels = language.labels
    func link(_ entry: Entry) -> (String, String) {
      let href = language == .english || translated.contains(entry.number) ? entry.file : "../" + entry.file
      return (href, Labels.format(labels.lessonLink, "\(entry.number)"))
    }
    let slug = lessons.first { $0.number == number }?.file ?? ""
    let alternate: (String, String)? =
      language == .english
      ? (translated.contains(number) ? ("zh-CN/" + slug, "简体中文") : nil) : ("../" + slug, "English")
    return HTMLRenderer.Navigation(
      index: "index.html", previous: previous.map(link), next: next.map(link), alternate: alternate)
  }

  /// The index page, in `language` (titles and summaries through `translate`).
  public static func indexPage(language: Language = .english, translate: (String) -> String = { $0 }) -> String {
    var renderer = HTMLRenderer()
    renderer.labels = language.labels
    if language == .english {
      return renderer.index(
        lessons: lessons.map { ($0.file, $0.number, $0.title, $0.summary) },
        alternate: translated.isEmpty ? nil : ("zh-CN/index.html", "简体中文"))
    }
    return renderer.index(
      lessons: lessons.map { entry in
        translated.contains(entry.number)
          ? (entry.file, entry.number, translate(entry.title), translate(entry.summary))
          : (
            "../" + entry.file, entry.number, Labels.format(language.labels.untranslated, translate(entry.title)),
            translate(entry.summary)
          )
      }, alternate: ("../index.html", "English"))
  }
}
