import Connection
import Framing
import Handshake
import NIOCore
import Trace

/// Seeded randomness for reproducible tests.
typealias TestRandom = SeededRandom

func hex(_ s: String) -> [UInt8] { s.split(separator: " ").map { UInt8($0, radix: 16)! } }

extension ByteBuffer {
  var bytes: [UInt8] { Array(readableBytesView) }
}

let testOptions = ClientHandshake.Options(host: "example.com", path: "/chat", subprotocols: ["chat"])

/// A client and a server Connection wired together in memory. Bytes move only when `pump` is
/// called; each side's TCP close is delivered to the other as end of stream.
struct Pair {
  var client: Connection
  var server: Connection
  var clientEvents: [ConnectionEvent] = []
  var serverEvents: [ConnectionEvent] = []
  /// Every byte that went client → server and server → client, in order.
  var toServer: [UInt8] = []
  var toClient: [UInt8] = []
  var clientClosedTCP = false
  var serverClosedTCP = false
  /// Which side closed TCP, in order.
  var tcpCloses: [Role] = []
  /// Chunk size for delivery (nil: whole buffers).
  var chunk: Int?

  init(
    clientConfig: Connection.Configuration = .init(role: .client),
    serverConfig: Connection.Configuration = .init(role: .server),
    policy: ServerHandshakePolicy = ServerHandshakePolicy(subprotocols: ["chat"]), seed: UInt64 = 1,
    chunk: Int? = nil
  ) {
    client = Connection(client: testOptions, configuration: clientConfig, random: TestRandom(seed: seed))
    server = Connection(server: policy, configuration: serverConfig)
    self.chunk = chunk
  }

  /// Moves bytes both ways until nothing moves. Returns the number of bytes moved.
  @discardableResult
  mutating func pump() -> Int {
    var moved = 0
    while true {
      var progress = false
      if let out = client.takeOutbound() {
        toServer += out.bytes
        deliver(out.bytes, to: &server)
        moved += out.readableBytes
        progress = true
      }
      if let out = server.takeOutbound() {
        toClient += out.bytes
        deliver(out.bytes, to: &client)
        moved += out.readableBytes
        progress = true
      }
      if server.shouldCloseTransport && !serverClosedTCP && server.queuedBytes == 0 {
        serverClosedTCP = true
        tcpCloses.append(.server)
        client.receiveEOF()
        progress = true
      }
      if client.shouldCloseTransport && !clientClosedTCP && client.queuedBytes == 0 {
        clientClosedTCP = true
        tcpCloses.append(.client)
        server.receiveEOF()
        progress = true
      }
      clientEvents += client.drainEvents()
      serverEvents += server.drainEvents()
      if !progress { return moved }
    }
  }

  private func deliver(_ bytes: [UInt8], to connection: inout Connection) {
    guard let chunk else {
      connection.receive(bytes)
      return
    }
    var start = 0
    while start < bytes.count {
      let end = min(bytes.count, start + chunk)
      connection.receive(Array(bytes[start..<end]))
      start = end
    }
  }

  /// Opens the connection; returns self for chaining.
  mutating func open() {
    pump()
    clientEvents.removeAll()
    serverEvents.removeAll()
  }

  mutating func advance(to t: Timestamp) {
    client.advance(to: t)
    server.advance(to: t)
  }
}

/// A close frame's payload from an event list.
func closeCodes(_ events: [ConnectionEvent]) -> [UInt16?] {
  events.compactMap { if case .closeReceived(let c) = $0 { c.code?.rawValue } else { nil } }
}

func messages(_ events: [ConnectionEvent]) -> [ConnectionEvent] {
  events.filter {
    switch $0 {
    case .text, .binary: true
    default: false
    }
  }
}

/// Decodes frames a server sent (unmasked) or a client sent (masked).
func frames(in bytes: [UInt8], sentBy role: Role) -> [Frame] {
  var decoder = FrameDecoder(configuration: .init(role: role.peer, allowedRSV: 0x70))
  decoder.append(contentsOf: bytes)
  var out: [Frame] = []
  while let f = try? decoder.next() { out.append(f) }
  return out
}

/// The bytes after the HTTP head in a stream.
func afterHead(_ bytes: [UInt8]) -> [UInt8] {
  for i in 0..<(max(0, bytes.count - 3)) where bytes[i...].starts(with: [13, 10, 13, 10]) {
    return Array(bytes[(i + 4)...])
  }
  return []
}
