// WSLab microbenchmarks (issue 6, "Microbenchmarks"): the hot path of every sans-IO layer, measured
// with ordo-one/benchmark. Run from Benchmarks/:
//
//   swift package --scratch-path .build-micro benchmark --target Micro
//
// Every benchmark reports
//   - throughput: operations per second (an operation is named in the benchmark's name: one frame,
//     one unmask call, one message, one handshake...; the inner loop runs `scalingFactor` of them
//     per measured iteration, so the per-operation figures are exact and not clock-bound);
//   - wallClock per operation;
//   - mallocCountTotal per operation (the MallocInterposer trait counts every malloc);
// and the byte-oriented ones also a custom metric "MB/s" (10^6 bytes of input per second, measured
// over one iteration with ContinuousClock). Results and the targets they are held against are in
// Benchmarks/MICRO.md.

import Benchmark
import Connection
import Deflate
import Framing
import Handshake
import NIOCore
import Trace

// MARK: - Inputs

/// Bytes of input per second, in units of 10^6 (so 8000 is 8 GB/s).
let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)
/// Compressed size of one message, for the deflate benchmarks.
let compressedBytes = BenchmarkMetric.custom("wire bytes/msg", polarity: .prefersSmaller, useScalingFactor: false)

let maskingKey = MaskingKey(0x37, 0xfa, 0x21, 0x3d)

/// A deterministic byte pattern (not all zeros, so nothing is special-cased by accident).
func pattern(_ count: Int) -> [UInt8] {
  var random = SeededRandom(seed: 6)
  return (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
}

/// `count` bytes of printable ASCII prose.
func asciiText(_ count: Int) -> [UInt8] {
  let words = Array("The quick brown fox jumps over the lazy dog; WebSocket frames are masked by clients. ".utf8)
  return (0..<count).map { words[$0 % words.count] }
}

/// `count` bytes of mixed text: CJK (3-byte), emoji (4-byte), accented Latin (2-byte) and ASCII,
/// cut at a character boundary and padded with ASCII to the exact size.
func mixedText(_ count: Int) -> [UInt8] {
  let piece = Array("漢字とかな混じりの文 🙂🚀 naïve café — 한국어 텍스트 😀 Ωμέγα, ok. ".utf8)
  var out: [UInt8] = []
  out.reserveCapacity(count)
  while out.count + piece.count <= count { out.append(contentsOf: piece) }
  while out.count < count { out.append(0x20) }
  return out
}

/// Words for chat text: 400 pseudo-words of 2 to 4 syllables, the same on every run.
let vocabulary: [String] = {
  let syllables = [
    "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "be", "da", "fi", "go", "ha", "ji", "ku", "le", "ma", "no",
    "pe", "ri", "so", "tu", "wa", "ze", "an", "el", "in", "or", "us", "str", "ght", "ion",
  ]
  var random = SeededRandom(seed: 42)
  return (0..<400).map { _ in
    (0..<(2 + Int(random.next() % 3))).map { _ in syllables[Int(random.next() % UInt64(syllables.count))] }.joined()
  }
}()

/// A JSON chat message of exactly 1024 bytes. `n` varies the ids, the time stamp and the text
/// (random words from ``vocabulary``), so that consecutive messages share their structure and
/// their words, as real chat traffic does, but not their sentences.
func chatMessage(_ n: Int) -> [UInt8] {
  let users = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]
  let user = users[n % users.count]
  let prefix =
    "{\"type\":\"message\",\"id\":\(100_000 + n),\"room\":\"general\",\"user\":{\"name\":\"\(user)\","
    + "\"id\":\(n % users.count + 1),\"avatar\":\"https://example.com/a/\(user).png\"},"
    + "\"sentAt\":\"2025-11-25T17:\(10 + n % 50):\(10 + n % 49).\(100 + n % 900)Z\",\"text\":\""
  let suffix = "\",\"mentions\":[],\"reactions\":{\"+1\":\(n % 7),\"heart\":\(n % 3)}}"
  let room = 1024 - prefix.utf8.count - suffix.utf8.count
  var random = SeededRandom(seed: UInt64(n) &* 7919 &+ 1)
  var text = ""
  while text.utf8.count < room {
    var word = vocabulary[Int(random.next() % UInt64(vocabulary.count))]
    if random.next() % 9 == 0 { word += "," }
    if random.next() % 13 == 0 { word += "." }
    text += word + " "
  }
  let bytes = Array(prefix.utf8) + Array(text.utf8.prefix(room)) + Array(suffix.utf8)
  precondition(bytes.count == 1024)
  return bytes
}

/// A complete client frame: header, masking key and masked payload, as it arrives at a server.
func maskedFrame(opcode: Opcode, payload: [UInt8]) -> [UInt8] {
  FrameEncoder().frameBytes(opcode: opcode, maskingKey: maskingKey, payload: payload)
}

/// The request head Chromium 156 sent (Benchmarks use their own copy of
/// shared/fixtures/handshakes/chromium-156.http so they run anywhere).
let chromiumRequest: [UInt8] = Array(
  ([
    "GET /chat?room=1 HTTP/1.1",
    "Host: 127.0.0.1:18504",
    "Connection: Upgrade",
    "Pragma: no-cache",
    "Cache-Control: no-cache",
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
    "Upgrade: websocket",
    "Origin: null",
    "Sec-WebSocket-Version: 13",
    "Accept-Encoding: gzip, deflate, br, zstd",
    "Accept-Language: en-US,en;q=0.9",
    "Sec-WebSocket-Key: sgJVrwQONiyyMipD0XMDHQ==",
    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
    "Sec-WebSocket-Protocol: chat, superchat",
    "", "",
  ].joined(separator: "\r\n")).utf8)

/// The policy a chat server would run: one subprotocol, permessage-deflate accepted.
let serverPolicy: ServerHandshakePolicy = {
  let deflate = DeflateOptions()
  return ServerHandshakePolicy(
    subprotocols: ["chat"],
    extensionNegotiator: { offers in
      PerMessageDeflateNegotiation.accept(offers: offers, options: deflate).response.map { [$0] } ?? []
    })
}()

/// Mutable state kept across the iterations of one benchmark (the runner is single-threaded).
final class Box<T>: @unchecked Sendable {
  var value: T
  init(_ value: T) { self.value = value }
}

/// Moves the buffer out of `buffers[i]`, leaving an empty one, so that the caller holds the only
/// reference (unmasking in place then needs no copy-on-write).
@inline(__always)
func take(_ buffers: inout [ByteBuffer], _ i: Int) -> ByteBuffer {
  var out = ByteBuffer()
  swap(&out, &buffers[i])
  return out
}

/// Runs `body` and records the bytes per second it achieved over `bytes` bytes.
@inline(__always)
func timed(_ benchmark: Benchmark, bytes: Int, _ body: () -> Void) {
  let clock = ContinuousClock()
  let start = clock.now
  body()
  let elapsed = clock.now - start
  let ns = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
  if ns > 0 { benchmark.measurement(megabytesPerSecond, Int(Double(bytes) * 1e3 / ns)) }
}

// MARK: - Benchmarks

let benchmarks: @Sendable () -> Void = {
  let metrics: [BenchmarkMetric] = [.throughput, .wallClock, .mallocCountTotal]
  let byteMetrics = metrics + [megabytesPerSecond]
  Benchmark.defaultConfiguration = .init(
    metrics: metrics, timeUnits: .nanoseconds, warmupIterations: 3, maxDuration: .milliseconds(300),
    maxIterations: 10_000)

  func config(_ scale: BenchmarkScalingFactor, bytes: Bool = false, extra: [BenchmarkMetric] = [])
    -> Benchmark.Configuration
  {
    .init(metrics: (bytes ? byteMetrics : metrics) + extra, scalingFactor: scale)
  }

  // MARK: Frame header

  // A client's header for a 1 KiB text frame: 16-bit length and masking key (8 bytes).
  Benchmark("header encode (8 B, masked, 16-bit length)", configuration: config(.kilo)) { benchmark in
    var buffer = ByteBuffer()
    buffer.reserveCapacity(16)
    let header = FrameHeader(opcode: .text, maskingKey: maskingKey, payloadLength: 1024)
    benchmark.startMeasurement()
    for i in benchmark.scaledIterations {
      buffer.clear()
      var h = header
      h.payloadLength = 1000 + (i & 63)  // not a constant the optimizer can fold
      h.write(to: &buffer)
      blackHole(buffer.writerIndex)
    }
  }

  // Header decode through the real decoder: 1000 unmasked server frames (the client side, so no
  // unmasking), 16-bit length, 128 B payload each, in one receive buffer. One op = one next().
  do {
    let frame = FrameEncoder().frameBytes(opcode: .binary, payload: pattern(128))
    let burst = ByteBuffer(bytes: Array([[UInt8]](repeating: frame, count: 1000).joined()))
    Benchmark("header decode (FrameDecoder.next, 16-bit length, unmasked)", configuration: config(.kilo)) {
      benchmark in
      var decoder = FrameDecoder(role: .client)
      benchmark.startMeasurement()
      decoder.append(burst)
      var n = 0
      while let f = try? decoder.next() {
        n &+= f.payload.readableBytes
      }
      blackHole(n)
      if n != 128_000 { benchmark.error("decoded \(n) bytes") }
    }
  }

  // A whole client frame encoded: header, 1 KiB payload copied and masked in place.
  do {
    let payload = ByteBuffer(bytes: chatMessage(0))
    Benchmark("frame encode 1 KiB masked (FrameEncoder, reused buffer)", configuration: config(.kilo, bytes: true)) {
      benchmark in
      let encoder = FrameEncoder()
      var out = ByteBuffer()
      out.reserveCapacity(2048)
      benchmark.startMeasurement()
      timed(benchmark, bytes: 1024 * 1000) {
        for _ in benchmark.scaledIterations {
          out.clear()
          encoder.encode(opcode: .text, maskingKey: maskingKey, payload: payload, into: &out)
          blackHole(out.writerIndex)
        }
      }
    }
  }

  // MARK: Unmasking

  for (size, label, scale) in [
    (16, "16 B", BenchmarkScalingFactor.kilo), (1024, "1 KiB", .kilo), (64 << 10, "64 KiB", .kilo),
    (1 << 20, "1 MiB", .one),
  ] {
    let data = Box(pattern(size))
    Benchmark("unmask \(label) (MaskingKey.apply, fast path)", configuration: config(scale, bytes: true)) {
      benchmark in
      let ops = benchmark.scaledIterations.count
      data.value.withUnsafeMutableBytes { raw in
        benchmark.startMeasurement()
        timed(benchmark, bytes: size * ops) {
          for i in benchmark.scaledIterations {
            maskingKey.apply(to: raw, offset: i & 3)
          }
        }
        blackHole(raw[size - 1])
      }
    }
  }

  do {
    let size = 64 << 10
    let data = Box(pattern(size))
    Benchmark("unmask 64 KiB (applyByteByByte, reference)", configuration: config(.one, bytes: true)) { benchmark in
      data.value.withUnsafeMutableBytes { raw in
        benchmark.startMeasurement()
        timed(benchmark, bytes: size) {
          maskingKey.applyByteByByte(to: raw, offset: 0)
        }
        blackHole(raw[size - 1])
      }
    }
  }

  // MARK: UTF-8 validation

  for (name, bytes) in [("1 MiB ASCII", asciiText(1 << 20)), ("1 MiB mixed CJK/emoji", mixedText(1 << 20))] {
    // Self-check, outside the measurement: the validator really walks to the end (a bad byte
    // 3 bytes before the end is found exactly there).
    var broken = bytes
    broken[broken.count - 3] = 0xff
    var check = UTF8Validator()
    let found = broken.withUnsafeBytes { check.validate($0) }
    Benchmark("UTF-8 validate \(name)", configuration: config(.one, bytes: true)) { benchmark in
      if found != bytes.count - 3 {
        benchmark.error("invalid byte at \(bytes.count - 3) reported at \(String(describing: found))")
      }
      bytes.withUnsafeBytes { raw in
        var validator = UTF8Validator()
        benchmark.startMeasurement()
        timed(benchmark, bytes: raw.count) {
          let bad = validator.validate(raw)
          blackHole(bad)
          blackHole(validator.isComplete)
        }
        if !validator.isComplete { benchmark.error("not valid") }
      }
    }
  }

  do {
    // 1000 different 32-byte messages (ASCII and mixed), one validator reset per message.
    let ascii = asciiText(32 * 1000 + 7)
    let messages = (0..<1000).map { i -> [UInt8] in
      i % 2 == 0 ? Array(ascii[(i * 7)..<(i * 7 + 32)]) : mixedText(32)
    }
    let flat = Array(messages.joined())
    Benchmark("UTF-8 validate 32 B messages (reset per message)", configuration: config(.kilo, bytes: true)) {
      benchmark in
      flat.withUnsafeBytes { raw in
        var validator = UTF8Validator()
        var failures = 0
        benchmark.startMeasurement()
        timed(benchmark, bytes: raw.count) {
          for i in benchmark.scaledIterations {
            validator.reset()
            if validator.validate(UnsafeRawBufferPointer(rebasing: raw[(i * 32)..<(i * 32 + 32)])) != nil
              || !validator.isComplete
            {
              failures &+= 1
            }
          }
        }
        if failures != 0 { benchmark.error("\(failures) invalid") }
      }
    }
  }

  // MARK: Decode path: bytes of one 1 KiB masked frame in, one message out

  // One receive buffer per frame (the worst case: a read that holds exactly one frame, as in
  // ping-pong). The buffers are made before the measurement starts, each with its own storage,
  // and handed over with no other reference, so the decoder unmasks in place with no copy: what
  // the measurement sees is exactly FrameDecoder + MessageAssembler.
  for (opcode, kind) in [(Opcode.text, "text"), (.binary, "binary")] {
    for traced in [false, true] {
      let wire = maskedFrame(opcode: opcode, payload: chatMessage(1))
      let name =
        "decode 1 KiB masked \(kind) frame -> message (FrameDecoder+MessageAssembler, observer \(traced ? "TraceLog" : "nil"))"
      Benchmark(name, configuration: config(.kilo, bytes: true)) { benchmark in
        let n = benchmark.scaledIterations.count
        var buffers = (0..<n).map { _ in ByteBuffer(bytes: wire) }
        let log = TraceLog()
        var decoder = FrameDecoder(role: .server, observer: traced ? log : nil)
        var assembler = MessageAssembler()
        var bytes = 0
        benchmark.startMeasurement()
        timed(benchmark, bytes: 1024 * n) {
          for i in 0..<n {
            decoder.append(take(&buffers, i))
            do {
              while let frame = try decoder.next() {
                if let message = try assembler.append(frame) {
                  switch message {
                  case .text(let s): bytes &+= s.utf8.count
                  case .binary(let b): bytes &+= b.readableBytes
                  default: break
                  }
                }
              }
            } catch {
              benchmark.error("\(error)")
              return
            }
          }
        }
        benchmark.stopMeasurement()
        blackHole(bytes)
        if bytes != 1024 * n { benchmark.error("decoded \(bytes) bytes") }
        if traced && log.records.count != n { benchmark.error("traced \(log.records.count) frames") }
      }
    }
  }

  // The same frames through the whole sans-IO server stack: Connection.receive + nextEvent.
  for (opcode, kind) in [(Opcode.text, "text"), (.binary, "binary")] {
    let wire = maskedFrame(opcode: opcode, payload: chatMessage(1))
    Benchmark(
      "decode 1 KiB masked \(kind) frame -> event (Connection.receive+nextEvent, caller holds the read buffer)",
      configuration: config(.kilo, bytes: true)
    ) {
      benchmark in
      let n = benchmark.scaledIterations.count
      var buffers = (0..<n).map { _ in ByteBuffer(bytes: wire) }
      var connection = Connection(openWith: Connection.Configuration(role: .server))
      var bytes = 0
      // One frame first, so the event queue has its capacity before the measurement.
      connection.receive(ByteBuffer(bytes: wire))
      while connection.nextEvent() != nil {}
      benchmark.startMeasurement()
      timed(benchmark, bytes: 1024 * n) {
        for i in 0..<n {
          connection.receive(take(&buffers, i))
          while let event = connection.nextEvent() {
            switch event {
            case .text(let s): bytes &+= s.utf8.count
            case .binary(let b): bytes &+= b.readableBytes
            default: break
            }
          }
        }
      }
      benchmark.stopMeasurement()
      blackHole(bytes)
      if bytes != 1024 * n { benchmark.error("decoded \(bytes) bytes") }
    }
  }

  // MARK: Handshake

  Benchmark("handshake: parse Chromium request head (HTTPRequestParser.feed)", configuration: config(.kilo)) {
    benchmark in
    for _ in benchmark.scaledIterations {
      var parser = HTTPRequestParser()
      let completed = try? parser.feed(chromiumRequest)
      blackHole(completed)
    }
  }

  do {
    var parser = HTTPRequestParser()
    let head = try! parser.feed(chromiumRequest)!.head
    Benchmark("handshake: validate + build 101 (ServerHandshake.validate)", configuration: config(.kilo)) {
      benchmark in
      let handshake = ServerHandshake(policy: serverPolicy)
      for _ in benchmark.scaledIterations {
        blackHole(try? handshake.validate(head))
      }
    }
  }

  Benchmark("handshake: request in, 101 out (ServerHandshake.feed)", configuration: config(.kilo)) { benchmark in
    var accepted = 0
    for _ in benchmark.scaledIterations {
      var handshake = ServerHandshake(policy: serverPolicy)
      if case .accept(let a) = handshake.feed(chromiumRequest) {
        accepted &+= a.responseBytes.count > 0 ? 1 : 0
      }
    }
    blackHole(accepted)
    if accepted != benchmark.scaledIterations.count { benchmark.error("rejected") }
  }

  // MARK: permessage-deflate

  // 1000 distinct 1 KiB JSON chat messages, deflated (the server sending) and inflated (the
  // server receiving, from a client that compressed them in this order), with and without context
  // takeover. The zlib streams live as long as the benchmark, as they live as long as a
  // connection; inflate gets a fresh codec per iteration (its history must match the sender's),
  // primed with message 0 before the measurement starts.
  let chat = (0...1000).map { ByteBuffer(bytes: chatMessage($0)) }
  for takeover in [true, false] {
    let parameters = DeflateParameters(serverNoContextTakeover: !takeover, clientNoContextTakeover: !takeover)
    let label = takeover ? "context takeover" : "no context takeover"

    let sender = Box(PerMessageDeflate(parameters: parameters, isServer: true))
    Benchmark("deflate 1 KiB JSON (\(label))", configuration: config(.kilo, bytes: true, extra: [compressedBytes])) {
      benchmark in
      var wireBytes = 0
      benchmark.startMeasurement()
      timed(benchmark, bytes: 1024 * benchmark.scaledIterations.count) {
        for i in benchmark.scaledIterations {
          guard let out = try? sender.value.compress(chat[i + 1], isLast: true) else { return }
          wireBytes &+= out.readableBytes
        }
      }
      benchmark.stopMeasurement()
      benchmark.measurement(compressedBytes, wireBytes / benchmark.scaledIterations.count)
    }

    let client = PerMessageDeflate(parameters: parameters, isServer: false)
    let compressed = chat.map { try! client.compress($0, isLast: true) }
    Benchmark("inflate 1 KiB JSON (\(label))", configuration: config(.kilo, bytes: true, extra: [compressedBytes])) {
      benchmark in
      let receiver = PerMessageDeflate(parameters: parameters, isServer: true)
      _ = try? receiver.decompress(compressed[0], isLast: true)
      var inflated = 0
      benchmark.startMeasurement()
      timed(benchmark, bytes: 1024 * benchmark.scaledIterations.count) {
        for i in benchmark.scaledIterations {
          guard let out = try? receiver.decompress(compressed[i + 1], isLast: true) else { return }
          inflated &+= out.readableBytes
        }
      }
      benchmark.stopMeasurement()
      benchmark.measurement(
        compressedBytes, compressed[1...].reduce(0) { $0 + $1.readableBytes } / benchmark.scaledIterations.count)
      if inflated != 1024 * benchmark.scaledIterations.count { benchmark.error("inflated \(inflated) bytes") }
    }
  }
}
