import Connection
import Deflate
import Framing
import FuzzSupport
import Handshake
import NIOCore

/// A whole server-role Connection (RFC 6455 with permessage-deflate) after a real browser's
/// opening handshake, fed arbitrary bytes in arbitrary chunks, with an application that echoes
/// every message. Invariants:
/// - the handshake is accepted and the connection opens;
/// - input held never exceeds one frame (maxFrameSize plus a header) plus one read;
/// - every failure carries a close code a server sends for it (1002, 1007, 1008, 1009, 1011) and
///   the connection is closing or closed after it; nothing follows `closed`;
/// - everything the connection writes is a sequence of valid unmasked frames (a client's
///   decoder, with RSV1 for permessage-deflate, accepts it).
let request = Array(
  ("GET /chat?room=1 HTTP/1.1\r\nHost: 127.0.0.1:18504\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
    + "Origin: null\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: sgJVrwQONiyyMipD0XMDHQ==\r\n"
    + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
    + "Sec-WebSocket-Protocol: chat, superchat\r\n\r\n").utf8)
let maxFrameSize = 4096

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  var input = FuzzInput(start, count)
  let flags = input.byte()
  let seed = input.uint32()
  let bytes = input.rest()
  let configuration = Connection.Configuration(
    role: .server, maxFrameSize: maxFrameSize, maxMessageSize: 8192, maxQueuedBytes: 1 << 16,
    deflate: flags & 1 != 0 ? DeflateOptions(maxDecompressedMessageSize: 8192) : .disabled)
  var connection = Connection(
    server: ServerHandshakePolicy(subprotocols: ["chat"]), configuration: configuration)
  var written: [UInt8] = []
  var closed = false
  var opened = false
  var failed = false

  func pump(_ connection: inout Connection) {
    while let event = connection.nextEvent() ?? release(&connection) {
      require(!closed, "event \(event) after closed")
      switch event {
      case .opened: opened = true
      case .handshakeFailed(let error): require(false, "the browser's handshake was refused: \(error)")
      case .text(let text): try? connection.send(text: text)
      case .binary(let bytes): try? connection.send(binary: bytes)
      case .failed(let failure):
        failed = true
        require(
          [1002, 1007, 1008, 1009, 1011].contains(failure.closeCode.rawValue), "\(failure) sends \(failure.closeCode)")
        require(connection.state != .open, "still open after \(failure)")
      case .closed: closed = true
      case .ping, .pong, .closeReceived: break
      }
    }
    if let out = connection.takeOutbound() { written += out.readableBytesView }
  }

  /// Every event answered: take a close or violation held behind them, and its events.
  func release(_ connection: inout Connection) -> ConnectionEvent? {
    guard connection.isHoldingBack else { return nil }
    connection.releaseHeldBack()
    return connection.nextEvent()
  }

  connection.receive(request)
  pump(&connection)
  require(opened, "the connection did not open")
  let headEnd = written.firstRange(of: [13, 10, 13, 10])?.upperBound ?? 0
  let responseBytes = headEnd
  var largestRead = 0
  for chunk in chunks(bytes, seed: seed) {
    largestRead = max(largestRead, chunk.count)
    connection.receive(ByteBuffer(bytes: chunk))
    pump(&connection)
    require(
      connection.bufferedInputBytes <= maxFrameSize + FrameHeader.maxEncodedSize + largestRead,
      "\(connection.bufferedInputBytes) input bytes held")
  }
  connection.receiveEOF()
  pump(&connection)
  require(closed || !failed, "failed but never closed")

  var decoder = FrameDecoder(configuration: .init(role: .client, maxFrameSize: 1 << 20, allowedRSV: 0x40))
  decoder.append(contentsOf: written[responseBytes...])
  do {
    while try decoder.next() != nil {}
  } catch {
    require(false, "the server wrote an invalid frame: \(error)")
  }
  require(decoder.bufferedBytes == 0, "the server wrote \(decoder.bufferedBytes) bytes of an incomplete frame")
  return 0
}

@_cdecl("FuzzConnection_main")
public func FuzzConnectionMain(
  _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
