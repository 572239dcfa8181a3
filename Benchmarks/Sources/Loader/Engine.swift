// The load engine: raw SwiftNIO channels, one event loop (the loader's core), no WSLab client
// API on the hot path. Each connection keeps W messages in flight: every echo that completes
// sends the next message.
//   ws        fixed HTTP Upgrade request (101 checked), then binary frames masked with a fresh
//             key per frame (RFC 6455 §5.3; one fused copy+XOR pass); echoes are counted by
//             parsing frame headers and skipping payloads (server frames are not masked)
//   tcp       the same payload bytes over raw TCP; an echo is `payload` bytes back
//   longpoll  POST /poll/send then GET /poll/recv on a keep-alive HTTP/1.1 connection; HTTP/1.1
//             has no multiplexing, so W in flight needs W connections (each its own client id)
import Foundation
import Histogram
import NIOCore
import NIOPosix

enum LoadMode: String, CaseIterable {
  case ws, tcp, longpoll
}

/// Shared by every handler of a run; touched only on the loader's event loop.
final class RunState: @unchecked Sendable {
  var messages = 0
  var errors = 0
  var running = false
  var recording = false
  /// The first unexpected HTTP status (long polling), for the error message.
  var firstBadStatus: Int?
  var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
}

/// The bytes every message carries (not all zero, so nothing special-cases them).
final class PayloadSource: @unchecked Sendable {
  let count: Int
  let pointer: UnsafeMutableRawBufferPointer
  let buffer: ByteBuffer

  init(count: Int) {
    self.count = count
    pointer = .allocate(byteCount: max(count, 1), alignment: 16)
    for i in 0..<count { pointer[i] = UInt8(truncatingIfNeeded: 0x41 &+ (i % 26)) }
    buffer = ByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: pointer[0..<count]))
  }
}

@inline(__always)
func monotonicNanoseconds() -> UInt64 {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// dst[i] = src[i] ^ key[i % 4], 64 bytes per step (SIMD), then words, then bytes.
@inline(__always)
func maskCopy(from src: UnsafeRawPointer, to dst: UnsafeMutableRawPointer, count: Int, key: UInt32) {
  let key64 = UInt64(key) | UInt64(key) << 32
  var i = 0
  if count >= 64 {
    let k = SIMD2<UInt64>(repeating: key64)
    repeat {
      let a = src.loadUnaligned(fromByteOffset: i, as: SIMD2<UInt64>.self)
      let b = src.loadUnaligned(fromByteOffset: i &+ 16, as: SIMD2<UInt64>.self)
      let c = src.loadUnaligned(fromByteOffset: i &+ 32, as: SIMD2<UInt64>.self)
      let d = src.loadUnaligned(fromByteOffset: i &+ 48, as: SIMD2<UInt64>.self)
      dst.storeBytes(of: a ^ k, toByteOffset: i, as: SIMD2<UInt64>.self)
      dst.storeBytes(of: b ^ k, toByteOffset: i &+ 16, as: SIMD2<UInt64>.self)
      dst.storeBytes(of: c ^ k, toByteOffset: i &+ 32, as: SIMD2<UInt64>.self)
      dst.storeBytes(of: d ^ k, toByteOffset: i &+ 48, as: SIMD2<UInt64>.self)
      i &+= 64
    } while count &- i >= 64
  }
  while count &- i >= 8 {
    dst.storeBytes(of: src.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ key64, toByteOffset: i, as: UInt64.self)
    i &+= 8
  }
  var k = key64
  while i < count {
    // Little-endian: the low byte of the key word is key octet (i % 4); i is a multiple of 4 here onwards.
    dst.storeBytes(of: src.load(fromByteOffset: i, as: UInt8.self) ^ UInt8(truncatingIfNeeded: k), toByteOffset: i, as: UInt8.self)
    k >>= 8
    i &+= 1
  }
}

final class LoadHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  private enum Phase { case handshaking, open, failed }

  let mode: LoadMode
  let state: RunState
  let source: PayloadSource
  let inFlight: Int
  let ready: EventLoopPromise<Void>
  private var phase: Phase
  private var context: ChannelHandlerContext?
  private var rng: UInt64
  private var needsFlush = false
  private var sendBuffers: [ByteBuffer]
  private var sendSlot = 0
  /// Send times of the messages in flight, oldest first (ping-pong only records with W = 1).
  private var sentAt: UInt64 = 0

  // ws receive state
  private var header: [UInt8] = []
  private var skip = 0
  private var skipIsData = false
  private var skipFin = false
  private var handshakeBuffer: ByteBuffer?
  // tcp receive state
  private var received = 0
  // long-polling state
  private let postRequest: ByteBuffer?
  private let getRequest: ByteBuffer?
  private var awaitingGet = false
  private var draining = false
  private var drains = 0
  private var httpHead: [UInt8] = []
  private var httpStatus = 0
  private var bodyLeft = -1

  init(mode: LoadMode, state: RunState, source: PayloadSource, inFlight: Int, clientID: String, port: Int, ready: EventLoopPromise<Void>) {
    self.mode = mode
    self.state = state
    self.source = source
    self.inFlight = inFlight
    self.ready = ready
    self.phase = mode == .ws ? .handshaking : .open
    self.sendBuffers = Array(repeating: ByteBuffer(), count: max(1, inFlight) + 1)
    self.rng = 0x9E37_79B9_7F4A_7C15 ^ UInt64(UInt(bitPattern: clientID.hashValue))
    if mode == .longpoll {
      var post = ByteBuffer()
      post.writeString(
        "POST /poll/send?client=\(clientID) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/octet-stream\r\nContent-Length: \(source.count)\r\n\r\n")
      var body = source.buffer
      post.writeBuffer(&body)
      postRequest = post
      getRequest = ByteBuffer(string: "GET /poll/recv?client=\(clientID) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n")
    } else {
      postRequest = nil
      getRequest = nil
    }
  }

  func handlerAdded(context: ChannelHandlerContext) { self.context = context }
  func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

  func channelActive(context: ChannelHandlerContext) {
    switch mode {
    case .ws:
      // A fixed opening handshake (RFC 6455 §1.3's sample key: the accept value is known).
      let request =
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
      handshakeBuffer = context.channel.allocator.buffer(capacity: 256)
      context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: request)), promise: nil)
    case .tcp, .longpoll:
      ready.succeed(())
    }
    context.fireChannelActive()
  }

  func channelInactive(context: ChannelHandlerContext) {
    if state.running, phase != .failed { state.errors += 1 }
    phase = .failed
    ready.fail(LoaderError.closed)
  }

  func errorCaught(context: ChannelHandlerContext, error: Error) {
    ready.fail(error)
    context.close(promise: nil)
  }

  /// Puts the first W messages in flight.
  func start() {
    guard let context, phase == .open else { return }
    for _ in 0..<inFlight { sendOne(context: context) }
    if needsFlush {
      needsFlush = false
      context.flush()
    }
  }

  private func nextKey() -> UInt32 {
    rng ^= rng << 13
    rng ^= rng >> 7
    rng ^= rng << 17
    return UInt32(truncatingIfNeeded: rng)
  }

  private func sendOne(context: ChannelHandlerContext) {
    if inFlight == 1 { sentAt = monotonicNanoseconds() }
    switch mode {
    case .ws:
      let length = source.count
      // Reuse this slot's buffer: the frame it held was written long ago (its echo came back),
      // so the buffer is uniquely ours again and clear() keeps its storage (no malloc, no page
      // faults per message). If NIO still held it, copy-on-write would allocate: still correct.
      var frame = sendBuffers[sendSlot]
      sendBuffers[sendSlot] = ByteBuffer()
      frame.clear()
      frame.reserveCapacity(length + 14)
      let key = nextKey()
      if length <= 125 {
        frame.writeMultipleIntegers(UInt8(0x82), UInt8(0x80 | length))
      } else if length <= 0xffff {
        frame.writeMultipleIntegers(UInt8(0x82), UInt8(0x80 | 126), UInt16(length))
      } else {
        frame.writeMultipleIntegers(UInt8(0x82), UInt8(0x80 | 127), UInt64(length))
      }
      frame.writeInteger(key, endianness: .little)  // key octets in wire order = the word's memory order
      let src = UnsafeRawPointer(source.pointer.baseAddress!)
      frame.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { dst in
        maskCopy(from: src, to: dst.baseAddress!, count: length, key: key)
        return length
      }
      sendBuffers[sendSlot] = frame
      sendSlot = sendSlot + 1 == sendBuffers.count ? 0 : sendSlot + 1
      context.write(wrapOutboundOut(frame), promise: nil)
    case .tcp:
      context.write(wrapOutboundOut(source.buffer), promise: nil)
    case .longpoll:
      awaitingGet = false
      context.write(wrapOutboundOut(postRequest!), promise: nil)
    }
    needsFlush = true
  }

  private func echoed(context: ChannelHandlerContext) {
    state.messages &+= 1
    if state.recording, inFlight == 1 {
      _ = state.histogram.record(monotonicNanoseconds() &- sentAt)
    }
    if state.running { sendOne(context: context) }
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    var buffer = unwrapInboundIn(data)
    switch mode {
    case .ws:
      if phase == .handshaking {
        handshakeBuffer!.writeBuffer(&buffer)
        let view = handshakeBuffer!.readableBytesView
        guard let end = view.firstRange(of: [13, 10, 13, 10]) else {
          if view.count > 8192 { fail(context) }
          return
        }
        let head = String(decoding: view[..<end.upperBound], as: UTF8.self)
        guard head.hasPrefix("HTTP/1.1 101") else {
          FileHandle.standardError.write(Data("loader: handshake refused: \(head.prefix(80))\n".utf8))
          fail(context)
          return
        }
        handshakeBuffer!.moveReaderIndex(forwardBy: end.upperBound - view.startIndex)
        buffer = handshakeBuffer!
        handshakeBuffer = nil
        phase = .open
        ready.succeed(())
      }
      if phase == .open { readFrames(&buffer, context: context) }
    case .tcp:
      received &+= buffer.readableBytes
      while received >= source.count {
        received &-= source.count
        echoed(context: context)
      }
    case .longpoll:
      readHTTP(&buffer, context: context)
    }
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    if needsFlush {
      needsFlush = false
      context.flush()
    }
  }

  private func fail(_ context: ChannelHandlerContext) {
    phase = .failed
    state.errors += 1
    ready.fail(LoaderError.handshake)
    context.close(promise: nil)
  }

  /// Counts complete data messages; payload bytes are skipped, not copied.
  private func readFrames(_ buffer: inout ByteBuffer, context: ChannelHandlerContext) {
    while buffer.readableBytes > 0 {
      if skip > 0 {
        let n = min(skip, buffer.readableBytes)
        buffer.moveReaderIndex(forwardBy: n)
        skip -= n
        if skip == 0 { frameDone(context: context) }
        continue
      }
      if header.isEmpty, buffer.readableBytes >= 2 {
        // Fast path: the whole header is in this read.
        let r = buffer.readerIndex
        let b0 = buffer.getInteger(at: r, as: UInt8.self)!
        let b1 = buffer.getInteger(at: r + 1, as: UInt8.self)!
        let len7 = Int(b1 & 0x7f)
        let size = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (b1 & 0x80 != 0 ? 4 : 0)
        if buffer.readableBytes >= size {
          var length = len7
          if len7 == 126 {
            length = Int(buffer.getInteger(at: r + 2, as: UInt16.self)!)
          } else if len7 == 127 {
            length = Int(buffer.getInteger(at: r + 2, as: UInt64.self)!)
          }
          buffer.moveReaderIndex(forwardBy: size)
          if !beginFrame(b0: b0, length: length, context: context) { return }
          continue
        }
      }
      // Slow path: a header split across reads.
      if header.count < 2 {
        header.append(buffer.readInteger(as: UInt8.self)!)
        continue
      }
      let len7 = Int(header[1] & 0x7f)
      let size = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (header[1] & 0x80 != 0 ? 4 : 0)
      while header.count < size, let byte = buffer.readInteger(as: UInt8.self) { header.append(byte) }
      if header.count < size { return }
      var length = len7
      if len7 == 126 {
        length = Int(header[2]) << 8 | Int(header[3])
      } else if len7 == 127 {
        length = 0
        for i in 2..<10 { length = length << 8 | Int(header[i]) }
      }
      let b0 = header[0]
      header.removeAll(keepingCapacity: true)
      if !beginFrame(b0: b0, length: length, context: context) { return }
    }
  }

  /// A frame header has been read; returns false when the connection is done.
  private func beginFrame(b0: UInt8, length: Int, context: ChannelHandlerContext) -> Bool {
    let opcode = b0 & 0x0f
    if opcode == 0x8 {
      state.errors += 1
      phase = .failed
      context.close(promise: nil)
      return false
    }
    skipFin = b0 & 0x80 != 0
    skipIsData = opcode < 0x8
    skip = length
    if skip == 0 { frameDone(context: context) }
    return true
  }

  private func frameDone(context: ChannelHandlerContext) {
    if skipIsData, skipFin { echoed(context: context) }
  }

  /// One HTTP/1.1 response at a time: head up to CRLFCRLF, then Content-Length bytes of body.
  private func readHTTP(_ buffer: inout ByteBuffer, context: ChannelHandlerContext) {
    while buffer.readableBytes > 0 {
      if bodyLeft < 0 {
        // In the head: copy bytes until the blank line.
        let view = buffer.readableBytesView
        var consumed = 0
        var complete = false
        for byte in view {
          httpHead.append(byte)
          consumed += 1
          let n = httpHead.count
          if n >= 4, byte == 10, httpHead[n - 2] == 13, httpHead[n - 3] == 10, httpHead[n - 4] == 13 {
            complete = true
            break
          }
        }
        buffer.moveReaderIndex(forwardBy: consumed)
        guard complete else { return }
        let head = String(decoding: httpHead, as: UTF8.self)
        httpHead.removeAll(keepingCapacity: true)
        httpStatus = Int(head.dropFirst(9).prefix(3)) ?? 0
        bodyLeft = 0
        for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
          bodyLeft = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) ?? 0
        }
      }
      let n = min(bodyLeft, buffer.readableBytes)
      buffer.moveReaderIndex(forwardBy: n)
      bodyLeft -= n
      if bodyLeft == 0 {
        bodyLeft = -1
        responseDone(context: context)
      }
    }
  }

  private func badStatus() {
    state.errors += 1
    if state.firstBadStatus == nil { state.firstBadStatus = httpStatus }
  }

  private func responseDone(context: ChannelHandlerContext) {
    if !awaitingGet {
      if httpStatus == 503, drains < 64 {
        drains += 1
        // "mailbox full: collect messages first": messages left over from an earlier run (stopped
        // between its POST and its GET) fill this client's mailbox. Do what a long-polling
        // client does: collect one (not counted), then post again.
        draining = true
        awaitingGet = true
        context.write(wrapOutboundOut(getRequest!), promise: nil)
        needsFlush = true
        return
      }
      guard httpStatus == 204 else {
        badStatus()
        return
      }
      draining = false
      drains = 0
      awaitingGet = true
      context.write(wrapOutboundOut(getRequest!), promise: nil)
      needsFlush = true
    } else if httpStatus == 200, draining {
      sendOne(context: context)  // the stale message is collected: post ours again
    } else if httpStatus == 200 {
      echoed(context: context)
    } else if httpStatus == 204 {
      context.write(wrapOutboundOut(getRequest!), promise: nil)  // poll timed out: ask again
      needsFlush = true
    } else {
      badStatus()
    }
  }
}

enum LoaderError: Error {
  case closed, handshake, timeout, closedEarly
  case badHandshake(String)
  case noProcess(Int32)
}

/// CPU time of a process, nanoseconds: the sum over its threads of /proc/PID/task/TID/schedstat
/// (nanosecond resolution), or utime + stime from /proc/PID/stat (clock ticks) when schedstat is
/// missing.
func processCPUNanoseconds(pid: Int32) -> Double? {
  if let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") {
    var total = 0.0
    var any = false
    for tid in tasks {
      if let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/schedstat", encoding: .utf8),
        let first = text.split(separator: " ").first, let ns = Double(first)
      {
        total += ns
        any = true
      }
    }
    if any { return total }
  }
  guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
    let close = stat.lastIndex(of: ")")
  else { return nil }
  // Fields after "(comm)": state is field 3; utime is 14, stime 15.
  let fields = stat[stat.index(after: close)...].split(separator: " ")
  guard fields.count > 13, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return nil }
  return (utime + stime) * 1e9 / Double(sysconf(Int32(_SC_CLK_TCK)))
}

func selfCPUNanoseconds() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  let user = Double(usage.ru_utime.tv_sec) * 1e9 + Double(usage.ru_utime.tv_usec) * 1e3
  let system = Double(usage.ru_stime.tv_sec) * 1e9 + Double(usage.ru_stime.tv_usec) * 1e3
  return user + system
}
