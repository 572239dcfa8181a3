import CZlib
import NIOCore

/// Why zlib could not go on.
public enum DeflateError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The message inflates beyond the cap: stopped before producing more than `limit` bytes.
  case messageTooBig(limit: Int)
  /// The compressed bytes are not a valid raw DEFLATE stream.
  case corrupt(String)
  /// zlib refused a setting or ran out of memory (our side, not the peer's).
  case zlib(String)

  public var description: String {
    switch self {
    case .messageTooBig(let limit): "message inflates to more than \(limit) bytes"
    case .corrupt(let why): "invalid DEFLATE data: \(why)"
    case .zlib(let why): "zlib: \(why)"
    }
  }
}

/// zlib's own message for the last error of a stream, or the return code.
private func zlibMessage(_ stream: UnsafeMutablePointer<z_stream>, _ code: Int32) -> String {
  if let msg = stream.pointee.msg { return String(cString: msg) }
  return "return code \(code)"
}

/// A raw-deflate compressor (RFC 1951 without a zlib wrapper), kept for a whole connection.
///
/// The `z_stream` lives on the heap because zlib keeps a pointer back to it. Memory: about
/// `2^(windowBits+2) + 2^(memLevel+9)` bytes (256 KiB at 15 and 8), allocated once.
final class Compressor {
  private let stream: UnsafeMutablePointer<z_stream>
  let windowBits: Int

  init(level: Int, windowBits: Int, memLevel: Int) throws(DeflateError) {
    stream = .allocate(capacity: 1)
    stream.initialize(to: z_stream())
    self.windowBits = windowBits
    // Negative window bits: raw deflate, no header or checksum (RFC 7692 §7.2.1).
    let rc = wslab_deflateInit2(stream, Int32(level), -Int32(windowBits), Int32(memLevel))
    guard rc == Z_OK else {
      stream.deinitialize(count: 1)
      stream.deallocate()
      throw .zlib("deflateInit2(level \(level), windowBits -\(windowBits), memLevel \(memLevel)) returned \(rc)")
    }
  }

  deinit {
    deflateEnd(stream)
    stream.deinitialize(count: 1)
    stream.deallocate()
  }

  /// Compresses `input` and appends the output to `output`, ending with a sync flush (so the
  /// output ends with the empty stored block `00 00 ff ff`, RFC 7692 §7.2.1).
  func compress(_ input: ByteBuffer, into output: inout ByteBuffer) throws(DeflateError) {
    var rc: Int32 = Z_OK
    input.withUnsafeReadableBytes { inBytes in
      stream.pointee.next_in = UnsafeMutablePointer(
        mutating: inBytes.baseAddress?.assumingMemoryBound(to: Bytef.self))
      stream.pointee.avail_in = UInt32(inBytes.count)
      repeat {
        let room = max(64, inBytes.count / 2 + 64)
        output.writeWithUnsafeMutableBytes(minimumWritableBytes: room) { out in
          stream.pointee.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
          stream.pointee.avail_out = UInt32(out.count)
          rc = deflate(stream, Z_SYNC_FLUSH)
          return out.count - Int(stream.pointee.avail_out)
        }
        // With Z_SYNC_FLUSH, deflate is done once it leaves output space unused (zlib manual).
      } while rc == Z_OK && stream.pointee.avail_out == 0
      stream.pointee.next_in = nil
    }
    guard rc == Z_OK || rc == Z_BUF_ERROR else { throw .zlib("deflate: " + zlibMessage(stream, rc)) }
  }

  /// Forgets the history (no context takeover), keeping the allocated memory.
  func reset() {
    deflateReset(stream)
  }
}

/// A raw-inflate decompressor kept for a whole connection, with a cap on what one message may
/// inflate to. Memory: about `2^windowBits` bytes plus 7 KiB, allocated once.
final class Decompressor {
  private let stream: UnsafeMutablePointer<z_stream>
  /// True after a block with BFINAL=1: the stream must be reset before the next message.
  private(set) var finished = false

  init(windowBits: Int) throws(DeflateError) {
    stream = .allocate(capacity: 1)
    stream.initialize(to: z_stream())
    let rc = wslab_inflateInit2(stream, -Int32(windowBits))
    guard rc == Z_OK else {
      stream.deinitialize(count: 1)
      stream.deallocate()
      throw .zlib("inflateInit2(windowBits -\(windowBits)) returned \(rc)")
    }
  }

  deinit {
    inflateEnd(stream)
    stream.deinitialize(count: 1)
    stream.deallocate()
  }

  /// Inflates `input`, appending to `output`, and fails as soon as `output` would exceed
  /// `limit` bytes: output is produced in bounded chunks, never more than `limit + 1` bytes in
  /// total, so a decompression bomb costs at most the cap.
  func decompress(_ input: ByteBuffer, into output: inout ByteBuffer, limit: Int) throws(DeflateError) {
    guard !finished else {
      // Data after a final block within the same message: RFC 7692 §7.2.3.4 allows BFINAL=1
      // only at the end; what follows (the 00 00 ff ff we appended) is ignored.
      return
    }
    var rc: Int32 = Z_OK
    var overflow = false
    input.withUnsafeReadableBytes { inBytes in
      stream.pointee.next_in = UnsafeMutablePointer(
        mutating: inBytes.baseAddress?.assumingMemoryBound(to: Bytef.self))
      stream.pointee.avail_in = UInt32(inBytes.count)
      while true {
        let remaining = limit - output.readableBytes
        // One byte beyond the limit tells "over the limit" from "exactly at it". Start near the
        // likely size (compressed text inflates a few times over) and grow up to 64 KiB steps.
        let guess = max(256, input.readableBytes * 4, output.readableBytes)
        let chunk = min(64 * 1024, guess, max(1, remaining + 1))
        var produced = 0
        output.writeWithUnsafeMutableBytes(minimumWritableBytes: chunk) { out in
          stream.pointee.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
          stream.pointee.avail_out = UInt32(chunk)
          rc = inflate(stream, Z_SYNC_FLUSH)
          produced = chunk - Int(stream.pointee.avail_out)
          return produced
        }
        if output.readableBytes > limit {
          overflow = true
          break
        }
        if rc == Z_STREAM_END {
          finished = true
          break
        }
        guard rc == Z_OK else { break }
        // Done when all input is consumed and the output chunk was not filled.
        if stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 { break }
      }
      stream.pointee.next_in = nil
    }
    if overflow { throw .messageTooBig(limit: limit) }
    switch rc {
    case Z_OK, Z_STREAM_END, Z_BUF_ERROR: return  // Z_BUF_ERROR: no progress possible, input used up
    case Z_DATA_ERROR, Z_NEED_DICT: throw .corrupt(zlibMessage(stream, rc))
    default: throw .zlib("inflate: " + zlibMessage(stream, rc))
    }
  }

  /// Whether inflate stopped between two blocks (zlib reports mode TYPE as bit 128 of
  /// `data_type`). A message, once its `00 00 ff ff` tail is appended back, must end there; a
  /// message that ends inside a block was truncated.
  var atBlockBoundary: Bool { finished || stream.pointee.data_type & 128 != 0 }

  /// Forgets the history (no context takeover, or after a final block).
  func reset() {
    inflateReset(stream)
    finished = false
  }
}
