#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The HTML edition of the lessons (`make site` writes it to `site/`), served at `/lessons/` so that
/// in a workshop one machine serves the lessons and the WebSocket endpoint together.
///
/// The pages are read once, when the server is created (a few hundred KiB), so serving them never
/// blocks an event loop on the disk; rebuild the site and restart the server to serve new pages.
/// Only the flat files of that folder and of its subfolders one level down (the editions in other
/// languages, `zh-CN/`) are served, with names of letters, digits, `.`, `-` and `_`, not starting
/// with a dot (a subfolder's name has no dot at all): no path can reach outside the folder.
struct LessonSite: Sendable {
  /// Where the pages were read from, and what went wrong if nothing was.
  let directory: String
  let problem: String?
  private let files: [String: [UInt8]]
  /// How many files are served.
  var count: Int { files.count }

  /// The largest file and the most files read: the folder is the lessons' site, not a file server.
  static let maxFileSize = 4 << 20
  static let maxFiles = 256

  init(directory: String) {
    self.directory = directory
    var files: [String: [UInt8]] = [:]
    var problem: String?
    if let names = Self.names(in: directory) {
      for name in names where files.count < Self.maxFiles {
        if Self.isServable(name), let bytes = Self.read(directory + "/" + name) {
          files[name] = bytes
        } else if Self.isFolder(name), let inner = Self.names(in: directory + "/" + name) {
          for file in inner where files.count < Self.maxFiles && Self.isServable(file) {
            if let bytes = Self.read(directory + "/" + name + "/" + file) { files[name + "/" + file] = bytes }
          }
        }
      }
      if files["index.html"] == nil { problem = "\(directory)/index.html is missing: run `make site`" }
    } else {
      problem = "\(directory) cannot be read (\(String(cString: strerror(errno)))): run `make site`"
    }
    self.files = files
    self.problem = problem
  }

  /// The entries of a folder (sorted), or nil when it cannot be opened.
  private static func names(in directory: String) -> [String]? {
    guard let dir = opendir(directory) else { return nil }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir), names.count < 4 * maxFiles {
      names.append(
        withUnsafeBytes(of: entry.pointee.d_name) { raw in
          String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        })
    }
    return names.sorted()
  }

  /// A subfolder served one level down: letters, digits, `-` and `_` only (`zh-CN`).
  static func isFolder(_ name: String) -> Bool {
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".utf8)
    return !name.isEmpty && name.utf8.count <= 32 && name.utf8.allSatisfy(allowed.contains)
  }

  /// A name served from the folder: no slash, no leading dot, a known kind of file.
  static func isServable(_ name: String) -> Bool {
    guard !name.isEmpty, !name.hasPrefix("."), name.utf8.count <= 128 else { return false }
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_".utf8)
    guard name.utf8.allSatisfy(allowed.contains) else { return false }
    return contentType(name) != nil
  }

  static func contentType(_ name: String) -> String? {
    if name.hasSuffix(".html") { return "text/html; charset=utf-8" }
    if name.hasSuffix(".json") { return "application/json" }
    if name.hasSuffix(".png") { return "image/png" }
    return nil
  }

  private static func read(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 << 10)
    while true {
      let n = fread(&chunk, 1, chunk.count, file)
      if n > 0 { bytes += chunk[0..<n] }
      if bytes.count > maxFileSize { return nil }
      if n < chunk.count { break }
    }
    return ferror(file) == 0 ? bytes : nil
  }

  enum Answer: Equatable {
    case file(contentType: String, bytes: [UInt8])
    case redirect(String)
    case notFound(String)
  }

  /// What `GET path` gets, for a path under `/lessons`.
  func answer(_ path: String) -> Answer {
    if path == "/lessons" { return .redirect("/lessons/") }
    var name = String(path.dropFirst("/lessons/".count))
    // A subfolder's index: `/lessons/zh-CN` is redirected to `/lessons/zh-CN/`.
    if Self.isFolder(name), files[name + "/index.html"] != nil { return .redirect("/lessons/\(name)/") }
    if name.isEmpty || name.hasSuffix("/") { name += "index.html" }
    if let problem { return .notFound("The lessons' web pages are not here: \(problem), then restart the server.\n") }
    let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    guard parts.count <= 2, parts.count == 1 || Self.isFolder(parts[0]), Self.isServable(parts[parts.count - 1]),
      let bytes = files[name], let type = Self.contentType(name)
    else {
      return .notFound("No page /lessons/\(name). The lessons start at /lessons/.\n")
    }
    return .file(contentType: type, bytes: bytes)
  }
}
