import NIOConcurrencyHelpers
import NIOCore
import Trace

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A pcapng capture of a server's or client's connections (`--pcap FILE`), written as it grows:
/// the bytes each connection really read and wrote (TLS records for wss://: see ``KeyLogFile``),
/// in synthetic but consistent TCP/IPv4 framing with the connection's real addresses and ports
/// and the time they happened (``PcapNGCapture``). Thread-safe: connections on any event loop
/// write to it. Connections over IPv6 are not captured.
public final class CaptureFile: @unchecked Sendable {
  private let lock = NIOLock()
  private var capture = PcapNGCapture()
  /// nil: a capture in memory (``memory()``).
  private let file: UnsafeMutablePointer<FILE>?
  private var nextID = 0
  private var kept: [Segment] = []

  /// Bytes one side of a captured connection sent, as one read or write saw them.
  public struct Segment: Sendable, Equatable {
    /// The capture's number for the connection, from 1 in the order they opened.
    public var connection: Int
    public var from: Role
    public var bytes: [UInt8]
  }

  /// Creates (or truncates) `path`.
  public init(path: String) throws {
    guard let file = fopen(path, "wb") else {
      throw FileOutputError(path: path, reason: String(cString: strerror(errno)))
    }
    self.file = file
    lock.withLock { flush() }
  }

  private init() {
    self.file = nil
  }

  /// A capture kept in memory: what an observer on the wire would see (lesson 8 shows the TLS
  /// records of a wss:// connection), read with ``takeSegments()`` and ``takeBytes()``.
  public static func memory() -> CaptureFile { CaptureFile() }

  /// The segments captured since the last call, in the order they were read or written (memory
  /// captures only; a file capture returns none).
  public func takeSegments() -> [Segment] {
    lock.withLock {
      defer { kept.removeAll() }
      return kept
    }
  }

  /// The pcapng bytes of a memory capture so far (a file capture has written them to its file).
  public func takeBytes() -> [UInt8] {
    lock.withLock { capture.takeBytes() }
  }

  deinit {
    if let file { fclose(file) }
  }

  /// A number for a new connection (the capture's own, one TCP stream each).
  func newConnection() -> Int {
    lock.withLock {
      nextID += 1
      return nextID
    }
  }

  func open(_ id: Int, client: SocketAddress?, server: SocketAddress?) {
    guard let client = client.flatMap(Self.endpoint), let server = server.flatMap(Self.endpoint) else { return }
    lock.withLock {
      capture.open(id, client: client, server: server, at: Self.now())
      flush()
    }
  }

  func send(_ id: Int, from side: PcapNGCapture.Side, _ bytes: ByteBuffer) {
    lock.withLock {
      capture.send(id, from: side, bytes.readableBytesView, at: Self.now())
      if file == nil {
        kept.append(
          Segment(connection: id, from: side == .client ? .client : .server, bytes: Array(bytes.readableBytesView)))
      }
      flush()
    }
  }

  func close(_ id: Int, from side: PcapNGCapture.Side) {
    lock.withLock {
      capture.close(id, from: side, at: Self.now())
      flush()
    }
  }

  /// Appends what the capture gained to the file (under the lock).
  private func flush() {
    guard let file else { return }
    let bytes = capture.takeBytes()
    guard !bytes.isEmpty else { return }
    _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    fflush(file)
  }

  static func endpoint(_ address: SocketAddress) -> PcapNGCapture.Endpoint? {
    guard case .v4 = address, let ip = address.ipAddress, let port = address.port else { return nil }
    return PcapNGCapture.Endpoint(ipv4: ip, port: port)
  }

  /// Microseconds since 1970.
  static func now() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
  }
}

/// The TLS session keys of wss:// connections in the NSS key log format (`--keylog FILE`), one line
/// per secret as swift-nio-ssl reports them: with it, Wireshark decrypts a capture of the TLS bytes
/// (`--pcap`, or tcpdump) and shows the WebSocket inside. Anyone holding the file can read the
/// traffic: for teaching and debugging only.
public final class KeyLogFile: @unchecked Sendable {
  private let lock = NIOLock()
  private let file: UnsafeMutablePointer<FILE>

  public init(path: String) throws {
    guard let file = fopen(path, "w") else {
      throw FileOutputError(path: path, reason: String(cString: strerror(errno)))
    }
    self.file = file
  }

  deinit {
    fclose(file)
  }

  /// One key log line (swift-nio-ssl's callback gives it without the line end).
  func write(_ line: ByteBuffer) {
    lock.withLock {
      _ = line.readableBytesView.withContiguousStorageIfAvailable { fwrite($0.baseAddress, 1, $0.count, file) }
      if line.readableBytesView.last != UInt8(ascii: "\n") { fputc(0x0a, file) }
      fflush(file)
    }
  }
}

public struct FileOutputError: Error, CustomStringConvertible {
  public var path: String
  public var reason: String
  public var description: String { "cannot write \(path): \(reason)" }
}

/// The first handler of a captured connection: copies what it reads and writes to the capture.
final class CaptureHandler: ChannelDuplexHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer
  typealias OutboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  private let file: CaptureFile
  private let id: Int
  /// Which end this process is: the server (it reads what the client sends) or the client.
  private let local: PcapNGCapture.Side
  private var closedByUs = false

  init(file: CaptureFile, isServer: Bool) {
    self.file = file
    self.id = file.newConnection()
    self.local = isServer ? .server : .client
  }

  private var remote: PcapNGCapture.Side { local == .server ? .client : .server }

  func handlerAdded(context: ChannelHandlerContext) {
    if context.channel.isActive { opened(context) }
  }

  func channelActive(context: ChannelHandlerContext) {
    opened(context)
    context.fireChannelActive()
  }

  private var isOpen = false
  private func opened(_ context: ChannelHandlerContext) {
    guard !isOpen else { return }
    isOpen = true
    let (localAddress, remoteAddress) = (context.channel.localAddress, context.channel.remoteAddress)
    if local == .server {
      file.open(id, client: remoteAddress, server: localAddress)
    } else {
      file.open(id, client: localAddress, server: remoteAddress)
    }
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    file.send(id, from: remote, unwrapInboundIn(data))
    context.fireChannelRead(data)
  }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    file.send(id, from: local, unwrapOutboundIn(data))
    context.write(data, promise: promise)
  }

  func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
    if !closedByUs {
      closedByUs = true
      file.close(id, from: local)
    }
    context.close(mode: mode, promise: promise)
  }

  func channelInactive(context: ChannelHandlerContext) {
    // Closed by the peer (or both): its FIN, then ours.
    if !closedByUs { file.close(id, from: remote) }
    file.close(id, from: local)
    context.fireChannelInactive()
  }
}
