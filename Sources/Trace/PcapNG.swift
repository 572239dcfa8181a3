/// A capture of WebSocket traffic in the pcapng format (the IETF's draft-ietf-opsawg-pcapng), for
/// Wireshark and tshark.
///
/// The application bytes (HTTP heads, frames, TLS records) are the real ones; the TCP/IP framing
/// around them is made up but consistent: each connection is one TCP stream over IPv4 (raw IP
/// link type), opened with SYN, SYN-ACK, ACK, its data in segments whose sequence and
/// acknowledgement numbers advance with the bytes (each acknowledged by the other side), and
/// closed with FIN. Checksums are computed, so Wireshark shows no errors.
///
/// Sans-IO: the capture is built in memory (``bytes``, or ``takeBytes()`` to write it out as it
/// grows); the caller supplies the timestamps (fixed ones in the lessons, the clock in a server).
public struct PcapNGCapture: Sendable {
  /// An IPv4 endpoint.
  public struct Endpoint: Sendable, Hashable {
    public var address: (UInt8, UInt8, UInt8, UInt8)
    public var port: UInt16

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, port: UInt16) {
      self.address = (a, b, c, d)
      self.port = port
    }

    /// `127.0.0.1` style text and a port; nil when the text is not an IPv4 address.
    public init?(ipv4 text: String, port: Int) {
      let parts = text.split(separator: ".").compactMap { UInt8($0) }
      guard parts.count == 4, (0...65535).contains(port) else { return nil }
      self.init(parts[0], parts[1], parts[2], parts[3], port: UInt16(port))
    }

    public static func == (a: Endpoint, b: Endpoint) -> Bool {
      a.address == b.address && a.port == b.port
    }

    public func hash(into hasher: inout Hasher) {
      hasher.combine(address.0)
      hasher.combine(address.1)
      hasher.combine(address.2)
      hasher.combine(address.3)
      hasher.combine(port)
    }

    var addressBytes: [UInt8] { [address.0, address.1, address.2, address.3] }
  }

  /// Which side of a connection sends.
  public enum Side: Sendable {
    case client
    case server
  }

  private struct Stream {
    var client: Endpoint
    var server: Endpoint
    /// Next sequence number of each side.
    var clientSeq: UInt32
    var serverSeq: UInt32
    var clientClosed = false
    var serverClosed = false
  }

  /// The largest TCP payload put in one segment (bigger writes are split).
  public var maxSegment: Int
  private var output: [UInt8] = []
  private var streams: [Int: Stream] = [:]
  private var ipID: UInt16 = 1

  /// A capture with its section header and one interface (raw IPv4), ready for packets.
  public init(maxSegment: Int = 16384, application: String = "WSLab") {
    self.maxSegment = max(1, min(maxSegment, 65_495))
    writeSectionHeader(application: application)
    writeInterface()
  }

  /// The capture so far.
  public var bytes: [UInt8] { output }

  /// The bytes added since the last call (for writing a file as the capture grows).
  public mutating func takeBytes() -> [UInt8] {
    defer { output.removeAll(keepingCapacity: true) }
    return output
  }

  // MARK: connections

  /// Opens connection `id` from `client` to `server`: SYN, SYN-ACK, ACK at `time` (microseconds
  /// since 1970).
  public mutating func open(_ id: Int, client: Endpoint, server: Endpoint, at time: UInt64) {
    // Initial sequence numbers derived from the id: deterministic, and different per stream.
    let clientISN = UInt32(truncatingIfNeeded: 0x1000_0000 &+ id &* 0x0101_0101)
    let serverISN = UInt32(truncatingIfNeeded: 0x2000_0000 &+ id &* 0x0303_0303)
    var stream = Stream(client: client, server: server, clientSeq: clientISN, serverSeq: serverISN)
    segment(&stream, from: .client, flags: Flags.syn, payload: [], ack: false, at: time)
    stream.clientSeq &+= 1
    segment(&stream, from: .server, flags: Flags.syn | Flags.ack, payload: [], ack: true, at: time)
    stream.serverSeq &+= 1
    segment(&stream, from: .client, flags: Flags.ack, payload: [], ack: true, at: time)
    streams[id] = stream
  }

  /// `bytes` sent by `side` on connection `id`, each segment acknowledged by the other side.
  /// Ignored for a connection that was never opened.
  public mutating func send(_ id: Int, from side: Side, _ bytes: some Collection<UInt8>, at time: UInt64) {
    guard var stream = streams[id], !bytes.isEmpty else { return }
    var rest = Array(bytes)[...]
    while !rest.isEmpty {
      let piece = rest.prefix(maxSegment)
      rest = rest.dropFirst(piece.count)
      segment(&stream, from: side, flags: Flags.ack | Flags.psh, payload: Array(piece), ack: true, at: time)
      advance(&stream, side, by: piece.count)
      segment(&stream, from: side == .client ? .server : .client, flags: Flags.ack, payload: [], ack: true, at: time)
    }
    streams[id] = stream
  }

  /// `side` closes its end of connection `id` (FIN, acknowledged by the other side).
  public mutating func close(_ id: Int, from side: Side, at time: UInt64) {
    guard var stream = streams[id] else { return }
    if side == .client ? stream.clientClosed : stream.serverClosed { return }
    segment(&stream, from: side, flags: Flags.fin | Flags.ack, payload: [], ack: true, at: time)
    advance(&stream, side, by: 1)
    segment(&stream, from: side == .client ? .server : .client, flags: Flags.ack, payload: [], ack: true, at: time)
    if side == .client { stream.clientClosed = true } else { stream.serverClosed = true }
    streams[id] = stream
  }

  /// Whether connection `id` was opened.
  public func isOpen(_ id: Int) -> Bool { streams[id] != nil }

  private func advance(_ stream: inout Stream, _ side: Side, by count: Int) {
    if side == .client {
      stream.clientSeq &+= UInt32(truncatingIfNeeded: count)
    } else {
      stream.serverSeq &+= UInt32(truncatingIfNeeded: count)
    }
  }

  // MARK: packets

  enum Flags {
    static let fin: UInt8 = 0x01
    static let syn: UInt8 = 0x02
    static let psh: UInt8 = 0x08
    static let ack: UInt8 = 0x10
  }

  private mutating func segment(
    _ stream: inout Stream, from side: Side, flags: UInt8, payload: [UInt8], ack: Bool, at time: UInt64
  ) {
    let (source, destination) = side == .client ? (stream.client, stream.server) : (stream.server, stream.client)
    let seq = side == .client ? stream.clientSeq : stream.serverSeq
    let ackNumber = ack ? (side == .client ? stream.serverSeq : stream.clientSeq) : 0
    var tcp: [UInt8] = []
    tcp.reserveCapacity(20 + payload.count)
    Self.append16(&tcp, source.port)
    Self.append16(&tcp, destination.port)
    Self.append32(&tcp, seq)
    Self.append32(&tcp, ackNumber)
    tcp.append(5 << 4)  // data offset: 5 words, no options
    tcp.append(flags)
    Self.append16(&tcp, 65535)  // window
    Self.append16(&tcp, 0)  // checksum, below
    Self.append16(&tcp, 0)  // urgent pointer
    tcp += payload
    var pseudo = source.addressBytes + destination.addressBytes + [0, 6]
    Self.append16(&pseudo, UInt16(tcp.count))
    let tcpChecksum = Self.checksum(pseudo + tcp)
    tcp[16] = UInt8(tcpChecksum >> 8)
    tcp[17] = UInt8(tcpChecksum & 0xff)

    var ip: [UInt8] = [0x45, 0]
    Self.append16(&ip, UInt16(20 + tcp.count))
    Self.append16(&ip, ipID)
    ipID &+= 1
    Self.append16(&ip, 0x4000)  // don't fragment
    ip += [64, 6, 0, 0]  // TTL, TCP, checksum below
    ip += source.addressBytes + destination.addressBytes
    let ipChecksum = Self.checksum(ip)
    ip[10] = UInt8(ipChecksum >> 8)
    ip[11] = UInt8(ipChecksum & 0xff)
    writePacket(ip + tcp, at: time)
  }

  /// The Internet checksum (RFC 1071): one's complement of the one's complement sum.
  static func checksum(_ bytes: [UInt8]) -> UInt16 {
    var sum: UInt32 = 0
    var i = 0
    while i + 1 < bytes.count {
      sum += UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
      i += 2
    }
    if i < bytes.count { sum += UInt32(bytes[i]) << 8 }
    while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
    return ~UInt16(sum)
  }

  // MARK: pcapng blocks (little-endian, as the section header's byte-order magic says)

  private mutating func writeSectionHeader(application: String) {
    var body: [UInt8] = []
    Self.appendLE32(&body, 0x1A2B_3C4D)  // byte-order magic
    Self.appendLE16(&body, 1)  // major version
    Self.appendLE16(&body, 0)  // minor version
    Self.appendLE64(&body, UInt64.max)  // section length: not given
    Self.appendOption(&body, code: 4, Array(application.utf8))  // shb_userappl
    Self.appendLE16(&body, 0)  // opt_endofopt
    Self.appendLE16(&body, 0)
    writeBlock(type: 0x0A0D_0D0A, body)
  }

  private mutating func writeInterface() {
    var body: [UInt8] = []
    Self.appendLE16(&body, 101)  // LINKTYPE_RAW: each packet starts with its IP header
    Self.appendLE16(&body, 0)
    Self.appendLE32(&body, 0)  // snap length: no limit
    // if_tsresol defaults to microseconds.
    writeBlock(type: 1, body)
  }

  private mutating func writePacket(_ packet: [UInt8], at time: UInt64) {
    var body: [UInt8] = []
    Self.appendLE32(&body, 0)  // interface 0
    Self.appendLE32(&body, UInt32(truncatingIfNeeded: time >> 32))
    Self.appendLE32(&body, UInt32(truncatingIfNeeded: time))
    Self.appendLE32(&body, UInt32(packet.count))  // captured
    Self.appendLE32(&body, UInt32(packet.count))  // on the wire
    body += packet
    while body.count % 4 != 0 { body.append(0) }
    writeBlock(type: 6, body)
  }

  private mutating func writeBlock(type: UInt32, _ body: [UInt8]) {
    let total = UInt32(12 + body.count)
    Self.appendLE32(&output, type)
    Self.appendLE32(&output, total)
    output += body
    Self.appendLE32(&output, total)
  }

  static func appendOption(_ out: inout [UInt8], code: UInt16, _ value: [UInt8]) {
    appendLE16(&out, code)
    appendLE16(&out, UInt16(value.count))
    out += value
    while out.count % 4 != 0 { out.append(0) }
  }

  static func append16(_ out: inout [UInt8], _ v: UInt16) { out += [UInt8(v >> 8), UInt8(v & 0xff)] }
  static func append32(_ out: inout [UInt8], _ v: UInt32) {
    out += [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)]
  }
  static func appendLE16(_ out: inout [UInt8], _ v: UInt16) { out += [UInt8(v & 0xff), UInt8(v >> 8)] }
  static func appendLE32(_ out: inout [UInt8], _ v: UInt32) {
    out += [UInt8(v & 0xff), UInt8((v >> 8) & 0xff), UInt8((v >> 16) & 0xff), UInt8(v >> 24)]
  }
  static func appendLE64(_ out: inout [UInt8], _ v: UInt64) {
    appendLE32(&out, UInt32(truncatingIfNeeded: v))
    appendLE32(&out, UInt32(truncatingIfNeeded: v >> 32))
  }
}
