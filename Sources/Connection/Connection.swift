import Deflate
import Framing
import Handshake
import NIOCore
import Trace

/// A sans-IO WebSocket endpoint for either role (RFC 6455): bytes and time in, events and bytes
/// out.
///
/// The transport feeds what it reads with ``receive(_:)-(ByteBuffer)``, tells the time with
/// ``advance(to:)``, reports end of stream with ``receiveEOF()``; it drains ``nextEvent()`` and
/// writes ``takeOutbound()``. When ``shouldCloseTransport`` becomes true it writes what is left
/// and closes TCP. ``nextDeadline`` says when to call ``advance(to:)`` next.
///
/// ```
/// connecting(handshake, deadline) --handshake--> open --close sent--> closing(sent, deadline)
///         |                                       |  \                    |  \
///         |                            close or   |   close received,     |   close received
///         |                           violation   |   answered            |
///         |                       behind messages v                       v
///         |                           holding(close or violation, sent?) -- releaseHeldBack()
///         v                                                    v
///       closed(outcome, tcpDeadline) <-----------------------'
/// ```
///
/// Each state carries what it needs (the handshake driver, our close and its deadline, the
/// held-back close, the outcome), so no flag can disagree with another; ``state`` is the RFC's
/// CONNECTING / OPEN / CLOSING / CLOSED, derived from it.
///
/// Drain the events after every input. A close frame (or a violation) that arrives behind
/// messages the application has not taken yet is held back (``isHoldingBack``) until the
/// transport calls ``releaseHeldBack()``, so the application can still answer them (RFC 6455
/// §5.5.1 lets an endpoint finish its message before it answers a close; Autobahn case 7.1.1
/// expects it). ``drainEvents()`` does both. Getters never change anything.
///
/// The Connection does no I/O, reads no clock and starts no threads, so tests and lessons run it
/// entirely in memory. Every state change, note and frame is reported to ``observer``.
public struct Connection {
  public enum State: String, Sendable, Equatable {
    case connecting = "CONNECTING"
    case open = "OPEN"
    case closing = "CLOSING"
    case closed = "CLOSED"
  }

  /// How to answer pings.
  public enum PongPolicy: Sendable, Equatable {
    /// A pong for every ping, in order.
    case everyPing
    /// Only the latest ping of each ``Connection/receive(_:)-(ByteBuffer)`` call is answered, as
    /// RFC 6455 §5.5.3 allows: a ping flood then costs one pong per read.
    case latestPerRead
  }

  public struct Configuration: Sendable {
    public var role: Role
    /// Largest frame accepted (1009 beyond).
    public var maxFrameSize: Int
    /// Largest message accepted, over all its fragments (1009 beyond).
    public var maxMessageSize: Int
    /// Largest amount of outbound bytes held for the transport. Commands beyond it are refused
    /// (``ConnectionCommandError/outboundQueueFull(queued:adding:limit:)``); automatic replies
    /// beyond it fail the connection with 1008.
    public var maxQueuedBytes: Int
    /// Send a ping when nothing has been received for this long (nil: never).
    public var keepaliveInterval: Duration?
    /// Close with 1001 when nothing has been received for this long (nil: never).
    public var idleTimeout: Duration?
    /// How long to wait for the peer's close frame, and (client) for the server to close TCP.
    public var closeTimeout: Duration
    /// How long the opening handshake may take (nil: forever). Guards against slowloris.
    public var handshakeTimeout: Duration?
    public var pongPolicy: PongPolicy
    /// Extensions to negotiate (RFC 6455 §9): a client offers what each factory offers, a
    /// server accepts what each factory accepts. The Connection knows none by name.
    public var extensions: [any WebSocketExtensionFactory]
    /// permessage-deflate (RFC 7692), the extension WSLab ships: shorthand for a
    /// ``PerMessageDeflateFactory`` in ``extensions``. Off unless enabled here.
    public var deflate: DeflateOptions {
      get {
        extensions.lazy.compactMap { $0 as? PerMessageDeflateFactory }.first?.options ?? .disabled
      }
      set {
        extensions.removeAll { $0 is PerMessageDeflateFactory }
        if newValue.isEnabled { extensions.append(PerMessageDeflateFactory(options: newValue)) }
      }
    }
    /// Hold every protocol violation back until the next ``nextEvent()`` call, even when no
    /// message is waiting, so that a transport whose application answers messages on another
    /// task (the async API) can first let it answer the ones it already has
    /// (``isHoldingBack``). Off: a violation with nothing waiting fails at once.
    public var holdsViolationsForTransport = false

    public init(
      role: Role, maxFrameSize: Int = 16 << 20, maxMessageSize: Int = 16 << 20, maxQueuedBytes: Int = 16 << 20,
      keepaliveInterval: Duration? = nil, idleTimeout: Duration? = nil, closeTimeout: Duration = .seconds(5),
      handshakeTimeout: Duration? = .seconds(10), pongPolicy: PongPolicy = .everyPing,
      deflate: DeflateOptions = .disabled, extensions: [any WebSocketExtensionFactory] = []
    ) {
      self.role = role
      self.maxFrameSize = maxFrameSize
      self.maxMessageSize = maxMessageSize
      self.maxQueuedBytes = maxQueuedBytes
      self.keepaliveInterval = keepaliveInterval
      self.idleTimeout = idleTimeout
      self.closeTimeout = closeTimeout
      self.handshakeTimeout = handshakeTimeout
      self.pongPolicy = pongPolicy
      self.extensions = extensions
      self.deflate = deflate
    }
  }

  private enum HandshakeDriver {
    case client(ClientHandshake)
    case server(ServerHandshake)
  }

  /// A close frame or a violation that arrived behind messages the application has not taken
  /// yet.
  private enum HeldBack {
    case close(ByteBuffer)
    case failure(ConnectionFailure)
  }

  /// Where the connection is, each state with the data it needs (RFC 6455 §4, §7); ``state`` is
  /// derived from it.
  private enum Phase {
    /// The opening handshake, until `deadline` (boxed: an open connection does not carry the
    /// handshake's size inline).
    indirect case connecting(HandshakeDriver, deadline: Timestamp?)
    /// Messages flow both ways.
    case open
    /// We sent `sent` and wait for the peer's close until `deadline`; data may still arrive.
    case closing(sent: ClosePayload, deadline: Timestamp)
    /// OPEN, or CLOSING when `sent` is set, with a close frame or a violation held back behind
    /// messages the application has not taken yet: taken by ``releaseHeldBack()``. Nothing more
    /// is read.
    case holding(HeldBack, sent: (payload: ClosePayload, deadline: Timestamp)?)
    /// Over, with the outcome. A client that finished the closing handshake waits for the server
    /// to close TCP until `tcpDeadline` (§7.1.1); nil: the transport closes TCP now.
    case closed(CloseOutcome, tcpDeadline: Timestamp?)
  }

  public let configuration: Configuration
  private var phase: Phase

  /// CONNECTING, OPEN, CLOSING or CLOSED (RFC 6455 §4, §7).
  public var state: State {
    switch phase {
    case .connecting: .connecting
    case .open: .open
    case .closing: .closing
    case .holding(_, let sent): sent == nil ? .open : .closing
    case .closed: .closed
    }
  }

  /// Set once the transport should close TCP (after writing what ``takeOutbound()`` returns).
  /// A server closes first (§7.1.1); a client waits for the server, up to the close timeout.
  public var shouldCloseTransport: Bool {
    if case .closed(_, nil) = phase { true } else { false }
  }

  /// How the connection ended, once CLOSED.
  public var outcome: CloseOutcome? {
    if case .closed(let outcome, _) = phase { outcome } else { nil }
  }

  /// The negotiated handshake result, once OPEN.
  public private(set) var opened: OpenedConnection?
  /// Receives every frame, HTTP head, state change and decision.
  public var observer: (any TraceObserver)? {
    didSet {
      decoder.observer = observer
      encoder.observer = observer
      guard case .connecting(let driver, let deadline) = phase else { return }
      switch driver {
      case .client(var client):
        client.observer = observer
        phase = .connecting(.client(client), deadline: deadline)
      case .server(var server):
        server.observer = observer
        phase = .connecting(.server(server), deadline: deadline)
      }
    }
  }

  private var decoder: FrameDecoder
  private var encoder: FrameEncoder
  private var assembler: MessageAssembler
  private var extensions: [any WebSocketExtension] = []
  /// The extensions (a bit per index) that transform the payload of the frame being received.
  private var transforming: UInt64 = 0
  private var random: any RandomNumberGenerator
  /// Bytes for the transport, oldest first: the `sealed` buffers, then `outbound`. Frames are
  /// written into `outbound`; a large payload a server sends is queued as the buffer it came in,
  /// after its header (which seals `outbound`): no copy (``gatherThreshold``).
  private var outbound = ByteBuffer()
  private var sealed: [ByteBuffer] = []
  private var sealedBytes = 0
  /// Whether the frame buffer is kept for reuse between bursts: once frames flow (an idle
  /// connection that only did the handshake keeps nothing).
  private var reusesOutbound = false
  private var events: [ConnectionEvent] = []
  private var eventIndex = 0

  private var now = Timestamp.zero
  private var lastReceived = Timestamp.zero
  private var keepalivePingSent = false
  private var keepaliveCounter: UInt32 = 0
  private var sendingFragmented: Opcode?
  private var pendingPong: ByteBuffer?

  // MARK: creating

  /// A client that drives the opening handshake itself: the request is queued at once.
  public init(
    client options: ClientHandshake.Options, configuration: Configuration? = nil,
    random: any RandomNumberGenerator = SystemRandomNumberGenerator(), now: Timestamp = .zero,
    observer: (any TraceObserver)? = nil
  ) {
    var config = configuration ?? Configuration(role: .client)
    config.role = .client
    self.init(configuration: config, random: random, now: now, observer: observer)
    var options = options
    for factory in config.extensions {
      options.extensionOffers += factory.clientOffers().map { $0.formatted() }
    }
    var generator = self.random
    var client = ClientHandshake(options: options, using: &generator, observer: observer)
    self.random = generator
    client.observer = observer
    prepareOutbound()
    outbound.writeBytes(client.requestBytes())
    phase = .connecting(.client(client), deadline: config.handshakeTimeout.map { now + $0 })
  }

  /// A server that reads the opening handshake itself.
  public init(
    server policy: ServerHandshakePolicy = ServerHandshakePolicy(), configuration: Configuration? = nil,
    now: Timestamp = .zero, observer: (any TraceObserver)? = nil
  ) {
    var config = configuration ?? Configuration(role: .server)
    config.role = .server
    self.init(configuration: config, random: SystemRandomNumberGenerator(), now: now, observer: observer)
    var policy = policy
    if !config.extensions.isEmpty && policy.extensionNegotiator == nil {
      let factories = config.extensions
      policy.extensionNegotiator = { offers in
        factories.compactMap { factory in factory.serverResponse(to: offers.filter { $0.name == factory.name }) }
      }
    }
    phase = .connecting(
      .server(ServerHandshake(policy: policy, observer: observer)), deadline: config.handshakeTimeout.map { now + $0 })
  }

  /// An endpoint whose handshake was done elsewhere: starts OPEN.
  public init(
    openWith configuration: Configuration, opened: OpenedConnection = OpenedConnection(path: "/"),
    extensions: [any WebSocketExtension] = [], random: any RandomNumberGenerator = SystemRandomNumberGenerator(),
    now: Timestamp = .zero, observer: (any TraceObserver)? = nil
  ) {
    self.init(configuration: configuration, random: random, now: now, observer: observer)
    self.phase = .open
    self.opened = opened
    install(extensions)
  }

  private init(
    configuration: Configuration, random: any RandomNumberGenerator, now: Timestamp, observer: (any TraceObserver)?
  ) {
    self.configuration = configuration
    self.phase = .open
    self.random = random
    self.now = now
    self.lastReceived = now
    self.decoder = FrameDecoder(
      configuration: .init(role: configuration.role, maxFrameSize: configuration.maxFrameSize), observer: observer)
    self.encoder = FrameEncoder(direction: configuration.role.sendDirection, observer: observer, allowedRSV: 0)
    self.assembler = MessageAssembler(configuration: .init(maxMessageSize: configuration.maxMessageSize))
    self.observer = observer
  }

  /// Where the frame decoder is in the bytes received so far (between frames, inside a header,
  /// inside a payload, failed): its own state, for step-by-step views.
  public var frameProgress: FrameDecoder.Progress { decoder.progress }

  /// Puts negotiated extensions in the frame pipeline (in negotiation order for sending, reverse
  /// for receiving, RFC 6455 §9.1). Call when OPEN, before any frame is exchanged — typically from
  /// the handshake result.
  public mutating func install(_ extensions: [any WebSocketExtension]) {
    precondition(extensions.count <= 64, "at most 64 extensions")
    self.extensions = extensions
    decoder.configuration.allowedRSV = extensions.reduce(0) { $0 | $1.reservedBits }
    encoder.allowedRSV = decoder.configuration.allowedRSV
  }

  // MARK: output

  /// The next event, or nil when there is none. Takes nothing else: a close or violation held
  /// back behind the events waits for ``releaseHeldBack()``.
  public mutating func nextEvent() -> ConnectionEvent? {
    guard eventIndex < events.count else { return nil }
    let event = events[eventIndex]
    eventIndex += 1
    if eventIndex == events.count {
      events.removeAll(keepingCapacity: true)
      eventIndex = 0
    }
    return event
  }

  /// Every pending event, taking a held-back close or violation once the events before it are
  /// out (``releaseHeldBack()``): what a transport that answers each event before taking the next
  /// does.
  public mutating func drainEvents() -> [ConnectionEvent] {
    var out: [ConnectionEvent] = []
    while true {
      while let e = nextEvent() { out.append(e) }
      guard isHoldingBack else { return out }
      releaseHeldBack()
    }
  }

  /// Bytes to write, in one buffer, or nil when there are none. The caller owns the returned
  /// buffer. (Large payloads queued by reference are copied into it; a transport that can write
  /// several buffers at once uses ``takeOutbound(_:)``.)
  public mutating func takeOutbound() -> ByteBuffer? {
    guard queuedBytes > 0 else { return nil }
    if sealed.isEmpty {
      let out = outbound
      outbound = ByteBuffer()
      return out
    }
    var out = ByteBuffer()
    out.reserveCapacity(queuedBytes)
    for var buffer in sealed { out.writeBuffer(&buffer) }
    out.writeBuffer(&outbound)
    sealed.removeAll(keepingCapacity: true)
    sealedBytes = 0
    outbound = ByteBuffer()
    return out
  }

  /// Hands every buffer queued for the transport to `write`, oldest first, without copying: a
  /// large payload goes as the buffer the application sent (a gathering write). Returns whether
  /// there was anything.
  ///
  /// The buffer frames are written into is kept: once the transport has let go of it, the next
  /// frames reuse it (no allocation per burst).
  @discardableResult
  public mutating func takeOutbound(_ write: (ByteBuffer) -> Void) -> Bool {
    guard queuedBytes > 0 else { return false }
    for buffer in sealed { write(buffer) }
    sealed.removeAll(keepingCapacity: true)
    sealedBytes = 0
    if outbound.readableBytes > 0 {
      write(outbound)
      if !reusesOutbound || outbound.capacity > Self.keptOutboundCapacity {
        outbound = ByteBuffer()
      } else {
        outbound.moveReaderIndex(forwardBy: outbound.readableBytes)
      }
    }
    return true
  }

  /// Payloads at least this large that a server sends are not copied: their header is written,
  /// then the payload buffer itself. Smaller ones are cheaper to copy than to queue.
  static let gatherThreshold = 4096
  /// The largest frame buffer kept between bursts for reuse.
  static let keptOutboundCapacity = 16 << 10

  /// Bytes queued for the transport and not yet taken.
  public var queuedBytes: Int { sealedBytes + outbound.readableBytes }

  /// Makes `outbound` ready for writing: an empty buffer the transport has let go of is reused.
  private mutating func prepareOutbound() {
    if outbound.readableBytes == 0 && outbound.readerIndex > 0 { outbound.clear() }
  }

  /// Bytes received but not yet decoded: the start of a frame that has not fully arrived.
  public var bufferedInputBytes: Int { decoder.bufferedBytes }

  /// Every event so far has been handed out, and a close or a protocol violation that arrived
  /// behind them waits for ``releaseHeldBack()``. A transport that hands messages to application
  /// code on another task (the async API) releases it once the application has answered them,
  /// so that its replies go out before the close frame, as they would have had the close or the
  /// violation arrived in a later read; a transport that answers on the spot releases it at once.
  public var isHoldingBack: Bool {
    guard eventIndex == events.count, case .holding = phase else { return false }
    return true
  }

  /// What a transport needs to know after each step.
  public struct TransportStatus: Sendable, Equatable {
    /// ``Connection/shouldCloseTransport``.
    public var shouldCloseTransport: Bool
    /// ``Connection/nextDeadline``.
    public var nextDeadline: Timestamp?
    /// ``Connection/isHoldingBack``.
    public var isHoldingBack: Bool
    /// ``Connection/queuedBytes``.
    public var queuedBytes: Int
  }

  /// ``shouldCloseTransport``, ``nextDeadline``, ``isHoldingBack`` and ``queuedBytes`` at once, read in place. It
  /// is `mutating` (it changes nothing) for transports that keep the Connection in a class: a
  /// getter called on a struct stored in a class copies the whole struct first, retaining and
  /// releasing every buffer in it (seen in perf on every broadcast delivery).
  public mutating func transportStatus() -> TransportStatus {
    TransportStatus(
      shouldCloseTransport: shouldCloseTransport, nextDeadline: nextDeadline, isHoldingBack: isHoldingBack,
      queuedBytes: queuedBytes)
  }

  /// ``state``, read in place (see ``transportStatus()``).
  public mutating func currentState() -> State { state }

  /// Takes the close frame (answering it) or the violation (failing the connection) held back
  /// behind messages (``isHoldingBack``). Does nothing when nothing is held.
  public mutating func releaseHeldBack() {
    guard case .holding(let held, let sent) = phase else { return }
    phase = sent.map { .closing(sent: $0.payload, deadline: $0.deadline) } ?? .open
    switch held {
    case .failure(let failure): fail(failure, sendClose: true)
    case .close(let payload): receiveClose(payload)
    }
  }

  /// When the transport should call ``advance(to:)`` next (nil: no timer is running).
  public var nextDeadline: Timestamp? {
    switch phase {
    case .connecting(_, let deadline): return deadline
    case .open:
      var earliest: Timestamp?
      if let k = configuration.keepaliveInterval, !keepalivePingSent { earliest = lastReceived + k }
      if let idle = configuration.idleTimeout, earliest.map({ lastReceived + idle < $0 }) ?? true {
        earliest = lastReceived + idle
      }
      return earliest
    case .closing(_, let deadline): return deadline
    case .holding(_, let sent): return sent?.deadline
    case .closed(_, let tcpDeadline): return tcpDeadline
    }
  }

  // MARK: input

  public mutating func receive(_ bytes: [UInt8]) {
    receive(ByteBuffer(bytes: bytes))
  }

  /// Feeds bytes read from the transport, in any chunking.
  public mutating func receive(_ buffer: ByteBuffer) {
    guard buffer.readableBytes > 0 else { return }
    lastReceived = now
    keepalivePingSent = false
    switch phase {
    case .connecting:
      receiveHandshake(buffer)
    case .open, .closing:
      decoder.append(buffer)
      processFrames()
    case .holding, .closed:
      // Nothing after a close frame or a violation is processed (§7.1.7): later bytes are
      // dropped, not buffered, however long the application takes to drain.
      break
    }
    flushPendingPong()
  }

  /// The peer closed TCP (or it broke). Without a closing handshake that is 1006 (§7.1.5).
  public mutating func receiveEOF() {
    // A close or violation held behind messages still counts.
    releaseHeldBack()
    switch phase {
    case .closed(let outcome, _):
      phase = .closed(outcome, tcpDeadline: nil)
    case .connecting:
      note("TCP closed during the opening handshake")
      finish(code: .abnormalClosure, reason: "", clean: false)
    default:
      finish(code: .abnormalClosure, reason: "", clean: false)
    }
  }

  /// Tells the connection the time, firing any timer that is due.
  public mutating func advance(to now: Timestamp) {
    self.now = now
    switch phase {
    case .connecting(_, let deadline?):
      if now >= deadline, let timeout = configuration.handshakeTimeout {
        note("opening handshake not completed within \(timeout): closing TCP")
        fail(.handshakeTimeout(timeout), sendClose: false)
      }
    case .open:
      if let idle = configuration.idleTimeout, now >= lastReceived + idle {
        note("nothing received for \(idle): closing with 1001")
        emit(event: .failed(.idleTimeout(idle)))
        startClose(ClosePayload(code: .goingAway, reason: "idle timeout"))
      } else if let interval = configuration.keepaliveInterval, !keepalivePingSent, now >= lastReceived + interval {
        keepaliveCounter &+= 1
        let payload = Array("keepalive \(keepaliveCounter)".utf8)
        note("nothing received for \(interval): keepalive ping")
        if queue(opcode: .ping, payload: ByteBuffer(bytes: payload), automatic: true) { keepalivePingSent = true }
      }
    case .closing(_, let deadline), .holding(_, sent: (_, let deadline)?):
      if now >= deadline {
        note("no close frame from the peer within \(configuration.closeTimeout): closing TCP")
        finish(code: .abnormalClosure, reason: "", clean: false)
      }
    case .closed(let outcome, let tcpDeadline?):
      if now >= tcpDeadline {
        note("the server did not close TCP within \(configuration.closeTimeout): closing it")
        phase = .closed(outcome, tcpDeadline: nil)
      }
    default:
      break
    }
  }

  // MARK: commands

  /// Sends a text message in one frame.
  public mutating func send(text: String) throws(ConnectionCommandError) {
    try sendData(.text, ByteBuffer(string: text), fin: true, continuing: false)
  }

  /// Sends a binary message in one frame.
  public mutating func send(binary: ByteBuffer) throws(ConnectionCommandError) {
    try sendData(.binary, binary, fin: true, continuing: false)
  }

  public mutating func send(binary: [UInt8]) throws(ConnectionCommandError) {
    try send(binary: ByteBuffer(bytes: binary))
  }

  /// Sends a message encoded once for many connections: a server without extensions queues the
  /// prepared frame itself (no encoding, no copy: every receiver writes the same bytes); anyone
  /// else encodes its payload, as ``send(text:)`` and ``send(binary:)`` do.
  public mutating func send(_ message: PreparedMessage) throws(ConnectionCommandError) {
    guard configuration.role == .server, extensions.isEmpty else {
      return try sendData(message.opcode, message.payload, fin: true, continuing: false)
    }
    guard state == .open else { throw .notOpen(state) }
    if let current = sendingFragmented {
      throw .fragmentationOrder("a fragmented \(current.name) message is in progress; finish it first")
    }
    try checkRoom(for: message.payload.readableBytes)
    if let observer = encoder.observer {
      let wire = Array(message.frame.readableBytesView)
      observer.record(
        .bytes(FrameAnnotator.record(for: wire, direction: encoder.direction, allowedRSV: encoder.allowedRSV)))
    }
    if outbound.readableBytes > 0 && message.frame.readableBytes < Self.gatherThreshold {
      var frame = message.frame
      outbound.writeBuffer(&frame)
    } else {
      queueByReference(message.frame)
    }
  }

  /// Queues `buffer` for the transport as it is, after everything written so far (which is
  /// sealed first: later frames go into a new buffer).
  private mutating func queueByReference(_ buffer: ByteBuffer) {
    if outbound.readableBytes > 0 {
      sealed.append(outbound)
      sealedBytes += outbound.readableBytes
      outbound = ByteBuffer()
    }
    sealed.append(buffer)
    sealedBytes += buffer.readableBytes
  }

  /// Sends one part of a fragmented text message (§5.4); `isLast` ends the message. Control
  /// frames (ping, close) may be sent between parts; another message may not.
  public mutating func sendFragment(text: String, isLast: Bool) throws(ConnectionCommandError) {
    try sendFragment(.text, ByteBuffer(string: text), isLast: isLast)
  }

  /// Sends one part of a fragmented binary message (§5.4).
  public mutating func sendFragment(binary: ByteBuffer, isLast: Bool) throws(ConnectionCommandError) {
    try sendFragment(.binary, binary, isLast: isLast)
  }

  private mutating func sendFragment(_ kind: Opcode, _ payload: ByteBuffer, isLast: Bool) throws(ConnectionCommandError)
  {
    if let current = sendingFragmented, current != kind {
      throw .fragmentationOrder(
        "a fragmented \(current.name) message is in progress; cannot continue it as \(kind.name)")
    }
    let continuing = sendingFragmented != nil
    try sendData(continuing ? .continuation : kind, payload, fin: isLast, continuing: continuing)
    sendingFragmented = isLast ? nil : kind
  }

  private mutating func sendData(_ opcode: Opcode, _ payload: ByteBuffer, fin: Bool, continuing: Bool)
    throws(ConnectionCommandError)
  {
    guard state == .open else { throw .notOpen(state) }
    if !continuing, let current = sendingFragmented {
      throw .fragmentationOrder("a fragmented \(current.name) message is in progress; finish it first")
    }
    try checkRoom(for: payload.readableBytes)
    try emit(Frame(fin: fin, opcode: opcode, payload: payload))
  }

  /// Sends a ping (payload at most 125 bytes).
  public mutating func ping(_ payload: ByteBuffer = ByteBuffer()) throws(ConnectionCommandError) {
    guard state == .open else { throw .notOpen(state) }
    guard payload.readableBytes <= 125 else { throw .controlPayloadTooLong(payload.readableBytes) }
    try checkRoom(for: payload.readableBytes)
    try emit(Frame(opcode: .ping, payload: payload))
  }

  /// Sends an unsolicited pong, a one-way heartbeat (§5.5.3).
  public mutating func pong(_ payload: ByteBuffer = ByteBuffer()) throws(ConnectionCommandError) {
    guard state == .open else { throw .notOpen(state) }
    guard payload.readableBytes <= 125 else { throw .controlPayloadTooLong(payload.readableBytes) }
    try checkRoom(for: payload.readableBytes)
    try emit(Frame(opcode: .pong, payload: payload))
  }

  /// Starts the closing handshake (§7.1.2). `code` nil sends an empty close frame. The reason is
  /// cut at a character boundary to fit 123 bytes. Data may still arrive until the peer answers.
  public mutating func close(code: CloseCode? = .normalClosure, reason: String = "") throws(ConnectionCommandError) {
    if let code, !code.isValidOnWire { throw .invalidCloseCode(code) }
    switch phase {
    case .open, .holding(_, nil):
      startClose(ClosePayload(code: code, reason: reason))
    case .connecting:
      // Nothing to close politely yet: abandon the handshake.
      note("close requested during the opening handshake: closing TCP")
      finish(code: .abnormalClosure, reason: "", clean: false)
    case .closing, .holding, .closed:
      throw .notOpen(state)
    }
  }

  // MARK: internals: handshake

  private mutating func receiveHandshake(_ buffer: ByteBuffer) {
    guard case .connecting(let driver, let deadline) = phase else { return }
    switch driver {
    case .client(var client):
      do {
        let result = try client.feed(buffer.readableBytesView)
        phase = .connecting(.client(client), deadline: deadline)
        guard let (outcome, leftover) = result else { return }
        do {
          try installExtensions(negotiated: outcome.extensions)
        } catch {
          let failure = HandshakeError(.invalidExtensionResponse(error.description), detectedBy: .client)
          note("handshake failed: \(failure)")
          emit(event: .handshakeFailed(failure))
          finish(code: .abnormalClosure, reason: "", clean: false, because: "handshake failed")
          return
        }
        open(
          OpenedConnection(
            path: client.options.path, subprotocol: outcome.subprotocol,
            extensions: outcome.extensions.map { $0.formatted() }))
        if !leftover.isEmpty {
          decoder.append(contentsOf: leftover)
          processFrames()
        }
      } catch {
        emit(event: .handshakeFailed(error))
        finish(code: .abnormalClosure, reason: "", clean: false, because: "handshake failed")
      }
    case .server(var server):
      let result = server.feed(buffer.readableBytesView)
      phase = .connecting(.server(server), deadline: deadline)
      guard let result else { return }
      switch result {
      case .accept(let accepted):
        prepareOutbound()
        outbound.writeBytes(accepted.responseBytes)
        // The elements this server wrote: a factory that cannot read its own answer is a bug.
        try? installExtensions(negotiated: accepted.extensions)
        open(
          OpenedConnection(
            path: accepted.request.target, subprotocol: accepted.subprotocol,
            extensions: accepted.extensions.map { $0.formatted() }))
        if !accepted.leftover.isEmpty {
          decoder.append(contentsOf: accepted.leftover)
          processFrames()
        }
      case .reject(let rejection):
        prepareOutbound()
        outbound.writeBytes(rejection.responseBytes)
        emit(event: .handshakeFailed(rejection.error))
        finish(
          code: .abnormalClosure, reason: "", clean: false, because: "handshake rejected with \(rejection.status)")
      }
    }
  }

  /// Makes the extension of every negotiated response element with the factory of its name, and
  /// puts them in the frame pipeline in the order negotiated.
  private mutating func installExtensions(negotiated elements: [ExtensionOffer]) throws(ExtensionNegotiationError) {
    guard !elements.isEmpty else { return }
    let context = ExtensionContext(role: configuration.role, maxMessageSize: configuration.maxMessageSize)
    var made: [any WebSocketExtension] = []
    for element in elements {
      guard let factory = configuration.extensions.first(where: { $0.name == element.name }) else {
        throw ExtensionNegotiationError("\(element.name) was not offered", section: "RFC 6455 §9.1")
      }
      made.append(try factory.makeExtension(response: element, context: context))
    }
    install(made)
    for (element, ext) in zip(elements, made) { note("\(element.name) negotiated: \(ext)") }
  }

  private mutating func open(_ result: OpenedConnection) {
    opened = result
    enter(.open, "opening handshake complete")
    emit(event: .opened(result))
  }

  // MARK: internals: frames in

  /// Takes what the decoder found, part by part: a header goes through the extensions to the
  /// assembler (which checks the fragmentation rules before the payload arrives), each payload
  /// chunk through the extensions to the assembler (which validates text as it comes), and the
  /// end of a frame may complete a message.
  private mutating func processFrames() {
    while true {
      switch phase {
      case .open, .closing: break
      default: return
      }
      let message: Message?
      do {
        guard let part = try decoder.nextWirePart() else { return }
        switch part {
        case .header(let header):
          try assembler.beginFrame(decodeThroughExtensions(header), lengthIsFinal: transforming == 0)
          continue
        case .payload(let chunk):
          // Masked payloads are unmasked as they are copied into the message (one pass).
          let endOfFrame = chunk.endOfFrame
          if transforming == 0 {
            try assembler.appendPayload(chunk)
          } else {
            let (extensions, transforming) = (self.extensions, self.transforming)
            let unmasked = chunk.unmasked
            try assembler.appendPayload { output throws(ProtocolError) in
              try Self.decode(unmasked, endOfFrame: endOfFrame, through: extensions, transforming, into: &output)
            }
          }
          guard endOfFrame else { continue }
          message = try assembler.endFrame()
        }
      } catch {
        decoder.recordUnfinishedFrame(failingWith: error)
        failAfterPendingMessages(.protocolViolation(error))
        return
      }
      guard let message else { continue }
      switch message {
      case .text(let text): emit(event: .text(text))
      case .binary(let bytes): emit(event: .binary(bytes))
      case .ping(let payload):
        emit(event: .ping(payload))
        if case .open = phase {
          switch configuration.pongPolicy {
          case .everyPing:
            if !queue(opcode: .pong, payload: payload, automatic: true) { return }
          case .latestPerRead:
            pendingPong = payload
          }
        }
      case .pong(let payload):
        emit(event: .pong(payload))
      case .close(let payload):
        if events[eventIndex...].contains(where: \.isMessage) {
          // Messages that arrived before this close are still waiting for the application; an
          // endpoint may finish sending its replies before it answers a close (§5.5.1, "MAY
          // delay sending a Close frame until its current message is sent"). The close is
          // taken once those events are drained.
          hold(.close(payload))
        } else {
          receiveClose(payload)
        }
        return
      }
    }
  }

  /// Fails the connection at once, or — when messages that arrived before the violation are still
  /// waiting for the application — as soon as they have been taken, so that replies to them go
  /// out before the close frame. Input after the violation is never processed.
  private mutating func failAfterPendingMessages(_ failure: ConnectionFailure) {
    let waiting = events[eventIndex...].filter(\.isMessage).count
    guard waiting > 0 || configuration.holdsViolationsForTransport else {
      fail(failure, sendClose: true)
      return
    }
    if waiting > 0 { note("✗ \(failure): the connection fails once the \(waiting) message(s) before it are taken") }
    hold(.failure(failure))
  }

  private mutating func hold(_ held: HeldBack) {
    switch phase {
    case .open: phase = .holding(held, sent: nil)
    case .closing(let sent, let deadline): phase = .holding(held, sent: (sent, deadline))
    default: break
    }
  }

  /// Our close frame, once sent and while the connection is not over.
  private var sentClose: ClosePayload? {
    switch phase {
    case .closing(let sent, _): sent
    case .holding(_, let sent): sent?.payload
    default: nil
    }
  }

  /// The header through the extensions, last negotiated first (RFC 6455 §9.1); notes in
  /// ``transforming`` which of them transform this frame's payload.
  private mutating func decodeThroughExtensions(_ header: FrameHeader) throws(ProtocolError) -> FrameHeader {
    transforming = 0
    if extensions.isEmpty { return header }  // the common case: no loop
    var header = header
    for index in extensions.indices.reversed() {
      let decoded = try extensions[index].decodeHeader(header)
      header = decoded.header
      if decoded.transformsPayload { transforming |= 1 << index }
    }
    return header
  }

  /// A payload chunk through the extensions that transform it, the last one writing into
  /// `output` (the message).
  private static func decode(
    _ chunk: ByteBuffer, endOfFrame: Bool, through extensions: [any WebSocketExtension], _ transforming: UInt64,
    into output: inout ByteBuffer
  ) throws(ProtocolError) {
    var chunk = chunk
    var remaining = transforming
    for index in extensions.indices.reversed() where transforming & (1 << index) != 0 {
      remaining &= ~(1 << index)
      if remaining == 0 {
        try extensions[index].decodePayload(chunk, endOfFrame: endOfFrame, into: &output)
      } else {
        var next = ByteBuffer()
        try extensions[index].decodePayload(chunk, endOfFrame: endOfFrame, into: &next)
        chunk = next
      }
    }
  }

  private mutating func flushPendingPong() {
    guard let payload = pendingPong else { return }
    pendingPong = nil
    if state == .open {
      _ = queue(opcode: .pong, payload: payload, automatic: true)
    }
  }

  private mutating func receiveClose(_ payload: ByteBuffer) {
    let close: ClosePayload
    do {
      close = try ClosePayload(parsing: payload)
    } catch {
      fail(.protocolViolation(error), sendClose: true)
      return
    }
    emit(event: .closeReceived(close))
    if sentClose == nil {
      // Echo the peer's code (§5.5.1); an empty close is answered with an empty close.
      note("close received; answering with " + (close.code.map { "the same code, \($0.rawValue)" } ?? "an empty close"))
      writeClose(ClosePayload(code: close.code))
      finish(
        code: close.code ?? .noStatusReceived, reason: close.reason, clean: true, initiator: configuration.role.peer,
        because: "close received and answered")
    } else {
      finish(
        code: close.code ?? .noStatusReceived, reason: close.reason, clean: true, initiator: configuration.role,
        because: "close answered by the peer")
    }
    // §7.1.1: the server closes TCP first; the client waits for it, up to the close timeout.
    if configuration.role == .server {
      note("server closes the TCP connection first (§7.1.1)")
    } else if case .closed(let outcome, _) = phase {
      note("client waits for the server to close TCP (§7.1.1)")
      phase = .closed(outcome, tcpDeadline: now + configuration.closeTimeout)
    }
  }

  // MARK: internals: frames out

  /// The limit is on the backlog: one message of any size (up to the message limit) may always
  /// be queued when nothing is waiting; more may not pile up behind it.
  private func checkRoom(for payloadBytes: Int) throws(ConnectionCommandError) {
    let adding = payloadBytes + FrameHeader.maxEncodedSize
    if queuedBytes > 0 && queuedBytes + adding > configuration.maxQueuedBytes {
      throw .outboundQueueFull(queued: queuedBytes, adding: adding, limit: configuration.maxQueuedBytes)
    }
  }

  private mutating func emit(_ frame: Frame) throws(ConnectionCommandError) {
    if extensions.isEmpty { return write(frame) }
    var frame = frame
    do {
      for ext in extensions { frame = try ext.encode(frame) }
    } catch {
      throw .extensionFailed(error)
    }
    write(frame)
  }

  private mutating func write(_ frame: Frame) {
    var key: MaskingKey?
    if configuration.role == .client {
      let r = random.next()
      key = MaskingKey(
        UInt8(truncatingIfNeeded: r), UInt8(truncatingIfNeeded: r >> 8), UInt8(truncatingIfNeeded: r >> 16),
        UInt8(truncatingIfNeeded: r >> 24))
    }
    prepareOutbound()
    reusesOutbound = true
    if key == nil && frame.payload.readableBytes >= Self.gatherThreshold {
      encoder.encodeHeader(
        opcode: frame.opcode, fin: frame.fin, rsv: frame.header.rsv, payload: frame.payload, into: &outbound)
      queueByReference(frame.payload)
      return
    }
    encoder.encode(
      opcode: frame.opcode, fin: frame.fin, rsv: frame.header.rsv, maskingKey: key, payload: frame.payload,
      into: &outbound)
  }

  /// Queues an automatic control frame; fails the connection with 1008 if the peer is not
  /// reading. Returns false when it failed.
  @discardableResult
  private mutating func queue(opcode: Opcode, payload: ByteBuffer, automatic: Bool) -> Bool {
    let adding = payload.readableBytes + FrameHeader.maxEncodedSize
    if automatic && queuedBytes + adding > configuration.maxQueuedBytes {
      fail(.outboundQueueOverflow(queued: queuedBytes, limit: configuration.maxQueuedBytes), sendClose: true)
      return false
    }
    do {
      try emit(Frame(opcode: opcode, payload: payload))
    } catch {
      if case .extensionFailed(let e) = error { fail(.internalError("extension failed: \(e.reason)"), sendClose: true) }
      return false
    }
    return true
  }

  private mutating func startClose(_ payload: ClosePayload) {
    writeClose(payload)
    let deadline = now + configuration.closeTimeout
    if case .holding(let held, nil) = phase {
      enter(.holding(held, sent: (payload, deadline)), "close sent, waiting for the peer's close")
    } else {
      enter(.closing(sent: payload, deadline: deadline), "close sent, waiting for the peer's close")
    }
  }

  private mutating func writeClose(_ payload: ClosePayload) {
    sendingFragmented = nil
    write(Frame(opcode: .close, payload: ByteBuffer(bytes: payload.bytes)))
  }

  /// Fails the connection (§7.1.7): sends a close frame with the failure's code if none was sent
  /// yet, stops processing input, and asks the transport to close TCP.
  private mutating func fail(_ failure: ConnectionFailure, sendClose: Bool) {
    if case .closed = phase { return }
    note("✗ failing the connection: \(failure)")
    emit(event: .failed(failure))
    var closeSent = sentClose != nil
    if sendClose && !closeSent && failure.closeCode.isValidOnWire {
      writeClose(ClosePayload(code: failure.closeCode, reason: shortReason(failure)))
      closeSent = true
    }
    finish(
      code: failure.closeCode, reason: shortReason(failure), clean: false,
      initiator: closeSent ? configuration.role : nil, because: "connection failed")
  }

  private func shortReason(_ failure: ConnectionFailure) -> String {
    switch failure {
    case .protocolViolation(let error): error.reason
    case .outboundQueueOverflow: "peer is not reading"
    default: ""
    }
  }

  /// Ends the connection: CLOSED with the outcome, the transport closes TCP (a client that
  /// finished the closing handshake is then told to wait for the server, see ``receiveClose(_:)``).
  private mutating func finish(
    code: CloseCode, reason: String, clean: Bool, initiator: Role? = nil, because transitionReason: String? = nil
  ) {
    if case .closed = phase { return }
    let who = initiator ?? (sentClose != nil ? configuration.role : nil)
    let outcome = CloseOutcome(code: code, reason: reason, wasClean: clean, initiator: who)
    enter(
      .closed(outcome, tcpDeadline: nil), transitionReason ?? (clean ? "closing handshake complete" : "connection lost")
    )
    emit(event: .closed(outcome))
  }

  /// Queues an event for the application and, when tracing, reports it next to the bytes that
  /// caused it.
  private mutating func emit(event: ConnectionEvent) {
    events.append(event)
    if let observer { observer.record(.note("app ← " + event.summary)) }
  }

  /// Moves to `newPhase`, reporting the change of ``state`` (if any) with `reason`.
  private mutating func enter(_ newPhase: Phase, _ reason: String) {
    let before = state
    phase = newPhase
    if state != before {
      observer?.record(.transition(from: before.rawValue, to: state.rawValue, reason: reason))
    }
  }

  private func note(_ text: String) {
    observer?.record(.note(text))
  }
}
