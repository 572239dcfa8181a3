import NIOCore
import Trace

/// An incremental frame decoder (RFC 6455 §5.2): bytes in, in any chunking; each frame's header,
/// then its payload in chunks, out.
///
/// ```swift
/// var decoder = FrameDecoder(role: .server)
/// decoder.append(bytes)
/// while let part = try decoder.nextPart() {
///   switch part {
///   case .header(let header): ...              // every header rule already checked
///   case .payload(let chunk, let endOfFrame): ... // unmasked, a slice of the read
///   }
/// }
/// ```
///
/// The decoder is a state machine with two states, the one the RFC's frame diagram suggests:
///
/// ```
///        header complete, rules hold
/// HEADER ----------------------------> PAYLOAD (bytes remaining, key offset)
///   ^  \                                   |
///   |   `-- a rule broken --> FAILED       | last payload byte
///   `--------------------------------------'
/// ```
///
/// In HEADER it reads byte 0, byte 1, the extended length and the masking key
/// (``FrameHeaderFields``), checking every rule as soon as the byte that decides it has arrived
/// (fail fast). In PAYLOAD it hands out what has arrived of the payload, with its key offset,
/// without waiting for the rest: a frame never has to fit in memory here, and a text message can
/// be validated while it is still arriving. A frame whose header was split between reads is the
/// only thing it keeps, at most 13 bytes. ``next()`` puts whole frames back together for callers
/// that want them (lessons, tests).
///
/// The decoder never writes into the buffer it is given. ``nextPart()`` hands out payloads
/// unmasked (a slice of the read when unmasked, a copy when masked); ``nextWirePart()`` hands out
/// ``PayloadChunk``s as they arrived, still masked, so that the consumer unmasks each byte once,
/// while copying it to where it is going (the Connection: into the message). SwiftNIO keeps the
/// buffer it read into for its next read, so unmasking in it would first copy all of it.
///
/// With an ``observer``, every frame is reported as a ``TraceRecord`` as soon as all of it has
/// arrived and its first part is handed out, and a violation as a record of the offending bytes
/// titled with the error. With no observer it allocates nothing for tracing.
public struct FrameDecoder {
  public struct Configuration: Sendable, Equatable {
    /// The role of the endpoint that receives: a server requires masked frames, a client
    /// requires unmasked ones (RFC 6455 §5.1).
    public var role: Role
    /// Largest payload accepted in one frame; larger frames fail with 1009 as soon as their
    /// length is read.
    public var maxFrameSize: Int
    /// RSV bits claimed by negotiated extensions (mask within byte 0: RSV1 = 0x40). Others set → 1002.
    public var allowedRSV: UInt8

    public init(role: Role, maxFrameSize: Int = 16 << 20, allowedRSV: UInt8 = 0) {
      self.role = role
      self.maxFrameSize = maxFrameSize
      self.allowedRSV = allowedRSV & 0x70
    }
  }

  /// What the decoder hands out, in stream order: a header, then one or more payload chunks, the
  /// last with `endOfFrame` (a frame with an empty payload has one empty chunk).
  public enum Part: Sendable, Equatable {
    /// A frame's header; every header rule holds.
    case header(FrameHeader)
    /// Payload bytes that have arrived, unmasked: a slice of the buffer they were read into.
    case payload(ByteBuffer, endOfFrame: Bool)
  }

  enum State {
    /// Reading a header. `stash` holds the part of it that came in an earlier read.
    case header
    /// Reading the payload of `header`: `remaining` bytes to go, and the next byte is unmasked
    /// with key byte `keyOffset % 4`.
    case payload(FrameHeader, remaining: Int, keyOffset: Int)
    /// A rule was broken; nothing more is read (RFC 6455 §7.1.7).
    case failed
  }

  /// What ``nextWirePart()`` hands out: a header, or payload bytes as they arrived.
  public enum WirePart: Sendable, Equatable {
    /// A frame's header; every header rule holds.
    case header(FrameHeader)
    /// Payload bytes that have arrived, still masked when the frame is: a slice of the read.
    case payload(PayloadChunk)
  }

  /// A part found in a read, waiting to be handed out. Payload chunks are found as offsets into
  /// the read and turned into slices once the scan is done.
  private enum Entry {
    case header(FrameHeader, size: Int)
    case chunkAt(offset: Int, count: Int, key: MaskingKey?, keyOffset: Int, endOfFrame: Bool)
    case chunk(PayloadChunk)
    case failure(ProtocolError)
  }

  public var configuration: Configuration
  /// Receives a ``TraceRecord`` for every frame decoded, and for every violation a record of the
  /// offending bytes titled with the error.
  public var observer: (any TraceObserver)?

  private(set) var state = State.header
  /// The start of a header that has not fully arrived (at most 13 bytes).
  private(set) var stash: [UInt8] = []
  private var entries: [Entry] = []
  private var entryIndex = 0
  /// Bytes in `entries[entryIndex...]`.
  private var queuedBytes = 0
  /// Stream offset of the first byte of the next read.
  private var receivedBytes = 0
  /// Stream offset of the start of the frame being read.
  private var frameStart = 0
  /// The error handed out, thrown again on every later call.
  private var thrown: ProtocolError?

  // Tracing only (observer set): the wire bytes of the frame being read, and the records waiting
  // for the entry they belong to (keyed by entry number since the decoder was made).
  private var traceWire: [UInt8] = []
  private var traceRecords: [Int: TraceRecord] = [:]
  private var entriesBefore = 0
  private var headerEntryOfFrame: Int?

  // ``next()`` only: the frame being put back together.
  private var assembling: FrameHeader?
  private var assembled: ByteBuffer?

  public init(configuration: Configuration, observer: (any TraceObserver)? = nil) {
    self.configuration = configuration
    self.observer = observer
  }

  public init(role: Role, maxFrameSize: Int = 16 << 20, observer: (any TraceObserver)? = nil) {
    self.init(configuration: Configuration(role: role, maxFrameSize: maxFrameSize), observer: observer)
  }

  /// Stream offset of the bytes handed out so far: the next part starts here.
  public private(set) var consumedBytes = 0

  /// Stream offset just past the last frame handed out whole (its last chunk taken): where the
  /// frame in progress, or the next one, starts.
  public private(set) var completedBytes = 0

  /// Bytes received that do not belong to a frame handed out whole yet: the frame in progress
  /// (header and the payload so far) and anything after it.
  public var bufferedBytes: Int { receivedBytes - completedBytes }

  /// Capacity held for the frame that ``next()`` is putting together (for tests of its bounds).
  var bufferCapacity: Int { (assembled?.capacity ?? 0) + stash.capacity }

  /// Bytes the decoder itself holds for parts not handed out yet: the start of a split header
  /// and the parts found in the last read (for tests: never a frame's worth).
  var heldBytes: Int { stash.count + queuedBytes }

  // MARK: input

  /// Reads `bytes`: finds the headers and payload chunks in them, without writing to them.
  /// Nothing is handed out (or traced) until ``nextPart()`` or ``nextWirePart()`` is called.
  public mutating func append(_ bytes: ByteBuffer) {
    guard bytes.readableBytes > 0 else { return }
    if case .failed = state { return }
    if entryIndex == entries.count {
      entries.removeAll(keepingCapacity: true)
      entriesBefore += entryIndex
      entryIndex = 0
    }
    let first = entries.count
    bytes.withUnsafeReadableBytes { scan($0) }
    receivedBytes += bytes.readableBytes
    for i in first..<entries.count {
      if case .chunkAt(let offset, let count, let key, let keyOffset, let end) = entries[i] {
        entries[i] = .chunk(
          PayloadChunk(
            wire: bytes.getSlice(at: bytes.readerIndex + offset, length: count)!, maskingKey: key,
            payloadOffset: keyOffset, endOfFrame: end))
      }
    }
  }

  public mutating func append(contentsOf bytes: some Sequence<UInt8>) {
    append(ByteBuffer(bytes: bytes))
  }

  /// One pass over a read: the state machine.
  private mutating func scan(_ raw: UnsafeRawBufferPointer) {
    var i = 0
    while i < raw.count {
      switch state {
      case .header:
        i = scanHeader(raw, from: i)
      case .payload(let header, let remaining, let keyOffset):
        let n = min(remaining, raw.count - i)
        if observer != nil { traceWire.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[i..<(i + n)])) }
        i += n
        if n == remaining {
          endPayload(offset: i - n, count: n, key: header.maskingKey, keyOffset: keyOffset)
        } else {
          entries.append(
            .chunkAt(offset: i - n, count: n, key: header.maskingKey, keyOffset: keyOffset, endOfFrame: false))
          queuedBytes += n
          state = .payload(header, remaining: remaining - n, keyOffset: keyOffset + n)
        }
      case .failed:
        return
      }
    }
  }

  /// Reads header bytes from `raw[start...]`; returns where it stopped.
  private mutating func scanHeader(_ raw: UnsafeRawBufferPointer, from start: Int) -> Int {
    let available = UnsafeRawBufferPointer(rebasing: raw[start...])
    let fields: FrameHeaderFields
    let fromRead: Int
    var stashed = 0
    if stash.isEmpty {
      frameStart = receivedBytes + start
      fields = FrameHeaderFields(reading: available)!
      fromRead = fields.size ?? available.count
    } else {
      // The header began in an earlier read: complete it in the stash (14 bytes always do).
      let before = stash.count
      stashed = min(available.count, FrameHeader.maxEncodedSize - before)
      stash.append(contentsOf: available.prefix(stashed))
      fields = stash.withUnsafeBytes { FrameHeaderFields(reading: $0)! }
      fromRead = fields.size.map { $0 - before } ?? stashed
    }
    if let (kind, offset) = configuration.violation(in: fields) {
      fail(ProtocolError(kind, streamOffset: frameStart + offset), raw, from: start + stashed)
      return raw.count
    }
    guard let size = fields.size, let header = fields.header else {
      // Wait for the rest of the header (all of `available` is in the stash now).
      if stash.isEmpty { stash.append(contentsOf: available) }
      return raw.count
    }
    if observer != nil {
      traceWire.removeAll(keepingCapacity: true)
      traceWire.append(contentsOf: stash.isEmpty ? Array(available.prefix(size)) : stash)
      headerEntryOfFrame = entriesBefore + entries.count
    }
    stash.removeAll(keepingCapacity: true)
    entries.append(.header(header, size: size))
    queuedBytes += size
    let end = start + fromRead
    if header.payloadLength == 0 {
      endPayload(offset: end, count: 0, key: header.maskingKey, keyOffset: 0)
    } else {
      state = .payload(header, remaining: header.payloadLength, keyOffset: 0)
    }
    return end
  }

  private mutating func endPayload(offset: Int, count: Int, key: MaskingKey?, keyOffset: Int) {
    entries.append(.chunkAt(offset: offset, count: count, key: key, keyOffset: keyOffset, endOfFrame: true))
    queuedBytes += count
    state = .header
    guard observer != nil else { return }
    // The whole frame has arrived: its record goes out with its first part still waiting (the
    // header, when it came in this read).
    let record = FrameAnnotator.record(
      for: traceWire, direction: configuration.role.peer.sendDirection, allowedRSV: configuration.allowedRSV)
    let waiting = headerEntryOfFrame.flatMap { $0 >= entriesBefore + entryIndex ? $0 : nil }
    traceRecords[waiting ?? (entriesBefore + entries.count - 1)] = record
    headerEntryOfFrame = nil
    traceWire.removeAll(keepingCapacity: true)
  }

  private mutating func fail(_ error: ProtocolError, _ raw: UnsafeRawBufferPointer, from start: Int) {
    state = .failed
    entries.append(.failure(error))
    guard observer != nil else { return }
    // The offending frame as far as it arrived (the stash holds its start when it began in an
    // earlier read), with at most 125 payload bytes.
    let wire = Array((stash + UnsafeRawBufferPointer(rebasing: raw[start...])).prefix(14 + 125))
    var record = FrameAnnotator.record(
      for: wire, direction: configuration.role.peer.sendDirection, allowedRSV: configuration.allowedRSV)
    record.title = "invalid frame: " + error.reason
    traceRecords[entriesBefore + entries.count - 1] = record
  }

  // MARK: output

  /// The next header or payload chunk (unmasked), nil when more bytes are needed, or the first
  /// rule broken. After an error the decoder stays failed and keeps throwing it (RFC 6455
  /// §7.1.7: nothing more is processed).
  public mutating func nextPart() throws(ProtocolError) -> Part? {
    switch try nextWirePart() {
    case nil: return nil
    case .header(let header): return .header(header)
    case .payload(let chunk): return .payload(chunk.unmasked, endOfFrame: chunk.endOfFrame)
    }
  }

  /// The next header or payload chunk as it arrived (still masked, with the key and offset to
  /// unmask it), nil when more bytes are needed, or the first rule broken, like ``nextPart()``.
  public mutating func nextWirePart() throws(ProtocolError) -> WirePart? {
    if let thrown { throw thrown }
    guard entryIndex < entries.count else { return nil }
    let entry = entries[entryIndex]
    if observer != nil, let record = traceRecords.removeValue(forKey: entriesBefore + entryIndex) {
      observer?.record(.bytes(record))
    }
    entryIndex += 1
    if entryIndex == entries.count {
      // Every part found is out: let go of the read now (the transport reuses a buffer only
      // when nothing else holds it).
      entries.removeAll(keepingCapacity: true)
      entriesBefore += entryIndex
      entryIndex = 0
    }
    switch entry {
    case .header(let header, let size):
      queuedBytes -= size
      consumedBytes += size
      return .header(header)
    case .chunk(let chunk):
      queuedBytes -= chunk.count
      consumedBytes += chunk.count
      if chunk.endOfFrame { completedBytes = consumedBytes }
      return .payload(chunk)
    case .failure(let error):
      thrown = error
      throw error
    case .chunkAt:
      preconditionFailure("chunk offsets are resolved before append returns")
    }
  }

  /// With an observer: reports the frame being received as far as it has arrived, titled with
  /// `error`, when a later stage (message assembly, an extension) fails the connection before the
  /// frame is complete. Does nothing when the frame was already reported.
  public mutating func recordUnfinishedFrame(failingWith error: ProtocolError) {
    guard let observer, case .payload = state, headerEntryOfFrame.map({ $0 < entriesBefore + entryIndex }) ?? false
    else { return }
    var record = FrameAnnotator.record(
      for: Array(traceWire.prefix(14 + 125)), direction: configuration.role.peer.sendDirection,
      allowedRSV: configuration.allowedRSV)
    record.title = "invalid frame: " + error.reason
    observer.record(.bytes(record))
    headerEntryOfFrame = nil
  }

  /// The next complete frame, put back together from its parts, nil when more bytes are needed,
  /// or the first rule broken. Its payload is a slice of the read when the frame arrived in one.
  public mutating func next() throws(ProtocolError) -> Frame? {
    while let part = try nextPart() {
      switch part {
      case .header(let header):
        assembling = header
        assembled = nil
      case .payload(var chunk, let endOfFrame):
        if assembled == nil {
          assembled = chunk
        } else {
          assembled!.writeBuffer(&chunk)
        }
        if endOfFrame, let header = assembling {
          let frame = Frame(header: header, payload: assembled ?? ByteBuffer())
          assembling = nil
          assembled = nil
          return frame
        }
      }
    }
    return nil
  }
}

/// Payload bytes of one frame as they arrived: a slice of the read, still masked when the frame
/// is (RFC 6455 §5.3), with what it takes to unmask them.
public struct PayloadChunk: Sendable, Equatable {
  /// The bytes as they are on the wire.
  public var wire: ByteBuffer
  /// The frame's masking key (nil: the frame is not masked).
  public var maskingKey: MaskingKey?
  /// Payload byte number, within its frame, of the first byte here: the key offset.
  public var payloadOffset: Int
  /// The last bytes of the frame's payload.
  public var endOfFrame: Bool

  public init(wire: ByteBuffer, maskingKey: MaskingKey?, payloadOffset: Int, endOfFrame: Bool) {
    self.wire = wire
    self.maskingKey = maskingKey
    self.payloadOffset = payloadOffset
    self.endOfFrame = endOfFrame
  }

  /// Number of payload bytes.
  @inlinable
  public var count: Int { wire.readableBytes }

  /// The payload bytes unmasked: `wire` itself when the frame is not masked, else a new buffer.
  public var unmasked: ByteBuffer {
    guard maskingKey != nil else { return wire }
    var out = ByteBuffer()
    out.reserveCapacity(count)
    unmask(appendingTo: &out)
    return out
  }

  /// Appends the payload bytes to `buffer`, unmasked in the same pass (one read and one write of
  /// every byte).
  @inlinable
  public func unmask(appendingTo buffer: inout ByteBuffer) {
    guard let key = maskingKey else {
      var bytes = wire
      buffer.writeBuffer(&bytes)
      return
    }
    let offset = payloadOffset
    wire.withUnsafeReadableBytes { source in
      _ = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: source.count) { destination in
        key.apply(from: source, to: destination, offset: offset)
        return source.count
      }
    }
  }
}
